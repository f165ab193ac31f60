"""Replication-lag enrichment against moto's CloudWatch (pagination from a recorded two-page answer)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, context, count_calls, deny, recorded, snapshot_of

from scanner.collectors import metrics
from scanner.collectors.base import Collected
from scanner.model import Resource

pytestmark = pytest.mark.usefixtures("aws")
WEEK = 7 * 24 * 3600


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _put(namespace: str, metric: str, dims: dict[str, str], values: list[float], now: datetime) -> None:
    boto3.client("cloudwatch", region_name=REGION).put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": metric, "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
         "Timestamp": now - timedelta(minutes=10 * (i + 1)), "Value": value, "Unit": "Seconds"}
        for i, value in enumerate(values)])


def _replica(name: str, **attrs: Any) -> Resource:
    return Resource(uid=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}", type="aws.rds.db_instance", name=name,
                    account=ACCOUNT, region=REGION, attributes={"is_read_replica": True, **attrs})


def test_three_replicas_one_call_max_values_and_missing_data() -> None:
    now = _now()
    _put("AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": "slow"}, [12.0, 420.0, 35.0], now)
    _put("AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": "fast"}, [2.0, 8.5], now)
    _put("AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": "old"}, [999.0], now - timedelta(days=8))
    replicas = [_replica("slow"), _replica("fast"), _replica("old")]
    primary = Resource(uid=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:primary", type="aws.rds.db_instance", name="primary",
                       account=ACCOUNT, region=REGION, attributes={"is_read_replica": False})
    counter: dict[str, int] = {}
    ctx = context(metrics, hooks=[count_calls(counter)])
    metrics.enrich_with_lag_metrics(ctx, [*replicas, primary], window_seconds=WEEK, now=now)
    slow, fast, old = replicas
    assert slow.attributes["replica_lag_max_seconds"] == 420.0
    assert fast.attributes["replica_lag_max_seconds"] == 8.5
    assert "replica_lag_max_seconds" not in old.attributes
    assert old.unknown == {"replica_lag_max_seconds": "no ReplicaLag datapoints in the last 7 d"}
    assert "replica_lag_max_seconds" not in primary.attributes and not primary.unknown
    assert counter == {"GetMetricData": 1}
    snap = snapshot_of(Collected(resources=[*replicas, primary]))
    assert {r.name: r.attributes.get("replica_lag_max_seconds") for r in snap.resources} == {
        "slow": 420.0, "fast": 8.5, "old": None, "primary": None}


def test_elasticache_replicas_and_dynamodb_receiving_regions() -> None:
    now = _now()
    _put("AWS/ElastiCache", "ReplicationLag", {"CacheClusterId": "sessions-002"}, [0.5, 1.5], now)
    _put("AWS/ElastiCache", "ReplicationLag", {"CacheClusterId": "sessions-003"}, [3.0], now)
    _put("AWS/DynamoDB", "ReplicationLatency", {"TableName": "orders", "ReceivingRegion": "eu-west-1"},
         [850.0, 1200.0], now)
    members = [{"cluster_id": f"sessions-00{i}", "role": role} for i, role in ((1, "primary"), (2, "replica"),
                                                                               (3, "replica"))]
    cache = Resource(uid="rg", type="aws.elasticache.replication_group", name="sessions", account=ACCOUNT,
                     region=REGION, attributes={"node_groups": [{"id": "0001", "members": members}]})
    table = Resource(uid="t", type="aws.dynamodb.table", name="orders", account=ACCOUNT, region=REGION,
                     attributes={"replica_regions": ["eu-west-1"]})
    partial = Resource(uid="t2", type="aws.dynamodb.table", name="orders", account=ACCOUNT, region=REGION,
                       attributes={"replica_regions": ["eu-west-1", "ap-south-1"]})
    # Cluster mode: roles are not reported; one-node shards have no replica and are not queried.
    sharded = Resource(uid="rg2", type="aws.elasticache.replication_group", name="shards", account=ACCOUNT,
                       region=REGION, attributes={"node_groups": [
                           {"id": "0001", "members": [{"cluster_id": "sessions-002"}, {"cluster_id": "p-1"}]},
                           {"id": "0002", "members": [{"cluster_id": "lonely"}]}]})
    single = Resource(uid="rg3", type="aws.elasticache.replication_group", name="single", account=ACCOUNT,
                      region=REGION, attributes={"node_groups": [{"id": "0001", "members": [{"cluster_id": "x"}]}]})
    counter: dict[str, int] = {}
    metrics.enrich_with_lag_metrics(context(metrics, hooks=[count_calls(counter)]),
                                    [cache, table, partial, sharded, single], window_seconds=WEEK, now=now)
    assert cache.attributes["replication_lag_max_seconds"] == 3.0
    assert sharded.attributes["replication_lag_max_seconds"] == 1.5
    assert "replication_lag_max_seconds" not in single.attributes and not single.unknown
    assert len(metrics.lag_queries([sharded], ACCOUNT, REGION)) == 2
    assert table.attributes["replication_latency_max_ms"] == 1200.0
    # One receiving Region without data: the maximum over the others would understate the lag.
    assert partial.unknown["replication_latency_max_ms"] == (
        "no ReplicationLatency datapoints in the last 7 d (ap-south-1)")
    assert counter == {"GetMetricData": 1}


def test_failed_call_marks_every_replica_unknown_with_the_error() -> None:
    replicas = [_replica("a", replica_lag_max_seconds=1.0), _replica("b")]
    ctx = context(metrics, hooks=[deny("GetMetricData")])
    metrics.enrich_with_lag_metrics(ctx, replicas, window_seconds=WEEK)
    for replica in replicas:
        assert replica.unknown["replica_lag_max_seconds"] == "ReplicaLag not read: GetMetricData: AccessDenied"
        assert "replica_lag_max_seconds" not in replica.attributes
    assert ctx.gaps == []


def test_more_than_500_replicas_are_batched() -> None:
    replicas = [_replica(f"r{i}") for i in range(501)]
    counter: dict[str, int] = {}
    metrics.enrich_with_lag_metrics(context(metrics, hooks=[count_calls(counter)]), replicas, window_seconds=3600)
    assert counter == {"GetMetricData": 2}
    assert replicas[500].unknown["replica_lag_max_seconds"] == "no ReplicaLag datapoints in the last 1 h"


def test_next_token_pages_are_merged() -> None:
    pages = iter([
        {"MetricDataResults": [{"Id": "q0", "Values": [5.0], "StatusCode": "PartialData"}], "NextToken": "t1"},
        {"MetricDataResults": [{"Id": "q0", "Values": [70.0], "StatusCode": "Complete"},
                               {"Id": "q1", "Values": [1.0], "StatusCode": "Complete"}]},
    ])
    tokens: list[str | None] = []

    def watch_tokens(client: Any) -> None:
        def handler(params: dict[str, Any], **_: Any) -> None:
            tokens.append(params.get("NextToken"))

        client.meta.events.register("provide-client-params.cloudwatch.GetMetricData", handler)

    replicas = [_replica("a"), _replica("b")]
    ctx = context(metrics, hooks=[watch_tokens, recorded("GetMetricData", lambda _p: next(pages))])
    metrics.enrich_with_lag_metrics(ctx, replicas, window_seconds=WEEK)
    assert [r.attributes["replica_lag_max_seconds"] for r in replicas] == [70.0, 1.0]
    assert tokens == [None, "t1"]
    assert ctx.api_calls == 2


def test_other_regions_are_left_alone() -> None:
    west = Resource(uid="w", type="aws.rds.db_instance", name="w", account=ACCOUNT, region="us-west-2",
                    attributes={"is_read_replica": True})
    counter: dict[str, int] = {}
    metrics.enrich_with_lag_metrics(context(metrics, hooks=[count_calls(counter)]), [west], window_seconds=WEEK)
    assert counter == {} and west.unknown == {}
