"""Shared wording of drift reports: value formatting, change lines and the one-line summary."""

from __future__ import annotations

import json
from typing import Any

from .model import AttributeChange, DriftReport, FindingChange

MAX_VALUE = 160


def value(v: Any, limit: int = MAX_VALUE) -> str:
    """A value as compact JSON, cut at ``limit`` characters."""
    text = json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_line(change: AttributeChange) -> str:
    """``multi_az: true -> false`` (derived facts and unknown sides say so)."""
    before = f"unknown ({change.before_unknown})" if change.before_unknown else value(change.before)
    after = f"unknown ({change.after_unknown})" if change.after_unknown else value(change.after)
    return f"{change.path}{' (derived)' if change.derived else ''}: {before} -> {after}"


def status_move(change: FindingChange) -> str:
    """``pass -> fail`` (``none`` where a side had no finding)."""
    before = change.before.value if change.before else "none"
    after = change.after.value if change.after else "none"
    return f"{before} -> {after}"


def summary_line(report: DriftReport) -> str:
    """``2 new failures (1 high, 1 medium), 1 resolved, 3 still failing; resources +1 -0 ~3; relations +1 -1``."""
    s = report.summary
    if not s.drifted:
        return f"no drift ({s.still_failing} still failing)" if s.still_failing else "no drift"
    severities = ", ".join(f"{n} {sev.value}" for sev, n in s.new_failures_by_severity.items() if n)
    parts = [f"{s.new_failures} new failure{'s' if s.new_failures != 1 else ''}"
             + (f" ({severities})" if severities else ""),
             f"{s.resolved} resolved", f"{s.still_failing} still failing"]
    if s.changed_status:
        parts.append(f"{s.changed_status} changed status")
    resources = f"resources +{s.resources_added} -{s.resources_removed} ~{s.resources_changed}"
    if s.resources_unverifiable:
        resources += f" ?{s.resources_unverifiable}"
    return ", ".join(parts) + f"; {resources}; relations +{s.relations_added} -{s.relations_removed}"


def resource_label(name: str | None, uid: str) -> str:
    """The name, with the uid when they differ."""
    return f"{name} ({uid})" if name and name != uid else uid
