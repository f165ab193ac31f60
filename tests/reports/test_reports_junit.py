"""JUnit XML: parses with junitparser, one suite per policy, counts match, text escaped."""

from __future__ import annotations

from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped
from reports_factory import POLICIES, finding, sample_report

from scanner.model import Status
from scanner.reports.junit import render_junit


def _parse(text: str, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "report.xml"
    path.write_text(text, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_suites_and_counts(tmp_path: Path) -> None:
    xml = _parse(render_junit(sample_report()), tmp_path)
    suites = {suite.name: suite for suite in xml}
    assert sorted(suites) == sorted(POLICIES)
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (8, 3, 2, 1)
    nat = suites["nat-gw-per-az"]
    assert (nat.tests, nat.failures, nat.errors, nat.skipped) == (2, 1, 0, 1)
    assert sum(suite.tests for suite in xml) == 8


def test_case_results(tmp_path: Path) -> None:
    suites = {suite.name: suite for suite in _parse(render_junit(sample_report()), tmp_path)}
    cases = {c.name: c for c in suites["rds-multi-az"]}
    failing = cases["arn:aws:rds:us-east-1:111122223333:db:orders"]
    assert failing.classname == "rds-multi-az"
    (failure,) = failing.result
    assert isinstance(failure, Failure)
    assert failure.type == "high"
    assert "multi_az = false" in failure.text and "stacks/db.yaml:12" in failure.text
    assert cases["arn:aws:rds:us-east-1:111122223333:db:billing"].is_passed
    (error,) = next(iter(suites["backup-plan-exists"])).result
    assert isinstance(error, Error) and error.type == "unknown"
    skipped = [c for c in suites["nat-gw-per-az"] if c.is_skipped]
    assert isinstance(skipped[0].result[0], Skipped)
    assert skipped[0].result[0].message == "accepted risk until Q3"


def test_policy_without_findings_gets_an_empty_suite(tmp_path: Path) -> None:
    xml = _parse(render_junit(sample_report(findings=[finding("rds-multi-az", "db-1", Status.PASS)])), tmp_path)
    suites = {suite.name: suite.tests for suite in xml}
    assert suites["rds-multi-az"] == 1 and suites["alarm-on-lb"] == 0


def test_special_characters_are_escaped(tmp_path: Path) -> None:
    nasty = finding("rds-multi-az", 'db<"&>', message='bad <tag> & "quote"',
                    evidence=[{"attr": "name", "value": "]]></failure><x>"}])
    xml = _parse(render_junit(sample_report(findings=[nasty])), tmp_path)
    case = next(iter(next(s for s in xml if s.name == "rds-multi-az")))
    assert case.name == 'db<"&>'
    assert case.result[0].message == 'bad <tag> & "quote"'
    assert "]]></failure><x>" in case.result[0].text
