"""Drift between two live (moto) scans recorded in the history: exactly the changes made, and their findings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from drift_helpers import _env, haguard, reset_moto
from e2e.seed import PRIMARY, Seeder
from moto.server import ThreadedMotoServer


class Scans:
    """Two scans of one moto Region, before and after changes made behind haguard's back."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home, self.env = home, env
        self.db = home / "history.db"
        self.before, self.after = home / "before.json.gz", home / "after.json"


def _change_behind_its_back(session: boto3.Session, endpoint: str) -> None:
    """A DB set single-AZ, the data subnets' route switched to the internet gateway, a table's PITR off."""
    ec2 = session.client("ec2", region_name=PRIMARY, endpoint_url=endpoint)
    session.client("rds", region_name=PRIMARY, endpoint_url=endpoint).modify_db_instance(
        DBInstanceIdentifier="orders", MultiAZ=False, ApplyImmediately=True)
    [table] = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": ["data"]}])["RouteTables"]
    [igw] = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id",
                                                     "Values": [table["VpcId"]]}])["InternetGateways"]
    ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0",
                     GatewayId=igw["InternetGatewayId"])
    session.client("dynamodb", region_name=PRIMARY, endpoint_url=endpoint).update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scans]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    reset_moto(endpoint)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=PRIMARY)
    Seeder(session, endpoint).primary()
    home = tmp_path_factory.mktemp("drift")
    result = Scans(home, _env(endpoint, home))
    first = haguard(["scan", "--region", PRIMARY, "--format", "json", "--history", str(result.db),
                     "--save", str(result.before)], result.env)
    assert first.returncode == 1, first.stderr
    _change_behind_its_back(session, endpoint)
    second = haguard(["scan", "--region", PRIMARY, "--format", "json", "--history", str(result.db),
                      "--save", str(result.after)], result.env)
    assert second.returncode == 1, second.stderr
    yield result
    reset_moto(endpoint)
    server.stop()


def _direct_changes(report: dict[str, Any]) -> dict[tuple[str, str, str], tuple[Any, Any]]:
    return {(r["type"], r["name"], c["path"]): (c["before"], c["after"])
            for r in report["resources"]["changed"] for c in r["changes"]
            if not c["derived"] and not c["before_unknown"] and not c["after_unknown"]}


def _findings(report: dict[str, Any], bucket: str) -> set[tuple[str, str, str | None, str | None]]:
    return {(c["policy_id"], c["resource_name"], c["before"], c["after"]) for c in report["findings"][bucket]}


def test_drift_of_the_last_two_runs_lists_exactly_the_changes_and_their_findings(scans: Scans) -> None:
    result = haguard(["drift", "previous", "last", "--history", str(scans.db), "--format", "json",
                      "--fail-on-new", "high"], scans.env)
    assert result.returncode == 1, result.stderr  # new high and critical failures
    report = json.loads(result.stdout)
    assert report["before"]["run_id"] == 1 and report["after"]["run_id"] == 2
    changes = _direct_changes(report)
    route = changes.pop(("aws.ec2.route_table", "data", "routes[destination=0.0.0.0/0]"))
    assert route[0] is None and route[1]["target_type"] == "internet_gateway"
    assert changes == {
        ("aws.rds.db_instance", "orders", "multi_az"): (True, False),
        ("aws.dynamodb.table", "orders", "pitr_enabled"): (True, False),
        ("aws.dynamodb.table", "orders", "pitr_recovery_period_days"): (35, None),
    }
    uncertain = [(r["name"], c) for r in report["resources"]["changed"] for c in r["changes"]
                 if (c["before_unknown"] or c["after_unknown"]) and not c["derived"]]
    # moto gives no SecondaryAvailabilityZone: unknown on the Multi-AZ side, none once single-AZ
    assert [(name, c["path"], bool(c["before_unknown"]), c["after"]) for name, c in uncertain] == [
        ("orders", "secondary_availability_zone", True, None)]
    derived = {(r["name"], c["path"]): (c["before"], c["after"])
               for r in report["resources"]["changed"] for c in r["changes"] if c["derived"]}
    assert derived[("data-a", "is_public")] == (False, True)
    # the standby gone, an AZ loss is recovered by a point-in-time restore instead of a failover
    assert derived.get(("orders", "recovery_az_mechanism")) == ("sync-standby", "pitr-restore"), sorted(derived)
    assert derived[("data-b", "is_public")] == (False, True)
    assert report["resources"]["added"] == report["resources"]["removed"] == []
    assert _findings(report, "new_failures") == {
        ("rds-instance-multi-az", "orders", "pass", "fail"),
        ("dynamodb-pitr", "orders", "pass", "fail"),
        ("data-tier-private-subnets", "data", "pass", "fail"),
        ("data-tier-private-subnets", "cache", "pass", "fail"),
    }
    assert report["findings"]["resolved"] == [] and report["findings"]["changed_status"] == []
    assert ("rds-instance-multi-az", "reporting", "fail", "fail") in _findings(report, "still_failing")
    assert {c["severity"] for c in report["findings"]["new_failures"]} == {"critical", "high"}


