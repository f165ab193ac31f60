"""The Dask executor: no credentials in tasks, a dead worker's shard retried once, then a coverage gap."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import dying_collector
import pytest
from org_helpers import Org

from benchmarks.org_seed import ROLE_ARN
from scanner.live.options import LiveOptions
from scanner.live.registry import CollectorSet
from scanner.live.scan import collect_shards, prepare_collection
from scanner.live.shard import ShardOutcome
from scanner.shards.executors import DaskExecutor, ProcessesExecutor, parse_executor

BASE_KEY, BASE_SECRET = "AKIDBASENEVERINTASKS", "base-secret-that-never-travels"
CREDENTIAL_NAMES = re.compile(r"secret|token|credential|password|access_key", re.IGNORECASE)


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("die")


@pytest.fixture(scope="module")
def dask(org: Org, control: Path) -> Iterator[DaskExecutor]:
    """A LocalCluster of 2 workers whose environment reaches the proxy with the base credentials."""
    patch = pytest.MonkeyPatch()
    for name, value in {"AWS_ENDPOINT_URL": org.proxy.url, "AWS_ACCESS_KEY_ID": BASE_KEY,
                        "AWS_SECRET_ACCESS_KEY": BASE_SECRET, "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(control / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(control / "none"),
                        "HAGUARD_TEST_DIE_DIR": str(control)}.items():
        patch.setenv(name, value)
    patch.delenv("AWS_PROFILE", raising=False)
    executor = DaskExecutor(parse_executor("dask-local:2", 2))
    with executor:
        yield executor
    patch.undo()


def _scan(org: Org, executor: Any, control: Path, mode: str, accounts: int = 2) -> list[ShardOutcome]:
    (control / "mode").write_text(mode)
    (control / "died").unlink(missing_ok=True)
    kind = "dask-local:2" if isinstance(executor, DaskExecutor) else "processes:1"
    options = LiveOptions(regions=["us-east-1"], accounts=[m.account for m in org.members[:accounts]],
                          role_arn=ROLE_ARN, executor=kind)
    prepared = prepare_collection(options, CollectorSet([dying_collector]))
    outcomes: list[ShardOutcome] = []
    collect_shards(prepared, outcomes.append, executor=executor)
    return outcomes


def _values(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if is_dataclass(value):
        for f in fields(value):
            yield from _values(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _values(item, f"{path}[{i}]")


def test_tasks_carry_no_credentials_and_workers_assume_the_role(org: Org, dask: DaskExecutor, control: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    submitted: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    original = type(dask.client).submit

    def recording(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        submitted.append((args, kwargs))
        return original(self, fn, *args, **kwargs)

    monkeypatch.setattr(type(dask.client), "submit", recording)
    org.proxy.reset()
    outcomes = _scan(org, dask, control, "never")
    assert [o.complete for o in outcomes] == [True, True]
    assert len(submitted) == 2
    for args, kwargs in submitted:
        assert re.fullmatch(r"collect-shard-\d{12}-us-east-1-[0-9a-f]{8}", kwargs["key"])
        blob = pickle.dumps(args)
        assert BASE_KEY.encode() not in blob and BASE_SECRET.encode() not in blob
        for path, value in _values(args):
            assert not CREDENTIAL_NAMES.search(path), path  # no field that could hold a credential
            assert not (isinstance(value, str) and value.startswith(("ASIA", "AKIA", "FSIA"))), path
    assumed = [c for c in org.proxy.calls if c.operation == "AssumeRole"]
    assert len(assumed) == 2  # one per account, made by the workers (the coordinator assumed nothing)
    described = {c.account for c in org.proxy.calls if c.operation == "DescribeVpcs"}
    assert described == {m.account for m in org.members[:2]}  # each worker reached its account


def test_a_worker_that_dies_once_is_retried_on_another(org: Org, dask: DaskExecutor, control: Path) -> None:
    outcomes = _scan(org, dask, control, "once", accounts=1)
    assert len((control / "died").read_text().split()) == 1  # one worker died...
    [outcome] = outcomes
    assert outcome.complete and outcome.resources >= 1 and outcome.gaps == []  # ...and the retry collected it


def test_a_shard_whose_worker_dies_twice_is_a_coverage_gap(org: Org, dask: DaskExecutor, control: Path) -> None:
    [outcome] = _scan(org, dask, control, "always", accounts=1)
    assert len((control / "died").read_text().split()) == 2  # tried on a worker, then once more
    assert not outcome.complete
    [gap] = outcome.gaps
    assert (gap.account, gap.region) == (org.members[0].account, "us-east-1")
    assert gap.error.startswith("worker lost") and "aws.ec2.vpc" in gap.resource_types


def test_a_local_process_pool_broken_by_a_dying_process_is_restarted_once(org: Org, dask: DaskExecutor,
                                                                        control: Path) -> None:
    pool = ProcessesExecutor(parse_executor("processes:1", 1))
    [outcome] = _scan(org, pool, control, "always", accounts=1)
    assert len((control / "died").read_text().split()) == 2  # a fresh pool ran the shard once more
    assert not outcome.complete and outcome.gaps[0].error.startswith("worker lost")
