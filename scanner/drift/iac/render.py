"""IaC drift reports: plain text, JSON, Markdown (size-aware, folded) and HTML (Jinja2, autoescaped)."""

from __future__ import annotations

from ...errors import InputError
from ..render_markdown import DEFAULT_MAX_CHARS, Budget, code, escape, folded
from ..text import change_line, resource_label
from .model import IacDriftReport


def summary_line(report: IacDriftReport) -> str:
    """``3 of 5 matched: 1 drifted (2 attributes), 1 missing, 1 not comparable; 4 unmanaged; 2 unverifiable``."""
    s = report.summary
    return (f"{s.matched} of {s.declared} declared resources matched: {s.drifted_resources} drifted "
            f"({s.changed_attributes} attributes), {s.missing} missing, {s.not_comparable} not comparable; "
            f"{s.unmanaged} unmanaged live resources; {s.unverifiable_attributes} attributes unverifiable")


def render_text(report: IacDriftReport) -> str:
    """Every finding of the comparison, grouped."""
    lines = [f"haguard drift: IaC ({', '.join(report.iac_files)}) -> {report.live_label}", summary_line(report)]
    lines.extend(f"  note: {n}" for n in report.notes)
    if report.drifted:
        lines.append(f"\nDrifted ({len(report.drifted)}): IaC value -> live value")
        for m in report.drifted:
            lines.append(f"  {m.iac.type}  {m.iac.uid} -> {resource_label(m.live.name, m.live.uid)}  [{m.matched_by}]")
            lines.extend(f"    {change_line(c)}" for c in m.changes)
    for title, items in (("Declared but not found", report.missing), ("Not comparable", report.not_comparable)):
        if items:
            lines.append(f"\n{title} ({len(items)})")
            lines.extend(f"  {x.iac.type}  {x.iac.uid}: {x.reason}" for x in items)
    if report.unmanaged:
        lines.append(f"\nUnmanaged: live, declared by no IaC ({report.summary.unmanaged})")
        for type_name, refs in report.unmanaged.items():
            lines.append(f"  {type_name} ({len(refs)}): " + ", ".join(resource_label(r.name, r.uid) for r in refs))
    if report.unverifiable:
        lines.append(f"\nUnverifiable: no drift claim ({len(report.unverifiable)})")
        lines.extend(f"  {u.iac_uid}  {u.path}: {u.reason}" for u in report.unverifiable)
    return "\n".join(lines) + "\n"


def render_markdown(report: IacDriftReport, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Summary first, then each list folded, within ``max_chars``."""
    budget = Budget(max_chars)
    head = f"## haguard drift: IaC → {escape(report.live_label)}\n\n{escape(summary_line(report))}\n"
    budget.take(head)
    out = [head]
    rows = [f"| {code(m.iac.uid)} | {escape(m.live.name or m.live.uid)} | {code(change_line(c))} |"
            for m in report.drifted for c in m.changes]
    out.append(folded("Drifted attributes", "| IaC | live | IaC value -> live value |\n|---|---|---|\n", rows, budget))
    for title, items in (("Declared but not found", report.missing), ("Not comparable", report.not_comparable)):
        rows = [f"| {code(x.iac.type)} | {code(x.iac.uid)} | {escape(x.reason)} |" for x in items]
        out.append(folded(title, "| type | IaC | why |\n|---|---|---|\n", rows, budget))
    rows = [f"| {code(t)} | {len(refs)} | {escape(', '.join(r.name or r.uid for r in refs))} |"
            for t, refs in report.unmanaged.items()]
    out.append(folded("Unmanaged by type", "| type | count | resources |\n|---|---|---|\n", rows, budget))
    rows = [f"| {code(u.iac_uid)} | {code(u.path)} | {escape(u.reason)} |" for u in report.unverifiable]
    out.append(folded("Unverifiable", "| IaC | attribute | why |\n|---|---|---|\n", rows, budget))
    return "".join(out)


def render_html(report: IacDriftReport) -> str:
    """A self-contained page (inline CSS, autoescaped)."""
    from importlib.resources import files

    from jinja2 import Environment

    from ..render_html import CSS

    text = files("scanner.drift").joinpath("templates/iac_drift.html.j2").read_text(encoding="utf-8")
    template = Environment(autoescape=True).from_string(text)
    return template.render(r=report, css=CSS, summary=summary_line(report), line=change_line)




def render_iac_drift(report: IacDriftReport, fmt: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The report in ``fmt`` (rich gives plain text)."""
    if fmt == "json":
        return report.model_dump_json(by_alias=True, indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(report, max_chars)
    if fmt == "html":
        return render_html(report)
    if fmt == "rich":
        return render_text(report)
    raise InputError(f"unknown drift format {fmt!r}")
