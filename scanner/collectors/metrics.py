"""Replication-lag metrics: the maximum lag of each replica over a window, from CloudWatch.

``enrich_with_lag_metrics`` builds one ``GetMetricData`` query per series and sends them in batches
of up to 500 (following ``NextToken``), so N series cost ceil(N/500) calls plus pagination. It fills,
on resources of the context's account whose series CloudWatch holds in the context's Region
(``metric_regions``):

- RDS read replicas: ``AWS/RDS ReplicaLag`` (s) by ``DBInstanceIdentifier`` -> ``replica_lag_max_seconds``;
- Aurora global database secondaries (``global_role`` secondary): ``AWS/RDS AuroraGlobalDBRPOLag`` and
  ``AuroraGlobalDBReplicationLag`` (ms) by ``DBClusterIdentifier`` -> ``global_rpo_lag_max_ms``, the larger of
  the two (Aurora MySQL below 3.04 publishes only the second);
- ElastiCache replication groups: ``AWS/ElastiCache ReplicationLag`` (s) by ``CacheClusterId`` of each
  replica member -> ``replication_lag_max_seconds`` (members whose role is not reported, as in
  cluster mode, are all queried: primaries publish no lag, so at least one must have data); Global
  Datastore secondaries: ``GlobalDatastoreReplicationLag`` (s) by ``CacheClusterId`` of every member (the
  secondary's primary node publishes it) -> ``global_replication_lag_max_seconds``;
- DynamoDB global tables: ``AWS/DynamoDB ReplicationLatency`` (ms) by ``TableName`` and
  ``ReceivingRegion`` for each replica Region -> ``replication_latency_max_ms``;
- S3 buckets, for each enabled replication rule with replication metrics: ``AWS/S3 ReplicationLatency``
  (s) by ``SourceBucket``, ``DestinationBucket`` and ``RuleId``, which S3 publishes in the destination
  bucket's Region -> ``replication_latency_max_seconds``; ``OperationsFailedReplication`` (Sum, source
  Region) -> ``replication_failed_operations``, left unset when S3 published none (it does only when
  replication runs).

A replica without datapoints in the window, or whose call failed, gets the attribute in
``resource.unknown`` with the reason (never a guessed value). A resource whose series lie in several
Regions (a bucket replicating to two) is enriched by one call per Region: the maxima merge, and an
unknown part keeps the whole attribute unknown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from ..model import Resource
from .base import CallContext
from .s3 import bucket_name

SERVICE = "cloudwatch"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "cloudwatch:GetMetricData": ("aws.rds.db_instance", "aws.rds.db_cluster", "aws.elasticache.replication_group",
                                 "aws.dynamodb.table", "aws.s3.bucket"),
}
MAX_QUERIES_PER_CALL = 500
_AURORA_GLOBAL = ("AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag")
_MERGE_LOCK = threading.Lock()


@dataclass(frozen=True)
class LagQuery:
    """One metric series whose maximum (or sum) feeds ``attribute`` of ``resource``."""

    resource: Resource
    attribute: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    region: str
    """The Region whose CloudWatch holds the series."""
    required: bool = True  # False: this series may lack data if another series of the resource has some
    stat: Literal["Maximum", "Sum"] = "Maximum"
    absent: Literal["unknown", "unset"] = "unknown"
    """What no datapoints mean: the value is unknown, or the attribute stays unset (nothing was reported)."""
    label: str = ""
    """Names the series in a reason (a cache cluster, a receiving Region, a rule id)."""
    unreadable: str | None = None
    """Why the series cannot be queried (no rule id, destination Region unknown): the attribute is unknown."""


def lag_queries(resources: list[Resource], account: str, region: str) -> list[LagQuery]:
    """The lag series to read, in this Region's CloudWatch, for the resources of this account."""
    return [q for res in resources if res.account is None or res.account == account
            for q in _queries_of(res) if q.region == region]


def metric_regions(resource: Resource) -> set[str]:
    """The Regions whose CloudWatch holds the resource's lag series (most: its own Region)."""
    return {q.region for q in _queries_of(resource)}


