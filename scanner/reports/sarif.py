"""SARIF 2.1.0 output for code-scanning tools (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from scanner.model import Finding, PolicyInfo, Severity, Status

from .evidence import evidence_lines
from .report import Report

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/haguard/haguard"
FINGERPRINT_KEY = "haguard/v1"

LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
#: GitHub maps security-severity > 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_REPORTED = frozenset({Status.FAIL, Status.UNKNOWN, Status.ERROR, Status.SUPPRESSED})


def _rule_name(policy_id: str) -> str:
    return "".join(part.capitalize() for part in policy_id.replace("_", "-").split("-") if part)


def _rule(policy: PolicyInfo) -> dict[str, Any]:
    description = policy.description or policy.title
    text = description
    markdown = f"**{policy.title}**\n\n{description}"
    if policy.remediation:
        text += f"\n\nRemediation: {policy.remediation}"
        markdown += f"\n\n**Remediation:** {policy.remediation}"
    if policy.references:
        refs = "\n".join(f"- {k}: {v}" for k, v in sorted(policy.references.items()))
        text += f"\n\nReferences:\n{refs}"
        markdown += f"\n\n**References:**\n{refs}"
    rule: dict[str, Any] = {
        "id": policy.id,
        "name": _rule_name(policy.id),
        "shortDescription": {"text": policy.title},
        "fullDescription": {"text": description},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[policy.severity]},
        "properties": {
            "tags": [policy.theme],
            "security-severity": SECURITY_SEVERITY[policy.severity],
            "resource-types": list(policy.resource_types),
        },
    }
    help_uri = next((v for _, v in sorted(policy.references.items()) if v.startswith("https://")), None)
    if help_uri:
        rule["helpUri"] = help_uri
    return rule


def _rules(report: Report) -> list[PolicyInfo]:
    """The report's policies, plus one made from the finding for a policy the report does not list."""
    known = {p.id: p for p in report.policies}
    for f in report.findings:
        if f.policy_id not in known:
            known[f.policy_id] = PolicyInfo(
                id=f.policy_id, title=f.title, theme=f.theme, severity=f.severity,
                resource_types=[f.resource_type], remediation=f.remediation,
            )
    return sorted(known.values(), key=lambda p: p.id)


def artifact_uri(file: str) -> str:
    """A forward-slash, percent-encoded URI for a source file: relative to the working directory when it
    is absolute and below it, else an absolute ``file:`` URI."""
    posix = file.replace("\\", "/")
    if PurePosixPath(posix).is_absolute() or PureWindowsPath(file).drive:
        try:
            posix = Path(file).resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return Path(file).resolve().as_uri()
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    return quote("/".join(parts), safe="/")


def _level(finding: Finding, allow_unknown: bool) -> str:
    if finding.status in (Status.UNKNOWN, Status.ERROR) and allow_unknown:
        return "note"
    return LEVELS[finding.severity]


def _message(finding: Finding) -> str:
    resource = finding.resource_name or finding.resource_uid
    text = f"[{finding.status.value.upper()}] {resource} ({finding.resource_uid}): {finding.message}"
    lines = evidence_lines(finding)
    if lines:
        text += "\nEvidence: " + "; ".join(lines)
    if finding.status is Status.SUPPRESSED and finding.suppression:
        text += f"\nSuppressed: {finding.suppression}"
    if finding.presumed:
        text += f"\nPresumed: {finding.presumed}"
    return text


def _result(finding: Finding, rule_index: int, allow_unknown: bool) -> dict[str, Any]:
    logical = {
        "name": finding.resource_name or finding.resource_uid,
        "fullyQualifiedName": finding.resource_uid,
        "kind": "resource",
    }
    location: dict[str, Any] = {"logicalLocations": [logical]}
    if finding.location is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.location.file)}}
        if finding.location.line and finding.location.line > 0:
            physical["region"] = {"startLine": finding.location.line}
        location["physicalLocation"] = physical
    result: dict[str, Any] = {
        "ruleId": finding.policy_id,
        "ruleIndex": rule_index,
        "level": _level(finding, allow_unknown),
        "message": {"text": _message(finding)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": {
            "status": finding.status.value,
            "severity": finding.severity.value,
            "resourceType": finding.resource_type,
        },
    }
    if finding.status is Status.SUPPRESSED:
        result["suppressions"] = [{
            # Inline suppressions (CloudFormation Metadata, Terraform comments) live next to a located resource.
            "kind": "inSource" if finding.location is not None else "external",
            "justification": finding.suppression or "suppressed",
        }]
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log as data: one run, one rule per policy, a result per non-passing finding."""
    rules = _rules(report)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [
        _result(f, index[f.policy_id], report.allow_unknown) for f in report.findings if f.status in _REPORTED
    ]
    driver = {
        "name": report.tool.name,
        "version": report.tool.version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(p) for p in rules],
    }
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}],
    }


def render_sarif(report: Report) -> str:
    """The report as SARIF 2.1.0 JSON text (indent 2, trailing newline)."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
