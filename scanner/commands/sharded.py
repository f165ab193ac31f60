"""``haguard scan`` at organisation scale: collect shards into a directory, evaluate a shard set.

A live scan always runs as shards: each (account, Region) is collected by the executor and written
to ``--save-dir`` (or a temporary directory) as soon as it completes, then the shard set is
evaluated account by account on the same executor. ``scan --snapshot DIR`` evaluates a saved set.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .common import (
    UsageError,
    build_run_report,
    check_output_not_input,
    recovery_targets,
    run_inputs,
    selected_policies,
    write_report,
)

if TYPE_CHECKING:
    from ..history import HistoryStore
    from ..model import Snapshot
    from ..policy import Config, Pack
    from ..shards.executors import Executor
    from ..shards.store import AccountUnit, ShardSet

log = logging.getLogger("haguard")


def add_shard_arguments(parser: argparse.ArgumentParser) -> None:
    """``--save-dir`` and ``--resume``."""
    group = parser.add_argument_group("organisation scale")
    group.add_argument("--save-dir", type=Path, metavar="DIR",
                       help="write each shard (account x Region) to DIR as it completes, plus a manifest")
    group.add_argument("--resume", action="store_true",
                       help="with --save-dir: collect only the shards DIR does not hold yet")


def pack_spec(args: argparse.Namespace) -> object:
    """How workers load the same pack and config as this process."""
    from ..shards.evaluate import PackSpec

    return PackSpec(tuple(str(Path(p).resolve()) for p in args.policies), bool(args.no_builtin),
                    str(Path(args.config).resolve()) if getattr(args, "config", None) else None)


def evaluate_directory(args: argparse.Namespace, pack: Pack, config: Config | None, directory: Path,
                       executor: Executor | None = None, history: HistoryStore | None = None) -> int:
    """Evaluate the shard set in ``directory`` and report it (``scan --snapshot DIR``); return the exit code.

    ``--format html`` (the topology picture) and ``--history`` (the stored snapshot) need every account
    at once: they load the whole set in this process, after the sharded evaluation.
    """
    from ..model import Source
    from ..shards.evaluate import evaluate_shard_set
    from ..shards.executors import make_executor, parse_executor
    from ..shards.store import MANIFEST, ShardSet

    shard_set = ShardSet.load(directory)
    manifest = shard_set.manifest
    selected = selected_policies(args, pack)
    units = shard_set.units()
    _not_collected(units, pack, selected, manifest.skipped_types)
    own = executor is None
    if executor is None:
        executor = make_executor(parse_executor(getattr(args, "executor", "threads"), getattr(args, "workers", 8)))
    source = Source(kind="aws", accounts=sorted(manifest.accounts), regions=list(manifest.regions),
                    taken_at=manifest.updated_at, haguard_version=manifest.haguard_version,
                    api_calls=shard_set.api_calls())
    try:
        if own:
            executor.start()
        result = evaluate_shard_set(units, pack, pack_spec(args), config, selected, executor, source,
                                    blobs=not executor.spec.shared_filesystem, targets=recovery_targets(pack, config))
    finally:
        if own:
            executor.close()
    log.info("evaluated %d resources in %d accounts (%d in the joined graph)", result.resources,
             len(manifest.accounts), result.joined_resources)
    report, code = build_run_report(args, pack, result.findings, result.coverage, source, resources=result.resources,
                                    unevaluated=result.unevaluated, resilience=result.resilience)
    inputs = [*run_inputs(args, pack, config), str(directory / MANIFEST), *(str(f) for u in units for f in u.files)]
    check_output_not_input(args, inputs)
    if history is not None:
        from ..history import redacted
        from .history import history_recorder

        snapshot = redacted(merged_snapshot(shard_set))
        history_recorder(history, args, snapshot, pack, config)(report, code)
    graphs = []
    if args.format == "html":  # the topology picture draws every account graph
        from ..graph import build_graph
        from ..shards.evaluate import load_unit

        graphs = [build_graph(load_unit(unit)) for unit in units]
    write_report(args, report, graphs=graphs)
    return code


def _not_collected(units: list[AccountUnit], pack: Pack, selected: set[str], skipped: list[str]) -> None:
    """Gaps for the types the selected policies read but the saving scan did not collect (``--only``)."""
    from ..shards.joins import read_types
    from ..shards.store import missing_shard_gap

    missing = sorted({t for p in selected for t in read_types(pack.policies[p])} & set(skipped))
    for unit in units:
        if missing:
            gap = missing_shard_gap(unit.account, None, "not collected: the scan that saved this directory ran "
                                    "only the collectors of its --only/--skip policies", operation="NotCollected")
            gap.resource_types = missing
            unit.gaps.append(gap)


def run_live(args: argparse.Namespace, pack: Pack, config: Config | None, history: HistoryStore | None = None) -> int:
    """Collect the live scope as shards into ``--save-dir`` (or a temporary directory), then evaluate."""
    from ..live.cli_args import options_from_args

    if args.resume and not args.save_dir:
        raise UsageError("haguard: --resume needs --save-dir DIR (the directory of the interrupted scan)")
    options = options_from_args(args)
    if args.save_dir and not args.resume:  # before any API call
        from ..shards.store import ShardStore

        ShardStore.check_new(Path(args.save_dir))
    if args.save_dir:
        return _collect_and_evaluate(args, pack, config, options, Path(args.save_dir), history)
    with tempfile.TemporaryDirectory(prefix="haguard-shards-") as tmp:
        return _collect_and_evaluate(args, pack, config, options, Path(tmp), history)


def _collect_and_evaluate(args: argparse.Namespace, pack: Pack, config: Config | None, options: object,
                          directory: Path, history: HistoryStore | None) -> int:
    from .. import __version__
    from ..live.progress import ScanProgress
    from ..live.scan import collect_shards, prepare_collection
    from ..shards.executors import make_executor
    from ..shards.store import ShardStore

    prepared = prepare_collection(options, needed_types=_needed_types(args, pack))  # type: ignore[arg-type]
    store = ShardStore.open(directory, resume=args.resume, fingerprint=prepared.fingerprint,
                            haguard_version=__version__, caller_account=prepared.scope.caller_account,
                            accounts=prepared.accounts, regions=list(prepared.scope.regions),
                            shard_keys=[(s.account, s.region) for s in prepared.shards],
                            scope_api_calls=prepared.scope.api_calls, skipped_types=prepared.skipped_types)
    executor = make_executor(prepared.executor)
    with executor:
        try:
            with ScanProgress(sys.stderr.isatty()) as bars:
                collect_shards(prepared, lambda o: store.save(o.account, o.region, o.snapshot, o.api_calls,
                                                              o.resources, o.gaps),
                               skip=store.complete_keys(), progress=bars, executor=executor)
        finally:
            store.flush()
        if getattr(args, "save", None):
            _save_merged(directory, args.save)
        return evaluate_directory(args, pack, config, directory, executor, history)


def _needed_types(args: argparse.Namespace, pack: Pack) -> set[str] | None:
    """The types the ``--only``/``--skip`` selection reads (``None``: every policy, collect everything)."""
    from ..shards.joins import read_types

    if not args.only and not args.skip:
        return None
    return {t for policy_id in selected_policies(args, pack) for t in read_types(pack.policies[policy_id])}


def _save_merged(directory: Path, target: Path) -> None:
    """``--save FILE``: the shard set as one snapshot file (holds every shard at once)."""
    from ..model import save_snapshot
    from ..shards.store import ShardSet

    save_snapshot(merged_snapshot(ShardSet.load(directory)), target)


def merged_snapshot(shard_set: ShardSet) -> Snapshot:
    """The shard set as one snapshot (holds every shard at once), saying what it lacks."""
    from ..live.scan import merge_snapshots
    from ..shards.evaluate import load_unit
    from ..shards.store import missing_shard_gap

    units = [load_unit(unit) for unit in shard_set.units()]
    skipped = shard_set.manifest.skipped_types
    gaps = []
    for account in shard_set.manifest.accounts if skipped else []:  # the file says what it lacks
        gap = missing_shard_gap(account, None, "not collected: this scan ran only the collectors of its "
                                "--only/--skip policies", operation="NotCollected")
        gap.resource_types = list(skipped)
        gaps.append(gap)
    return merge_snapshots(units, shard_set.manifest.accounts, shard_set.manifest.regions,
                           shard_set.api_calls(), gaps)
