"""The terminal form of a drift report (plain text; rich adds colour on a terminal)."""

from __future__ import annotations

from .model import DriftReport, FindingChange
from .text import change_line, resource_label, status_move, summary_line


def render_text(report: DriftReport, *, show_still_failing: bool = False) -> str:
    """Every change, grouped: findings first (what matters), then resources and relations."""
    lines = [f"haguard drift: {report.before.label} -> {report.after.label}", summary_line(report)]

    def findings(title: str, items: list[FindingChange]) -> None:
        if items:
            lines.append(f"\n{title} ({len(items)})")
            lines.extend(f"  {c.severity.value:<8} {c.policy_id}  {resource_label(c.resource_name, c.resource_uid)}"
                         f"  [{status_move(c)}]  {c.message}" for c in items)

    f = report.findings
    findings("New failures", f.new_failures)
    findings("Resolved", f.resolved)
    findings("Changed status", f.changed_status)
    if show_still_failing:
        findings("Still failing", f.still_failing)
    r = report.resources
    for title, refs in (("Resources added", r.added), ("Resources removed", r.removed)):
        if refs:
            lines.append(f"\n{title} ({len(refs)})")
            lines.extend(f"  {ref.type}  {resource_label(ref.name, ref.uid)}" for ref in refs)
    if r.changed:
        lines.append(f"\nResources changed ({len(r.changed)})")
        for res in r.changed:
            lines.append(f"  {res.type}  {resource_label(res.name, res.uid)}")
            lines.extend(f"    {change_line(c)}" for c in res.changes)
    if r.unverifiable:
        lines.append(f"\nNot comparable ({len(r.unverifiable)})")
        lines.extend(f"  {u.type}  {resource_label(u.name, u.uid)}: {u.reason}" for u in r.unverifiable)
    rel = report.relations
    for title, sign, items in (("Relations added", "+", rel.added), ("Relations removed", "-", rel.removed)):
        if items:
            lines.append(f"\n{title} ({len(items)})")
            lines.extend(f"  {sign} {x.src} -[{x.kind}]-> {x.dst}" for x in items)
    if report.ignored:
        lines.append(f"\nignored: {', '.join(report.ignored)}")
    return "\n".join(lines) + "\n"
