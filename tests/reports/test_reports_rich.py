"""Terminal report: plain text off a terminal, failing resources with remediation, verdict last."""

from __future__ import annotations

import io

from reports_factory import finding, sample_report
from rich.console import Console

from scanner.model import Severity, Status
from scanner.reports.report import Report
from scanner.reports.rich_report import render_rich


def _text(report: Report, **kwargs: bool) -> str:
    out = io.StringIO()
    render_rich(report, Console(file=out, force_terminal=False, width=120), **kwargs)
    return out.getvalue()


def test_plain_text_without_escape_codes() -> None:
    text = _text(sample_report())
    assert "\x1b" not in text
    assert "source: aws" in text and "accounts: 111122223333" in text and "regions: us-east-1" in text


def test_failing_finding_block() -> None:
    assert "- multi_az = false" in _text(sample_report())  # the deciding evidence is shown by default
    text = _text(sample_report(), verbose=True)
    assert "rds-multi-az  RDS DB instances are Multi-AZ" in text
    assert "arn:aws:rds:us-east-1:111122223333:db:orders  stacks/db.yaml:12" in text
    assert "- multi_az = false" in text
    assert "-[in_subnet]-> subnet-1" in text  # brackets are not taken for markup
    assert "Fix: Fix rds-multi-az." in text
    assert "backup_retention_days = ? (unresolved !Ref)" in text


def test_summary_tables_and_sections() -> None:
    text = _text(sample_report())
    assert "By severity" in text and "By theme" in text
    assert "Suppressed (1)" in text and "accepted risk until Q3" in text
    assert "Coverage gaps (1)" in text and "autoscaling:DescribeAutoScalingGroups  AccessDenied" in text
    assert "Passed: 2 checks across 2 policies" in text


def test_groups_follow_severity_order() -> None:
    text = _text(sample_report())
    order = [text.index(p) for p in ("CRITICAL  backup-plan-exists", "HIGH  rds-multi-az", "MEDIUM  nat-gw-per-az",
                                     "LOW  alarm-on-lb")]
    assert order == sorted(order)
    assert "tags-owner  Resources" not in text  # a policy that only passed gets no block


def test_verdict_is_the_last_line() -> None:
    assert _text(sample_report()).rstrip().splitlines()[-1] == "FAILED: 3 findings at or above high"
    passing = sample_report(findings=[finding("rds-multi-az", "db-1", Status.PASS)])
    assert _text(passing).rstrip().splitlines()[-1] == "PASSED"


def test_show_passed_lists_passing_resources() -> None:
    assert "rds-multi-az: billing" not in _text(sample_report())
    assert "rds-multi-az: billing" in _text(sample_report(), show_passed=True)


def test_verbose_shows_all_evidence_and_references() -> None:
    many = finding("rds-multi-az", "db-1", evidence=[{"attr": f"a{i}", "value": i} for i in range(8)])
    report = sample_report(findings=[many])
    short = _text(report)
    assert "a2 = 2" in short and "a3 = 3" not in short and "5 more (--verbose)" in short
    full = _text(report, verbose=True)
    assert "a7 = 7" in full and "References: docs: https://docs.example.test/rds-multi-az" in full


def test_secrets_and_markup_in_values_print_safely() -> None:
    tricky = finding("rds-multi-az", "db-[bold]1[/bold]", severity=Severity.CRITICAL,
                     evidence=[{"attr": "user_data", "value": "export TOKEN=abc"}])
    text = _text(sample_report(findings=[tricky]), verbose=True)
    assert "db-[bold]1[/bold]" in text
    assert "export TOKEN" not in text and "user_data = ***" in text


def test_colour_terminal_output_has_styles() -> None:
    out = io.StringIO()
    render_rich(sample_report(), Console(file=out, force_terminal=True, color_system="standard", width=120))
    assert "\x1b[" in out.getvalue()


def test_type_guards_are_left_out_like_in_the_message() -> None:
    evidence = [{"attr": "type", "value": "aws.rds.db_instance", "test": "not in ['aws.rds.db_instance']"},
                {"selector": "some <- alarms_on (aws.cloudwatch.alarm)", "members": 0}]
    report = sample_report(findings=[finding("rds-multi-az", "arn:aws:rds:us-east-1:111122223333:db:orders",
                                             evidence=evidence, message="some <- alarms_on: none")])
    text = _text(report)
    assert "type = aws.rds.db_instance" not in text
    assert "some <- alarms_on: none" in text  # with no other evidence to show, the message stands in
    assert "type = aws.rds.db_instance" in _text(report, verbose=True)
