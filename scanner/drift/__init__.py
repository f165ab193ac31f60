"""Drift: what changed between two snapshots (or history runs), and between IaC and what is deployed.

``compare(before, after)`` gives a ``DriftReport`` (JSON ``haguard.drift/1``): resources added,
removed and changed (attribute path, before, after, on the normalised vocabulary, derived facts
flagged), relations added and removed, and findings (new failures, resolved, still failing, changed
status). The diff is hand-written (see ``docs/drift.md``): resources are matched by uid and equal
attribute dicts are skipped with one ``==``, so 100k-resource snapshots diff in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Severity
from .findings import diff_findings, is_failure, new_failures_at_or_above
from .model import DRIFT_SCHEMA, DriftReport, DriftSummary, Side
from .sides import EvaluatedSide, Evaluation, Facts, evaluate_snapshot, is_run_ref, load_side, load_sides
from .snapshots import diff_resources
from .values import IgnoreRules, diff_values


def compare(before: EvaluatedSide, after: EvaluatedSide, *, ignore: Iterable[str] = (),
            allow_unknown: bool = False) -> DriftReport:
    """The drift from ``before`` to ``after``."""
    rules = IgnoreRules(ignore)
    resources, relations = diff_resources(before.snapshot, after.snapshot, rules, before.derived, after.derived)
    findings = diff_findings(before.findings, after.findings, allow_unknown=allow_unknown)
    by_severity = dict.fromkeys(Severity, 0)
    for change in findings.new_failures:
        by_severity[change.severity] += 1
    summary = DriftSummary(
        resources_added=len(resources.added), resources_removed=len(resources.removed),
        resources_changed=len(resources.changed), resources_unverifiable=len(resources.unverifiable),
        relations_added=len(relations.added), relations_removed=len(relations.removed),
        new_failures=len(findings.new_failures), resolved=len(findings.resolved),
        still_failing=len(findings.still_failing), changed_status=len(findings.changed_status),
        new_failures_by_severity=by_severity,
        drifted=bool(resources.added or resources.removed or resources.changed or resources.unverifiable
                     or relations.added or relations.removed or findings.new_failures or findings.resolved
                     or findings.changed_status),
    )
    return DriftReport(before=_side(before), after=_side(after), ignored=rules.globs, allow_unknown=allow_unknown,
                       resources=resources, relations=relations, findings=findings, summary=summary)


def _side(side: EvaluatedSide) -> Side:
    return Side(label=side.label, run_id=side.run.id if side.run else None, source=side.snapshot.source,
                resources=len(side.snapshot.resources))


__all__ = [
    "DRIFT_SCHEMA",
    "DriftReport",
    "EvaluatedSide",
    "Evaluation",
    "Facts",
    "IgnoreRules",
    "compare",
    "diff_findings",
    "diff_resources",
    "diff_values",
    "evaluate_snapshot",
    "is_failure",
    "is_run_ref",
    "load_side",
    "load_sides",
    "new_failures_at_or_above",
]