def test_fail_on_new_below_the_new_failures_passes(scans: Scans) -> None:
    result = haguard(["drift", "previous", "last", "--history", str(scans.db), "--fail-on-new", "critical",
                      "--only", "rds-instance-multi-az,dynamodb-pitr"], scans.env)
    assert result.returncode == 0, result.stderr  # the new failures of these policies are high, not critical
    assert "rds-instance-multi-az" in result.stdout and "multi_az: true -> false" in result.stdout


def test_snapshot_files_give_the_same_drift_as_the_runs(scans: Scans) -> None:
    files = haguard(["drift", str(scans.before), str(scans.after), "--format", "json"], scans.env)
    runs = haguard(["drift", "1", "2", "--history", str(scans.db), "--format", "json"], scans.env)
    assert files.returncode == runs.returncode == 0  # no --fail-on-new: drift alone does not fail
    a, b = json.loads(files.stdout), json.loads(runs.stdout)
    for key in ("resources", "relations", "findings", "summary"):
        assert a[key] == b[key], key


def test_a_snapshot_against_itself_is_empty(scans: Scans) -> None:
    result = haguard(["drift", str(scans.after), str(scans.after), "--format", "json", "--fail-on-new", "info",
                      "--fail-on-drift"], scans.env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["drifted"] is False
    assert report["resources"] == {"added": [], "removed": [], "changed": [], "unverifiable": []}
    assert report["relations"] == {"added": [], "removed": []}
    assert report["findings"]["new_failures"] == report["findings"]["resolved"] == []


def test_ignore_globs_drop_attribute_paths(scans: Scans) -> None:
    result = haguard(["drift", str(scans.before), str(scans.after), "--format", "json", "--ignore", "pitr_*",
                      "--ignore", "aws.ec2.*:routes", "--ignore", "*:is_public"], scans.env)
    paths = {c["path"] for r in json.loads(result.stdout)["resources"]["changed"] for c in r["changes"]}
    assert "multi_az" in paths
    assert not {p for p in paths if p.startswith(("pitr_", "routes", "is_public"))}


def test_markdown_and_html_reports(scans: Scans, tmp_path: Path) -> None:
    result = haguard(["drift", "previous", "last", "--history", str(scans.db), "--format", "markdown"], scans.env)
    assert result.returncode == 0, result.stderr
    assert "<details><summary>New failures (4)</summary>" in result.stdout
    assert "`multi_az: true -> false`" in result.stdout
    small = haguard(["drift", "previous", "last", "--history", str(scans.db), "--format", "markdown",
                     "--markdown-limit", "1500"], scans.env)
    assert len(small.stdout) <= 1500 and "more (see the JSON report)" in small.stdout
    page = tmp_path / "drift.html"
    result = haguard(["drift", "previous", "last", "--history", str(scans.db), "--format", "html",
                      "--output", str(page)], scans.env)
    assert result.returncode == 0 and result.stdout == ""
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "rds-instance-multi-az" in html and "<script" not in html


@pytest.mark.parametrize(("args", "fragment"), [
    (["drift", "7", "last"], "no run 7"),
    (["drift", "missing.json", "last"], "missing.json"),
    (["drift", "last"], "expected two sides"),
    (["drift", "last", "previous", "--fail-on-new", "severe"], "invalid choice"),
])
def test_bad_inputs_are_one_line_exit_2(scans: Scans, args: list[str], fragment: str) -> None:
    result = haguard([*args, "--history", str(scans.db)], scans.env)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
