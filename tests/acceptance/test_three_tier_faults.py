"""Issue 9's three-tier template: every fault a new user would make gets a failing finding from the right policy.

The template (``data/three-tier-faults.yaml``) marks each fault with ``FAULT:``. Other findings on it
are real too (no cross-Region replica, the ALB origin open to the world), so the test asserts that
each fault's finding is among the failures, and that the template's well-built parts pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

TEMPLATE = Path(__file__).parent / "data" / "three-tier-faults.yaml"

FAULTS = {
    "CPU target tracking at 90 %": ("asg-cpu-target-tracking", "AppGroup"),
    "MinSize: 1": ("asg-capacity-bounds", "AppGroup"),
    "HealthCheckType: EC2 behind an ALB": ("asg-elb-health-check", "AppGroup"),
    "a bastion security group with 22 open to the world": ("admin-access-bastion-vpn-ssm", "BastionSecurityGroup"),
    "a CloudFront distribution with one origin": ("cdn-origin-failover", "Cdn"),
    "no alarms": ("alarm-coverage", "Alb"),
    "no log retention": ("log-retention", "AppLogs"),
    "no backup plan": ("stateful-in-backup-plan", "Database"),
    "no Redis snapshots": ("redis-snapshot-retention", "Sessions"),
}

WELL_BUILT = {
    ("rds-instance-multi-az", "Database"),
    ("rds-not-publicly-accessible", "Database"),
    ("rds-backup-retention", "Database"),
    ("lb-multi-az", "Alb"),
    ("asg-multi-az", "AppGroup"),
    ("nat-gw-per-az", "PrivateA"),
    ("tg-health-check", "AppTargets"),
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[str]]:
    out = tmp_path_factory.mktemp("report") / "report.json"
    assert main(["iac", str(TEMPLATE), "--format", "json", "--output", str(out)]) == 1
    found: dict[tuple[str, str], set[str]] = {}
    for finding in json.loads(out.read_text(encoding="utf-8"))["findings"]:
        found.setdefault((finding["policy_id"], finding["resource_name"]), set()).add(finding["status"])
    return found


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_fails_its_policy(verdicts: dict[tuple[str, str], set[str]], fault: str) -> None:
    policy_id, resource = FAULTS[fault]
    assert verdicts.get((policy_id, resource)) == {"fail"}, (fault, verdicts.get((policy_id, resource)))


@pytest.mark.parametrize(("policy_id", "resource"), sorted(WELL_BUILT))
def test_the_well_built_parts_pass(verdicts: dict[tuple[str, str], set[str]], policy_id: str, resource: str) -> None:
    assert verdicts.get((policy_id, resource)) == {"pass"}, (policy_id, resource)
