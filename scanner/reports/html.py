"""Self-contained HTML report (inline CSS, no JavaScript) for the nightly job."""

from __future__ import annotations

from html import escape

from scanner.model import Finding, Severity, Status

from .evidence import evidence_lines
from .report import Report, verdict

_STATUS_COLUMNS = (Status.FAIL, Status.UNKNOWN, Status.ERROR, Status.SUPPRESSED, Status.PASS)
_OPEN = frozenset({Status.FAIL, Status.UNKNOWN, Status.ERROR})

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;color:#1d2430;
padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dde1e6}
.meta{color:#5b6472}.verdict{font-weight:600;padding:.5rem .8rem;border-radius:6px;display:inline-block}
.failed{background:#fde8e8;color:#9b1c1c}.passed{background:#e6f6ea;color:#1e6b34}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #eceff2;vertical-align:top}th{background:#f5f7f9;font-weight:600}td.n{text-align:right}
.sev{font-weight:600;text-transform:uppercase;font-size:.8rem}.critical{color:#7f1d1d}.high{color:#b91c1c}
.medium{color:#b45309}.low{color:#1d4ed8}.info{color:#4b5563}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:0 .2rem;border-radius:3px}
ul.ev{margin:.3rem 0;padding-left:1.1rem}ul.ev li{font:12px/1.4 ui-monospace,Menlo,monospace}
.fix{color:#1e6b34}.muted{color:#5b6472}
table.counts{width:auto;min-width:32rem;display:inline-table;margin-right:2rem}
table.counts td+td,table.counts th+th{text-align:right}
""".strip()


def _table(header: list[str], rows: list[list[str]], css: str = "") -> str:
    """A table; ``header`` is plain text, ``rows`` hold HTML that the caller has escaped."""
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}><thead>{head}</thead><tbody>{body}</tbody></table>"


def _header(report: Report) -> str:
    src = report.source
    scope = []
    if src.accounts:
        scope.append("accounts " + ", ".join(src.accounts))
    if src.regions:
        scope.append("regions " + ", ".join(src.regions))
    if src.files:
        scope.append("files " + ", ".join(src.files))
    parts = [f"source {src.kind}", *scope, f"{report.summary.resources} resources",
             f"{report.summary.policies} policies", f"fail on {report.fail_on.value}"]
    if src.taken_at:
        parts.append(f"taken at {src.taken_at}")
    css = "passed" if report.summary.failing == 0 else "failed"
    return (f"<h1>haguard report</h1><p class=\"meta\">{escape(' · '.join(parts))} · haguard "
            f"{escape(report.tool.version)}</p><p class=\"verdict {css}\">{escape(verdict(report))}</p>")


def _summary(report: Report) -> str:
    columns = [s.value for s in _STATUS_COLUMNS]
    sev_rows = []
    for severity in Severity:
        findings = [f for f in report.findings if f.severity is severity]
        if findings:
            sev_rows.append([f'<span class="sev {severity.value}">{severity.value}</span>']
                            + [str(sum(f.status is s for f in findings)) for s in _STATUS_COLUMNS])
    theme_rows = [[escape(theme)] + [str(counts[s]) for s in _STATUS_COLUMNS]
                  for theme, counts in report.summary.by_theme.items()]
    return ("<h2>Summary</h2>" + _table(["Severity", *columns], sev_rows, "counts")
            + _table(["Theme", *columns], theme_rows, "counts"))


def _resource_cell(finding: Finding) -> str:
    cell = escape(finding.resource_name or finding.resource_uid)
    if finding.resource_name and finding.resource_name != finding.resource_uid:
        cell += f'<br><code>{escape(finding.resource_uid)}</code>'
    if finding.location is not None:
        where = finding.location.file + (f":{finding.location.line}" if finding.location.line else "")
        cell += f'<br><span class="muted">{escape(where)}</span>'
    return cell


def _message_cell(finding: Finding) -> str:
    cell = escape(finding.message)
    if finding.presumed:
        cell += f'<div class="muted">Presumed: {escape(finding.presumed)}</div>'
    lines = evidence_lines(finding, limit=200)
    if lines:
        cell += '<ul class="ev">' + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
    if finding.remediation:
        cell += f'<div class="fix">Fix: {escape(finding.remediation)}</div>'
    return cell


def _findings(report: Report) -> str:
    open_findings = [f for f in report.findings if f.status in _OPEN]
    if not open_findings:
        return "<h2>Findings</h2><p>No failing, unknown or error findings.</p>"
    rows = [[f'<span class="sev {f.severity.value}">{f.severity.value}</span>', escape(f.status.value),
             f"<b>{escape(f.policy_id)}</b><br>{escape(f.title)}", _resource_cell(f), _message_cell(f)]
            for f in open_findings]
    return f"<h2>Findings ({len(open_findings)})</h2>" + _table(
        ["Severity", "Status", "Policy", "Resource", "Details"], rows)


def _suppressed(report: Report) -> str:
    rows = [[escape(f.policy_id), _resource_cell(f), escape(f.suppression or "")]
            for f in report.findings if f.status is Status.SUPPRESSED]
    if not rows:
        return ""
    return f"<h2>Suppressed ({len(rows)})</h2>" + _table(["Policy", "Resource", "Reason"], rows)


def _coverage(report: Report) -> str:
    if not report.coverage:
        return ""
    rows = [[escape(g.account or "-"), escape(g.region or "-"), escape(f"{g.service}:{g.operation}"),
             escape(g.error), escape(", ".join(g.resource_types))] for g in report.coverage]
    return (f"<h2>Coverage gaps ({len(rows)})</h2>"
            + _table(["Account", "Region", "Operation", "Error", "Resource types"], rows))


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page; every value from the report is escaped."""
    body = _header(report) + _summary(report) + _findings(report) + _suppressed(report) + _coverage(report)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>haguard report: {escape(verdict(report))}</title>\n<style>\n{_CSS}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
