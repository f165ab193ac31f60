"""Markdown drift reports that fit a chat message or an issue comment.

The summary stays in view; each list is folded in ``<details>``. ``max_chars`` bounds the whole text
(GitHub comments take 65,536 characters): lists are cut where the budget runs out, saying how many
items were left out, so the message is never rejected for its size. Text from resources (names,
messages, values) is escaped: it cannot open HTML or break a table.
"""

from __future__ import annotations

import html

from .model import DriftReport, FindingChange
from .text import change_line, status_move, summary_line

DEFAULT_MAX_CHARS = 60_000
_RESERVE = 400  # kept back for the closing lines of each section


def escape(text: str) -> str:
    """Text safe inside a Markdown table cell or a ``<details>`` block."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|").replace("`", "'")


def code(text: str) -> str:
    """Inline code that survives any content: backticks become quotes, ``|`` is escaped for tables
    (a code span shows ``<`` literally, so no HTML escaping there)."""
    text = " ".join(text.split()).replace("`", "'").replace("|", "\\|")
    return f"`{text}`" if text else ""


class Budget:
    """Characters left for the message."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, text: str) -> bool:
        """Spend ``len(text)`` when it fits (keeping the reserve); False when it does not."""
        if len(text) + _RESERVE > self.left:
            return False
        self.left -= len(text)
        return True

    def force(self, text: str) -> str:
        """Spend ``text`` whatever is left (closing tags)."""
        self.left -= len(text)
        return text


def folded(title: str, header: str, rows: list[str], budget: Budget) -> str:
    """A ``<details>`` block with a table (``header`` + ``rows``) cut to the budget."""
    opening = f"\n<details><summary>{escape(title)} ({len(rows)})</summary>\n\n{header}"
    if not rows or not budget.take(opening):
        return ""
    shown = 0
    body = []
    for row in rows:
        if not budget.take(row + "\n"):
            break
        body.append(row)
        shown += 1
    more = f"\n… and {len(rows) - shown} more (see the JSON report)\n" if shown < len(rows) else ""
    return opening + "\n".join(body) + "\n" + budget.force(more + "\n</details>\n")


def _finding_rows(items: list[FindingChange]) -> list[str]:
    return [f"| {c.severity.value} | {code(c.policy_id)} | {escape(c.resource_name or c.resource_uid)} | "
            f"{status_move(c)} | {escape(c.message)} |" for c in items]


FINDING_HEADER = "| severity | policy | resource | status | message |\n|---|---|---|---|---|\n"


def drift_sections(report: DriftReport, budget: Budget, heading: str = "###") -> str:
    """The drift part of a message: summary line, then folded lists."""
    out = [f"{heading} Drift: {escape(report.before.label)} → {escape(report.after.label)}\n",
           f"{escape(summary_line(report))}\n"]
    budget.take("".join(out))
    f = report.findings
    for title, items in (("New failures", f.new_failures), ("Resolved", f.resolved),
                         ("Changed status", f.changed_status)):
        out.append(folded(title, FINDING_HEADER, _finding_rows(items), budget))
    r = report.resources
    change_rows = [f"| {code(res.type)} | {escape(res.name or res.uid)} | {code(change_line(c))} |"
                   for res in r.changed for c in res.changes]
    out.append(folded("Attribute changes", "| type | resource | change |\n|---|---|---|\n", change_rows, budget))
    for title, refs in (("Resources added", r.added), ("Resources removed", r.removed)):
        rows = [f"| {code(x.type)} | {escape(x.name or x.uid)} | {code(x.uid)} |" for x in refs]
        out.append(folded(title, "| type | name | uid |\n|---|---|---|\n", rows, budget))
    rows = [f"| {code(u.type)} | {escape(u.name or u.uid)} | {escape(u.reason)} |" for u in r.unverifiable]
    out.append(folded("Not comparable", "| type | resource | why |\n|---|---|---|\n", rows, budget))
    rel = report.relations
    rows = [f"| {sign} | {code(x.src)} | {code(x.kind)} | {code(x.dst)} |"
            for sign, items in (("+", rel.added), ("-", rel.removed)) for x in items]
    out.append(folded("Relation changes", "| | from | kind | to |\n|---|---|---|---|\n", rows, budget))
    return "".join(out)


def render_markdown(report: DriftReport, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The drift report as Markdown of at most ``max_chars`` characters."""
    budget = Budget(max_chars)
    return f"## haguard drift\n\n{drift_sections(report, budget)}"
