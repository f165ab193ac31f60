"""The per-process state of a scan: the base session, per-account sessions, clients and budget.

Each process that runs shards (the CLI's own with the threads executor, each worker process
otherwise) keeps one ``ScanRuntime`` per scan: it assumes each account's role once (refreshing it
before expiry), creates each (account, Region, service) client once, and owns the request-budget
buckets of the shards it runs. In-process runs may add client hooks (tests) and collector module
objects that are not importable.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence
from functools import partial
from types import ModuleType
from typing import Any

from ..errors import InputError
from .budget import RequestBudget
from .credentials import AssumeRoleRefused, CallCounter, assumed_role_session
from .plan import ScanPlan
from .session import caller_account, create_session, make_client, retry_config

ClientHook = Callable[[Any], None]
CollectorDone = Callable[[str, str, str], None]
"""``(account, region, collector)``: called when one collector of a shard finished (in-process only)."""


class ScanRuntime:
    """Sessions, clients and budget of one scan in this process (thread-safe)."""

    def __init__(self, plan: ScanPlan, hooks: Sequence[ClientHook] = (), modules: dict[str, ModuleType] | None = None,
                 base_session: Any = None, on_collector_done: CollectorDone | None = None) -> None:
        self.plan = plan
        self.hooks = tuple(hooks)
        self.modules = dict(modules or {})
        self.config = retry_config(plan.threads)
        self.budget = RequestBudget(plan.budget)
        self.sts_calls = CallCounter()
        self.on_collector_done = on_collector_done
        self._base = base_session
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        self._sessions: dict[str, Any] = {}
        self._refused: dict[str, str] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._own_account: str | None = None

    def base_session(self) -> Any:
        """This process's own session (its environment's credentials or ``--profile``)."""
        with self._lock:
            if self._base is None:
                self._base = create_session(self.plan.profile)
            return self._base

    def module(self, name: str) -> ModuleType:
        """A collector module by qualified name (in-process objects first, then an import)."""
        if name in self.modules:
            return self.modules[name]
        return importlib.import_module(name)

    def session_for(self, account: str) -> Any:
        """The session of ``account``: this process's own, or the assumed role (``AssumeRoleRefused``)."""
        with self._lock:
            lock = self._account_locks.setdefault(account, threading.Lock())
        with lock:
            if account in self._sessions:
                return self._sessions[account]
            if account in self._refused:
                raise AssumeRoleRefused(self._refused[account])
            try:
                session = self._open(account)
            except AssumeRoleRefused as exc:
                self._refused[account] = exc.code
                raise
            self._sessions[account] = session
            return session

    def _open(self, account: str) -> Any:
        base = self.base_session()
        plan = self.plan
        if account == plan.caller_account and self._is_caller(base):
            return base
        if plan.role is None:
            raise InputError(f"this worker's credentials are for account {self._own_account}, not {account}, "
                             "and no --role-arn was given")
        # the AssumeRole calls of every account come from this process's credentials: one budget paces them
        sts_bucket = self.budget.bucket(plan.caller_account, plan.home_region, "sts")
        return assumed_role_session(base, account, plan.role, plan.home_region, self.config,
                                    partial(make_client, bucket=sts_bucket), self.hooks, self.sts_calls)

    def _is_caller(self, base: Any) -> bool:
        if not self.plan.verify_identity:
            return True
        if self._own_account is None:
            self.sts_calls.add()
            self._own_account = caller_account(base, self.plan.home_region, self.config, self.hooks)
        return self._own_account == self.plan.caller_account

    def client(self, account: str, region: str, service: str) -> Any:
        """The (cached, thread-safe) client of one account, Region and service, paced by its bucket."""
        key = (account, region, service)
        with self._lock:
            client = self._clients.get(key)
        if client is not None:
            return client
        session = self.session_for(account)
        client = make_client(session, service, region, self.config, self.hooks, self.budget.bucket(*key))
        with self._lock:
            return self._clients.setdefault(key, client)


    def release_clients(self, account: str, region: str) -> None:
        """Forget the clients a finished shard made (its Region's, for its account): a scan of hundreds of
        accounts holds the clients of the shards in flight only. Its budget buckets stay."""
        with self._lock:
            for key in [key for key in self._clients if key[0] == account and key[1] == region]:
                del self._clients[key]


_RUNTIMES: dict[str, ScanRuntime] = {}
_RUNTIMES_LOCK = threading.Lock()


def runtime_for(plan: ScanPlan) -> ScanRuntime:
    """This process's runtime of ``plan``'s scan (registered in-process runtimes first).

    A long-lived worker keeps only the latest scan's runtime.
    """
    with _RUNTIMES_LOCK:
        runtime = _RUNTIMES.get(plan.scan_id)
        if runtime is None:
            _RUNTIMES.clear()
            runtime = _RUNTIMES[plan.scan_id] = ScanRuntime(plan)
        return runtime


def register_runtime(runtime: ScanRuntime) -> None:
    """Make an in-process runtime (hooks, module objects, progress) the one of its scan."""
    with _RUNTIMES_LOCK:
        _RUNTIMES[runtime.plan.scan_id] = runtime


def release_runtime(scan_id: str) -> None:
    """Forget a finished scan's runtime in this process."""
    with _RUNTIMES_LOCK:
        _RUNTIMES.pop(scan_id, None)
