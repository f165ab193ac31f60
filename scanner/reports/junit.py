"""JUnit XML: one test suite per policy, one test case per resource it was evaluated on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from scanner.model import Finding, Status

from .evidence import evidence_lines
from .report import Report


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


def _case(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(suite, "testcase", classname=finding.policy_id, name=finding.resource_uid, time="0")
    if finding.status is Status.FAIL:
        node = ET.SubElement(case, "failure", message=finding.message, type=finding.severity.value)
        node.text = _details(finding)
    elif finding.status in (Status.UNKNOWN, Status.ERROR):
        node = ET.SubElement(case, "error", message=finding.message, type=finding.status.value)
        node.text = f"severity: {finding.severity.value}\n{_details(finding)}"
    elif finding.status is Status.SUPPRESSED:
        ET.SubElement(case, "skipped", message=finding.suppression or "suppressed")
    elif finding.presumed:  # a pass on an assumption says so
        ET.SubElement(case, "system-out").text = f"presumed: {finding.presumed}"


def _counts(findings: list[Finding]) -> dict[str, str]:
    def count(*statuses: Status) -> str:
        return str(sum(f.status in statuses for f in findings))

    return {
        "tests": str(len(findings)),
        "failures": count(Status.FAIL),
        "errors": count(Status.UNKNOWN, Status.ERROR),
        "skipped": count(Status.SUPPRESSED),
    }


def render_junit(report: Report) -> str:
    """The report as JUnit XML text (``<testsuites>``; policies without findings get an empty suite)."""
    by_policy = {
        policy_id: list(group)
        for policy_id, group in groupby(sorted(report.findings, key=lambda f: (f.policy_id, f.resource_uid)),
                                        key=lambda f: f.policy_id)
    }
    for policy in report.policies:
        by_policy.setdefault(policy.id, [])
    root = ET.Element("testsuites", name="haguard", **_counts(report.findings), time="0")
    for policy_id in sorted(by_policy):
        findings = by_policy[policy_id]
        suite = ET.SubElement(root, "testsuite", name=policy_id, **_counts(findings), time="0")
        for finding in findings:
            _case(suite, finding)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
