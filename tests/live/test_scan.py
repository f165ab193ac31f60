"""``collect_live`` over moto with the test collectors: tasks, merging, metrics, gaps and redaction."""

from __future__ import annotations

import sys
import types
from typing import Any

import boto3
import fake_metrics
import fake_network
import fake_rds
import pytest
from live_seed import seed_account
from moto import mock_aws

from scanner.collectors.base import CallContext, Collected
from scanner.live.options import LiveOptions
from scanner.live.readonly import ReadOnlyViolation
from scanner.live.registry import CollectorSet
from scanner.live.scan import collect_live
from scanner.model import Snapshot, load_snapshot, save_snapshot

FAKES = CollectorSet(collectors=[fake_network, fake_rds], metrics=fake_metrics)
REGIONS = ["us-east-1", "eu-west-1"]


def _types(snapshot: Snapshot) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in snapshot.resources:
        counts[resource.type] = counts.get(resource.type, 0) + 1
    return counts


@mock_aws
def test_scan_collects_every_region_and_builds_a_snapshot(tmp_path: Any) -> None:
    vpc = seed_account()["vpc"]
    snapshot = collect_live(LiveOptions(regions=REGIONS, workers=4), collectors=FAKES)
    assert snapshot.source.kind == "aws"
    assert snapshot.source.accounts == ["123456789012"]
    assert snapshot.source.regions == REGIONS
    assert snapshot.source.taken_at and snapshot.source.taken_at.endswith("+00:00")
    assert snapshot.source.haguard_version
    # 1 GetCallerIdentity + 2 Regions x (2 ec2 + 4 rds) + 2 GetMetricData
    assert snapshot.source.api_calls == 1 + 2 * 6 + 2
    assert snapshot.coverage == []
    counts = _types(snapshot)
    assert counts["aws.rds.db_instance"] == 2
    assert counts["aws.ec2.vpc"] == 4  # the default VPC and the seeded one, per Region
    assert {r.region for r in snapshot.resources} == set(REGIONS)
    uid = f"arn:aws:ec2:us-east-1:123456789012:vpc/{vpc}"
    seeded = next(r for r in snapshot.resources if r.uid == uid)
    assert seeded.attributes["tags"] == {"Name": "app", "DbPassword": "***"}
    assert sum(1 for rel in snapshot.relations if rel.dst == uid and rel.kind == "in_vpc") == 2
    db = next(r for r in snapshot.resources if r.name == "orders-eu-west-1")
    assert db.attributes["multi_az"] is True
    assert db.attributes["tags"] == {"api-token": "***", "team": "orders"}
    assert db.attributes["replica_lag_max_seconds"] == 42.0
    assert db.attributes["storage_encrypted"] is False  # omitted -> AWS default applied by the snapshot
    save_snapshot(snapshot, tmp_path / "s.json")
    assert load_snapshot(tmp_path / "s.json") == snapshot


@mock_aws
def test_scan_is_deterministic_and_deduplicates() -> None:
    seed_account()
    twice = CollectorSet(collectors=[fake_network, fake_rds, fake_network])
    first = collect_live(LiveOptions(regions=REGIONS, workers=8), collectors=twice)
    second = collect_live(LiveOptions(regions=REGIONS, workers=1), collectors=twice)
    assert [r.uid for r in first.resources] == [r.uid for r in second.resources]
    assert len({r.uid for r in first.resources}) == len(first.resources)
    assert len(first.relations) == len({(r.src, r.kind, r.dst) for r in first.relations})


def _module(name: str, fetch: Any, operations: dict[str, tuple[str, ...]]) -> types.ModuleType:
    module = types.ModuleType(f"tests.live.{name}")
    module.SERVICE = "s3"  # type: ignore[attr-defined]
    module.OPERATIONS = operations  # type: ignore[attr-defined]
    module.fetch = fetch  # type: ignore[attr-defined]
    module.parse = lambda raw, account, region: Collected()  # type: ignore[attr-defined]
    return module


@mock_aws
def test_global_collector_runs_once_per_account() -> None:
    seen: list[str] = []

    def fetch(ctx: CallContext) -> dict[str, Any]:
        seen.append(ctx.region)
        return {"buckets": ctx.paginate("s3", "ListBuckets", "Buckets")}

    s3 = _module("s3", fetch, {"s3:ListBuckets": ("aws.s3.bucket",)})
    collect_live(LiveOptions(regions=["eu-west-1", "us-east-1", "ap-south-1"]), collectors=CollectorSet([s3]))
    assert seen == ["us-east-1"]
    seen.clear()
    collect_live(LiveOptions(regions=["eu-west-1", "ap-south-1"]), collectors=CollectorSet([s3]))
    assert seen == ["eu-west-1"]


@mock_aws
def test_collector_crash_is_a_gap_and_others_still_collect(caplog: pytest.LogCaptureFixture) -> None:
    def fetch(ctx: CallContext) -> dict[str, Any]:
        raise KeyError("bug")

    broken = _module("broken", fetch, {"s3:ListBuckets": ("aws.s3.bucket",)})
    snapshot = collect_live(LiveOptions(regions=["us-east-1"]), collectors=CollectorSet([broken, fake_network]))
    assert [(g.service, g.operation, g.error, g.resource_types) for g in snapshot.coverage] == [
        ("broken", "collect", "collector error: KeyError", ["aws.s3.bucket"])]
    assert _types(snapshot)["aws.ec2.vpc"] == 1
    assert "collector broken failed" in caplog.text


@mock_aws
def test_a_collector_that_writes_stops_the_scan() -> None:
    def fetch(ctx: CallContext) -> dict[str, Any]:
        return {"x": ctx.call("ec2", "CreateVpc", CidrBlock="10.9.0.0/16")}

    writer = _module("writer", fetch, {"ec2:CreateVpc": ("aws.ec2.vpc",)})
    with pytest.raises(ReadOnlyViolation, match="ec2:CreateVpc"):
        collect_live(LiveOptions(regions=["us-east-1"]), collectors=CollectorSet([writer]))
    assert len(boto3.client("ec2", region_name="us-east-1").describe_vpcs()["Vpcs"]) == 1


@mock_aws
def test_organization_scan_covers_each_account() -> None:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
    seed_account(("us-east-1",))
    snapshot = collect_live(LiveOptions(regions=["us-east-1"], org=True, role_arn="arn:aws:iam::{account}:role/r"),
                            collectors=FAKES)
    assert snapshot.source.accounts == sorted(["123456789012", member])
    dbs = [r for r in snapshot.resources if r.type == "aws.rds.db_instance"]
    assert [(d.account, d.name) for d in dbs] == [("123456789012", "orders-us-east-1")]
    assert {r.account for r in snapshot.resources if r.type == "aws.ec2.vpc"} == {"123456789012", member}


@mock_aws
def test_progress_is_quiet_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    collect_live(LiveOptions(regions=["us-east-1"]), progress=True, collectors=FAKES)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_live_package_imports_no_boto3() -> None:
    import subprocess

    code = ("import sys, scanner.live, scanner.live.cli_args, scanner.live.options; "
            "sys.exit('boto3' in sys.modules or 'botocore' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@mock_aws
def test_progress_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    collect_live(LiveOptions(regions=["us-east-1"]), progress=True, collectors=FAKES)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "123456789012 us-east-1" in captured.err
