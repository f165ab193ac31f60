"""``collect_live``: run every collector over every account x Region and build one snapshot.

Per account x Region x collector a task runs on a bounded thread pool, each with its own
``CallContext`` whose clients carry the adaptive retry config and the read-only guard. S3 (a global
API) runs in one Region per account. Lag metrics are then read per account x Region. Resources are
deduplicated by uid and secret-looking tag values are redacted before the snapshot is built.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import ModuleType
from typing import Any

from .. import __version__
from ..collectors.base import CallContext, Collected
from ..errors import InputError
from ..model import CoverageGap, Relation, Resource, Snapshot, Source
from .options import LiveOptions
from .progress import ScanProgress
from .readonly import ReadOnlyViolation
from .redact import redact_resources
from .registry import (
    GLOBAL_COLLECTORS,
    CollectorSet,
    context_operations,
    load_collectors,
    module_name,
    resource_types,
)
from .scope import ClientHook, Scope, Target, resolve_scope
from .session import make_client, retry_config

__all__ = ["LiveOptions", "collect_live"]

log = logging.getLogger("haguard.live")
GLOBAL_HOME = "us-east-1"


@dataclass
class Task:
    """One collector (or the metrics pass) over one account and Region."""

    target: Target
    region: str
    module: ModuleType

    @property
    def service(self) -> str:
        """The collector's short name (for progress and gaps)."""
        return module_name(self.module)


@dataclass
class TaskResult:
    """What one task produced."""

    collected: Collected = field(default_factory=Collected)
    gaps: list[CoverageGap] = field(default_factory=list)
    api_calls: int = 0


def collect_live(options: LiveOptions, *, progress: bool = False, collectors: CollectorSet | None = None,
                 client_hooks: Sequence[ClientHook] = ()) -> Snapshot:
    """Scan the accounts and Regions of ``options`` and return the snapshot.

    ``progress`` shows a rich progress display when stderr is a terminal. ``collectors`` defaults to
    the registry; ``client_hooks`` are called on every boto3 client created (recording, fault tests).
    """
    collectors = collectors if collectors is not None else load_collectors()
    config = retry_config(options.workers)
    all_types = tuple(dict.fromkeys(t for m in collectors.all_modules() for t in resource_types(m)))
    scope = resolve_scope(options, config, all_types, client_hooks)
    tasks = plan_tasks(scope, collectors.collectors)
    results: list[TaskResult] = []
    with ScanProgress(progress) as bars, ThreadPoolExecutor(max_workers=options.workers,
                                                            thread_name_prefix="haguard") as pool:
        for (account, region), total in Counter((t.target.account, t.region) for t in tasks).items():
            bars.add(account, region, total)
        futures = [pool.submit(run_task, task, config, client_hooks) for task in tasks]
        try:
            for task, future in zip(tasks, futures, strict=True):
                results.append(future.result())
                bars.done(task.target.account, task.region, task.service)
            if collectors.metrics is not None:
                results.extend(_enrich_metrics(pool, scope, collectors.metrics, results, options, config,
                                               client_hooks))
        except BaseException:  # Ctrl-C or a read-only violation: do not start the remaining tasks
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return build_snapshot(scope, results)


def plan_tasks(scope: Scope, collectors: Sequence[ModuleType]) -> list[Task]:
    """Every account x Region x collector, a global collector in one Region per account."""
    global_region = GLOBAL_HOME if GLOBAL_HOME in scope.regions else scope.regions[0]
    tasks: list[Task] = []
    for target in scope.targets:
        for region in scope.regions:
            for module in collectors:
                if module_name(module) in GLOBAL_COLLECTORS and region != global_region:
                    continue
                tasks.append(Task(target, region, module))
    return tasks


