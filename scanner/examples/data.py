"""The example's data tier: Postgres with a cross-Region replica, Redis, DynamoDB, S3 and AWS Backup."""

from __future__ import annotations

from typing import Any

from .builder import ACCOUNT, DR, PRIMARY, Network, SnapshotBuilder, uuid
from .violations import violation


def _db_subnet_group(b: SnapshotBuilder, net: Network, name: str, subnets: list[str],
                     tags: dict[str, str] | None = None) -> str:
    uid = b.add(f"arn:aws:rds:{net.region}:{ACCOUNT}:subgrp:{name}", "aws.rds.db_subnet_group", name, net.region,
                {"description": f"{name} subnets"}, tags)
    b.relate(uid, "in_subnet", *(net.subnets[s] for s in subnets))
    b.relate(uid, "in_vpc", net.vpc)
    return uid


def _db_instance(b: SnapshotBuilder, region: str, name: str, attributes: dict[str, Any],
                 tags: dict[str, str] | None = None) -> str:
    return b.add(f"arn:aws:rds:{region}:{ACCOUNT}:db:{name}", "aws.rds.db_instance", name, region, {
        "engine": "postgres", "engine_version": "16.4", "storage_encrypted": True, **attributes}, tags)


def databases(b: SnapshotBuilder, net: Network, dr: Network) -> str:
    """``orders-db`` with its cross-Region replica in the DR VPC, and the legacy ``reporting-db``; orders-db."""
    group = _db_subnet_group(b, net, "orders-db-subnets", ["data-a", "data-b", "data-c"])
    orders = _db_instance(b, PRIMARY, "orders-db", {
        "instance_class": "db.r6g.xlarge", "multi_az": True, "availability_zone": f"{PRIMARY}a",
        "secondary_availability_zone": f"{PRIMARY}b", "backup_retention_days": 14, "deletion_protection": True,
        "allocated_storage_gb": 500, "max_allocated_storage_gb": 2000, "monitoring_interval_seconds": 60})
    b.relate(orders, "in_subnet_group", group)
    b.relate(orders, "uses_security_group", net.security_groups["db-sg"])
    for alarm_name, metric, comparison, threshold in (
            ("orders-db-cpu-high", "CPUUtilization", "GreaterThanThreshold", 80.0),
            ("orders-db-free-storage-low", "FreeStorageSpace", "LessThanThreshold", 50e9)):
        b.alarm(PRIMARY, alarm_name, orders, {
            "namespace": "AWS/RDS", "metric_name": metric, "statistic": "Average",
            "dimensions": {"DBInstanceIdentifier": "orders-db"}, "threshold": threshold, "period_seconds": 300,
            "comparison_operator": comparison})

    dr_group = _db_subnet_group(b, dr, "orders-db-dr-subnets", ["dr-data-a", "dr-data-b", "dr-data-c"])
    replica = _db_instance(b, DR, "orders-db-replica", {
        "instance_class": "db.r6g.xlarge", "availability_zone": f"{DR}a", "secondary_availability_zone": f"{DR}b",
        "multi_az": True, "is_read_replica": True, "backup_retention_days": 7, "deletion_protection": True,
        "allocated_storage_gb": 500, "max_allocated_storage_gb": 2000, "replica_lag_max_seconds": 12.0,
        "lag_window_seconds": 604800})
    b.relate(replica, "replica_of", orders)
    b.relate(replica, "in_subnet_group", dr_group)
    b.relate(replica, "uses_security_group", dr.security_groups["dr-db-sg"])
    b.alarm(DR, "orders-db-replica-lag", replica, {
        "namespace": "AWS/RDS", "metric_name": "ReplicaLag",
        "dimensions": {"DBInstanceIdentifier": "orders-db-replica"},
        "threshold": 60.0, "evaluation_periods": 5})

    reporting_group = _db_subnet_group(
        b, net, "reporting-db-subnets", ["data-a", "data-b", "public-b"],
        violation("reporting-db-subnets", "includes the public subnet public-b."))
    reporting = _db_instance(b, PRIMARY, "reporting-db", {
        "instance_class": "db.t3.medium", "availability_zone": f"{PRIMARY}b", "backup_retention_days": 1,
        "publicly_accessible": True, "allocated_storage_gb": 100, "max_allocated_storage_gb": 200},
        violation("reporting-db", "single-AZ, 1-day backups, publicly accessible, no copy in another Region: "
                                  "it misses the RPO and RTO targets."))
    b.relate(reporting, "in_subnet_group", reporting_group)
    b.relate(reporting, "uses_security_group", net.security_groups["legacy-admin"])
    return orders


def _shard(name: str, shard_id: str, primary: str, replica: str) -> dict[str, Any]:
    return {"id": shard_id, "primary_availability_zone": f"{PRIMARY}{primary}", "members": [
        {"cluster_id": f"{name}-{shard_id}-001", "availability_zone": f"{PRIMARY}{primary}", "role": "primary"},
        {"cluster_id": f"{name}-{shard_id}-002", "availability_zone": f"{PRIMARY}{replica}", "role": "replica"}]}


