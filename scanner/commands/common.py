"""What the subcommands share: exit codes, usage errors, evaluation options, evaluate-and-report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..model import CoverageGap, Finding, Snapshot, Source
    from ..policy import Config, Pack

SEVERITIES = ("critical", "high", "medium", "low", "info")
FORMATS = ("rich", "json", "sarif", "junit", "markdown", "html")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line mistake (exit 2)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are ``UsageError`` (one line, exit 2) instead of ``SystemExit``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def csv(value: str) -> set[str]:
    """``a,b, c`` as a set of its non-empty parts."""
    return {part.strip() for part in value.split(",") if part.strip()}


def add_evaluation_options(parser: argparse.ArgumentParser) -> None:
    """The policy-selection and report options of ``scan`` and ``iac``."""
    group = parser.add_argument_group("policies and output")
    group.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH",
                       help="extra policy file or directory (repeatable)")
    group.add_argument("--no-builtin", action="store_true", help="do not load the bundled policy pack")
    group.add_argument("--config", type=Path, help="config file (params, per-policy settings, waivers)")
    group.add_argument("--only", type=csv, default=set(), metavar="ID,...", help="run only these policies")
    group.add_argument("--skip", type=csv, default=set(), metavar="ID,...", help="skip these policies")
    group.add_argument("--format", choices=FORMATS, default="rich", help="report format (default: rich)")
    group.add_argument("--output", "-o", type=Path, help="write the report to FILE (atomically)")
    group.add_argument("--fail-on", choices=SEVERITIES, default="low",
                       help="exit 1 when a finding at or above this severity fails (default: low)")
    group.add_argument("--allow-unknown", action="store_true",
                       help="do not count unknown/error findings (incomplete data) as failures")
    group.add_argument("--show-passed", action="store_true", help="list passing findings in the rich report")
    group.add_argument("--verbose", "-v", action="store_true", help="show full evidence in the rich report")


def load_pack_and_config(args: argparse.Namespace) -> tuple[Pack, Config | None]:
    """The policy pack and config the options name; unknown ``--only``/``--skip`` ids are usage errors."""
    from ..policy import check_config, load_config, load_pack

    pack = load_pack(args.policies, replace=args.no_builtin)
    for name in ("only", "skip"):
        unknown = sorted(getattr(args, name, set()) - set(pack.policies))
        if unknown:
            raise UsageError(f"haguard: --{name}: unknown policy id {', '.join(unknown)}")
    config = load_config(args.config) if getattr(args, "config", None) else None
    if config is not None:
        check_config(pack, config)
    return pack, config


def evaluate_and_report(args: argparse.Namespace, pack: Pack, config: Config | None,
                        snapshots: list[Snapshot], source: Source) -> int:
    """Evaluate ``pack`` over each snapshot, write the report, return the exit code."""
    from ..graph import build_graph
    from ..policy import evaluate

    findings: list[Finding] = []
    coverage = []
    for snapshot in snapshots:
        graph = build_graph(snapshot)
        findings.extend(evaluate(pack, graph, config, only=args.only or None, skip=args.skip or None))
        coverage.extend(snapshot.coverage)
    return report_findings(args, pack, findings, coverage, source)


def selected_policies(args: argparse.Namespace, pack: Pack) -> set[str]:
    """The ids of the policies ``--only``/``--skip`` select."""
    return {p for p in pack.policies if (not args.only or p in args.only) and p not in args.skip}


def report_findings(args: argparse.Namespace, pack: Pack, findings: list[Finding], coverage: list[CoverageGap],
                    source: Source) -> int:
    """Write the report of ``findings`` and return the exit code (coverage gaps count as incomplete)."""
    from ..model import Severity
    from ..reports import build_report

    selected = selected_policies(args, pack)
    policies = [p.info() for p in pack.ordered() if p.id in selected]
    report = build_report(findings, policies, source, fail_on=Severity(args.fail_on),
                          allow_unknown=args.allow_unknown, coverage=coverage)
    write_report(args, report)
    incomplete = bool(coverage) and not args.allow_unknown  # a partial scan never exits clean
    return EXIT_FAIL if report.summary.failing or incomplete else EXIT_OK


def write_report(args: argparse.Namespace, report: Any) -> None:
    """Render ``report`` in ``--format`` to ``--output`` (atomically) or stdout."""
    from ..reports import render

    if args.format == "rich":
        import io

        from rich.console import Console

        from ..reports.rich_report import render_rich

        if args.output:
            buffer = io.StringIO()
            console = Console(file=buffer, force_terminal=False, width=120, no_color=True)
            render_rich(report, console, show_passed=args.show_passed, verbose=args.verbose)
            text = buffer.getvalue()
        else:
            render_rich(report, Console(), show_passed=args.show_passed, verbose=args.verbose)
            return
    else:
        text = render(report, args.format)
        assert text is not None
    if args.output:
        from ..model import write_atomically

        write_atomically(args.output, text.encode())
    else:
        sys.stdout.write(text)