def _queries_of(res: Resource) -> list[LagQuery]:
    if not res.region or not res.name:
        return []
    attrs = res.attributes
    if res.type == "aws.rds.db_instance" and attrs.get("is_read_replica"):
        return [LagQuery(res, "replica_lag_max_seconds", "AWS/RDS", "ReplicaLag",
                         (("DBInstanceIdentifier", res.name),), res.region)]
    if res.type == "aws.rds.db_cluster" and (attrs.get("global_role") == "secondary" or "global_role" in res.unknown):
        # a member whose role is unknown may be a secondary: its lag is unknown for that reason
        unreadable = f"role in the global database unknown: {res.unknown['global_role']}" if (
            "global_role" in res.unknown) else None
        return [LagQuery(res, "global_rpo_lag_max_ms", "AWS/RDS", metric, (("DBClusterIdentifier", res.name),),
                         res.region, required=False, unreadable=unreadable) for metric in _AURORA_GLOBAL]
    if res.type == "aws.elasticache.replication_group":
        return _cache_queries(res) + _global_datastore_queries(res)
    if res.type == "aws.dynamodb.table":
        return [LagQuery(res, "replication_latency_max_ms", "AWS/DynamoDB", "ReplicationLatency",
                         (("TableName", res.name), ("ReceivingRegion", other)), res.region, label=other)
                for other in attrs.get("replica_regions") or [] if other != res.region]
    if res.type == "aws.s3.bucket":
        return _bucket_queries(res)
    return []


def _cache_queries(res: Resource) -> list[LagQuery]:
    """Replica members of shards that have replicas (a one-node shard has no lag to measure)."""
    members = [m for group in res.attributes.get("node_groups") or [] if len(group.get("members") or []) > 1
               for m in group["members"] if m.get("cluster_id")]
    if all(m.get("role") for m in members):
        picked, required = [m for m in members if m["role"] == "replica"], True
    else:
        picked, required = members, False
    return [LagQuery(res, "replication_lag_max_seconds", "AWS/ElastiCache", "ReplicationLag",
                     (("CacheClusterId", m["cluster_id"]),), str(res.region), required, label=m["cluster_id"])
            for m in picked]


def _global_datastore_queries(res: Resource) -> list[LagQuery]:
    """Every member of a Global Datastore secondary (its primary node publishes the cross-Region lag)."""
    if res.attributes.get("global_replication_role") != "secondary":
        return []
    members = [m["cluster_id"] for group in res.attributes.get("node_groups") or []
               for m in group.get("members") or [] if m.get("cluster_id")]
    unreadable = None if members else "the group's member nodes are not known"
    return [LagQuery(res, "global_replication_lag_max_seconds", "AWS/ElastiCache", "GlobalDatastoreReplicationLag",
                     (("CacheClusterId", member),), str(res.region), required=False, label=member)
            for member in members] or [
        LagQuery(res, "global_replication_lag_max_seconds", "AWS/ElastiCache", "GlobalDatastoreReplicationLag", (),
                 str(res.region), unreadable=unreadable)]


def _bucket_queries(res: Resource) -> list[LagQuery]:
    """Latency (destination Region) and failed operations (source Region) of each enabled rule with metrics."""
    queries: list[LagQuery] = []
    for index, rule in enumerate(res.attributes.get("replication_rules") or []):
        if rule.get("status") != "Enabled" or not (rule.get("metrics_enabled") or rule.get("replication_time_enabled")):
            continue
        rule_id, destination = rule.get("id"), bucket_name(str(rule.get("destination_bucket") or ""))
        label = rule_id or f"rule {index + 1}"
        unreadable = None if rule_id else f"replication rule {index + 1} has no ID (the RuleId dimension)"
        if not destination:
            unreadable = unreadable or f"replication rule {label} names no destination bucket"
        dimensions = (("SourceBucket", str(res.name)), ("DestinationBucket", destination), ("RuleId", rule_id or ""))
        region = rule.get("destination_region")
        where = None if region else (res.unknown.get(f"replication_rules.{index}.destination_region")
                                     or "destination bucket Region not known")
        queries.append(LagQuery(res, "replication_latency_max_seconds", "AWS/S3", "ReplicationLatency", dimensions,
                                region or str(res.region), label=label,
                                unreadable=unreadable or (f"{label}: {where}" if where else None)))
        queries.append(LagQuery(res, "replication_failed_operations", "AWS/S3", "OperationsFailedReplication",
                                dimensions, str(res.region), stat="Sum", absent="unset", label=label,
                                unreadable=unreadable))
    return queries


