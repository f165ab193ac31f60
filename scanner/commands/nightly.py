"""``haguard nightly``: scan, record to the history, drift against the previous run of the scope, write reports.

Exit code: 1 when a finding at or above ``--fail-on`` fails (as ``scan``), or a new failure at or
above ``--fail-on-new`` appeared since the previous run; 0 otherwise; 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_FAIL, EXIT_OK, SEVERITIES, csv, load_pack_and_config
from .history import add_history_option, open_history_option

if TYPE_CHECKING:
    from ..drift import Evaluation
    from ..drift.model import DriftReport
    from ..drift.nightly import NightlyResult
    from ..history import HistoryStore
    from ..model import Snapshot

NAME = "nightly"
HELP = "scan, record to the history, report drift since the previous run (for cron and CI)"


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--snapshot", type=Path, help="use a saved snapshot instead of scanning")
    source.add_argument("--example", action="store_true", help="use the bundled example snapshot")
    if command in (None, NAME):
        from ..live.cli_args import add_live_arguments

        add_live_arguments(parser)
    add_history_option(parser, "the history database (default: {default})", optional_value=False)
    out = parser.add_argument_group("reports")
    out.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report (with drift and trend)")
    out.add_argument("--markdown", type=Path, metavar="FILE", help="write a Markdown message (chat, issue comment)")
    out.add_argument("--json", type=Path, metavar="FILE", help="write report, drift and trend as JSON")
    out.add_argument("--markdown-limit", type=int, default=60_000, metavar="CHARS",
                     help="largest Markdown message, in characters (default 60000)")
    out.add_argument("--trend", type=int, default=30, metavar="N", help="runs in the trend (default 30)")
    gate = parser.add_argument_group("exit code")
    gate.add_argument("--fail-on", choices=SEVERITIES, default="low",
                      help="exit 1 when a finding at or above this severity fails (default: low)")
    gate.add_argument("--fail-on-new", choices=SEVERITIES, metavar="SEVERITY",
                      help="exit 1 when a new failure at or above SEVERITY appeared since the previous run")
    gate.add_argument("--allow-unknown", action="store_true", help="do not count unknown/error findings as failures")
    gate.add_argument("--ignore", action="append", default=[], metavar="ATTR_GLOB",
                      help="attribute paths the drift ignores (repeatable)")
    policies = parser.add_argument_group("policies")
    policies.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH")
    policies.add_argument("--no-builtin", action="store_true")
    policies.add_argument("--config", type=Path)
    policies.add_argument("--only", type=csv, default=set(), metavar="ID,...")
    policies.add_argument("--skip", type=csv, default=set(), metavar="ID,...")


def run(args: argparse.Namespace) -> int:
    from ..drift import Evaluation

    _check_outputs(args)
    pack, config = load_pack_and_config(args)
    evaluation = Evaluation(pack=pack, config=config, only=set(args.only), skip=set(args.skip))
    store = open_history_option(args)
    assert store is not None
    try:
        result = _nightly(args, evaluation, store)
    finally:
        store.close()
    _write_outputs(args, result)
    drift = result.drift
    print(f"haguard nightly: run {result.run_id} ({result.scope_label}): {result.verdict}; "
          + (f"since run {result.previous.id}: " if result.previous else "first run of this scope")
          + (_drift_line(drift) if drift else ""))
    return result.exit_code


def _drift_line(drift: DriftReport) -> str:
    from ..drift.text import summary_line

    return summary_line(drift)


def _check_outputs(args: argparse.Namespace) -> None:
    """Fail before scanning (and recording) when a report could not be written."""
    from ..errors import InputError

    for path in (args.html, args.markdown, args.json):
        if path is not None and not path.parent.is_dir():
            raise InputError("cannot write: no such directory", str(path))


def _snapshot(args: argparse.Namespace) -> Snapshot:
    from ..history import redacted
    from ..model import load_snapshot

    if args.example:
        from ..examples import EXAMPLE_PATH

        return redacted(load_snapshot(EXAMPLE_PATH))
    if args.snapshot:
        return redacted(load_snapshot(args.snapshot))
    from ..live.cli_args import options_from_args
    from ..live.scan import collect_live

    return redacted(collect_live(options_from_args(args), progress=sys.stderr.isatty()))


def _nightly(args: argparse.Namespace, evaluation: Evaluation, store: HistoryStore) -> NightlyResult:
    from ..drift import EvaluatedSide, compare, evaluate_snapshot
    from ..drift.nightly import NightlyResult
    from ..drift.sides import run_side
    from ..history import Scope, run_input
    from ..model import Severity
    from ..reports import build_report, verdict

    snapshot = _snapshot(args)
    findings, facts = evaluate_snapshot(snapshot, evaluation)
    policies = [p.info() for p in evaluation.pack.ordered()
                if (not args.only or p.id in args.only) and p.id not in args.skip]
    report = build_report(findings, policies, snapshot.source, fail_on=Severity(args.fail_on),
                          allow_unknown=args.allow_unknown, coverage=snapshot.coverage)
    incomplete = bool(snapshot.coverage) and not args.allow_unknown
    code = EXIT_FAIL if report.summary.failing or incomplete else EXIT_OK
    outcome = verdict(report) if report.summary.failing or not incomplete else "FAILED: incomplete coverage"
    scope = Scope.of(snapshot.source)
    previous_runs = store.runs(scope.key, limit=1)
    run_id = store.record(run_input(snapshot, report, evaluation.pack, evaluation.config, exit_code=code,
                                    only=args.only, skip=args.skip))
    drift = previous = None
    if previous_runs:
        before = run_side(str(previous_runs[0].id), evaluation, store)
        previous = before.run
        after = EvaluatedSide(label=f"run {run_id}", snapshot=snapshot, findings=findings, derived=facts,
                              run=store.run(run_id))
        drift = compare(before, after, ignore=args.ignore, allow_unknown=args.allow_unknown)
        if args.fail_on_new:
            threshold = Severity(args.fail_on_new)
            new = [c for c in drift.findings.new_failures if c.severity.at_least(threshold)]
            if new:
                code = EXIT_FAIL
                if outcome == "PASSED":
                    plural = "s" if len(new) != 1 else ""
                    outcome = f"FAILED: {len(new)} new failure{plural} at or above {threshold.value}"
    return NightlyResult(report=report, run_id=run_id, scope_label=scope.label(), exit_code=code,
                         resources=len(snapshot.resources), verdict=outcome, drift=drift,
                         previous=previous, trend=store.trend(scope.key, args.trend))


def _write_outputs(args: argparse.Namespace, result: NightlyResult) -> None:
    import json

    from ..drift.nightly import nightly_json, render_nightly_html, render_nightly_markdown
    from ..model import write_atomically

    if args.json:
        write_atomically(args.json, (json.dumps(nightly_json(result), indent=2) + "\n").encode())
    if args.markdown:
        write_atomically(args.markdown, render_nightly_markdown(result, args.markdown_limit).encode())
    if args.html:
        write_atomically(args.html, render_nightly_html(result).encode())
