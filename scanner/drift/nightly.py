"""The nightly job's outputs: one run's report, its drift from the previous run of the scope, and the trend.

``render_nightly_markdown`` fits a chat message or issue comment (size-aware, details folded);
``render_nightly_html`` is the report's HTML page with the drift and trend added; ``nightly_json``
holds all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape as html_escape
from typing import TYPE_CHECKING, Any

from .render_markdown import DEFAULT_MAX_CHARS, FINDING_HEADER, Budget, code, drift_sections, escape, folded

if TYPE_CHECKING:
    from ..history import RunInfo, TrendPoint
    from ..reports import Report
    from .model import DriftReport


@dataclass
class NightlyResult:
    """What one nightly run produced (``previous`` is ``None`` on the first run of a scope)."""

    report: Report
    run_id: int
    scope_label: str
    exit_code: int
    resources: int
    verdict: str
    drift: DriftReport | None = None
    previous: RunInfo | None = None
    trend: list[TrendPoint] = field(default_factory=list)


def nightly_json(result: NightlyResult) -> dict[str, Any]:
    """``{"run_id", "scope", "exit_code", "report", "drift", "trend"}``."""
    return {"schema": "haguard.nightly/1", "run_id": result.run_id, "scope": result.scope_label,
            "exit_code": result.exit_code, "verdict": result.verdict,
            "previous_run_id": result.previous.id if result.previous else None,
            "report": result.report.model_dump(mode="json", by_alias=True, exclude_none=True),
            "drift": result.drift.to_json() if result.drift else None,
            "trend": [point.to_json() for point in result.trend]}


def _trend_text(trend: list[TrendPoint]) -> str:
    """``run 3: 4 · run 4: 6 · run 5: 5`` (failures of every severity)."""
    return " · ".join(f"run {p.run_id}: {sum(p.counts.values())}" for p in trend)


def render_nightly_markdown(result: NightlyResult, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """A message of at most ``max_chars`` characters: verdict and counts first, then folded details."""
    from ..reports.report import counts_as_failure

    report = result.report
    budget = Budget(max_chars)
    severities = " · ".join(f"{s.value} {n}" for s, n in report.summary.by_severity.items())
    head = [f"## haguard nightly: {escape(result.verdict)}\n",
            f"{escape(result.scope_label)} · run {result.run_id} · {result.resources} resources · "
            f"haguard {escape(report.tool.version)}\n",
            f"**Failures by severity:** {severities}\n"]
    if len(result.trend) > 1:
        head.append(f"**Trend (failures per run):** {_trend_text(result.trend)}\n")
    head.append("\n")
    if result.drift is None:
        head.append("First run of this scope: no drift to report yet.\n")
    budget.take("".join(head))
    body = "".join(head)
    if result.drift is not None:
        body += drift_sections(result.drift, budget, heading="###")
    failing = [f for f in report.findings if counts_as_failure(f, report.allow_unknown)]
    rows = [f"| {f.severity.value} | {code(f.policy_id)} | {escape(f.resource_name or f.resource_uid)} | "
            f"{f.status.value} | {escape(f.message)} |" for f in failing]
    body += folded("All failing findings", FINDING_HEADER, rows, budget)
    return body


def render_nightly_html(result: NightlyResult) -> str:
    """The report's HTML page (``scanner.reports.render``) with the drift and trend sections before ``</body>``."""
    from ..reports import render
    from .render_html import render_html

    page = render(result.report, "html") or ""
    parts = []
    if result.trend:
        rows = "".join(
            f"<tr><td>{p.run_id}</td><td>{html_escape(p.recorded_at[:19].replace('T', ' '))}</td>"
            + "".join(f"<td class=\"n\">{n}</td>" for n in p.counts.values()) + "</tr>" for p in result.trend)
        header = "".join(f"<th>{html_escape(s)}</th>" for s in result.trend[0].counts)
        parts.append(f"<section id=\"trend\"><h2>Trend: failures per severity</h2><table><thead><tr><th>run</th>"
                     f"<th>recorded (UTC)</th>{header}</tr></thead><tbody>{rows}</tbody></table></section>")
    if result.drift is not None:
        parts.append(render_html(result.drift, standalone=False))
    else:
        parts.append("<section id=\"drift\"><h2>Drift</h2><p>First run of this scope: no drift to report yet.</p>"
                     "</section>")
    extra = "\n".join(parts)
    marker = page.rfind("</body>")
    return page[:marker] + extra + page[marker:] if marker >= 0 else page + extra
