"""The report model: findings, policies and a summary, in a stable order with no timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scanner import __version__
from scanner.model import CoverageGap, Finding, PolicyInfo, Severity, Source, Status

REPORT_SCHEMA = "haguard.report/2"
"""Version 2 added ``passing_evidence`` (passing findings' evidence is compact unless ``--verbose``)."""

#: Statuses that count as a failure when at or above ``fail_on`` (unknown/error only without allow_unknown).
_UNCERTAIN = frozenset({Status.UNKNOWN, Status.ERROR})


class Tool(BaseModel):
    """The tool that wrote the report."""

    model_config = ConfigDict(extra="forbid")

    name: str = "haguard"
    version: str


class Summary(BaseModel):
    """Counts over the findings; ``failing > 0`` means the scan fails (exit code 1)."""

    model_config = ConfigDict(extra="forbid")

    by_status: dict[Status, int] = Field(description="Findings per status (every status present).")
    by_severity: dict[Severity, int] = Field(
        description="Failing-status findings per severity (fail, plus unknown/error unless allow_unknown), "
        "regardless of fail_on."
    )
    by_theme: dict[str, dict[Status, int]] = Field(description="Findings per theme and status.")
    failing: int = Field(description="Findings that fail the scan: failing status at or above fail_on.")
    resources: int = Field(description="Distinct resources with at least one finding.")
    policies: int = Field(description="Policies evaluated.")


class Report(BaseModel):
    """Everything a renderer needs; JSON form is ``haguard.report/2``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["haguard.report/2"] = Field(REPORT_SCHEMA, alias="schema")
    tool: Tool
    source: Source
    fail_on: Severity
    allow_unknown: bool
    policies: list[PolicyInfo]
    findings: list[Finding]
    summary: Summary
    coverage: list[CoverageGap] = Field(default_factory=list)
    passing_evidence: Literal["compact", "full"] = Field(
        "full", description="Evidence of passing findings: `compact` (at most 3 items with what decided them: "
        "attribute, value, count, unknown reason, and the resource when it is another one; no relation paths, "
        "test descriptions or member lists) or `full` (every item, as for the other findings). haguard writes "
        "`compact` unless --verbose is given.")


def counts_as_failure(finding: Finding, allow_unknown: bool) -> bool:
    """True when the finding's status is a failure at any severity (fail; unknown/error unless allowed)."""
    if finding.status is Status.FAIL:
        return True
    return finding.status in _UNCERTAIN and not allow_unknown


def is_failing(finding: Finding, fail_on: Severity, allow_unknown: bool) -> bool:
    """True when the finding fails the scan: a failure status at or above ``fail_on``."""
    return counts_as_failure(finding, allow_unknown) and finding.severity.at_least(fail_on)


def finding_sort_key(finding: Finding) -> tuple[int, str, str, str, str]:
    """Stable order: severity rank, policy id, resource uid (then status and id as tie-breakers)."""
    return (finding.severity.rank, finding.policy_id, finding.resource_uid, finding.status.value, finding.id)


def _summarise(findings: list[Finding], n_policies: int, fail_on: Severity, allow_unknown: bool) -> Summary:
    by_status = dict.fromkeys(Status, 0)
    by_severity = dict.fromkeys(Severity, 0)
    by_theme: dict[str, dict[Status, int]] = {}
    failure_statuses = {Status.FAIL} if allow_unknown else {Status.FAIL, *_UNCERTAIN}
    failing_severities = {s for s in Severity if s.at_least(fail_on)}
    failing = 0
    resources: set[str] = set()
    for finding in findings:
        status = finding.status
        by_status[status] += 1
        theme = by_theme.get(finding.theme)
        if theme is None:
            theme = by_theme[finding.theme] = dict.fromkeys(Status, 0)
        theme[status] += 1
        resources.add(finding.resource_uid)
        if status in failure_statuses:
            by_severity[finding.severity] += 1
            failing += finding.severity in failing_severities
    return Summary(
        by_status=by_status,
        by_severity=by_severity,
        by_theme=dict(sorted(by_theme.items())),
        failing=failing,
        resources=len(resources),
        policies=n_policies,
    )


def build_report(
    findings: Iterable[Finding],
    policies: Iterable[PolicyInfo],
    source: Source,
    *,
    fail_on: Severity,
    allow_unknown: bool,
    coverage: Iterable[CoverageGap] = (),
    version: str = __version__,
    passing_evidence: Literal["compact", "full"] = "full",
) -> Report:
    """Sort findings and policies, count them, and wrap everything in a ``Report``."""
    ordered = sorted(findings, key=finding_sort_key)
    infos = sorted(policies, key=lambda p: p.id)
    gaps = sorted(coverage, key=lambda g: (g.account or "", g.region or "", g.service, g.operation, g.error))
    return Report(
        tool=Tool(version=version),
        source=source,
        fail_on=fail_on,
        allow_unknown=allow_unknown,
        policies=infos,
        findings=ordered,
        summary=_summarise(ordered, len(infos), fail_on, allow_unknown),
        coverage=gaps,
        passing_evidence=passing_evidence,
    )


def verdict(report: Report) -> str:
    """One line: ``FAILED: 7 findings at or above high`` or ``PASSED``."""
    failing = report.summary.failing
    if failing == 0:
        return "PASSED"
    noun = "finding" if failing == 1 else "findings"
    return f"FAILED: {failing} {noun} at or above {report.fail_on.value}"
