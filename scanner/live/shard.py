"""Collect one shard (account x Region) where it runs, and return its snapshot as gzip JSON bytes.

The shard's collectors run concurrently, one thread each: a collector waiting on a throttled
service does not hold up the others. Each collector's replicas get their lag metrics right after
it finishes, in its own thread, so no metrics phase waits for the slowest collector. A collector
that crashes, or a role that cannot be assumed, becomes a coverage gap; a call that is not
read-only stops the scan.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import ModuleType
from typing import Any

from .. import __version__
from ..collectors.base import CallContext, Collected
from ..errors import InputError
from ..model import CoverageGap, Relation, Resource, Snapshot, Source
from ..model.vocabulary import RESOURCE_TYPES
from .credentials import AssumeRoleRefused
from .plan import ScanPlan, ShardSpec
from .readonly import ReadOnlyViolation
from .redact import redact_resources
from .registry import context_operations, module_name, resource_types
from .runtime import ScanRuntime, runtime_for

log = logging.getLogger("haguard.live")


@dataclass
class ShardOutcome:
    """A shard's result: its snapshot (gzip JSON) when collected, else the gaps saying why not."""

    account: str
    region: str
    snapshot: bytes | None = None
    api_calls: int = 0
    resources: int = 0
    gaps: list[CoverageGap] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when the shard was collected (possibly with coverage gaps inside it)."""
        return self.snapshot is not None


def collect_shard(spec: ShardSpec, plan: ScanPlan) -> ShardOutcome:
    """Collect ``spec`` with this process's runtime of ``plan`` (the task every executor runs)."""
    runtime = runtime_for(plan)
    snapshot, outcome = collect_shard_snapshot(spec, runtime)
    if snapshot is not None:
        from ..shards.store import encode_snapshot

        outcome.snapshot = encode_snapshot(snapshot)
    return outcome


def collect_shard_snapshot(spec: ShardSpec, runtime: ScanRuntime) -> tuple[Snapshot | None, ShardOutcome]:
    """The shard's snapshot (``None`` when its account cannot be reached) and its outcome."""
    outcome = ShardOutcome(spec.account, spec.region)
    try:
        runtime.session_for(spec.account)
    except (AssumeRoleRefused, InputError) as exc:
        code = exc.code if isinstance(exc, AssumeRoleRefused) else str(exc)
        outcome.api_calls = runtime.sts_calls.take()
        outcome.gaps.append(CoverageGap(account=spec.account, region=spec.region, service="sts",
                                        operation="AssumeRole", error=code, resource_types=sorted(RESOURCE_TYPES)))
        return None, outcome
    modules = [runtime.module(name) for name in spec.collectors]
    metrics = runtime.module(runtime.plan.metrics) if runtime.plan.metrics else None
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(modules)), thread_name_prefix="haguard-collector") as pool:
            futures = [pool.submit(_run_collector, spec, module, metrics, runtime) for module in modules]
            results = [future.result() for future in futures]
    finally:
        runtime.release_clients(spec.account, spec.region)
    resources: dict[str, Resource] = {}
    relations: dict[tuple[str, str, str, str], Relation] = {}
    for collected, gaps, calls in results:
        for resource in collected.resources:
            resources.setdefault(resource.uid, resource)
        for relation in collected.relations:
            key = (relation.src, relation.kind, relation.dst, repr(sorted(relation.attributes.items())))
            relations.setdefault(key, relation)
        outcome.gaps.extend(gaps)
        outcome.api_calls += calls
    outcome.api_calls += runtime.sts_calls.take()
    outcome.resources = len(resources)
    source = Source(kind="aws", accounts=[spec.account], regions=[spec.region],
                    taken_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), haguard_version=__version__,
                    api_calls=outcome.api_calls)
    snapshot = Snapshot(source=source, resources=redact_resources(list(resources.values())),
                        relations=list(relations.values()), coverage=outcome.gaps)
    return snapshot, outcome


def _context(spec: ShardSpec, region: str, module: ModuleType, runtime: ScanRuntime) -> CallContext:
    def factory(service: str) -> Any:
        return runtime.client(spec.account, region, service)

    return CallContext(factory, spec.account, region, context_operations(module))


def _run_collector(spec: ShardSpec, module: ModuleType, metrics: ModuleType | None,
                   runtime: ScanRuntime) -> tuple[Collected, list[CoverageGap], int]:
    """Fetch, parse and enrich one collector; a crash becomes a coverage gap."""
    name = module_name(module)
    ctx = _context(spec, spec.region, module, runtime)
    collected = Collected()
    gaps = ctx.gaps
    calls = 0
    try:
        collected = module.parse(module.fetch(ctx), spec.account, spec.region)
    except ReadOnlyViolation:
        raise
    except Exception as exc:  # a collector bug must not hide other collectors' results, nor pass silently
        log.warning("collector %s failed in %s: %s", name, spec.key, type(exc).__name__)
        gaps.append(CoverageGap(account=spec.account, region=spec.region, service=name, operation="collect",
                                error=f"collector error: {type(exc).__name__}",
                                resource_types=list(resource_types(module))))
    calls += ctx.api_calls
    if metrics is not None and collected.resources:
        metric_gaps, metric_calls = _enrich(spec, metrics, collected.resources, runtime)
        gaps = [*gaps, *metric_gaps]
        calls += metric_calls
    if runtime.on_collector_done is not None:
        runtime.on_collector_done(spec.account, spec.region, name)
    return collected, gaps, calls


def _enrich(spec: ShardSpec, metrics: ModuleType, resources: list[Resource],
            runtime: ScanRuntime) -> tuple[list[CoverageGap], int]:
    """Lag metrics for ``resources``, read in the Regions whose CloudWatch holds each series
    (``metrics.metric_regions``: the resource's own, and for a replicating bucket its destinations')."""
    by_region: dict[str, list[Resource]] = {}
    regions_of = getattr(metrics, "metric_regions", lambda resource: {resource.region})
    for resource in resources:
        if resource.region and resource.account in (None, spec.account):
            for region in sorted(regions_of(resource)):  # a replicating bucket: its destinations' Regions too
                by_region.setdefault(region, []).append(resource)
    gaps: list[CoverageGap] = []
    calls = 0
    for region, members in sorted(by_region.items()):
        ctx = _context(spec, region, metrics, runtime)
        try:
            metrics.enrich_with_lag_metrics(ctx, members, window_seconds=runtime.plan.lag_window_seconds)
        except ReadOnlyViolation:
            raise
        except Exception as exc:
            log.warning("lag metrics failed in %s/%s: %s", spec.account, region, type(exc).__name__)
            ctx.gaps.append(CoverageGap(account=spec.account, region=region, service="cloudwatch",
                                        operation="GetMetricData", error=f"collector error: {type(exc).__name__}",
                                        resource_types=list(resource_types(metrics))))
        gaps.extend(ctx.gaps)
        calls += ctx.api_calls
    return gaps, calls