def run_task(task: Task, config: Any, hooks: Sequence[ClientHook] = ()) -> TaskResult:
    """Fetch and parse one collector in one account and Region; a crash becomes a coverage gap."""
    ctx = _context(task, config, hooks, context_operations(task.module))
    collected = Collected()
    try:
        collected = task.module.parse(task.module.fetch(ctx), task.target.account, task.region)
    except (ReadOnlyViolation, InputError):
        raise
    except Exception as exc:  # a collector bug must not hide other collectors' results, nor pass silently
        log.warning("collector %s failed in %s/%s: %s", task.service, task.target.account, task.region,
                    type(exc).__name__)
        ctx.gaps.append(CoverageGap(account=task.target.account, region=task.region, service=task.service,
                                    operation="collect", error=f"collector error: {type(exc).__name__}",
                                    resource_types=list(resource_types(task.module))))
    return TaskResult(collected=collected, gaps=ctx.gaps, api_calls=ctx.api_calls)


def _context(task: Task, config: Any, hooks: Sequence[ClientHook], operations: dict[str, tuple[str, ...]]
             ) -> CallContext:
    session, region = task.target.session, task.region

    def factory(service: str) -> Any:
        return make_client(session, service, region, config, hooks)

    return CallContext(factory, task.target.account, region, operations)


def _enrich_metrics(pool: ThreadPoolExecutor, scope: Scope, metrics: ModuleType, results: list[TaskResult],
                    options: LiveOptions, config: Any, hooks: Sequence[ClientHook]) -> list[TaskResult]:
    """Read lag metrics for the resources of each account x Region (in place on the resources).

    Grouped by the Regions whose CloudWatch holds each resource's series (``metric_regions``): its own
    Region, and for a replicating bucket its destinations' (S3 publishes replication latency there).
    """
    by_scope: dict[tuple[str, str], list[Resource]] = {}
    regions_of = getattr(metrics, "metric_regions", lambda resource: {resource.region})
    for result in results:
        for resource in result.collected.resources:
            if resource.account and resource.region:
                for region in sorted(regions_of(resource)):
                    by_scope.setdefault((resource.account, region), []).append(resource)
    targets = {t.account: t for t in scope.targets}
    jobs = [pool.submit(_enrich_one, Task(targets[account], region, metrics), resources, options, config, hooks)
            for (account, region), resources in sorted(by_scope.items()) if account in targets]
    return [job.result() for job in jobs]


def _enrich_one(task: Task, resources: list[Resource], options: LiveOptions, config: Any,
                hooks: Sequence[ClientHook]) -> TaskResult:
    ctx = _context(task, config, hooks, context_operations(task.module))
    try:
        task.module.enrich_with_lag_metrics(ctx, resources, window_seconds=options.lag_window_seconds)
    except (ReadOnlyViolation, InputError):
        raise
    except Exception as exc:
        log.warning("lag metrics failed in %s/%s: %s", task.target.account, task.region, type(exc).__name__)
        ctx.gaps.append(CoverageGap(account=task.target.account, region=task.region, service="cloudwatch",
                                    operation="GetMetricData", error=f"collector error: {type(exc).__name__}",
                                    resource_types=list(resource_types(task.module))))
    return TaskResult(gaps=ctx.gaps, api_calls=ctx.api_calls)


def build_snapshot(scope: Scope, results: list[TaskResult]) -> Snapshot:
    """Merge task results (first occurrence of a uid or relation wins) into a redacted snapshot."""
    resources: dict[str, Resource] = {}
    relations: dict[tuple[str, str, str, str], Relation] = {}
    gaps: list[CoverageGap] = list(scope.gaps)
    for result in results:
        for resource in result.collected.resources:
            resources.setdefault(resource.uid, resource)
        for relation in result.collected.relations:
            key = (relation.src, relation.kind, relation.dst, repr(sorted(relation.attributes.items())))
            relations.setdefault(key, relation)
        gaps.extend(result.gaps)
    accounts = sorted({t.account for t in scope.targets} | {g.account for g in scope.gaps if g.account})
    source = Source(kind="aws", accounts=accounts, regions=list(scope.regions),
                    taken_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    haguard_version=__version__,
                    api_calls=scope.api_calls + sum(r.api_calls for r in results))
    return Snapshot(source=source, resources=redact_resources(list(resources.values())),
                    relations=list(relations.values()), coverage=gaps)
