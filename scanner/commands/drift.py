"""``haguard drift A B`` (snapshots or history runs) and ``haguard drift --iac PATH... --live|--snapshot FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import EXIT_FAIL, EXIT_OK, SEVERITIES, UsageError, csv, load_pack_and_config
from .history import add_history_option

if TYPE_CHECKING:
    from ..drift import DriftReport, Evaluation
    from ..drift.iac import IacDriftReport

NAME = "drift"
HELP = "what changed between two snapshots or runs, or between IaC and what is deployed"
DRIFT_FORMATS = ("rich", "json", "markdown", "html")


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    parser.add_argument("sides", nargs="*", metavar="A B",
                        help="before and after: snapshot files, history run ids, 'last' or 'previous'")
    iac = parser.add_argument_group("IaC against what is deployed")
    iac.add_argument("--iac", nargs="+", action="extend", type=Path, default=[], metavar="PATH",
                     help="CloudFormation templates, Terraform plan JSON, state files or directories")
    iac.add_argument("--live", action="store_true", help="compare the IaC with a live scan")
    iac.add_argument("--snapshot", type=Path, metavar="FILE", help="compare the IaC with a saved snapshot")
    iac.add_argument("--stack", action="append", default=[], metavar="TEMPLATE=STACK",
                     help="the deployed stack of a template (default: the stack sharing most logical ids)")
    iac.add_argument("--tfstate", action="append", type=Path, default=[], metavar="FILE",
                     help="Terraform state (JSON v4) for Terraform directories without their own terraform.tfstate")
    iac.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="CloudFormation parameter or Terraform variable value (repeatable)")
    if command in (None, NAME):
        from ..live.cli_args import add_live_arguments

        add_live_arguments(parser)
    group = parser.add_argument_group("report")
    group.add_argument("--format", choices=DRIFT_FORMATS, default="rich", help="report format (default: rich)")
    group.add_argument("--output", "-o", type=Path, help="write the report to FILE (atomically)")
    group.add_argument("--fail-on-new", choices=SEVERITIES, metavar="SEVERITY",
                       help="exit 1 when a new failure at or above SEVERITY appears (critical ... info)")
    group.add_argument("--fail-on-drift", action="store_true",
                       help="exit 1 when anything drifted (resources, relations, IaC attributes)")
    group.add_argument("--ignore", action="append", default=[], metavar="ATTR_GLOB",
                       help="ignore attribute paths matching the glob, or TYPE_GLOB:ATTR_GLOB (repeatable)")
    group.add_argument("--allow-unknown", action="store_true",
                       help="do not count unknown/error findings as failures")
    group.add_argument("--show-still-failing", action="store_true", help="list still-failing findings too")
    group.add_argument("--markdown-limit", type=int, default=60_000, metavar="CHARS",
                       help="largest Markdown report, in characters (default 60000)")
    policies = parser.add_argument_group("policies")
    policies.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH")
    policies.add_argument("--no-builtin", action="store_true")
    policies.add_argument("--config", type=Path)
    policies.add_argument("--only", type=csv, default=set(), metavar="ID,...")
    policies.add_argument("--skip", type=csv, default=set(), metavar="ID,...")
    add_history_option(parser, "history database for run ids (default: {default})", optional_value=False)


def evaluation_from_args(args: argparse.Namespace) -> Evaluation:
    """The pack, config and selection the options name."""
    from ..drift import Evaluation

    pack, config = load_pack_and_config(args)
    return Evaluation(pack=pack, config=config, only=set(args.only), skip=set(args.skip))


def run(args: argparse.Namespace) -> int:
    if args.iac:
        if args.sides:
            raise UsageError("haguard drift: give A B, or --iac PATH... with --live or --snapshot, not both")
        return _run_iac(args)
    if args.live or args.snapshot or args.stack or args.tfstate:
        raise UsageError("haguard drift: --live, --snapshot, --stack and --tfstate go with --iac PATH...")
    if len(args.sides) != 2:
        raise UsageError("haguard drift: expected two sides A B (snapshot files, run ids, 'last', 'previous')")
    report = snapshot_drift(args, *args.sides)
    write(args, report)
    return exit_code(args, report)


def snapshot_drift(args: argparse.Namespace, before: str, after: str) -> DriftReport:
    """Load, evaluate and compare two sides."""
    from ..drift import compare, load_sides
    from .history import history_path

    evaluation = evaluation_from_args(args)
    stores: list[Any] = []

    def store() -> Any:
        if not stores:
            from ..history import open_history

            stores.append(open_history(history_path(args), create=False))
        return stores[0]

    from ..model.snapshot import paused_gc

    with paused_gc():  # a short-lived process holding two large graphs: collections would rescan them all
        try:
            old, new = load_sides(before, after, evaluation, store)
        finally:
            for opened in stores:
                opened.close()
        return compare(old, new, ignore=args.ignore, allow_unknown=args.allow_unknown)


def exit_code(args: argparse.Namespace, report: DriftReport | IacDriftReport) -> int:
    """1 for a new failure at or above ``--fail-on-new``, or any drift with ``--fail-on-drift``."""
    from ..model import Severity

    findings = getattr(report, "findings", None)
    if args.fail_on_new and findings is not None:
        threshold = Severity(args.fail_on_new)
        if any(c.severity.at_least(threshold) for c in findings.new_failures):
            return EXIT_FAIL
    if args.fail_on_drift and report.summary.drifted:
        return EXIT_FAIL
    return EXIT_OK


def render(args: argparse.Namespace, report: DriftReport | IacDriftReport) -> str:
    """The report in ``--format``."""
    from ..drift.model import DriftReport

    if isinstance(report, DriftReport):
        from ..drift.render import render_drift

        return render_drift(report, args.format, show_still_failing=args.show_still_failing,
                            max_chars=args.markdown_limit)
    from ..drift.iac import render_iac_drift

    return render_iac_drift(report, args.format, max_chars=args.markdown_limit)


def write(args: argparse.Namespace, report: DriftReport | IacDriftReport) -> None:
    """Render to ``--output`` (atomically) or stdout (rich colours on a terminal)."""
    text = render(args, report)
    if args.output:
        from ..model import write_atomically

        write_atomically(args.output, text.encode())
    elif args.format == "rich" and sys.stdout.isatty():
        from rich.console import Console

        Console(highlight=False).print(text, end="", markup=False)
    else:
        sys.stdout.write(text)


def _run_iac(args: argparse.Namespace) -> int:
    if args.live == bool(args.snapshot):
        raise UsageError("haguard drift --iac: give exactly one of --live or --snapshot FILE")
    from ..drift.iac import iac_drift_from_args

    report = iac_drift_from_args(args)
    write(args, report)
    return exit_code(args, report)
