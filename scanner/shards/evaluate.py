"""Sharded evaluation: one task per account graph, then the joined policies over the projections.

Each task loads one account's shard files, builds that account's graph, evaluates every selected
policy that stays inside one account, and returns its findings plus the projection the joined
policies need (``scanner.shards.joins``). The coordinator joins the projections and evaluates the
joined policies there. The pack and config are loaded by each worker process from their paths
(once per process): tasks carry paths and ids, not compiled policies.
"""

from __future__ import annotations

import resource
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import CoverageGap, Finding, Snapshot, Source, Unevaluated
from .executors import Executor, TaskFailure
from .halo import Links, halos, links_of
from .joins import JoinSpec, Projection, join_spec, joined_graph, project
from .store import AccountUnit, ShardSet, decode_snapshot, missing_shard_gap, read_shard


@dataclass(frozen=True)
class PackSpec:
    """How a worker loads the pack and config of the run (``--policies``, ``--no-builtin``, ``--config``)."""

    policies: tuple[str, ...] = ()
    replace: bool = False
    config: str | None = None


@dataclass(frozen=True)
class EvaluationJob:
    """What every account task shares: the pack to load, the local and joined policy ids."""

    pack: PackSpec
    local: frozenset[str]
    join: JoinSpec
    source_kind: str = "aws"
    targets: tuple[tuple[str, object], ...] = ()
    """The RPO/RTO targets of the resilience rows (``recovery_targets``), as items."""
    defer_linked: bool = False
    """First pass: an account whose graph points into another account returns its links only, since it
    is evaluated once, in the second pass, with what the other accounts lend it."""


@dataclass
class UnitResult:
    """One account's findings, the projection for the joined policies and the gaps it saw."""

    account: str
    findings: list[Finding] = field(default_factory=list)
    projection: Projection = field(default_factory=Projection)
    coverage: list[CoverageGap] = field(default_factory=list)
    resources: int = 0
    resilience: list[Any] = field(default_factory=list)
    unevaluated: list[Unevaluated] = field(default_factory=list)
    links: Links | None = None
    peak_rss_bytes: int = 0
    process: str = ""
    deferred: bool = False
    """Not evaluated yet: the account points into another one (``EvaluationJob.defer_linked``)."""


@dataclass
class ShardedResult:
    """Findings of a sharded evaluation, every coverage gap and the figures of the run."""

    findings: list[Finding]
    coverage: list[CoverageGap]
    resources: int
    joined_resources: int
    worker_peak_rss_bytes: dict[str, int]
    resilience: list[Any] = field(default_factory=list)
    unevaluated: list[Unevaluated] = field(default_factory=list)


_PACKS: dict[PackSpec, tuple[object, object]] = {}
_PACKS_LOCK = threading.Lock()


def preload(spec: PackSpec, pack: object, config: object) -> None:
    """Give this process the already-loaded pack and config of ``spec`` (threads executor)."""
    with _PACKS_LOCK:
        _PACKS[spec] = (pack, config)


def _pack(spec: PackSpec) -> tuple[object, object]:
    with _PACKS_LOCK:
        if spec not in _PACKS:
            from ..policy import check_config, load_config, load_pack

            pack = load_pack([Path(p) for p in spec.policies], replace=spec.replace)
            config = load_config(spec.config) if spec.config else None
            if config is not None:
                check_config(pack, config)
            _PACKS.clear()
            _PACKS[spec] = (pack, config)
        return _PACKS[spec]


def _peak_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def load_unit(unit: AccountUnit, source_kind: str = "aws") -> Snapshot:
    """One account's snapshot from its shard files (a corrupt file is a gap naming it, not a stop)."""
    from ..model.snapshot import paused_gc

    gaps = list(unit.gaps)
    snapshots: list[Snapshot] = []
    pieces: list[tuple[str, bytes | None]] = [(str(p), None) for p in unit.files] + list(unit.blobs)
    for name, data in pieces:
        try:
            snapshots.append(decode_snapshot(data if data is not None else read_shard(Path(name)), name))
        except InputError as exc:
            region = Path(name).name.removesuffix(".json.gz").removeprefix(f"{unit.account}-")
            gaps.append(missing_shard_gap(unit.account, region if region != Path(name).name else None, str(exc),
                                          operation="LoadShard"))
    with paused_gc():
        resources = {}
        relations = []
        unevaluated = []
        for snapshot in snapshots:
            for res in snapshot.resources:
                resources.setdefault(res.uid, res)
            relations.extend(snapshot.relations)
            gaps.extend(snapshot.coverage)
            unevaluated.extend(snapshot.unevaluated)
    regions = sorted({r for s in snapshots for r in s.source.regions})
    source = Source(kind=source_kind, accounts=[unit.account], regions=regions)
    return Snapshot.model_construct(source=source, resources=list(resources.values()), relations=relations,
                                    coverage=gaps, unevaluated=unevaluated)


