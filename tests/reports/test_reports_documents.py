"""Markdown and HTML reports: content, escaping, redaction."""

from __future__ import annotations

from html.parser import HTMLParser

from reports_factory import finding, sample_report

from scanner.model import Status
from scanner.reports.html import render_html
from scanner.reports.markdown import md_cell, render_markdown


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_markdown_summary_and_findings() -> None:
    text = render_markdown(sample_report())
    assert "**❌ FAILED: 3 findings at or above high**" in text
    assert "| high | 1 | 0 | 1 | 0 | 1 |" in text
    assert "### Findings (5)" in text and "### Suppressed (1)" in text and "### Coverage gaps (1)" in text
    assert "orders<br>stacks/db.yaml:12" in text
    assert text.endswith("\n")


def test_markdown_passing_report_has_no_findings_table() -> None:
    text = render_markdown(sample_report(findings=[finding("rds-multi-az", "db-1", Status.PASS)]))
    assert "✅ PASSED" in text and "### Findings" not in text


def test_markdown_cells_cannot_break_the_table() -> None:
    assert md_cell("a|b\nc `d` <e>") == "a\\|b c \\`d\\` &lt;e&gt;"
    nasty = finding("rds-multi-az", "db-1", message="x | y\n| z")
    row = next(line for line in render_markdown(sample_report(findings=[nasty])).splitlines() if "x \\| y" in line)
    assert row.count(" | ") == 5  # six cells


def test_html_escapes_everything() -> None:
    nasty = finding("rds-multi-az", "<script>alert(1)</script>", message="<img src=x onerror=alert(1)>",
                    evidence=[{"attr": "name", "value": "<script>"}])
    text = render_html(sample_report(findings=[nasty]))
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    parser = _Tags()
    parser.feed(text)
    assert "script" not in parser.tags and "img" not in parser.tags


def test_html_is_self_contained() -> None:
    text = render_html(sample_report())
    assert text.startswith("<!DOCTYPE html>") and "<style>" in text
    assert "<script" not in text and "<link" not in text and "src=" not in text
    assert "FAILED: 3 findings at or above high" in text
    assert "stacks/db.yaml:12" in text and "Fix: Fix rds-multi-az." in text
    assert "accepted risk until Q3" in text and "DescribeAutoScalingGroups" in text


def test_documents_redact_secrets() -> None:
    leaky = finding("rds-multi-az", "db-1", evidence=[{"environment": {"DB_PASSWORD": "hunter2", "MODE": "x1y2z3"}}])
    report = sample_report(findings=[leaky])
    html, markdown = render_html(report), render_markdown(report)
    # an environment's values are all masked, its variable names kept
    assert "hunter2" not in html and "x1y2z3" not in html and "DB_PASSWORD" in html and "***" in html
    assert "hunter2" not in markdown  # Markdown shows the message, never raw evidence
