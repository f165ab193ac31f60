"""``haguard scan``: evaluate the policies over live AWS, a saved snapshot or shard set, or the example."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import UsageError, add_evaluation_options, evaluate_and_report, load_pack_and_config

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
    add_evaluation_options(parser)


def run(args: argparse.Namespace) -> int:
    pack, config = load_pack_and_config(args)
    if args.snapshot or args.example:
        for option in ("save", "save_dir", "resume"):
            if getattr(args, option, None):
                raise UsageError(f"haguard: --{option.replace('_', '-')} applies to live scans only")
        if args.snapshot and args.snapshot.is_dir():
            from .sharded import evaluate_directory

            return evaluate_directory(args, pack, config, args.snapshot)
        from ..model import load_snapshot

        if args.example:
            from ..examples import EXAMPLE_PATH

            snapshot = load_snapshot(EXAMPLE_PATH)
        else:
            snapshot = load_snapshot(args.snapshot)
        return evaluate_and_report(args, pack, config, [snapshot], snapshot.source)
    from .sharded import run_live

    return run_live(args, pack, config)
