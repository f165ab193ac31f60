"""Terminal report with rich: header, summary tables, one block per policy with open findings, verdict.

Every value from the report goes into ``Text`` objects (never markup), so brackets in evidence or
names print as they are; on a console that is not a terminal the output is plain text.
"""

from __future__ import annotations

from itertools import groupby

from rich import box
from rich.columns import Columns
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from scanner.model import Finding, PolicyInfo, Severity, Status

from .evidence import evidence_lines
from .report import Report, resource_counts, verdict

_EVIDENCE_SHOWN = 3

_STATUS_COLUMNS = (Status.FAIL, Status.UNKNOWN, Status.ERROR, Status.SUPPRESSED, Status.PASS)
_OPEN = frozenset({Status.FAIL, Status.UNKNOWN, Status.ERROR})

SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "bold yellow",
    Severity.LOW: "bold blue",
    Severity.INFO: "dim",
}
STATUS_STYLE: dict[Status, str] = {
    Status.FAIL: "red",
    Status.UNKNOWN: "magenta",
    Status.ERROR: "bright_magenta",
    Status.SUPPRESSED: "dim",
    Status.PASS: "green",
}


def _header(report: Report) -> Text:
    src = report.source
    text = Text()
    text.append("haguard ", style="bold")
    text.append(report.tool.version, style="dim")
    text.append(f"  source: {src.kind}")
    for label, values in (("accounts", src.accounts), ("regions", src.regions), ("files", src.files)):
        if values:
            text.append(f"  {label}: {', '.join(values)}")
    text.append(f"\n{resource_counts(report)}, {report.summary.policies} policies, "
                f"fail on {report.fail_on.value}" + (" (unknown allowed)" if report.allow_unknown else ""))
    if src.taken_at:
        text.append(f", taken at {src.taken_at}", style="dim")
    return text


