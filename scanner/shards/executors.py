"""Where shard tasks run: threads, local processes or Dask distributed, behind one interface.

``--executor`` takes ``threads[:N]`` (the default; N = ``--workers``), ``processes[:N]`` (N processes
of ``--workers`` threads... each running one task at a time per process), ``dask-local:N`` (a Dask
``LocalCluster`` of N worker processes with ``--workers`` threads each) or ``dask://HOST:PORT`` (an
existing Dask scheduler). Every executor runs top-level functions over picklable items and yields
each item with its result, or a ``TaskFailure`` when the task raised or its worker was lost: the
caller turns failures into coverage gaps, so nothing vanishes.

Worker loss: Dask reschedules a task whose worker died once (``allowed-failures: 1`` on a local
cluster; set it on your scheduler for ``dask://``) and retries a task that raised once
(``retries=1``). A local process pool that breaks (a process died) is restarted once for the tasks
it had not finished.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from ..errors import InputError

log = logging.getLogger("haguard.shards")

T = TypeVar("T")
R = TypeVar("R")
DASK_ADDRESS = re.compile(r"^dask://(?P<host>[\w.-]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})$")
EXECUTOR_HELP = "threads[:N] | processes[:N] | dask-local:N | dask://HOST:PORT"


@dataclass(frozen=True)
class ExecutorSpec:
    """A parsed ``--executor``: kind, number of workers (threads or processes) and threads per process."""

    kind: str
    workers: int
    threads: int = 1
    address: str | None = None

    @property
    def remote(self) -> bool:
        """True when tasks run in other processes (pickled arguments, no in-process hooks)."""
        return self.kind != "threads"

    @property
    def shared_filesystem(self) -> bool:
        """True when workers can read the coordinator's files (everything but ``dask://``)."""
        return self.kind != "dask"

    def describe(self) -> str:
        if self.kind == "threads":
            return f"threads:{self.workers}"
        if self.kind == "processes":
            return f"processes:{self.workers} x {self.threads} threads"
        if self.kind == "dask-local":
            return f"dask-local:{self.workers} x {self.threads} threads"
        return f"dask {self.address}"


def parse_executor(text: str, threads: int) -> ExecutorSpec:
    """``--executor`` text as an ``ExecutorSpec`` (``threads`` = ``--workers``); ``InputError`` if malformed."""
    value = text.strip()
    match = DASK_ADDRESS.match(value)
    if match:
        port = int(match["port"])
        if not 0 < port < 65536:
            raise InputError(f"--executor {text!r}: port {port} is out of range")
        return ExecutorSpec("dask", 0, threads, f"tcp://{match['host']}:{port}")
    kind, _, count = value.partition(":")
    if kind not in ("threads", "processes", "dask-local") or (count and not count.isdigit()):
        raise InputError(f"--executor {text!r}: expected {EXECUTOR_HELP}")
    if kind == "dask-local" and not count:
        raise InputError(f"--executor {text!r}: say how many workers, e.g. dask-local:2")
    default = threads if kind == "threads" else (os.cpu_count() or 1)
    workers = int(count) if count else default
    if not 1 <= workers <= 256:
        raise InputError(f"--executor {text!r}: the number of workers must be between 1 and 256")
    return ExecutorSpec(kind, workers, workers if kind == "threads" else threads)


@dataclass(frozen=True)
class TaskFailure:
    """A task that produced no result: it raised ``exception``, or its worker was lost (``lost``)."""

    error: str
    exception: BaseException | None = None
    lost: bool = False


def _failure(exc: BaseException) -> TaskFailure:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return TaskFailure(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, exc)


