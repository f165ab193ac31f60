"""Report building: order, summary counts, failure thresholds and the verdict."""

from __future__ import annotations

import random

import pytest
from reports_factory import POLICIES, finding, policy, sample_findings, sample_report, source

from scanner.model import Severity, Status
from scanner.reports.report import REPORT_SCHEMA, build_report, is_failing, verdict


def test_findings_are_ordered_by_severity_policy_and_resource() -> None:
    keys = [(f.severity.rank, f.policy_id, f.resource_uid) for f in sample_report().findings]
    assert keys == sorted(keys)
    assert sample_report().findings[0].policy_id == "backup-plan-exists"  # the only critical one


def test_order_does_not_depend_on_input_order() -> None:
    expected = sample_report()
    for seed in range(5):
        shuffled = sample_findings()
        random.Random(seed).shuffle(shuffled)
        policies = [policy(p) for p in POLICIES]
        random.Random(seed).shuffle(policies)
        assert sample_report(findings=shuffled, policies=policies) == expected


def test_policies_are_sorted_by_id_and_schema_is_set() -> None:
    report = sample_report()
    assert [p.id for p in report.policies] == sorted(POLICIES)
    assert report.schema_ == REPORT_SCHEMA
    assert report.tool.name == "haguard"


def test_summary_counts() -> None:
    summary = sample_report().summary
    assert summary.by_status == {Status.PASS: 2, Status.FAIL: 3, Status.UNKNOWN: 1, Status.ERROR: 1,
                                 Status.SUPPRESSED: 1}
    # fail + unknown + error per severity, regardless of fail_on
    assert summary.by_severity == {Severity.CRITICAL: 1, Severity.HIGH: 2, Severity.MEDIUM: 1, Severity.LOW: 1,
                                   Severity.INFO: 0}
    assert summary.by_theme["network"] == {Status.PASS: 0, Status.FAIL: 1, Status.UNKNOWN: 0, Status.ERROR: 0,
                                           Status.SUPPRESSED: 1}
    assert list(summary.by_theme) == sorted(summary.by_theme)
    # at or above high: critical unknown, high error, high fail
    assert summary.failing == 3
    assert summary.resources == 6
    assert summary.policies == len(POLICIES)


def test_allow_unknown_drops_unknown_and_error_from_failures() -> None:
    summary = sample_report(allow_unknown=True).summary
    assert summary.failing == 1  # only the high fail
    assert summary.by_severity[Severity.CRITICAL] == 0
    assert summary.by_severity[Severity.HIGH] == 1
    assert summary.by_status[Status.UNKNOWN] == 1  # still counted as a status


def test_fail_on_low_counts_every_failure_but_info() -> None:
    assert sample_report(fail_on=Severity.LOW).summary.failing == 5
    assert sample_report(fail_on=Severity.CRITICAL).summary.failing == 1


def test_empty_report_passes() -> None:
    report = build_report([], [], source(), fail_on=Severity.HIGH, allow_unknown=False)
    assert report.summary.failing == 0
    assert report.summary.by_status == dict.fromkeys(Status, 0)
    assert verdict(report) == "PASSED"


@pytest.mark.parametrize(
    ("status", "severity", "fail_on", "allow_unknown", "expected"),
    [
        (Status.FAIL, Severity.HIGH, Severity.HIGH, False, True),
        (Status.FAIL, Severity.CRITICAL, Severity.HIGH, True, True),
        (Status.FAIL, Severity.MEDIUM, Severity.HIGH, False, False),
        (Status.FAIL, Severity.INFO, Severity.INFO, False, True),
        (Status.UNKNOWN, Severity.HIGH, Severity.HIGH, False, True),
        (Status.UNKNOWN, Severity.HIGH, Severity.HIGH, True, False),
        (Status.UNKNOWN, Severity.LOW, Severity.HIGH, False, False),
        (Status.ERROR, Severity.CRITICAL, Severity.MEDIUM, False, True),
        (Status.ERROR, Severity.CRITICAL, Severity.MEDIUM, True, False),
        (Status.SUPPRESSED, Severity.CRITICAL, Severity.INFO, False, False),
        (Status.PASS, Severity.CRITICAL, Severity.INFO, False, False),
    ],
)
def test_is_failing_thresholds(
    status: Status, severity: Severity, fail_on: Severity, allow_unknown: bool, expected: bool
) -> None:
    f = finding("rds-multi-az", "db-1", status, severity=severity)
    assert is_failing(f, fail_on, allow_unknown) is expected


def test_verdict_names_count_and_threshold() -> None:
    assert verdict(sample_report()) == "FAILED: 3 findings at or above high"
    one = sample_report(findings=[finding("rds-multi-az", "db-1")])
    assert verdict(one) == "FAILED: 1 finding at or above high"
