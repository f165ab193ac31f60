"""``render_drift(report, fmt)``: the drift report as rich (plain) text, JSON, Markdown or HTML."""

from __future__ import annotations

from ..errors import InputError
from .model import DriftReport
from .render_markdown import DEFAULT_MAX_CHARS


def render_drift(report: DriftReport, fmt: str, *, show_still_failing: bool = False,
                 max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text of ``report`` in ``fmt`` (``rich`` gives plain text; the CLI colours it on a terminal)."""
    if fmt == "json":
        return report.model_dump_json(by_alias=True, indent=2) + "\n"
    if fmt == "markdown":
        from .render_markdown import render_markdown

        return render_markdown(report, max_chars=max_chars)
    if fmt == "html":
        from .render_html import render_html

        return render_html(report)
    if fmt == "rich":
        from .render_text import render_text

        return render_text(report, show_still_failing=show_still_failing)
    raise InputError(f"unknown drift format {fmt!r} (choose from rich, json, markdown, html)")
