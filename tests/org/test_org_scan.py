"""A simulated organisation (20 member accounts, two Regions) scanned through Dask and threads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from org_helpers import Org, haguard, haguard_env

from benchmarks.org_seed import REGIONS, ROLE_ARN, expected_verdicts

POLICIES = "rds-instance-multi-az,dynamodb-pitr,db-replica-other-region,rds-backup-retention,subnet-no-auto-public-ip"


def _scan(org: Org, home: Path, executor: str) -> tuple[int, dict[str, Any], str]:
    regions = [arg for region in REGIONS for arg in ("--region", region)]
    report = home / f"report-{executor.replace(':', '-')}.json"
    result = haguard(["scan", "--org", "--role-arn", ROLE_ARN, *regions, "--executor", executor, "--workers", "4",
                      "--only", POLICIES, "--format", "json", "-o", str(report)], haguard_env(org.proxy.url, home))
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(report.read_text()), result.stderr


def _verdicts(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((f["policy_id"], f["resource_uid"], f["status"], f["message"]) for f in report["findings"])


@pytest.fixture(scope="module")
def scans(org: Org, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict[str, Any], str]]:
    home = tmp_path_factory.mktemp("org")
    return {executor: _scan(org, home, executor) for executor in ("dask-local:2", "threads")}


def test_dask_gives_the_findings_of_threads(scans: dict[str, tuple[int, dict[str, Any], str]]) -> None:
    dask_code, dask_report, _ = scans["dask-local:2"]
    threads_code, threads_report, _ = scans["threads"]
    assert _verdicts(dask_report) == _verdicts(threads_report)
    assert dask_report["coverage"] == threads_report["coverage"]
    assert dask_report["summary"] == threads_report["summary"]
    assert dask_code == threads_code == 1


def test_planted_violations_are_found_in_every_reachable_account(
        org: Org, scans: dict[str, tuple[int, dict[str, Any], str]]) -> None:
    _, report, _ = scans["dask-local:2"]
    got = {(f["policy_id"], f["account"], f["region"], f["resource_name"]): f["status"] for f in report["findings"]}
    expected = expected_verdicts(org.members, broken=frozenset({org.role_refused, org.rds_denied}))
    assert len(expected) == 2 * 2 * (len(org.members) - 2)
    assert {key: got.get(key) for key in expected} == expected
    assert sorted(report["source"]["accounts"]) == sorted([m.account for m in org.members] + ["123456789012"])


def test_broken_accounts_become_error_findings_naming_them(
        org: Org, scans: dict[str, tuple[int, dict[str, Any], str]]) -> None:
    _, report, _ = scans["dask-local:2"]
    errors = [f for f in report["findings"] if f["status"] == "error"]
    refused = [f for f in errors if f["account"] == org.role_refused]
    denied = [f for f in errors if f["account"] == org.rds_denied]
    assert {f["account"] for f in errors} == {org.role_refused, org.rds_denied}
    # the unreachable account: every selected policy errors in both Regions, naming the account and why
    assert {(f["policy_id"], f["region"]) for f in refused} == {
        (p, r) for p in POLICIES.split(",") for r in REGIONS}
    assert all(org.role_refused in f["message"] and "sts:AssumeRole failed (AccessDenied)" in f["message"]
               for f in refused)
    # the account whose RDS calls are denied: only the RDS policies error; its table and subnets are evaluated
    assert {f["policy_id"] for f in denied} == {"rds-instance-multi-az", "db-replica-other-region",
                                               "rds-backup-retention"}
    assert all("rds:" in f["message"] and "AccessDenied" in f["message"] for f in denied)
    assert {(f["policy_id"], f["status"]) for f in report["findings"]
            if f["account"] == org.rds_denied and f["policy_id"] == "dynamodb-pitr"} <= {
        ("dynamodb-pitr", "pass"), ("dynamodb-pitr", "fail")}
    gaps = {(g["account"], g["service"], g["operation"]) for g in report["coverage"]}
    assert (org.role_refused, "sts", "AssumeRole") in gaps and (org.rds_denied, "rds", "DescribeDBInstances") in gaps
