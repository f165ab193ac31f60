"""The HTML form of a drift report (Jinja2, autoescaped): a whole page, or a section to embed."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from .model import DriftReport
from .text import status_move, summary_line, value

if TYPE_CHECKING:
    from jinja2 import Template

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;color:#1d2430;
padding:0 1rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde1e6}
.verdict{font-weight:600;padding:.5rem .8rem;border-radius:6px;display:inline-block}
.failed{background:#fde8e8;color:#9b1c1c}.passed{background:#e6f6ea;color:#1e6b34}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #eceff2;vertical-align:top}th{background:#f5f7f9}summary{cursor:pointer;font-weight:600;
margin:.6rem 0}.sev{font-weight:600;text-transform:uppercase;font-size:.8rem}.critical{color:#7f1d1d}
.high{color:#b91c1c}.medium{color:#b45309}.low{color:#1d4ed8}.info{color:#4b5563}.muted{color:#5b6472}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:0 .2rem;border-radius:3px;
word-break:break-all}
""".strip()


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, StrictUndefined

    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    text = files("scanner.drift").joinpath("templates/drift.html.j2").read_text(encoding="utf-8")
    return environment.from_string(text)


def render_html(report: DriftReport, *, standalone: bool = True) -> str:
    """The report as a self-contained HTML page, or (``standalone=False``) as a ``<section>``."""
    return _template().render(report=report, standalone=standalone, css=CSS, summary=summary_line(report),
                              move=status_move, value=value)
