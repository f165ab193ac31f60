"""What the subcommands share: exit codes, usage errors, evaluation options, evaluate-and-report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..graph import Graph
    from ..model import Finding, Snapshot, Source
    from ..policy import Config, Pack
    from ..reports import Report

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
    group.add_argument("--fail-on-unevaluated", type=csv, default=set(), metavar="TYPE,...",
                       help="fail when resources of these source types (AWS::Lambda::Function, aws_lambda_function...) "
                       "are present, which haguard does not model")
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
                        snapshots: list[Snapshot], source: Source,
                        on_report: Callable[[Report, int], None] | None = None) -> int:
    """Evaluate ``pack`` over each snapshot, write the report, return the exit code.

    ``on_report(report, exit_code)`` runs before the report is written (``scan --history`` records there).
    """
    graphs: list[Any] | None = [] if args.format == "html" else None  # the HTML topology picture only
    report, code = evaluate_snapshots(args, pack, config, snapshots, source, graphs=graphs)
    if on_report is not None:
        on_report(report, code)
    write_report(args, report, graphs=graphs or [])
    return code


def evaluate_snapshots(args: argparse.Namespace, pack: Pack, config: Config | None, snapshots: list[Snapshot],
                       source: Source, *, graphs: list[Any] | None = None) -> tuple[Report, int]:
    """The report of ``pack`` over the snapshots and its exit code (0 or 1); ``graphs`` collects the graphs."""
    from ..graph import build_graph
    from ..model import Severity
    from ..policy import evaluate
    from ..reports import build_report

    findings: list[Finding] = []
    coverage = []
    resilience = []
    targets = recovery_targets(pack, config)
    for snapshot in snapshots:
        graph = build_graph(snapshot)
        findings.extend(evaluate(pack, graph, config, only=args.only or None, skip=args.skip or None))
        coverage.extend(snapshot.coverage)
        resilience.extend(resilience_of(graph, targets))
        if graphs is not None:
            graphs.append(graph)
    policies = [p.info() for p in pack.ordered()
                if (not args.only or p.id in args.only) and p.id not in args.skip]
    report = build_report(findings, policies, source, fail_on=Severity(args.fail_on),
                          allow_unknown=args.allow_unknown, coverage=coverage,
                          resources=sum(len(s.resources) for s in snapshots),
                          unevaluated=[u for s in snapshots for u in s.unevaluated],
                          fail_on_unevaluated=getattr(args, "fail_on_unevaluated", set()), resilience=resilience)
    incomplete = bool(coverage) and not args.allow_unknown  # a partial scan never exits clean
    return report, EXIT_FAIL if report.summary.failing or incomplete else EXIT_OK


RPO_POLICY, RTO_POLICY = "rpo-estimate-meets-target", "rto-estimate-meets-target"


def recovery_targets(pack: Pack, config: Config | None) -> dict[str, Any]:
    """The RPO/RTO targets and workload tag of the pack's estimate policies (with the config's overrides)."""
    from ..policy.engine import resolve_params

    found: dict[str, Any] = {"workload_tag": "workload"}
    for policy_id, name in ((RPO_POLICY, "rpo_target_seconds"), (RTO_POLICY, "rto_target_seconds")):
        loaded = pack.policies.get(policy_id)
        if loaded is not None:
            params = resolve_params(loaded, config)
            found[name] = params.get(name)
            found["workload_tag"] = params.get("workload_tag", found["workload_tag"])
    return found


def resilience_of(graph: Any, targets: dict[str, Any]) -> list[Any]:
    """The resilience-by-workload rows of one graph, against the targets."""
    from ..graph.recovery import resilience_rows
    from ..reports.resilience import ResilienceRow

    promised = {"rpo_seconds": targets.get("rpo_target_seconds"), "rto_seconds": targets.get("rto_target_seconds")}
    return [ResilienceRow.model_validate({**row, "targets": promised})
            for row in resilience_rows(graph, str(targets["workload_tag"]))]


def write_report(args: argparse.Namespace, report: Any, *, graphs: Sequence[Graph] = ()) -> None:
    """Render ``report`` in ``--format`` to ``--output`` (atomically) or stdout; ``graphs`` feed the HTML
    report's topology picture."""
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
        text = render(report, args.format, graphs=graphs)
        assert text is not None
    if args.output:
        from ..model import write_atomically

        write_atomically(args.output, text.encode())
    else:
        sys.stdout.write(text)