def enrich_with_lag_metrics(ctx: CallContext, resources: list[Resource], *, window_seconds: int,
                            period_seconds: int = 60, now: datetime | None = None) -> None:
    """Set each replica's maximum lag over the last ``window_seconds`` (or mark it unknown)."""
    queries = lag_queries(resources, ctx.account, ctx.region)
    end = now or datetime.now(timezone.utc)
    start = end - timedelta(seconds=window_seconds)
    values: dict[int, list[float]] = {}
    failures: dict[int, str] = {i: q.unreadable for i, q in enumerate(queries) if q.unreadable}
    readable = [i for i, q in enumerate(queries) if not q.unreadable]
    for offset in range(0, len(readable), MAX_QUERIES_PER_CALL):
        batch = readable[offset:offset + MAX_QUERIES_PER_CALL]
        error = _read_batch(ctx, queries, batch, start, end, period_seconds, values)
        if error:
            failures.update({i: f"{queries[i].metric} not read: {error}" for i in batch})
    _apply(queries, values, failures, window_seconds)


def _read_batch(ctx: CallContext, queries: list[LagQuery], batch: list[int], start: datetime, end: datetime,
                period: int, values: dict[int, list[float]]) -> str | None:
    """Read one batch (indexes into ``queries``), following NextToken; returns the error text if a call failed."""
    request: dict[str, Any] = {
        "MetricDataQueries": [
            {"Id": f"q{i}", "ReturnData": True,
             "MetricStat": {"Metric": {"Namespace": queries[i].namespace, "MetricName": queries[i].metric,
                                       "Dimensions": [{"Name": k, "Value": v} for k, v in queries[i].dimensions]},
                            "Period": period, "Stat": queries[i].stat}}
            for i in batch],
        "StartTime": start, "EndTime": end,
    }
    while True:
        response = ctx.call(SERVICE, "GetMetricData", unknown_types=(), **request)
        if response is None:
            return ctx.last_error or "GetMetricData failed"
        for result in response.get("MetricDataResults") or []:
            index = int(result["Id"][1:])
            values.setdefault(index, []).extend(float(v) for v in result.get("Values") or [])
        token = response.get("NextToken")
        if not token:
            return None
        request["NextToken"] = token


def _apply(queries: list[LagQuery], values: dict[int, list[float]], failures: dict[int, str],
           window_seconds: int) -> None:
    window = _window_text(window_seconds)
    by_resource: dict[int, dict[str, list[int]]] = {}
    for index, query in enumerate(queries):
        by_resource.setdefault(id(query.resource), {}).setdefault(query.attribute, []).append(index)
    with _MERGE_LOCK:  # jobs of several Regions may enrich one resource
        for per_attribute in by_resource.values():
            res = queries[next(iter(per_attribute.values()))[0]].resource
            merging = "lag_window_seconds" in res.attributes  # another Region's job enriched it already
            res.attributes["lag_window_seconds"] = window_seconds
            for attribute, indexes in per_attribute.items():
                outcome = _outcome([queries[i] for i in indexes], [values.get(i, []) for i in indexes],
                                   [failures.get(i) for i in indexes], window)
                _store(res, attribute, outcome, merging, queries[indexes[0]].stat)


def _outcome(queries: list[LagQuery], series: list[list[float]], failures: list[str | None],
             window: str) -> float | str | None:
    """The value (max or sum), the reason it is unknown (a ``str``), or ``None`` (nothing reported)."""
    failed = [f for f in failures if f]
    if failed:
        return failed[0]
    seen = [v for values in series for v in values]
    missing = [q for q, values in zip(queries, series, strict=True) if not values and q.required]
    if not missing and seen:
        return sum(seen) if queries[0].stat == "Sum" else max(seen)
    if queries[0].absent == "unset" and not seen:
        return None
    metrics = " or ".join(dict.fromkeys(q.metric for q in queries))
    names = ", ".join(q.label for q in missing if q.label)
    return f"no {metrics} datapoints in the last {window}" + (f" ({names})" if names else "")


def _store(res: Resource, attribute: str, outcome: float | str | None, merging: bool, stat: str) -> None:
    if outcome is None:
        return
    if isinstance(outcome, str):
        if not (merging and attribute in res.unknown):  # the first reason stands
            res.attributes.pop(attribute, None)
            res.unknown[attribute] = outcome
        return
    if merging and attribute in res.unknown:
        return  # another Region's part is unknown: so is the whole
    previous = res.attributes.get(attribute) if merging else None
    if previous is not None:
        outcome = previous + outcome if stat == "Sum" else max(previous, outcome)
    res.attributes[attribute] = outcome
    res.unknown.pop(attribute, None)


def _window_text(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
