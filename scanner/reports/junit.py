"""JUnit XML: one test suite per policy, one test case per resource it was evaluated on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import groupby

from scanner.model import Finding, Status, needs_redaction
from scanner.redact import redact_text

from .evidence import evidence_lines
from .report import Report

_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _details(finding: Finding) -> str:
    lines = [finding.message]
    resource = finding.resource_name or finding.resource_uid
    lines.append(f"resource: {resource} ({finding.resource_type})")
    if finding.location is not None:
        where = finding.location.file + (f":{finding.location.line}" if finding.location.line else "")
        lines.append(f"location: {where}")
    if finding.presumed:
        lines.append(f"presumed: {finding.presumed}")
    evidence = evidence_lines(finding, limit=None)
    if evidence:
        lines.append("evidence:")
        lines.extend(f"  {line}" for line in evidence)
    if finding.remediation:
        lines.append(f"remediation: {finding.remediation}")
    return "\n".join(lines)


def _text(finding: Finding, text: str) -> str:
    return redact_text(text) if needs_redaction(finding) else text


def _case(suite: ET.Element | None, finding: Finding) -> ET.Element:
    """The ``<testcase>`` of ``finding`` (added to ``suite`` when one is given)."""
    attrs = {"classname": finding.policy_id, "name": finding.resource_uid, "time": "0"}
    case = ET.SubElement(suite, "testcase", attrs) if suite is not None else ET.Element("testcase", attrs)
    message = _text(finding, finding.message)
    if finding.status is Status.FAIL:
        node = ET.SubElement(case, "failure", message=message, type=finding.severity.value)
        node.text = _text(finding, _details(finding))
    elif finding.status in (Status.UNKNOWN, Status.ERROR):
        node = ET.SubElement(case, "error", message=message, type=finding.status.value)
        node.text = _text(finding, f"severity: {finding.severity.value}\n{_details(finding)}")
    elif finding.status is Status.SUPPRESSED:
        ET.SubElement(case, "skipped", message=_text(finding, finding.suppression or "suppressed"))
    elif finding.presumed:  # a pass on an assumption says so
        ET.SubElement(case, "system-out").text = _text(finding, f"presumed: {finding.presumed}")
    return case


def _counts(findings: list[Finding]) -> dict[str, str]:
    def count(*statuses: Status) -> str:
        return str(sum(f.status in statuses for f in findings))

    return {
        "tests": str(len(findings)),
        "failures": count(Status.FAIL),
        "errors": count(Status.UNKNOWN, Status.ERROR),
        "skipped": count(Status.SUPPRESSED),
    }


def _by_policy(report: Report) -> dict[str, list[Finding]]:
    by_policy = {
        policy_id: list(group)
        for policy_id, group in groupby(sorted(report.findings, key=lambda f: (f.policy_id, f.resource_uid)),
                                        key=lambda f: f.policy_id)
    }
    for policy in report.policies:
        by_policy.setdefault(policy.id, [])
    return by_policy


def junit_element(report: Report) -> ET.Element:
    """The whole ``<testsuites>`` tree (indented); ``junit_chunks`` writes the same text without building it."""
    by_policy = _by_policy(report)
    root = ET.Element("testsuites", name="haguard", **_counts(report.findings), time="0")
    for policy_id in sorted(by_policy):
        findings = by_policy[policy_id]
        suite = ET.SubElement(root, "testsuite", name=policy_id, **_counts(findings), time="0")
        for finding in findings:
            _case(suite, finding)
    ET.indent(root)
    return root


_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;",
                                    "\n": "&#10;", "\t": "&#09;"})
"""ElementTree's escaping of attribute values, for test cases written without building an element."""


def _case_text(finding: Finding) -> str:
    """The indented ``<testcase>`` text of ``finding``: written directly for a plain pass, through ElementTree
    otherwise."""
    if finding.status is Status.PASS and not finding.presumed:
        return (f'<testcase classname="{finding.policy_id.translate(_ATTRIBUTE_ESCAPES)}" '
                f'name="{finding.resource_uid.translate(_ATTRIBUTE_ESCAPES)}" time="0" />')
    case = _case(None, finding)
    ET.indent(case, level=2)
    return ET.tostring(case, encoding="unicode")


def _open_tag(element: ET.Element) -> str:
    """``<tag attr="...">`` with ElementTree's own escaping (serialised empty, then opened)."""
    text = ET.tostring(element, encoding="unicode")
    return text.removesuffix(" />") + ">"


def junit_chunks(report: Report) -> Iterator[bytes]:
    """The JUnit XML text as UTF-8 chunks, one per test case: the text ``render_junit`` returns."""
    by_policy = _by_policy(report)
    root = ET.Element("testsuites", name="haguard", **_counts(report.findings), time="0")
    if not by_policy:
        yield (_HEADER + ET.tostring(root, encoding="unicode") + "\n").encode()
        return
    yield (_HEADER + _open_tag(root)).encode()
    for policy_id in sorted(by_policy):
        findings = by_policy[policy_id]
        suite = ET.Element("testsuite", name=policy_id, **_counts(findings), time="0")
        if not findings:
            yield ("\n  " + ET.tostring(suite, encoding="unicode")).encode()
            continue
        yield ("\n  " + _open_tag(suite)).encode()
        for finding in findings:
            yield ("\n    " + _case_text(finding)).encode()
        yield b"\n  </testsuite>"
    yield b"\n</testsuites>\n"


def render_junit(report: Report) -> str:
    """The report as JUnit XML text (``<testsuites>``; policies without findings get an empty suite)."""
    return b"".join(junit_chunks(report)).decode()
