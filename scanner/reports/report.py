"""The report model: findings, policies and a summary, in a stable order with no timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scanner import __version__
from scanner.model import CoverageGap, Finding, PolicyInfo, Severity, Source, Status, Unevaluated

from .resilience import ResilienceRow

REPORT_SCHEMA = "haguard.report/1"

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
    failing: int = Field(description="Findings that fail the scan: failing status at or above fail_on, plus "
                         "not-evaluated resources of a type named by --fail-on-unevaluated.")
    resources: int = Field(description="Resources modelled (evaluated by the pack).")
    resources_with_findings: int = Field(0, description="Distinct resources with at least one finding.")
    unevaluated: int = Field(0, description="Resources of types haguard does not model (listed in `unevaluated`).")
    unevaluated_by_type: dict[str, int] = Field(default_factory=dict,
                                                description="Not-evaluated resources per source type.")
    policies: int = Field(description="Policies evaluated.")


class Report(BaseModel):
    """Everything a renderer needs; JSON form is ``haguard.report/1``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["haguard.report/1"] = Field(REPORT_SCHEMA, alias="schema")
    tool: Tool
    source: Source
    fail_on: Severity
    allow_unknown: bool
    policies: list[PolicyInfo]
    findings: list[Finding]
    summary: Summary
    coverage: list[CoverageGap] = Field(default_factory=list)
    unevaluated: list[Unevaluated] = Field(default_factory=list, description="Resources no vocabulary type models.")
    fail_on_unevaluated: list[str] = Field(default_factory=list,
                                           description="Source types whose not-evaluated resources fail the run.")
    resilience: list[ResilienceRow] = Field(
        default_factory=list, description="Estimated RPO/RTO per data store and disruption, grouped by workload.")


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


def _summarise(findings: list[Finding], n_policies: int, fail_on: Severity, allow_unknown: bool,
               resources: int | None, unevaluated: list[Unevaluated], fail_types: frozenset[str]) -> Summary:
    by_status = dict.fromkeys(Status, 0)
    by_severity = dict.fromkeys(Severity, 0)
    by_theme: dict[str, dict[Status, int]] = {}
    for finding in findings:
        by_status[finding.status] += 1
        by_theme.setdefault(finding.theme, dict.fromkeys(Status, 0))[finding.status] += 1
        if counts_as_failure(finding, allow_unknown):
            by_severity[finding.severity] += 1
    with_findings = len({f.resource_uid for f in findings})
    by_type: dict[str, int] = {}
    for item in unevaluated:
        by_type[item.source_type] = by_type.get(item.source_type, 0) + 1
    return Summary(
        by_status=by_status,
        by_severity=by_severity,
        by_theme=dict(sorted(by_theme.items())),
        failing=sum(is_failing(f, fail_on, allow_unknown) for f in findings)
        + sum(count for source_type, count in by_type.items() if source_type in fail_types),
        resources=with_findings if resources is None else resources,
        resources_with_findings=with_findings,
        unevaluated=len(unevaluated),
        unevaluated_by_type=dict(sorted(by_type.items())),
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
    resources: int | None = None,
    unevaluated: Iterable[Unevaluated] = (),
    fail_on_unevaluated: Iterable[str] = (),
    resilience: Iterable[ResilienceRow] = (),
    version: str = __version__,
) -> Report:
    """Sort findings and policies, count them, and wrap everything in a ``Report``.

    ``resources`` is the number of resources modelled (default: those with a finding);
    ``unevaluated`` the resources no type models; ``fail_on_unevaluated`` the source types of those
    that fail the run.
    """
    ordered = sorted(findings, key=finding_sort_key)
    infos = sorted(policies, key=lambda p: p.id)
    gaps = sorted(coverage, key=lambda g: (g.account or "", g.region or "", g.service, g.operation, g.error))
    skipped = sorted(unevaluated, key=lambda u: (u.source_type, u.uid))
    fail_types = frozenset(fail_on_unevaluated)
    return Report(
        tool=Tool(version=version),
        source=source,
        fail_on=fail_on,
        allow_unknown=allow_unknown,
        policies=infos,
        findings=ordered,
        summary=_summarise(ordered, len(infos), fail_on, allow_unknown, resources, skipped, fail_types),
        coverage=gaps,
        unevaluated=skipped,
        fail_on_unevaluated=sorted(fail_types),
        resilience=list(resilience),
    )


def resource_counts(report: Report) -> str:
    """``55 resources modelled (12 with findings), 3 not evaluated`` for report headers."""
    summary = report.summary
    text = f"{summary.resources} resources modelled ({summary.resources_with_findings} with findings)"
    if summary.unevaluated:
        text += f", {summary.unevaluated} not evaluated"
    return text


def verdict(report: Report) -> str:
    """One line: ``FAILED: 7 findings at or above high`` or ``PASSED``."""
    failing = report.summary.failing
    if failing == 0:
        return "PASSED"
    blocked = sum(n for t, n in report.summary.unevaluated_by_type.items() if t in report.fail_on_unevaluated)
    parts = []
    if failing - blocked:
        noun = "finding" if failing - blocked == 1 else "findings"
        parts.append(f"{failing - blocked} {noun} at or above {report.fail_on.value}")
    if blocked:
        parts.append(f"{blocked} not evaluated ({', '.join(report.fail_on_unevaluated)})")
    return "FAILED: " + "; ".join(parts)
