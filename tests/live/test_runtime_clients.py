"""A finished shard's clients are released: a scan of many accounts holds those of the shards in flight."""

from __future__ import annotations

import types
from typing import Any

import pytest

from scanner.live import runtime as runtime_module
from scanner.live import shard as shard_module
from scanner.live.plan import ScanPlan, ShardSpec
from scanner.live.runtime import ScanRuntime


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> ScanRuntime:
    made: list[tuple[str, str]] = []

    def fake_client(session: Any, service: str, region: str, *args: Any) -> Any:
        made.append((service, region))
        return types.SimpleNamespace(service=service, region=region)

    monkeypatch.setattr(runtime_module, "make_client", fake_client)
    scan = ScanRuntime(ScanPlan(scan_id="s", caller_account="111111111111", home_region="us-east-1"),
                       base_session=object())
    monkeypatch.setattr(scan, "session_for", lambda account: object())
    return scan


def test_clients_are_cached_until_their_shard_releases_them(runtime: ScanRuntime) -> None:
    ec2 = runtime.client("111111111111", "us-east-1", "ec2")
    assert runtime.client("111111111111", "us-east-1", "ec2") is ec2
    other = runtime.client("111111111111", "eu-west-1", "ec2")
    runtime.release_clients("111111111111", "us-east-1")
    assert runtime.client("111111111111", "eu-west-1", "ec2") is other  # another shard's client stays
    assert runtime.client("111111111111", "us-east-1", "ec2") is not ec2  # made again when needed


def test_a_shard_releases_its_clients_when_it_ends(runtime: ScanRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    def collector(spec: ShardSpec, module: Any, metrics: Any, scan: ScanRuntime) -> Any:
        scan.client(spec.account, spec.region, "rds")
        raise RuntimeError("collector crashed")  # released even when the shard fails

    monkeypatch.setattr(shard_module, "_run_collector", collector)
    monkeypatch.setattr(runtime, "module", lambda name: types.SimpleNamespace(__name__=name))
    with pytest.raises(RuntimeError):
        shard_module.collect_shard_snapshot(ShardSpec("111111111111", "us-east-1", ("rds",)), runtime)
    assert not runtime._clients


def test_assume_role_calls_are_paced_by_the_callers_sts_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.live.credentials import RoleSettings

    seen: list[Any] = []

    def fake_assumed(base: Any, account: str, role: Any, region: str, config: Any, make: Any, *rest: Any) -> Any:
        make(base, "sts", region, config, ())
        return object()

    monkeypatch.setattr(runtime_module, "assumed_role_session", fake_assumed)
    monkeypatch.setattr(runtime_module, "make_client",
                        lambda *args, bucket=None, **kwargs: seen.append(bucket) or object())
    plan = ScanPlan(scan_id="s", caller_account="111111111111", home_region="us-east-1",
                    role=RoleSettings(role_arn="arn:aws:iam::{account}:role/audit"))
    scan = ScanRuntime(plan, base_session=object())
    scan.session_for("222222222222")
    scan.session_for("333333333333")
    expected = scan.budget.bucket("111111111111", "us-east-1", "sts")
    assert seen == [expected, expected]  # both accounts' AssumeRole calls take tokens from the one bucket
