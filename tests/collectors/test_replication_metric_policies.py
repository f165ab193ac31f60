"""The replication-lag policies over moto's CloudWatch: a value within the bound passes, above fails,
no datapoints in the window is unknown, and the window is in the evidence.

Resources are shaped as the collectors give them (moto lacks Global Datastores, DynamoDB replicas,
Aurora writers and multi-node ElastiCache groups); the S3 buckets and their replication rules come
from the S3 collector over moto. The metrics are put into, and read from, moto's CloudWatch.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, collect, context, count_calls, snapshot_of

from scanner.collectors import metrics, rds, s3
from scanner.collectors.base import Collected
from scanner.graph import build_graph
from scanner.model import Finding, Resource, Status
from scanner.policy import evaluate, load_pack

pytestmark = pytest.mark.usefixtures("aws")
DAY = 24 * 3600
DR = "us-west-2"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _put(region: str, namespace: str, metric: str, dims: dict[str, str], values: list[float], now: datetime,
         unit: str = "Seconds") -> None:
    boto3.client("cloudwatch", region_name=region).put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": metric, "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
         "Timestamp": now - timedelta(minutes=10 * (i + 1)), "Value": value, "Unit": unit}
        for i, value in enumerate(values)])


def _findings(collected: Collected, policy: str) -> dict[str, Finding]:
    graph = build_graph(snapshot_of(collected))
    return {str(f.resource_name): f for f in evaluate(load_pack(), graph, only={policy})}


def _evidence(finding: Finding, attribute: str) -> dict[str, Any]:
    return next(e for e in finding.evidence if e.get("attr") == attribute)


def _global_cluster(name: str, writer: bool) -> dict[str, Any]:
    return {"DBClusterArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{name}", "IsWriter": writer}


def test_aurora_global_secondaries_by_the_larger_of_both_lag_metrics() -> None:
    now = _now()
    names = ("near", "far", "old-mysql", "quiet", "writer")
    raw = {
        "db_clusters": [{"DBClusterIdentifier": n, "DBClusterArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{n}",
                         "Engine": "aurora-mysql", "GlobalClusterIdentifier": "orders"} for n in names],
        "global_clusters": [{"GlobalClusterIdentifier": "orders",
                             "GlobalClusterArn": f"arn:aws:rds::{ACCOUNT}:global-cluster:orders",
                             "GlobalClusterMembers": [_global_cluster(n, n == "writer") for n in names]}],
    }
    collected = rds.parse(raw, ACCOUNT, REGION)
    roles = {r.name: r.attributes.get("global_role") for r in collected.resources if r.type == "aws.rds.db_cluster"}
    assert roles == {"near": "secondary", "far": "secondary", "old-mysql": "secondary", "quiet": "secondary",
                     "writer": "writer"}
    _put(REGION, "AWS/RDS", "AuroraGlobalDBRPOLag", {"DBClusterIdentifier": "near"}, [900.0, 1500.0], now,
         "Milliseconds")
    _put(REGION, "AWS/RDS", "AuroraGlobalDBReplicationLag", {"DBClusterIdentifier": "near"}, [800.0], now,
         "Milliseconds")
    _put(REGION, "AWS/RDS", "AuroraGlobalDBRPOLag", {"DBClusterIdentifier": "far"}, [400000.0], now, "Milliseconds")
    # Aurora MySQL below 3.04 publishes only AuroraGlobalDBReplicationLag
    _put(REGION, "AWS/RDS", "AuroraGlobalDBReplicationLag", {"DBClusterIdentifier": "old-mysql"}, [2000.0], now,
         "Milliseconds")
    _put(REGION, "AWS/RDS", "AuroraGlobalDBRPOLag", {"DBClusterIdentifier": "writer"}, [999999.0], now,
         "Milliseconds")
    counter: dict[str, int] = {}
    metrics.enrich_with_lag_metrics(context(metrics, hooks=[count_calls(counter)]), collected.resources,
                                    window_seconds=DAY, now=now)
    assert counter == {"GetMetricData": 1}
    found = _findings(collected, "aurora-global-rpo-lag")
    assert {n: f.status for n, f in found.items()} == {
        "near": Status.PASS, "far": Status.FAIL, "old-mysql": Status.PASS, "quiet": Status.UNKNOWN}
    far = _evidence(found["far"], "global_rpo_lag_max_ms")
    assert far["value"] == 400000.0 and far["test"] == "lte 300000"
    assert far["context"] == {"lag_window_seconds": DAY}
    assert _evidence(found["near"], "global_rpo_lag_max_ms")["value"] == 1500.0
    assert "no AuroraGlobalDBRPOLag or AuroraGlobalDBReplicationLag datapoints in the last 1 d" in _evidence(
        found["quiet"], "global_rpo_lag_max_ms")["unknown"]


def test_aurora_role_unknown_when_global_clusters_are_not_readable() -> None:
    raw = {"db_clusters": [{"DBClusterIdentifier": "member", "DBClusterArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:"
                            "cluster:member", "Engine": "aurora-postgresql", "GlobalClusterIdentifier": "orders"}],
           "global_clusters": None, "errors": {"global_clusters": "DescribeGlobalClusters: AccessDenied"}}
    collected = rds.parse(raw, ACCOUNT, REGION)
    metrics.enrich_with_lag_metrics(context(metrics), collected.resources, window_seconds=DAY)
    (finding,) = _findings(collected, "aurora-global-rpo-lag").values()
    assert finding.status is Status.UNKNOWN
    assert "DescribeGlobalClusters: AccessDenied" in finding.message


def _group(name: str, members: int, **attrs: Any) -> Resource:
    node_members = [{"cluster_id": f"{name}-00{i}", "role": "primary" if i == 1 else "replica"}
                    for i in range(1, members + 1)]
    return Resource(uid=f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{name}",
                    type="aws.elasticache.replication_group", name=name, account=ACCOUNT, region=REGION,
                    attributes={"engine": "redis", "node_groups": [{"id": "0001", "members": node_members}],
                                **attrs})


def test_redis_replica_and_global_datastore_lag() -> None:
    now = _now()
    groups = [_group("fast", 2), _group("slow", 3), _group("quiet", 2), _group("lone", 1),
              _group("dr-cache", 1, global_replication_role="secondary", global_replication_group_id="gds-1"),
              _group("dr-quiet", 1, global_replication_role="secondary", global_replication_group_id="gds-2")]
    _put(REGION, "AWS/ElastiCache", "ReplicationLag", {"CacheClusterId": "fast-002"}, [0.2, 1.4], now)
    _put(REGION, "AWS/ElastiCache", "ReplicationLag", {"CacheClusterId": "slow-002"}, [3.0], now)
    _put(REGION, "AWS/ElastiCache", "ReplicationLag", {"CacheClusterId": "slow-003"}, [480.0], now)
    _put(REGION, "AWS/ElastiCache", "GlobalDatastoreReplicationLag", {"CacheClusterId": "dr-cache-001"}, [1.1, 0.9],
         now)
    metrics.enrich_with_lag_metrics(context(metrics), groups, window_seconds=DAY, now=now)
    found = _findings(Collected(resources=groups), "redis-replication-lag")
    assert {n: f.status for n, f in found.items()} == {
        "fast": Status.PASS, "slow": Status.FAIL, "quiet": Status.UNKNOWN, "dr-cache": Status.PASS,
        "dr-quiet": Status.UNKNOWN}
    slow = _evidence(found["slow"], "replication_lag_max_seconds")
    assert slow["value"] == 480.0 and slow["context"] == {"lag_window_seconds": DAY}
    dr = _evidence(found["dr-cache"], "global_replication_lag_max_seconds")
    assert dr["value"] == 1.1
    assert dr["context"] == {"lag_window_seconds": DAY, "global_replication_group_id": "gds-1"}
    assert "no GlobalDatastoreReplicationLag datapoints in the last 1 d" in _evidence(
        found["dr-quiet"], "global_replication_lag_max_seconds")["unknown"]


def _table(name: str, *regions: str) -> Resource:
    return Resource(uid=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}", type="aws.dynamodb.table", name=name,
                    account=ACCOUNT, region=REGION, attributes={"replica_regions": list(regions)})


def test_dynamodb_latency_per_receiving_region_in_milliseconds() -> None:
    now = _now()
    tables = [_table("fast", REGION, DR), _table("slow", DR), _table("half", DR, "eu-west-1"), _table("local")]
    _put(REGION, "AWS/DynamoDB", "ReplicationLatency", {"TableName": "fast", "ReceivingRegion": DR}, [640.0, 910.0],
         now, "Milliseconds")
    _put(REGION, "AWS/DynamoDB", "ReplicationLatency", {"TableName": "slow", "ReceivingRegion": DR}, [301000.0], now,
         "Milliseconds")
    _put(REGION, "AWS/DynamoDB", "ReplicationLatency", {"TableName": "half", "ReceivingRegion": DR}, [10.0], now,
         "Milliseconds")
    metrics.enrich_with_lag_metrics(context(metrics), tables, window_seconds=DAY, now=now)
    found = _findings(Collected(resources=tables), "dynamodb-global-latency")
    assert {n: f.status for n, f in found.items()} == {"fast": Status.PASS, "slow": Status.FAIL,
                                                        "half": Status.UNKNOWN}
    slow = _evidence(found["slow"], "replication_latency_max_ms")
    assert slow["value"] == 301000.0 and slow["test"] == "lte 300000"
    assert slow["context"] == {"lag_window_seconds": DAY}
    assert "(eu-west-1)" in _evidence(found["half"], "replication_latency_max_ms")["unknown"]


def _replicating_bucket(name: str, destination: str) -> None:
    east = boto3.client("s3", region_name=REGION)
    east.create_bucket(Bucket=name)
    east.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    east.put_bucket_replication(Bucket=name, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{destination}",
                                   "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                                   "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}}]})


def test_s3_latency_read_in_the_destination_region_and_failed_operations_in_the_source() -> None:
    now = _now()
    west = boto3.client("s3", region_name=DR)
    west.create_bucket(Bucket="vault", CreateBucketConfiguration={"LocationConstraint": DR})
    west.put_bucket_versioning(Bucket="vault", VersioningConfiguration={"Status": "Enabled"})
    for name in ("fast", "slow", "failing", "quiet"):
        _replicating_bucket(name, "vault")
    for name, latency in (("fast", [30.0, 95.0]), ("slow", [700.0]), ("failing", [20.0])):
        _put(DR, "AWS/S3", "ReplicationLatency", {"SourceBucket": name, "DestinationBucket": "vault", "RuleId": "dr"},
             latency, now)
        # the same series in the source Region must not be read: S3 publishes latency in the destination's
        _put(REGION, "AWS/S3", "ReplicationLatency", {"SourceBucket": name, "DestinationBucket": "vault",
                                                      "RuleId": "dr"}, [1.0], now)
    _put(REGION, "AWS/S3", "OperationsFailedReplication", {"SourceBucket": "failing", "DestinationBucket": "vault",
                                                           "RuleId": "dr"}, [2.0, 1.0], now, "Count")
    collected, _ = collect(s3)
    buckets = [r for r in collected.resources if r.type == "aws.s3.bucket"]
    assert {r.name for r in buckets if metrics.metric_regions(r) == {REGION, DR}} == {"fast", "slow", "failing",
                                                                                    "quiet"}
    for region in (REGION, DR):
        metrics.enrich_with_lag_metrics(context(metrics, region), buckets, window_seconds=DAY, now=now)
    found = _findings(collected, "s3-replication-latency")
    assert {n: f.status for n, f in found.items()} == {
        "fast": Status.PASS, "slow": Status.FAIL, "failing": Status.FAIL, "quiet": Status.UNKNOWN}
    fast = _evidence(found["fast"], "replication_latency_max_seconds")
    assert fast["value"] == 95.0 and fast["context"] == {"lag_window_seconds": DAY}
    failing = _evidence(found["failing"], "replication_failed_operations")
    assert failing["value"] == 3.0
    assert "no ReplicationLatency datapoints in the last 1 d (dr)" in _evidence(
        found["quiet"], "replication_latency_max_seconds")["unknown"]
    crr = {str(f.resource_name): f.status for f in evaluate(load_pack(), build_graph(snapshot_of(collected)),
                                                            only={"s3-crr-cross-region"})}
    assert crr == {"fast": Status.PASS, "slow": Status.PASS, "failing": Status.PASS, "quiet": Status.PASS}
