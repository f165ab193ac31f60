"""Self-contained HTML report: Jinja2 templates, inline CSS and SVG, no network, no JavaScript needed.

Sections: the verdict and exit code; counts by severity and by theme; findings by severity (folded
with ``<details>``) and by theme; a per-account and per-Region breakdown; then, when given, the
trend of past runs, the resilience by workload and the topology picture of what was scanned.
Autoescaping is on for every template: no report value reaches the page unescaped. Evidence comes
through ``evidence_lines`` (redacted); no raw attribute is printed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from scanner.model import Finding, Severity, Status

from .evidence import evidence_lines
from .report import Report, counts_as_failure, resource_counts, verdict

if TYPE_CHECKING:
    from scanner.graph import Graph

    from .resilience import ResilienceRow
    from .trend import TrendRun

STATUS_COLUMNS = (Status.FAIL, Status.UNKNOWN, Status.ERROR, Status.SUPPRESSED, Status.PASS)
OPEN = frozenset({Status.FAIL, Status.UNKNOWN, Status.ERROR})
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment over the package's ``templates`` (autoescape on, undefined is an error)."""
    from .layout import shorten

    env = Environment(loader=PackageLoader("scanner.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["shorten"] = shorten
    return env


@dataclass(frozen=True)
class FindingView:
    """A finding with what the page shows beside it."""

    finding: Finding
    anchor: str
    evidence: list[str]
    where: str
    resource_anchor: str | None
    """The id of the resource's topology node, when the picture draws it."""


def finding_anchor(finding: Finding) -> str:
    return "f-" + _UNSAFE_ID.sub("_", finding.id)


def _where(finding: Finding) -> str:
    if finding.location is None:
        return ""
    return finding.location.file + (f":{finding.location.line}" if finding.location.line else "")


def _meta(report: Report) -> list[str]:
    src = report.source
    parts = [f"source {src.kind}"]
    if src.accounts:
        parts.append("accounts " + ", ".join(src.accounts))
    if src.regions:
        parts.append("Regions " + ", ".join(src.regions))
    if src.files:
        shown = ", ".join(src.files[:5]) + (f" and {len(src.files) - 5} more" if len(src.files) > 5 else "")
        parts.append("files " + shown)
    parts += [resource_counts(report), f"{report.summary.policies} policies",
              f"fail on {report.fail_on.value}" + (", unknown allowed" if report.allow_unknown else "")]
    if src.taken_at:
        parts.append(f"taken at {src.taken_at}")
    return parts


def exit_code(report: Report) -> int:
    """The exit code ``haguard`` gives this report: 1 on failing findings or (without allow_unknown) gaps."""
    return 1 if report.summary.failing or (report.coverage and not report.allow_unknown) else 0


def _breakdown(report: Report) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for f in report.findings:
        key = (f.account or "", f.region or "")
        row = rows.setdefault(key, {"account": key[0] or "—", "region": key[1] or "—", "resources": set(),
                                    "failures": dict.fromkeys((s.value for s in Severity), 0),
                                    "suppressed": 0, "passed": 0})
        row["resources"].add(f.resource_uid)
        if counts_as_failure(f, report.allow_unknown):
            row["failures"][f.severity.value] += 1
        elif f.status is Status.SUPPRESSED:
            row["suppressed"] += 1
        elif f.status is Status.PASS:
            row["passed"] += 1
    return [{**row, "resources": len(row["resources"])} for _, row in sorted(rows.items())]


def _themes(report: Report, views: list[FindingView]) -> list[dict[str, Any]]:
    titles = {p.id: p for p in report.policies}
    by_policy: dict[str, list[FindingView]] = defaultdict(list)
    for view in views:
        by_policy[view.finding.policy_id].append(view)
    themes = []
    for theme, counts in report.summary.by_theme.items():
        policies = sorted({f.policy_id for f in report.findings if f.theme == theme},
                          key=lambda p: (titles[p].severity.rank if p in titles else 9, p))
        themes.append({"name": theme, "counts": {s.value: n for s, n in counts.items()}, "policies": [
            {"id": p, "title": titles[p].title if p in titles else "", "open": by_policy.get(p, []),
             "severity": titles[p].severity.value if p in titles else ""} for p in policies]})
    return themes


def _topology(graphs: Sequence[Graph], report: Report) -> dict[str, Any] | None:
    if not graphs:
        return None
    from .layout import layout
    from .topology import build_topology

    topology = build_topology(graphs, report.findings)
    return {"model": topology, "diagram": layout(topology) if not topology.too_large else None}


def _resources_index(report: Report, views: list[FindingView]) -> list[dict[str, Any]]:
    from .topology import resource_anchor

    index: dict[str, dict[str, Any]] = {}
    for view in views:
        f = view.finding
        entry = index.setdefault(f.resource_uid, {"uid": f.resource_uid, "name": f.resource_name or f.resource_uid,
                                                  "anchor": resource_anchor(f.resource_uid), "findings": []})
        entry["findings"].append(view)
    return sorted(index.values(), key=lambda e: (min(v.finding.severity.rank for v in e["findings"]), e["name"]))


def render_html(
    report: Report,
    *,
    graphs: Sequence[Graph] = (),
    trend: Sequence[TrendRun | Mapping[str, Any]] | None = None,
    resilience: Sequence[ResilienceRow | Mapping[str, Any]] | None = None,
) -> str:
    """The report as one self-contained HTML page.

    ``graphs``: the graphs the findings were evaluated on (one per snapshot) — adds the topology
    picture. ``trend``: past runs (see ``scanner.reports.trend``) — adds the trend chart.
    ``resilience``: rows of ``scanner.reports.resilience`` — adds the resilience by workload
    section (taken from ``report.resilience`` when the report model carries it and none is given).
    """
    from .resilience import parse_resilience
    from .resilience import verdict as objective
    from .topology import resource_anchor
    from .trend import trend_chart

    topology = _topology(graphs, report)
    drawn = {n.uid for n in topology["model"].nodes} if topology else set()
    views = [FindingView(f, finding_anchor(f), evidence_lines(f, limit=200), _where(f),
                         "n-" + resource_anchor(f.resource_uid) if f.resource_uid in drawn else None)
             for f in report.findings if f.status in OPEN]
    by_severity = [(s.value, [v for v in views if v.finding.severity is s]) for s in Severity]
    if resilience is None:
        resilience = getattr(report, "resilience", None)
    rows = [{"row": r, "rpo": objective(r.rpo_seconds, r.targets.rpo_seconds if r.targets else None, r.mechanism),
             "rto": objective(r.rto_seconds, r.targets.rto_seconds if r.targets else None, r.mechanism),
             "anchor": resource_anchor(r.store_uid) if r.store_uid else None}
            for r in parse_resilience(resilience or [])]
    context = {
        "report": report,
        "verdict": verdict(report),
        "exit_code": exit_code(report),
        "meta": _meta(report),
        "statuses": [s.value for s in STATUS_COLUMNS],
        "severity_rows": [(s.value, [sum(f.status is st and f.severity is s for f in report.findings)
                                     for st in STATUS_COLUMNS]) for s in Severity
                          if any(f.severity is s for f in report.findings)],
        "theme_rows": [(t, [c[st] for st in STATUS_COLUMNS]) for t, c in report.summary.by_theme.items()],
        "failing_by_severity": [(s.value, report.summary.by_severity[s]) for s in Severity],
        "by_severity": [(s, v) for s, v in by_severity if v],
        "open_count": len(views),
        "themes": _themes(report, views),
        "breakdown": _breakdown(report),
        "severities": [s.value for s in Severity],
        "trend": trend_chart(trend) if trend is not None else None,
        "trend_given": trend is not None,
        "resilience": rows,
        "topology": topology,
        "resources_index": _resources_index(report, views) if topology else [],
        "suppressed": [f for f in report.findings if f.status is Status.SUPPRESSED],
        "coverage": report.coverage,
        "anchor_of": resource_anchor,
    }
    return environment().get_template("report.html.j2").render(context)
