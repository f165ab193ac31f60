"""``haguard scan``: evaluate the policies over live AWS, a saved snapshot or shard set, or the example."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .common import UsageError, add_evaluation_options, evaluate_and_report, load_pack_and_config
from .history import add_history_option, history_recorder, open_history_option

if TYPE_CHECKING:
    from ..model import Snapshot

NAME = "scan"
HELP = "evaluate the policies over live AWS, a saved snapshot or the example"


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    """``--snapshot``/``--example``; the live options only when the user typed ``scan``."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--snapshot", type=Path,
                        help="evaluate a saved snapshot (.json or .json.gz) or shard directory (--save-dir)")
    source.add_argument("--example", action="store_true", help="evaluate the bundled example snapshot")
    if command in (None, NAME):
        from ..live.cli_args import add_live_arguments
        from .sharded import add_shard_arguments

        add_live_arguments(parser)
        parser.add_argument("--save", type=Path, metavar="FILE",
                            help="write the collected snapshot to FILE (gzip when it ends in .gz)")
        add_shard_arguments(parser)
    add_history_option(parser, "record the run in the history database (default: {default})")
    add_evaluation_options(parser)


def run(args: argparse.Namespace) -> int:
    pack, config = load_pack_and_config(args)
    if args.snapshot or args.example:
        for option in ("save", "save_dir", "resume"):
            if getattr(args, option, None):
                raise UsageError(f"haguard: --{option.replace('_', '-')} applies to live scans only")
    if config is not None and config.regions and not getattr(args, "regions", True):
        args.regions = list(config.regions)  # the architecture profile's Regions, unless --region is given
    store = open_history_option(args)  # a bad history file fails before a long scan, not after it
    try:
        if not (args.snapshot or args.example) or (args.snapshot and args.snapshot.is_dir()):  # live scans: shards
            from .sharded import evaluate_directory, run_live

            if args.snapshot:
                return evaluate_directory(args, pack, config, args.snapshot, history=store)
            return run_live(args, pack, config, history=store)
        snapshot = _snapshot(args)
        if store is None:
            return evaluate_and_report(args, pack, config, [snapshot], snapshot.source)
        from ..history import redacted

        snapshot = redacted(snapshot)
        return evaluate_and_report(args, pack, config, [snapshot], snapshot.source,
                                   on_report=history_recorder(store, args, snapshot, pack, config))
    finally:
        if store is not None:
            store.close()


def _snapshot(args: argparse.Namespace) -> Snapshot:
    """The saved snapshot file or the example the options name."""
    from ..model import load_snapshot

    if args.example:
        from ..examples import EXAMPLE_PATH

        return load_snapshot(EXAMPLE_PATH)
    return load_snapshot(args.snapshot)