def _count_table(title: str, label: str, rows: list[tuple[Text, dict[Status, int]]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(label)
    for status in _STATUS_COLUMNS:
        table.add_column(status.value, justify="right", style=STATUS_STYLE[status])
    for name, counts in rows:
        table.add_row(name, *(str(counts[s]) if counts[s] else "-" for s in _STATUS_COLUMNS))
    return table


def _summary_tables(report: Report) -> tuple[Table, Table]:
    sev_rows = []
    for severity in Severity:
        counts = dict.fromkeys(Status, 0)
        for finding in report.findings:
            if finding.severity is severity:
                counts[finding.status] += 1
        if any(counts.values()):
            sev_rows.append((Text(severity.value, style=SEVERITY_STYLE[severity]), counts))
    theme_rows = [(Text(theme), counts) for theme, counts in report.summary.by_theme.items()]
    return _count_table("By severity", "severity", sev_rows), _count_table("By theme", "theme", theme_rows)


def _where(finding: Finding) -> str:
    if finding.location is None:
        return ""
    return finding.location.file + (f":{finding.location.line}" if finding.location.line else "")


def _finding_block(finding: Finding, verbose: bool) -> Padding:
    text = Text()
    text.append(f"{finding.status.value.upper():<8}", style=STATUS_STYLE[finding.status])
    text.append(finding.resource_name or finding.resource_uid, style="bold")
    if verbose and finding.resource_name and finding.resource_name != finding.resource_uid:
        text.append(f"  {finding.resource_uid}", style="dim")
    where = _where(finding)
    if where:
        text.append(f"  {where}", style="cyan")
    lines = evidence_lines(finding, limit=None if verbose else 120)
    if not verbose:  # the values and relation paths that decided it; member counts only with --verbose
        lines = [line for line, item in zip(lines, finding.evidence, strict=True)
                 if "members" not in item and item.get("attr") != "type"]  # type guards: as in the message
        hidden = len(lines) - _EVIDENCE_SHOWN
        lines = lines[:_EVIDENCE_SHOWN] + ([f"... {hidden} more (--verbose)"] if hidden > 0 else [])
    if not lines:  # the message summarises the evidence; show it when there is no evidence to show
        text.append(f"\n{finding.message}")
    if finding.suppression:
        text.append(f"\nsuppressed: {finding.suppression}", style="dim")
    if finding.presumed:
        text.append(f"\npresumed: {finding.presumed}", style="yellow")
    for line in lines:
        text.append(f"\n  - {line}")
    return Padding(text, (0, 0, 0, 4), expand=False)


def _policy_heading(policy: PolicyInfo | None, first: Finding, count: int) -> Text:
    severity = policy.severity if policy else first.severity
    text = Text("\n")
    text.append(f" {severity.value.upper()} ", style=SEVERITY_STYLE[severity])
    text.append(f" {first.policy_id}", style="bold")
    text.append(f"  {policy.title if policy else first.title}")
    text.append(f"  ({count} open)", style="dim")
    return text


def _policy_footer(policy: PolicyInfo | None, findings: list[Finding], verbose: bool) -> Padding | None:
    text = Text()
    if verbose and policy and policy.description:
        text.append(f"{policy.description}\n", style="dim")
    remediation = (policy.remediation if policy else None) or next((f.remediation for f in findings if f.remediation),
                                                                   None)
    if remediation:
        text.append("Fix: ", style="bold green")
        text.append(remediation, style="green")
    if verbose and policy and policy.references:
        refs = ", ".join(f"{k}: {v}" for k, v in sorted(policy.references.items()))
        text.append(f"\nReferences: {refs}", style="dim")
    return Padding(text, (0, 0, 0, 4), expand=False) if text.plain else None


def _open_findings(report: Report, console: Console, verbose: bool) -> None:
    policies = {p.id: p for p in report.policies}
    open_findings = [f for f in report.findings if f.status in _OPEN]
    for policy_id, group in groupby(open_findings, key=lambda f: f.policy_id):
        findings = list(group)
        policy = policies.get(policy_id)
        console.print(_policy_heading(policy, findings[0], len(findings)))
        for finding in findings:
            console.print(_finding_block(finding, verbose))
        footer = _policy_footer(policy, findings, verbose)
        if footer is not None:
            console.print(footer)


def _suppressed(report: Report, console: Console) -> None:
    suppressed = [f for f in report.findings if f.status is Status.SUPPRESSED]
    if not suppressed:
        return
    console.print(Text(f"\nSuppressed ({len(suppressed)})", style="bold"))
    for finding in suppressed:
        line = Text(f"{finding.policy_id}  ")
        line.append(finding.resource_name or finding.resource_uid)
        line.append(f"  - {finding.suppression or 'no reason given'}", style="dim")
        console.print(Padding(line, (0, 0, 0, 2), expand=False))


def _coverage(report: Report, console: Console) -> None:
    if not report.coverage:
        return
    console.print(Text(f"\nCoverage gaps ({len(report.coverage)}): policies over these types yield error",
                       style="bold magenta"))
    for gap in report.coverage:
        scope = "/".join(p for p in (gap.account, gap.region) if p) or "-"
        line = Text(f"{scope}  {gap.service}:{gap.operation}  {gap.error}")
        if gap.resource_types:
            line.append(f"  ({', '.join(gap.resource_types)})", style="dim")
        console.print(Padding(line, (0, 0, 0, 2), expand=False))


_CELL_STYLE = {"meets": "green", "misses": "red", "unknown": "magenta", "none": "dim"}


def _resilience(report: Report, console: Console) -> None:
    if not report.resilience:
        return
    from .resilience import by_store, cell

    targets = report.resilience[0].targets
    title = "Resilience by workload" + (f" (targets: RPO {targets.rpo_seconds:g} s, RTO {targets.rto_seconds:g} s)"
                                        if targets and targets.rpo_seconds is not None and
                                        targets.rto_seconds is not None else "")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("workload", "store", "instance", "AZ", "Region"):
        table.add_column(column)
    for workload, store, cells in by_store(report.resilience):
        shown = [cell(cells.get(d)) for d in ("instance", "az", "region")]
        table.add_row(workload, store, *(Text(text, style=_CELL_STYLE[state]) for text, state in shown))
    console.print()
    console.print(table)


def _unevaluated(report: Report, console: Console) -> None:
    by_type = report.summary.unevaluated_by_type
    if not by_type:
        return
    console.print(Text(f"\nNot evaluated ({report.summary.unevaluated}): no haguard type models these",
                       style="bold yellow"))
    for source_type, count in by_type.items():
        failing = source_type in report.fail_on_unevaluated
        console.print(Padding(Text(f"{count:>4}  {source_type}" + ("  (fails the run)" if failing else ""),
                                   style="red" if failing else ""), (0, 0, 0, 2), expand=False))


def _passed(report: Report, console: Console, show_passed: bool) -> None:
    passed = [f for f in report.findings if f.status is Status.PASS]
    n_policies = len({f.policy_id for f in passed})
    text = Text(f"\nPassed: {len(passed)} checks across {n_policies} policies", style="green")
    if passed and not show_passed:
        text.append(" (--show-passed lists them)", style="dim")
    console.print(text)
    if show_passed:
        for policy_id, group in groupby(sorted(passed, key=lambda f: (f.policy_id, f.resource_uid)),
                                        key=lambda f: f.policy_id):
            names = ", ".join(f.resource_name or f.resource_uid for f in group)
            console.print(Padding(Text(f"{policy_id}: {names}"), (0, 0, 0, 2), expand=False))


def render_rich(report: Report, console: Console, *, show_passed: bool = False, verbose: bool = False) -> None:
    """Print the report to ``console``; ``verbose`` shows all evidence, descriptions and references."""
    console.print(_header(report))
    console.print()
    severity_table, theme_table = _summary_tables(report)
    console.print(Columns([severity_table, theme_table], padding=(0, 4)))
    _open_findings(report, console, verbose)
    _suppressed(report, console)
    _coverage(report, console)
    _resilience(report, console)
    _unevaluated(report, console)
    _passed(report, console, show_passed)
    failing = report.summary.failing > 0
    console.print(Text(f"\n{verdict(report)}", style="bold red" if failing else "bold green"))
