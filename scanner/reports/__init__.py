"""Renderers of a ``Report``: rich terminal, JSON, SARIF, JUnit XML, Markdown and HTML.

Only ``scanner.model`` is imported; each renderer is imported when first used, so the pre-commit
path pays only for the format it prints (rich only for ``rich``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

from scanner.errors import InputError

from .report import Report, build_report, is_failing, resource_counts, verdict

if TYPE_CHECKING:
    from rich.console import Console

    from scanner.graph import Graph

FORMATS = ("rich", "json", "sarif", "junit", "markdown", "html")

_RENDERERS = {
    "json": ("json_report", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "junit": ("junit", "render_junit"),
    "markdown": ("markdown", "render_markdown"),
    "html": ("html", "render_html"),
}


def render(report: Report, fmt: str, *, console: Console | None = None, graphs: Sequence[Graph] = (),
           trend: Sequence[Mapping[str, Any] | Any] | None = None,
           resilience: Sequence[Mapping[str, Any] | Any] | None = None) -> str | None:
    """Render ``report`` as ``fmt``: the text for file formats, ``None`` for ``rich`` (printed to ``console``).

    ``graphs`` (the evaluated graphs), ``trend`` (past runs) and ``resilience`` (rows by workload)
    enrich the HTML report (see ``scanner.reports.html.render_html``); the other formats ignore them.
    """
    if fmt == "rich":
        from rich.console import Console

        from .rich_report import render_rich

        render_rich(report, console if console is not None else Console())
        return None
    if fmt not in _RENDERERS:
        raise InputError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    module, function = _RENDERERS[fmt]
    renderer = getattr(import_module(f".{module}", __name__), function)
    if fmt == "html":
        return renderer(report, graphs=graphs, trend=trend, resilience=resilience)
    return renderer(report)


__all__ = ["FORMATS", "Report", "build_report", "is_failing", "render", "resource_counts", "verdict"]