def caches(b: SnapshotBuilder, net: Network) -> None:
    """Redis: a Multi-AZ two-shard ``app-cache`` and the single-AZ ``cache-sessions``."""
    group = b.add(f"arn:aws:elasticache:{PRIMARY}:{ACCOUNT}:subnetgroup:cache-subnets",
                  "aws.elasticache.subnet_group", "cache-subnets", PRIMARY, {"description": "Redis subnets"})
    b.relate(group, "in_subnet", *(net.subnets[f"data-{zone}"] for zone in "abc"))
    b.relate(group, "in_vpc", net.vpc)
    app_cache = b.add(f"arn:aws:elasticache:{PRIMARY}:{ACCOUNT}:replicationgroup:app-cache",
                      "aws.elasticache.replication_group", "app-cache", PRIMARY, {
                          "engine": "redis", "multi_az": True, "automatic_failover": True, "cluster_mode": True,
                          "node_groups": [_shard("app-cache", "0001", "a", "b"), _shard("app-cache", "0002", "b", "c")],
                          "snapshot_retention_days": 7, "snapshot_window": "05:00-06:00",
                          "transit_encryption": True, "at_rest_encryption": True,
                          "replication_lag_max_seconds": 0.4},
                      violation("app-cache", "no Global Datastore: a Region loss empties the cache."))
    sessions = b.add(f"arn:aws:elasticache:{PRIMARY}:{ACCOUNT}:replicationgroup:cache-sessions",
                     "aws.elasticache.replication_group", "cache-sessions", PRIMARY, {
                         "engine": "redis", "node_groups": [_shard("cache-sessions", "0001", "a", "a")]},
                     violation("cache-sessions", "no automatic failover, no snapshots; primary and replica both "
                                                 "in us-east-1a."))
    for uid in (app_cache, sessions):
        b.relate(uid, "in_subnet_group", group)
        b.relate(uid, "uses_security_group", net.security_groups["cache-sg"])


def storage(b: SnapshotBuilder) -> list[str]:
    """DynamoDB tables and S3 buckets; returns the uids AWS Backup protects."""
    table = f"arn:aws:dynamodb:{PRIMARY}:{ACCOUNT}:table"
    sessions = b.add(f"{table}/sessions", "aws.dynamodb.table", "sessions", PRIMARY, {
        "billing_mode": "PAY_PER_REQUEST", "pitr_enabled": True, "pitr_recovery_period_days": 35,
        "deletion_protection": True, "replica_regions": [PRIMARY, DR], "replication_latency_max_ms": 850.0})
    audit = b.add(f"{table}/audit-log", "aws.dynamodb.table", "audit-log", PRIMARY, {
        "billing_mode": "PAY_PER_REQUEST", "deletion_protection": True},
        violation("audit-log", "point-in-time recovery is off; only the daily backup copy reaches the DR Region."))
    exports = f"orders-exports-{ACCOUNT}"
    replica = f"orders-exports-dr-{ACCOUNT}"
    b.add(f"arn:aws:s3:::{exports}", "aws.s3.bucket", exports, PRIMARY, {
        "versioning": "Enabled",
        "replication_rules": [{"status": "Enabled", "destination_bucket": f"arn:aws:s3:::{replica}",
                               "destination_region": DR, "replication_time_enabled": True}],
        "lifecycle_rules": [{"transitions": [{"days": 30, "storage_class": "STANDARD_IA"}],
                             "noncurrent_expiration_days": 90, "abort_incomplete_upload_days": 7}]},
        violation(exports, "S3 Replication Time Control replicates within 15 minutes: a 5-minute RPO for a "
                           "Region loss is out of reach."))
    b.add(f"arn:aws:s3:::{replica}", "aws.s3.bucket", replica, DR, {"versioning": "Enabled"})
    return [sessions, audit]


def backup(b: SnapshotBuilder, protected: list[str]) -> None:
    """A daily backup plan copying to the DR Region, and a selection of the stateful resources."""
    plan_id = uuid("daily-35d")
    plan = b.add(f"arn:aws:backup:{PRIMARY}:{ACCOUNT}:backup-plan:{plan_id}", "aws.backup.plan", "daily-35d",
                 PRIMARY, {"rules": [{"name": "daily", "schedule": "cron(0 5 ? * * *)", "delete_after_days": 35,
                                      "copy_destinations": [f"arn:aws:backup:{DR}:{ACCOUNT}:backup-vault:dr-vault"]}]})
    selection = b.add(f"arn:aws:backup:{PRIMARY}:{ACCOUNT}:backup-plan:{plan_id}/selection/{uuid('stateful')}",
                      "aws.backup.selection", "stateful-resources", PRIMARY, {"resources": protected})
    b.relate(selection, "member_of", plan)
    b.relate(selection, "backs_up", *protected)
