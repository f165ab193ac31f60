"""Live collection as shards: plan account x Region, run them on an executor, save or merge them.

``collect_shards`` resolves the scope (the caller's identity, the accounts and Regions; no role is
assumed here), plans one shard per account x Region and runs ``scanner.live.shard.collect_shard``
on the chosen executor. Each finished shard goes to ``on_shard`` (the shard store writes it at
once); a shard whose task failed or whose worker was lost twice becomes a coverage gap covering
every type of that account and Region. ``collect_live`` is the in-process form that returns one
merged snapshot (tests, ``--save FILE``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .. import __version__
from ..model import CoverageGap, Relation, Resource, Snapshot, Source
from ..shards.executors import Executor, ExecutorSpec, TaskFailure, make_executor, parse_executor
from ..shards.store import decode_snapshot, missing_shard_gap
from .budget import BudgetSettings
from .credentials import RoleSettings
from .options import LiveOptions
from .plan import ScanPlan, ShardSpec, fingerprint, plan_shards
from .progress import ScanProgress
from .readonly import ReadOnlyViolation
from .registry import GLOBAL_COLLECTORS, CollectorSet, load_collectors, select_collectors
from .runtime import ClientHook, ScanRuntime, register_runtime, release_runtime
from .scope import Scope, resolve_scope
from .session import retry_config
from .shard import ShardOutcome, collect_shard

__all__ = ["CollectionPlan", "LiveOptions", "collect_live", "collect_shards", "prepare_collection"]

log = logging.getLogger("haguard.live")
ShardSink = Callable[[ShardOutcome], None]


@dataclass
class CollectionPlan:
    """A resolved scan: its scope, the plan every worker gets and the shards to collect."""

    scope: Scope
    plan: ScanPlan
    shards: list[ShardSpec]
    collectors: CollectorSet
    fingerprint: str
    executor: ExecutorSpec
    skipped_types: list[str] = field(default_factory=list)

    @property
    def accounts(self) -> list[str]:
        return [t.account for t in self.scope.targets]


def prepare_collection(options: LiveOptions, collectors: CollectorSet | None = None,
                       client_hooks: Sequence[ClientHook] = (), needed_types: set[str] | None = None
                       ) -> CollectionPlan:
    """Resolve the scope and plan the shards (``InputError`` for bad options or credentials).

    ``needed_types`` (the types the selected policies read) limits collection to the collectors
    producing them plus the network base; the types left out are recorded as ``skipped_types``.
    """
    spec = parse_executor(options.executor, options.workers)
    collectors = collectors if collectors is not None else load_collectors()
    skipped: list[str] = []
    if needed_types is not None:
        collectors, skipped = select_collectors(collectors, needed_types)
    if spec.remote and client_hooks:
        raise ValueError("client hooks only apply to the in-process threads executor")
    config = retry_config(options.workers)
    scope = resolve_scope(options, config, (), client_hooks, assume=False)
    names = [module.__name__ for module in collectors.collectors]
    metrics = collectors.metrics.__name__ if collectors.metrics is not None else None
    role = None
    if options.role_arn:
        role = RoleSettings(options.role_arn, options.external_id, options.session_duration_seconds,
                            options.refresh_margin_seconds)
    plan = ScanPlan(scan_id=uuid.uuid4().hex, caller_account=scope.caller_account,
                    home_region=scope.regions[0] if scope.regions else "us-east-1", profile=options.profile,
                    role=role, metrics=metrics, lag_window_seconds=options.lag_window_seconds,
                    budget=BudgetSettings(options.budget_rate, options.budget_burst), threads=options.workers,
                    verify_identity=spec.remote)
    shards = plan_shards([t.account for t in scope.targets], scope.regions, names, GLOBAL_COLLECTORS)
    return CollectionPlan(scope, plan, shards, collectors,
                          fingerprint(names, metrics, __version__, options.lag_window_seconds), spec, skipped)


def collect_shards(prepared: CollectionPlan, on_shard: ShardSink, *, skip: set[str] = frozenset(),
                   progress: ScanProgress | None = None, client_hooks: Sequence[ClientHook] = (),
                   executor: Executor | None = None) -> None:
    """Collect every planned shard not in ``skip`` (``account/region``), handing each to ``on_shard``."""
    todo = [shard for shard in prepared.shards if shard.key not in skip]
    bars = progress or ScanProgress(False)
    bars.plan([(s.account, s.region, len(s.collectors)) for s in todo])
    runtime = None
    if not prepared.executor.remote:
        modules = {m.__name__: m for m in prepared.collectors.all_modules()}
        runtime = ScanRuntime(prepared.plan, client_hooks, modules, base_session=_caller_session(prepared.scope),
                              on_collector_done=bars.done)
        register_runtime(runtime)
    own = executor is None
    executor = executor or make_executor(prepared.executor)
    try:
        if own:
            executor.start()
        link = getattr(executor, "dashboard_link", None)
        if link:
            bars.note(f"Dask dashboard: {link}")
        results = executor.map_unordered(collect_shard, todo, prepared.plan, name=_task_name(prepared.plan),
                                         affinity=lambda shard: shard.account)
        for shard, result in results:
            outcome = _outcome(shard, result)
            on_shard(outcome)
            bars.shard_done(shard.account, shard.region, outcome.complete)
    finally:
        if own:
            executor.close()
        if runtime is not None:
            release_runtime(prepared.plan.scan_id)


def _task_name(plan: ScanPlan) -> Callable[[ShardSpec], str]:
    return lambda shard: f"collect-shard-{shard.account}-{shard.region}-{plan.scan_id[:8]}"


def _caller_session(scope: Scope) -> object | None:
    return next((t.session for t in scope.targets if t.account == scope.caller_account and t.session), None)


def _outcome(shard: ShardSpec, result: ShardOutcome | TaskFailure) -> ShardOutcome:
    """The shard's outcome; a failed task is a gap over every type of the shard (or stops the scan)."""
    if not isinstance(result, TaskFailure):
        return result
    if isinstance(result.exception, ReadOnlyViolation):
        raise result.exception
    log.warning("shard %s failed: %s", shard.key, result.error)
    what = "worker lost" if result.lost else "shard failed"
    return ShardOutcome(shard.account, shard.region,
                        gaps=[missing_shard_gap(shard.account, shard.region, f"{what}: {result.error}")])


