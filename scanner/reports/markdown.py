"""Markdown report for pull-request comments and the nightly job: summary plus failing findings."""

from __future__ import annotations

from scanner.model import Finding, Severity, Status

from .report import Report, resource_counts, verdict

_STATUS_COLUMNS = (Status.FAIL, Status.UNKNOWN, Status.ERROR, Status.SUPPRESSED, Status.PASS)
_OPEN = frozenset({Status.FAIL, Status.UNKNOWN, Status.ERROR})


def md_cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes, backticks and angle brackets escaped."""
    value = " ".join(str(text).split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("`", "\\`"), ("<", "&lt;"), (">", "&gt;"),
                          ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        value = value.replace(char, escaped)
    return value


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _severity_rows(report: Report) -> list[list[str]]:
    rows = []
    for severity in Severity:
        findings = [f for f in report.findings if f.severity is severity]
        if findings:
            rows.append([severity.value] + [str(sum(f.status is s for f in findings)) for s in _STATUS_COLUMNS])
    return rows


def _finding_row(finding: Finding) -> list[str]:
    resource = finding.resource_name or finding.resource_uid
    where = ""
    if finding.location is not None:
        where = finding.location.file + (f":{finding.location.line}" if finding.location.line else "")
    return [
        md_cell(finding.severity.value),
        md_cell(finding.status.value),
        md_cell(finding.policy_id),
        md_cell(resource) + (f"<br>{md_cell(where)}" if where else ""),
        md_cell(finding.message) + (f"<br>presumed: {md_cell(finding.presumed)}" if finding.presumed else ""),
        md_cell(finding.remediation or ""),
    ]


def render_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown text."""
    summary = report.summary
    icon = "✅" if summary.failing == 0 else "❌"
    lines = [
        "## haguard report",
        "",
        f"**{icon} {md_cell(verdict(report))}** (fail on: {report.fail_on.value}"
        f"{', unknown allowed' if report.allow_unknown else ''})",
        "",
        f"Source: {md_cell(report.source.kind)} · {resource_counts(report)} · {summary.policies} policies",
        "",
        "### Summary",
        "",
    ]
    lines += _table(["Severity"] + [s.value for s in _STATUS_COLUMNS], _severity_rows(report))
    lines.append("")
    lines += _table(["Theme"] + [s.value for s in _STATUS_COLUMNS],
                    [[md_cell(theme)] + [str(counts[s]) for s in _STATUS_COLUMNS]
                     for theme, counts in summary.by_theme.items()])
    failing = [f for f in report.findings if f.status in _OPEN]
    if failing:
        lines += ["", f"### Findings ({len(failing)})", ""]
        lines += _table(["Severity", "Status", "Policy", "Resource", "Message", "Remediation"],
                        [_finding_row(f) for f in failing])
    suppressed = [f for f in report.findings if f.status is Status.SUPPRESSED]
    if suppressed:
        lines += ["", f"### Suppressed ({len(suppressed)})", ""]
        lines += _table(["Policy", "Resource", "Reason"],
                        [[md_cell(f.policy_id), md_cell(f.resource_name or f.resource_uid),
                          md_cell(f.suppression or "")] for f in suppressed])
    if report.coverage:
        lines += ["", f"### Coverage gaps ({len(report.coverage)})", ""]
        lines += _table(["Account", "Region", "Operation", "Error"],
                        [[md_cell(g.account or "-"), md_cell(g.region or "-"),
                          md_cell(f"{g.service}:{g.operation}"), md_cell(g.error)] for g in report.coverage])
    if report.resilience:
        from .resilience import by_store, cell

        icons = {"meets": "✅", "misses": "❌", "unknown": "❔", "none": ""}
        rows = [[md_cell(workload), md_cell(store)] + [md_cell(f"{icons[state]} {text}".strip())
                                                       for text, state in (cell(cells.get(d))
                                                                           for d in ("instance", "az", "region"))]
                for workload, store, cells in by_store(report.resilience)]
        lines += ["", f"### Resilience by workload ({len(rows)} stores)", ""]
        lines += _table(["Workload", "Store", "Instance", "AZ", "Region"], rows)
    if summary.unevaluated_by_type:
        lines += ["", f"### Not evaluated ({summary.unevaluated})", ""]
        lines += _table(["Source type", "Resources"], [[md_cell(t), str(n)]
                                                       for t, n in summary.unevaluated_by_type.items()])
    return "\n".join(lines) + "\n"