def evaluate_unit(unit: AccountUnit, job: EvaluationJob) -> UnitResult:
    """Evaluate one account graph (the task every executor runs); with a halo, report own resources only."""
    from ..graph import build_graph
    from ..model import Relation
    from ..policy import evaluate

    pack, config = _pack(job.pack)
    snapshot = load_unit(unit, job.source_kind)
    foreign: set[str] = set()
    if unit.halo is not None:
        foreign = unit.halo.uids - {r.uid for r in snapshot.resources}
        snapshot.resources.extend(r for r in unit.halo.resources if r.uid in foreign)
        snapshot.relations.extend(Relation.model_construct(src=src, kind=kind, dst=dst, attributes=attributes)
                                  for src, kind, dst, attributes in unit.halo.edges)
    graph = build_graph(snapshot)
    result = UnitResult(unit.account, coverage=list(graph.coverage), resources=len(graph.resources) - len(foreign),
                        unevaluated=list(snapshot.unevaluated))
    if job.defer_linked and unit.halo is None:
        links = links_of(graph)
        if any(dst not in graph.resources for _, _, dst, _ in links.edges):
            result.links, result.deferred = links, True
            result.peak_rss_bytes, result.process = _peak_rss(), _process_name()
            return result
    if job.local:
        findings = evaluate(pack, graph, config, only=set(job.local))  # type: ignore[arg-type]
        result.findings = [f for f in findings if f.resource_uid not in foreign]
    if job.targets:
        from ..commands.common import resilience_of

        rows = resilience_of(graph, dict(job.targets))
        result.resilience = [row for row in rows if row.store_uid not in foreign]
    result.projection = project(graph, job.join, exclude=foreign)
    if unit.halo is None:
        result.links = links_of(graph)
    del graph, snapshot
    result.peak_rss_bytes = _peak_rss()
    result.process = _process_name()
    return result


def _process_name() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def evaluate_shard_set(shard_set: ShardSet | list[AccountUnit], pack: object, pack_spec: PackSpec,
                       config: object, selected: set[str], executor: Executor, source: Source,
                       blobs: bool = False, targets: dict[str, Any] | None = None) -> ShardedResult:
    """Every finding of the ``selected`` policies over a shard set, account by account, then joined.

    ``blobs`` sends the shard files' bytes with each task (workers without the coordinator's disk).
    """
    from ..policy import evaluate

    units = shard_set.units() if isinstance(shard_set, ShardSet) else shard_set
    if blobs:
        units = [_with_blobs(unit) for unit in units]
    spec = join_spec(pack, selected)  # type: ignore[arg-type]
    job = EvaluationJob(pack_spec, frozenset(selected - spec.policies), spec, source.kind,
                        tuple(sorted((targets or {}).items())), defer_linked=True)
    preload(pack_spec, pack, config)
    findings: list[Finding] = []
    coverage: list[CoverageGap] = []
    projections: list[Projection] = []
    peaks: dict[str, int] = {}
    resources = 0
    resilience: list[Any] = []
    unevaluated: list[Unevaluated] = []
    by_account: dict[str, UnitResult] = {}
    _run_units(executor, units, job, by_account, pack, config, source, "evaluate-account")
    lent = halos({account: outcome.links for account, outcome in by_account.items() if outcome.links is not None})
    deferred = {account for account, outcome in by_account.items() if outcome.deferred}
    if lent or deferred:  # accounts joined to others by replicas or global databases: with the others' ends
        again = [replace(unit, halo=lent.get(unit.account)) for unit in units
                 if unit.account in lent or unit.account in deferred]
        _run_units(executor, again, replace(job, defer_linked=False), by_account, pack, config, source,
                   "evaluate-account-halo")
    for unit in units:  # deterministic order, whatever order the tasks finished in
        outcome = by_account[unit.account]
        findings.extend(outcome.findings)
        coverage.extend(outcome.coverage)
        projections.append(outcome.projection)
        resources += outcome.resources
        resilience.extend(outcome.resilience)
        unevaluated.extend(outcome.unevaluated)
        if outcome.process:
            peaks[outcome.process] = max(peaks.get(outcome.process, 0), outcome.peak_rss_bytes)
    resilience.sort(key=_row_order)
    joined = 0
    if spec.policies:
        graph = joined_graph(projections, coverage, source)
        joined = len(graph.resources)
        findings.extend(evaluate(pack, graph, config, only=set(spec.policies)))  # type: ignore[arg-type]
    return ShardedResult(findings, coverage, resources, joined, peaks, resilience, unevaluated)


def _run_units(executor: Executor, units: list[AccountUnit], job: EvaluationJob, by_account: dict[str, UnitResult],
               pack: object, config: object, source: Source, label: str) -> None:
    """Evaluate ``units`` into ``by_account``; a failed task becomes the account's gap and error findings."""
    results = executor.map_unordered(evaluate_unit, units, job, name=lambda u: f"{label}-{u.account}")
    for unit, outcome in results:
        if isinstance(outcome, TaskFailure):
            gap = missing_shard_gap(unit.account, None, f"evaluation failed: {outcome.error}", operation="Evaluate")
            outcome = UnitResult(unit.account, coverage=[*unit.gaps, gap])
            outcome.findings = _gap_findings(pack, config, set(job.local), outcome.coverage, source)
        by_account[unit.account] = outcome


def _row_order(row: Any) -> tuple[str, str, int]:
    """The order of ``resilience_rows`` (workload, store, disruption), across accounts."""
    from ..graph.recovery import DISRUPTIONS

    return str(row.workload), str(row.store), DISRUPTIONS.index(getattr(row.disruption, "value", row.disruption))


def _with_blobs(unit: AccountUnit) -> AccountUnit:
    blobs = [(str(path), read_shard(path)) for path in unit.files]
    return AccountUnit(unit.account, [], [*unit.blobs, *blobs], list(unit.gaps), unit.halo)


def _gap_findings(pack: object, config: object, selected: set[str], gaps: list[CoverageGap],
                  source: Source) -> list[Finding]:
    """Error findings of an account whose evaluation task failed: every local policy, per gap."""
    from ..graph import Graph
    from ..policy import evaluate

    if not selected:
        return []
    graph = Graph(source=source, coverage=gaps, resources={})
    return evaluate(pack, graph, config, only=selected)  # type: ignore[arg-type]