def collect_live(options: LiveOptions, *, progress: bool = False, collectors: CollectorSet | None = None,
                 client_hooks: Sequence[ClientHook] = ()) -> Snapshot:
    """Scan the accounts and Regions of ``options`` and return one merged snapshot.

    ``progress`` shows a rich progress display when stderr is a terminal. ``collectors`` defaults to
    the registry; ``client_hooks`` are called on every boto3 client created (recording, fault tests).
    """
    prepared = prepare_collection(options, collectors, client_hooks)
    outcomes: list[ShardOutcome] = []
    with ScanProgress(progress) as bars:
        collect_shards(prepared, outcomes.append, progress=bars, client_hooks=client_hooks)
    return merge_outcomes(prepared, outcomes)


def merge_outcomes(prepared: CollectionPlan, outcomes: list[ShardOutcome]) -> Snapshot:
    """One snapshot of every shard, in plan order (first occurrence of a uid or relation wins)."""
    by_key = {f"{o.account}/{o.region}": o for o in outcomes}
    snapshots = []
    gaps: list[CoverageGap] = list(prepared.scope.gaps)
    for shard in prepared.shards:
        outcome = by_key.get(shard.key)
        if outcome is None:
            continue
        if outcome.snapshot is None:
            gaps.extend(outcome.gaps)
        else:
            snapshots.append(decode_snapshot(outcome.snapshot, shard.key))
    api_calls = prepared.scope.api_calls + sum(o.api_calls for o in outcomes)
    return merge_snapshots(snapshots, prepared.accounts, prepared.scope.regions, api_calls, gaps)


def merge_snapshots(snapshots: list[Snapshot], accounts: list[str], regions: list[str], api_calls: int,
                    extra_gaps: Sequence[CoverageGap] = ()) -> Snapshot:
    """Join shard snapshots into one (holds everything: for ``--save FILE`` and small scans)."""
    resources: dict[str, Resource] = {}
    relations: dict[tuple[str, str, str, str], Relation] = {}
    gaps: list[CoverageGap] = []
    for snapshot in snapshots:
        for resource in snapshot.resources:
            resources.setdefault(resource.uid, resource)
        for relation in snapshot.relations:
            key = (relation.src, relation.kind, relation.dst, repr(sorted(relation.attributes.items())))
            relations.setdefault(key, relation)
        gaps.extend(snapshot.coverage)
    gaps.extend(extra_gaps)
    source = Source(kind="aws", accounts=sorted(accounts), regions=list(regions),
                    taken_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), haguard_version=__version__,
                    api_calls=api_calls)
    return Snapshot.model_construct(source=source, resources=list(resources.values()),
                                    relations=list(relations.values()), coverage=gaps)

