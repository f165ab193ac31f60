"""Replication-lag metrics: the maximum lag of each replica over a window, from CloudWatch.

``enrich_with_lag_metrics`` builds one ``GetMetricData`` query per replica (statistic Maximum) and
sends them in batches of up to 500 (following ``NextToken``), so N replicas cost ceil(N/500) calls
plus pagination. It fills, on resources of the context's account and Region:

- RDS read replicas: ``AWS/RDS ReplicaLag`` (s) by ``DBInstanceIdentifier`` -> ``replica_lag_max_seconds``;
- ElastiCache replication groups: ``AWS/ElastiCache ReplicationLag`` (s) by ``CacheClusterId`` of each
  replica member -> ``replication_lag_max_seconds`` (members whose role is not reported, as in
  cluster mode, are all queried: primaries publish no lag, so at least one must have data);
- DynamoDB global tables: ``AWS/DynamoDB ReplicationLatency`` (ms) by ``TableName`` and
  ``ReceivingRegion`` for each replica Region -> ``replication_latency_max_ms``.

A replica without datapoints in the window, or whose call failed, gets the attribute in
``resource.unknown`` with the reason (never a guessed value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..model import Resource
from .base import CallContext

SERVICE = "cloudwatch"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "cloudwatch:GetMetricData": ("aws.rds.db_instance", "aws.elasticache.replication_group", "aws.dynamodb.table"),
}
MAX_QUERIES_PER_CALL = 500


@dataclass(frozen=True)
class LagQuery:
    """One metric series whose maximum feeds ``attribute`` of ``resource``."""

    resource: Resource
    attribute: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    required: bool = True  # False: this series may lack data if another series of the resource has some


def lag_queries(resources: list[Resource], account: str, region: str) -> list[LagQuery]:
    """The lag series to read for the replicas among ``resources`` in this account and Region."""
    queries: list[LagQuery] = []
    for res in resources:
        if res.region != region or (res.account is not None and res.account != account) or not res.name:
            continue
        attrs = res.attributes
        if res.type == "aws.rds.db_instance" and attrs.get("is_read_replica"):
            queries.append(LagQuery(res, "replica_lag_max_seconds", "AWS/RDS", "ReplicaLag",
                                    (("DBInstanceIdentifier", res.name),)))
        elif res.type == "aws.elasticache.replication_group":
            queries.extend(_cache_queries(res))
        elif res.type == "aws.dynamodb.table":
            queries.extend(LagQuery(res, "replication_latency_max_ms", "AWS/DynamoDB", "ReplicationLatency",
                                    (("TableName", res.name), ("ReceivingRegion", other)))
                           for other in attrs.get("replica_regions") or [] if other != region)
    return queries


def _cache_queries(res: Resource) -> list[LagQuery]:
    """Replica members of shards that have replicas (a one-node shard has no lag to measure)."""
    members = [m for group in res.attributes.get("node_groups") or [] if len(group.get("members") or []) > 1
               for m in group["members"] if m.get("cluster_id")]
    if all(m.get("role") for m in members):
        picked, required = [m for m in members if m["role"] == "replica"], True
    else:
        picked, required = members, False
    return [LagQuery(res, "replication_lag_max_seconds", "AWS/ElastiCache", "ReplicationLag",
                     (("CacheClusterId", m["cluster_id"]),), required) for m in picked]


def enrich_with_lag_metrics(ctx: CallContext, resources: list[Resource], *, window_seconds: int,
                            period_seconds: int = 60, now: datetime | None = None) -> None:
    """Set each replica's maximum lag over the last ``window_seconds`` (or mark it unknown)."""
    queries = lag_queries(resources, ctx.account, ctx.region)
    end = now or datetime.now(timezone.utc)
    start = end - timedelta(seconds=window_seconds)
    values: dict[int, list[float]] = {}
    failures: dict[int, str] = {}
    for offset in range(0, len(queries), MAX_QUERIES_PER_CALL):
        batch = queries[offset:offset + MAX_QUERIES_PER_CALL]
        error = _read_batch(ctx, batch, offset, start, end, period_seconds, values)
        if error:
            failures.update({offset + i: error for i in range(len(batch))})
    _apply(queries, values, failures, window_seconds)


def _read_batch(ctx: CallContext, batch: list[LagQuery], offset: int, start: datetime, end: datetime,
                period: int, values: dict[int, list[float]]) -> str | None:
    """Read one batch, following NextToken; returns the error text if a call failed."""
    request: dict[str, Any] = {
        "MetricDataQueries": [
            {"Id": f"q{offset + i}", "ReturnData": True,
             "MetricStat": {"Metric": {"Namespace": q.namespace, "MetricName": q.metric,
                                       "Dimensions": [{"Name": k, "Value": v} for k, v in q.dimensions]},
                            "Period": period, "Stat": "Maximum"}}
            for i, q in enumerate(batch)],
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
    by_resource: dict[int, list[int]] = {}
    for index, query in enumerate(queries):
        by_resource.setdefault(id(query.resource), []).append(index)
    for indexes in by_resource.values():
        first = queries[indexes[0]]
        res, attribute = first.resource, first.attribute
        failed = [failures[i] for i in indexes if i in failures]
        missing = [queries[i] for i in indexes if not values.get(i) and queries[i].required]
        seen = [v for i in indexes for v in values.get(i, [])]
        reason = None
        if failed:
            reason = f"{first.metric} not read: {failed[0]}"
        elif missing or not seen:
            names = ", ".join(dict(q.dimensions).get("CacheClusterId") or dict(q.dimensions).get("ReceivingRegion")
                              or "" for q in missing)
            reason = f"no {first.metric} datapoints in the last {window}" + (f" ({names})" if names.strip() else "")
        res.attributes["lag_window_seconds"] = window_seconds
        if reason:
            res.attributes.pop(attribute, None)
            res.unknown[attribute] = reason
        else:
            res.attributes[attribute] = max(seen)
            res.unknown.pop(attribute, None)


def _window_text(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