class Executor(ABC, Generic[T, R]):
    """Runs ``fn(item, *args)`` for each item, yielding ``(item, result | TaskFailure)`` as tasks finish."""

    def __init__(self, spec: ExecutorSpec) -> None:
        self.spec = spec

    def __enter__(self) -> Executor[T, R]:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Start the pool or cluster (idempotent)."""

    def close(self) -> None:
        """Stop what ``start`` started."""

    @abstractmethod
    def map_unordered(self, fn: Callable[..., R], items: Sequence[T], *args: Any, name: Callable[[T], str],
                      affinity: Callable[[T], str] | None = None) -> Iterator[tuple[T, R | TaskFailure]]:
        """Run every item; ``name`` labels tasks (Dask keys), ``affinity`` groups items on one worker."""

    def worker_memory(self) -> dict[str, int]:
        """Peak resident memory (bytes) of each worker process that ran tasks, when known."""
        return {}


class ThreadsExecutor(Executor[T, R]):
    """A thread pool in this process (in-process hooks and module objects work)."""

    def map_unordered(self, fn: Callable[..., R], items: Sequence[T], *args: Any, name: Callable[[T], str],
                      affinity: Callable[[T], str] | None = None) -> Iterator[tuple[T, R | TaskFailure]]:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        pool = ThreadPoolExecutor(max_workers=self.spec.workers, thread_name_prefix="haguard")
        try:
            futures = {pool.submit(fn, item, *args): item for item in items}
            for future in as_completed(futures):
                exc = future.exception()
                yield futures[future], (_failure(exc) if exc is not None else future.result())
        finally:  # a consumer that stops early (Ctrl-C, a read-only violation) starts nothing more
            pool.shutdown(wait=True, cancel_futures=True)


class ProcessesExecutor(Executor[T, R]):
    """A pool of spawned processes; a pool broken by a dying process is restarted once."""

    def map_unordered(self, fn: Callable[..., R], items: Sequence[T], *args: Any, name: Callable[[T], str],
                      affinity: Callable[[T], str] | None = None) -> Iterator[tuple[T, R | TaskFailure]]:
        from concurrent.futures.process import BrokenProcessPool

        pending = list(items)
        for attempt in range(2):
            broken: list[T] = []
            for item, outcome in self._run(fn, pending, args):
                if isinstance(outcome, TaskFailure) and isinstance(outcome.exception, BrokenProcessPool):
                    if attempt == 0:
                        broken.append(item)
                        continue
                    outcome = TaskFailure("worker process died twice", outcome.exception, lost=True)
                yield item, outcome
            if not broken:
                return
            pending = broken

    def _run(self, fn: Callable[..., R], items: Sequence[T], args: tuple[Any, ...]
             ) -> Iterator[tuple[T, R | TaskFailure]]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        pool = ProcessPoolExecutor(max_workers=self.spec.workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            futures = {pool.submit(fn, item, *args): item for item in items}
            for future in as_completed(futures):
                exc = future.exception()
                yield futures[future], (_failure(exc) if exc is not None else future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor[T, R]):
    """Dask distributed: a ``LocalCluster`` (``dask-local:N``) or an existing scheduler (``dask://``)."""

    def __init__(self, spec: ExecutorSpec) -> None:
        super().__init__(spec)
        self.client: Any = None
        self._cluster: Any = None

    def start(self) -> None:
        if self.client is not None:
            return
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError(f"--executor {self.spec.describe()}: Dask is not installed "
                             "(pip install 'haguard[dask]')") from None
        if self.spec.kind == "dask-local":
            with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                                  "distributed.worker.daemon": False}):
                self._cluster = LocalCluster(n_workers=self.spec.workers, threads_per_worker=self.spec.threads,
                                             processes=True, dashboard_address=_dashboard(),
                                             silence_logs=logging.ERROR, host="127.0.0.1")
                self.client = Client(self._cluster)
        else:
            try:
                self.client = Client(self.spec.address, timeout="10s")
            except OSError as exc:
                raise InputError(f"--executor {self.spec.describe()}: cannot reach the Dask scheduler "
                                 f"({type(exc).__name__})") from None

    @property
    def dashboard_link(self) -> str | None:
        """The Dask dashboard's URL, when it runs (it needs bokeh)."""
        from importlib.util import find_spec

        if self.client is None or find_spec("bokeh") is None:
            return None
        try:
            return str(self.client.dashboard_link)
        except Exception:  # no dashboard (bokeh missing)
            return None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map_unordered(self, fn: Callable[..., R], items: Sequence[T], *args: Any, name: Callable[[T], str],
                      affinity: Callable[[T], str] | None = None) -> Iterator[tuple[T, R | TaskFailure]]:
        from distributed import as_completed

        self.start()
        if self.spec.kind == "dask-local":  # a worker that died is being restarted: place tasks once it is back
            try:
                self.client.wait_for_workers(self.spec.workers, timeout=60)
            except TimeoutError:
                log.warning("Dask: fewer than %d workers after 60 s; placing tasks on those present", self.spec.workers)
        workers = sorted(self.client.scheduler_info()["workers"]) if affinity is not None else []
        futures = {}
        for item in items:
            placement: dict[str, Any] = {}
            if workers and affinity is not None:
                target = workers[zlib.crc32(affinity(item).encode()) % len(workers)]
                placement = {"workers": [target], "allow_other_workers": True}
            future = self.client.submit(fn, item, *args, key=name(item), retries=1, pure=False, **placement)
            futures[future] = item
        try:
            for future in as_completed(list(futures)):
                item = futures.pop(future)
                if future.status == "finished":
                    result = future.result()
                    future.release()  # the worker forgets it now: workers hold the results in flight only
                    yield item, result
                    continue
                try:
                    exc = future.exception()
                except Exception as error:  # cancelled futures raise instead of returning
                    exc = error
                failure = _failure(exc) if exc is not None else TaskFailure("task cancelled")
                if type(exc).__name__ == "KilledWorker":
                    failure = TaskFailure(f"worker lost twice while running {name(item)}", exc, lost=True)
                future.release()
                yield item, failure
        finally:
            for future in futures:
                future.release()

    def worker_memory(self) -> dict[str, int]:
        if self.client is None:
            return {}
        try:
            return {str(k): int(v) for k, v in self.client.run(_peak_rss_bytes).items()}
        except Exception:  # a worker gone: no figure rather than no report
            return {}


def _peak_rss_bytes() -> int:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _dashboard() -> str:
    """The scheduler's HTTP server (the dashboard, when bokeh is installed) on a free loopback port.

    Never Dask's default ``:8787``: two clusters on one machine (two scans, a test run beside a scan)
    would fight for it, and the second fails to start.
    """
    return "127.0.0.1:0"


def make_executor(spec: ExecutorSpec) -> Executor[Any, Any]:
    """The executor for a parsed ``--executor``."""
    if spec.kind == "threads":
        return ThreadsExecutor(spec)
    if spec.kind == "processes":
        return ProcessesExecutor(spec)
    return DaskExecutor(spec)
