"""``haguard history list | show RUN | prune``, and the ``--history [PATH]`` option other commands share."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_OK, Parser, UsageError

if TYPE_CHECKING:
    from ..history import HistoryStore, RunInfo
    from ..model import Snapshot
    from ..policy import Config, Pack
    from ..reports import Report

NAME = "history"
HELP = "list, show and prune recorded runs"
_DEFAULT = "\0default"
_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def add_history_option(parser: argparse.ArgumentParser, text: str, *, optional_value: bool = True) -> None:
    """``--history [PATH]``: with no PATH, the default database (``$XDG_DATA_HOME/haguard/history.db``)."""
    from ..paths import default_history_path

    kwargs: dict[str, object] = {"nargs": "?", "const": _DEFAULT} if optional_value else {"default": _DEFAULT}
    parser.add_argument("--history", metavar="PATH", help=text.format(default=default_history_path()), **kwargs)


def history_path(args: argparse.Namespace) -> Path | None:
    """The database path the options name (``None`` without ``--history``)."""
    value = getattr(args, "history", None)
    if value is None:
        return None
    from ..paths import default_history_path

    if value == _DEFAULT:
        return default_history_path()
    if not value:
        raise UsageError("haguard: --history: empty path")
    return Path(value)


def open_history_option(args: argparse.Namespace) -> HistoryStore | None:
    """The store ``--history`` names, opened (and so checked), or ``None``."""
    path = history_path(args)
    if path is None:
        return None
    from ..history import open_history

    return open_history(path)


def history_recorder(store: HistoryStore, args: argparse.Namespace, snapshot: Snapshot, pack: Pack,
                     config: Config | None) -> Callable[[Report, int], None]:
    """An ``on_report`` callback recording the run (to pass to ``evaluate_and_report``)."""
    import sys

    from ..history import run_input

    def record(report: Report, exit_code: int) -> None:
        run = run_input(snapshot, report, pack, config, exit_code=exit_code, only=args.only, skip=args.skip)
        run_id = store.record(run)
        print(f"haguard: recorded run {run_id} in {store.location}", file=sys.stderr)

    return record


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    subcommands = parser.add_subparsers(dest="history_command", metavar="SUBCOMMAND", parser_class=Parser)
    subcommands.required = True
    listing = subcommands.add_parser("list", help="list recorded runs, newest first")
    listing.add_argument("--limit", type=_positive, default=20, metavar="N", help="show at most N runs (default 20)")
    listing.add_argument("--scope", metavar="TEXT", help="only runs whose scope contains TEXT")
    listing.add_argument("--format", choices=("rich", "json"), default="rich")
    show = subcommands.add_parser("show", help="show one run: RUN is an id, 'last' or 'previous'")
    show.add_argument("run_ref", metavar="RUN")
    show.add_argument("--format", choices=("rich", "json"), default="rich",
                      help="rich: summary and failing findings; json: the stored report")
    show.add_argument("--save-snapshot", type=Path, metavar="FILE",
                      help="write the run's snapshot to FILE (gzip when it ends in .gz)")
    prune = subcommands.add_parser("prune", help="delete old runs")
    prune.add_argument("--keep", type=_positive, metavar="N", help="keep the newest N runs of each scope")
    prune.add_argument("--older-than", type=_duration, metavar="AGE",
                       help="delete runs recorded more than AGE ago (90d, 12h, 2w, ...); with --keep, only "
                            "runs both rules would delete")
    prune.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    for sub in (listing, show, prune):
        add_history_option(sub, "the history database (default: {default})", optional_value=False)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError(f"expected an age such as 90d, 12h or 2w, got {text!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def run(args: argparse.Namespace) -> int:
    from ..history import open_history

    store = open_history(history_path(args), create=False)
    try:
        if args.history_command == "list":
            return _list(store, args)
        if args.history_command == "show":
            return _show(store, args)
        return _prune(store, args)
    finally:
        store.close()


def _run_json(info: RunInfo) -> dict[str, object]:
    return {"id": info.id, "recorded_at": info.recorded_at, "started_at": info.started_at,
            "scope": {"kind": info.scope.kind, "accounts": list(info.scope.accounts),
                      "regions": list(info.scope.regions), "files": list(info.scope.files), "key": info.scope.key},
            "tool_version": info.tool_version, "pack_hash": info.pack_hash, "settings_hash": info.settings_hash,
            "fail_on": info.fail_on, "allow_unknown": info.allow_unknown, "exit_code": info.exit_code,
            "resources": info.resources, "findings": info.findings, "failing": info.failing,
            "failures_by_severity": info.by_severity}


def _list(store: HistoryStore, args: argparse.Namespace) -> int:
    runs = store.runs()
    if args.scope:
        runs = [r for r in runs if args.scope in r.scope.key or args.scope in r.scope.label()]
    runs = runs[: args.limit]
    if args.format == "json":
        print(json.dumps([_run_json(r) for r in runs], indent=2))
        return EXIT_OK
    if not runs:
        print(f"no runs in {store.location}")
        return EXIT_OK
    print(f"{'run':>5}  {'recorded (UTC)':<19}  {'resources':>9}  {'failing':>7}  crit  high   med   low  scope")
    for r in runs:
        sev = r.by_severity
        print(f"{r.id:>5}  {r.recorded_at[:19].replace('T', ' '):<19}  {r.resources:>9}  {r.failing:>7}  "
              f"{sev['critical']:>4}  {sev['high']:>4}  {sev['medium']:>4}  {sev['low']:>4}  {r.scope.label()}")
    return EXIT_OK


def _show(store: HistoryStore, args: argparse.Namespace) -> int:
    from ..history import resolve_run

    info = resolve_run(store, args.run_ref)
    if args.save_snapshot:
        from ..model import save_snapshot

        save_snapshot(store.snapshot(info.id), args.save_snapshot)
    report = store.report(info.id)
    if args.format == "json":
        print(json.dumps({"run": _run_json(info), "report": report.model_dump(mode="json", by_alias=True,
                                                                              exclude_none=True)}, indent=2))
        return EXIT_OK
    from ..reports.report import counts_as_failure

    print(f"run {info.id}  recorded {info.recorded_at}  scope {info.scope.label()}")
    print(f"haguard {info.tool_version}  pack {info.pack_hash}  settings {info.settings_hash}  "
          f"fail on {info.fail_on}  exit {info.exit_code}")
    print(f"{info.resources} resources, {info.findings} findings, {info.failing} failing; failures by severity: "
          + ", ".join(f"{k} {v}" for k, v in info.by_severity.items()))
    for finding in report.findings:
        if counts_as_failure(finding, report.allow_unknown):
            name = finding.resource_name or finding.resource_uid
            print(f"  {finding.severity.value:<8} {finding.status.value:<7} {finding.policy_id}  {name}: "
                  f"{finding.message}")
    return EXIT_OK


def _prune(store: HistoryStore, args: argparse.Namespace) -> int:
    if args.keep is None and args.older_than is None:
        raise UsageError("haguard history prune: give --keep N and/or --older-than AGE")
    runs = store.runs()
    doomed: set[int] | None = None
    if args.keep is not None:
        seen: dict[str, int] = {}
        beyond = set()
        for r in runs:  # newest first
            seen[r.scope.key] = seen.get(r.scope.key, 0) + 1
            if seen[r.scope.key] > args.keep:
                beyond.add(r.id)
        doomed = beyond
    if args.older_than is not None:
        cutoff = datetime.now(timezone.utc) - args.older_than
        old = {r.id for r in runs if _parse_time(r.recorded_at) < cutoff}
        doomed = old if doomed is None else doomed & old
    ids = sorted(doomed or ())
    if args.dry_run:
        print(f"would delete {len(ids)} of {len(runs)} runs" + (f": {', '.join(map(str, ids))}" if ids else ""))
        return EXIT_OK
    deleted = store.delete(ids)
    print(f"deleted {deleted} of {len(runs)} runs from {store.location}")
    return EXIT_OK


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
