"""Factories for report tests: findings, policies and reports built straight from ``scanner.model``.

(A ``conftest.py`` here would shadow ``tests/conftest.py``, which other tests import by name.)
"""

from __future__ import annotations

from typing import Any

from scanner.model import CoverageGap, Finding, Location, PolicyInfo, Severity, Source, Status, finding_id
from scanner.reports.report import Report, build_report

POLICIES: dict[str, tuple[str, str, Severity]] = {
    "rds-multi-az": ("RDS DB instances are Multi-AZ", "resilience", Severity.HIGH),
    "asg-multi-az": ("Auto Scaling groups span two AZs", "resilience", Severity.HIGH),
    "backup-plan-exists": ("Data stores are in a backup plan", "backup", Severity.CRITICAL),
    "alarm-on-lb": ("Load balancers have an alarm", "monitoring", Severity.LOW),
    "tags-owner": ("Resources carry an owner tag", "hygiene", Severity.INFO),
    "nat-gw-per-az": ("One NAT gateway per AZ", "network", Severity.MEDIUM),
}


def policy(policy_id: str, **overrides: Any) -> PolicyInfo:
    """A policy from ``POLICIES`` with optional field overrides."""
    title, theme, severity = POLICIES[policy_id]
    fields: dict[str, Any] = {
        "id": policy_id, "title": title, "theme": theme, "severity": severity,
        "resource_types": ["aws.rds.db_instance"], "description": f"{title}.",
        "remediation": f"Fix {policy_id}.", "references": {"docs": f"https://docs.example.test/{policy_id}"},
    }
    fields.update(overrides)
    return PolicyInfo(**fields)


def finding(policy_id: str, resource_uid: str, status: Status = Status.FAIL, **overrides: Any) -> Finding:
    """A finding of ``policy_id`` on ``resource_uid``; severity, title and theme come from the policy."""
    title, theme, severity = POLICIES[policy_id]
    fields: dict[str, Any] = {
        "id": finding_id(policy_id, resource_uid), "policy_id": policy_id, "title": title, "theme": theme,
        "resource_uid": resource_uid, "resource_type": "aws.rds.db_instance",
        "resource_name": resource_uid.rsplit(":", 1)[-1], "account": "111122223333", "region": "us-east-1",
        "status": status, "severity": severity, "message": f"{policy_id} is {status.value} on {resource_uid}",
        "evidence": [{"attr": "multi_az", "value": False}], "remediation": f"Fix {policy_id}.",
    }
    if status is Status.SUPPRESSED:
        fields["suppression"] = "accepted risk until Q3"
    fields.update(overrides)
    return Finding(**fields)


def source(**overrides: Any) -> Source:
    """An ``aws`` source for one account and Region."""
    fields: dict[str, Any] = {"kind": "aws", "accounts": ["111122223333"], "regions": ["us-east-1"],
                              "taken_at": "2026-01-01T00:00:00Z"}
    fields.update(overrides)
    return Source(**fields)


def sample_findings() -> list[Finding]:
    """A mix of every status, severities and a located IaC finding."""
    arn = "arn:aws:rds:us-east-1:111122223333:db:"
    return [
        finding("tags-owner", f"{arn}orders", Status.PASS),
        finding("rds-multi-az", f"{arn}orders", Status.FAIL,
                location=Location(file="stacks/db.yaml", line=12),
                evidence=[{"attr": "multi_az", "value": False},
                          {"path": [f"{arn}orders", "in_subnet", "subnet-1"]}]),
        finding("rds-multi-az", f"{arn}billing", Status.PASS),
        finding("backup-plan-exists", f"{arn}orders", Status.UNKNOWN,
                evidence=[{"attr": "backup_retention_days", "unknown": "unresolved !Ref"}]),
        finding("asg-multi-az", "arn:aws:autoscaling:us-east-1:111122223333:asg/web", Status.ERROR,
                resource_type="aws.autoscaling.group", message="DescribeAutoScalingGroups: AccessDenied"),
        finding("alarm-on-lb", "arn:aws:elasticloadbalancing:us-east-1:111122223333:lb/app", Status.FAIL),
        finding("nat-gw-per-az", "subnet-2", Status.SUPPRESSED),
        finding("nat-gw-per-az", "subnet-3", Status.FAIL),
    ]


def sample_report(*, fail_on: Severity = Severity.HIGH, allow_unknown: bool = False, **kwargs: Any) -> Report:
    """A report over ``sample_findings`` and every policy in ``POLICIES``."""
    gaps = [CoverageGap(account="111122223333", region="eu-west-1", service="autoscaling",
                        operation="DescribeAutoScalingGroups", error="AccessDenied",
                        resource_types=["aws.autoscaling.group"])]
    return build_report(
        kwargs.pop("findings", sample_findings()),
        kwargs.pop("policies", [policy(p) for p in POLICIES]),
        kwargs.pop("source", source()),
        fail_on=fail_on, allow_unknown=allow_unknown, coverage=kwargs.pop("coverage", gaps), **kwargs,
    )
