"""``--executor`` parsing and the executors' contract: every item comes back, a failure is a value."""

from __future__ import annotations

import pytest

from scanner.errors import InputError
from scanner.shards.executors import ExecutorSpec, TaskFailure, ThreadsExecutor, parse_executor


@pytest.mark.parametrize(("text", "expected"), [
    ("threads", ExecutorSpec("threads", 8, 8)),
    ("threads:3", ExecutorSpec("threads", 3, 3)),
    ("processes:2", ExecutorSpec("processes", 2, 8)),
    ("dask-local:2", ExecutorSpec("dask-local", 2, 8)),
    ("dask://scheduler.internal:8786", ExecutorSpec("dask", 0, 8, "tcp://scheduler.internal:8786")),
    ("dask://10.0.0.5:8786", ExecutorSpec("dask", 0, 8, "tcp://10.0.0.5:8786")),
])
def test_executor_specs(text: str, expected: ExecutorSpec) -> None:
    spec = parse_executor(text, 8)
    assert spec == expected
    assert spec.remote is (expected.kind != "threads")
    assert spec.shared_filesystem is (expected.kind != "dask")


@pytest.mark.parametrize(("text", "fragment"), [
    ("celery", "expected threads"), ("threads:x", "expected threads"), ("dask-local", "how many workers"),
    ("threads:0", "between 1 and 256"), ("dask://host", "expected threads"), ("dask://host:99999", "out of range"),
    ("processes:-1", "expected threads"),
])
def test_bad_executors_are_one_line(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment) as info:
        parse_executor(text, 8)
    assert "\n" not in str(info.value)


def _maybe_fail(item: int, divisor: int) -> int:
    if item % divisor == 0:
        raise ValueError(f"bad item {item}")
    return item * 10


def test_threads_yield_every_item_and_failures_as_values() -> None:
    executor = ThreadsExecutor(parse_executor("threads:3", 3))
    with executor:
        results = dict(executor.map_unordered(_maybe_fail, list(range(1, 10)), 4, name=str))
    assert sorted(results) == list(range(1, 10))
    failures = {item: r for item, r in results.items() if isinstance(r, TaskFailure)}
    assert sorted(failures) == [4, 8]
    assert failures[4].error == "ValueError: bad item 4" and isinstance(failures[4].exception, ValueError)
    assert results[3] == 30


def test_two_local_dask_clusters_run_side_by_side() -> None:
    """Neither takes Dask's fixed default port 8787: a second scan (or a test run) beside one still starts."""
    from scanner.shards.executors import DaskExecutor

    one = parse_executor("dask-local:1", 1)
    with DaskExecutor(one) as first, DaskExecutor(one) as second:
        results = [list(executor.map_unordered(abs, [-1, -2], name=str)) for executor in (first, second)]
    assert [sorted(value for _, value in result) for result in results] == [[1, 2], [1, 2]]


def test_dask_workers_forget_a_result_once_it_is_taken() -> None:
    """A result stays on its worker only until the coordinator has it (an organisation's findings do not pile up)."""
    import time

    from scanner.shards.executors import DaskExecutor

    def held(executor: DaskExecutor) -> set[str]:
        return set(executor.client.run_on_scheduler(lambda dask_scheduler: [str(k) for k in dask_scheduler.tasks]))

    with DaskExecutor(parse_executor("dask-local:1", 1)) as executor:
        results = executor.map_unordered(abs, [-1, -2, -3], name=lambda n: f"task{n}")
        first, _ = next(results)
        deadline = time.monotonic() + 10
        while f"task{first}" in held(executor) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert f"task{first}" not in held(executor)
        assert len(list(results)) == 2
