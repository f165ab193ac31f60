"""The RPO/RTO estimator: one test per mechanism and disruption, and backup schedules as intervals."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.graph import build_graph
from scanner.graph.recovery import (
    AURORA_FAILOVER_S,
    AURORA_RECREATE_S,
    GLOBAL_DATABASE_FAILOVER_S,
    MULTI_AZ_CLUSTER_FAILOVER_S,
    PITR_TYPICAL_LAG_S,
    RDS_MULTI_AZ_FAILOVER_S,
    REDIS_FAILOVER_S,
    REPLICA_PROMOTION_S,
    S3_RTC_S,
)
from scanner.graph.schedule import interval_seconds
from scanner.model import Snapshot, Source


def _facts(resources: list[dict[str, Any]], relations: list[tuple[str, str, str]] = (), uid: str = "store"
           ) -> tuple[dict[str, Any], dict[str, str]]:
    snapshot = Snapshot(source=Source(kind="test"), resources=resources,
                        relations=[{"src": s, "kind": k, "dst": d} for s, k, d in relations])
    graph = build_graph(snapshot)
    return dict(graph.derived[uid]), dict(graph.derived_unknown.get(uid, {}))


def _db(uid: str = "store", region: str = "us-east-1", **attributes: Any) -> dict[str, Any]:
    return {"uid": uid, "type": "aws.rds.db_instance", "region": region, "attributes": attributes}


def _recovery(facts: dict[str, Any], disruption: str) -> tuple[str, Any, Any]:
    return (facts[f"recovery_{disruption}_mechanism"], facts.get(f"rpo_{disruption}_seconds"),
            facts.get(f"rto_{disruption}_seconds"))


def test_sync_standby_covers_instance_and_az_but_not_region() -> None:
    facts, _ = _facts([_db(multi_az=True, backup_retention_days=0)])
    assert _recovery(facts, "instance") == ("sync-standby", 0, RDS_MULTI_AZ_FAILOVER_S)
    assert _recovery(facts, "az") == ("sync-standby", 0, RDS_MULTI_AZ_FAILOVER_S)
    assert _recovery(facts, "region") == ("none", None, None)


def test_pitr_restore_uses_the_observed_gap_and_leaves_an_untimed_restore_unknown() -> None:
    facts, unknown = _facts([_db(backup_retention_days=7, pitr_lag_seconds=61.5)])
    assert _recovery(facts, "instance")[:2] == ("pitr-restore", 61.5)
    assert unknown["rto_instance_seconds"] == "pitr-restore: restore time not measured"
    typical, _ = _facts([_db(backup_retention_days=7)])
    assert typical["rpo_az_seconds"] == PITR_TYPICAL_LAG_S


def test_read_replica_in_another_region_covers_the_region_with_its_observed_lag() -> None:
    facts, _ = _facts([_db(multi_az=True), _db("dr", "us-west-2", is_read_replica=True, replica_lag_max_seconds=9.0)],
                      [("dr", "replica_of", "store")])
    assert _recovery(facts, "region") == ("read-replica", 9.0, REPLICA_PROMOTION_S)


def test_read_replica_lag_not_measured_is_unknown_never_zero() -> None:
    facts, unknown = _facts([_db(multi_az=True), _db("dr", "us-west-2", is_read_replica=True)],
                            [("dr", "replica_of", "store")])
    assert facts["recovery_region_mechanism"] == "read-replica"
    assert "rpo_region_seconds" not in facts
    assert "not measured" in unknown["rpo_region_seconds"]
    assert facts["rto_region_seconds"] == REPLICA_PROMOTION_S


def test_same_region_replica_is_an_az_mechanism() -> None:
    facts, _ = _facts([_db(backup_retention_days=0), _db("r", is_read_replica=True, replica_lag_max_seconds=2.0)],
                      [("r", "replica_of", "store")])
    assert _recovery(facts, "az") == ("read-replica", 2.0, REPLICA_PROMOTION_S)
    assert facts["recovery_region_mechanism"] == "none"


def test_replica_of_unknown_region_is_unknown() -> None:
    _, unknown = _facts([_db(region=None), _db("r", region=None, is_read_replica=True)],
                            [("r", "replica_of", "store")])
    assert "Region of replica" in unknown["rpo_region_seconds"]


def test_replicated_automated_backups_cover_the_region() -> None:
    facts, _ = _facts([_db(backup_replication_regions=["us-west-2"])])
    assert facts["recovery_region_mechanism"] == "replicated-pitr"
    assert facts["rpo_region_seconds"] == PITR_TYPICAL_LAG_S


def _cluster(members: int, zones: list[str], engine: str = "aurora-postgresql", **attributes: Any
             ) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    resources = [{"uid": "store", "type": "aws.rds.db_cluster", "region": "us-east-1",
                  "attributes": {"engine": engine, **attributes}}]
    relations = []
    for index in range(members):
        resources.append(_db(f"m{index}", engine=engine, availability_zone=zones[index % len(zones)]))
        relations.append((f"m{index}", "member_of", "store"))
    return resources, relations


def test_aurora_with_readers_in_two_zones_fails_over() -> None:
    facts, _ = _facts(*_cluster(2, ["us-east-1a", "us-east-1b"]))
    assert _recovery(facts, "instance") == ("aurora-failover", 0, AURORA_FAILOVER_S)
    assert _recovery(facts, "az") == ("aurora-failover", 0, AURORA_FAILOVER_S)


def test_aurora_without_a_reader_recreates_its_writer() -> None:
    facts, _ = _facts(*_cluster(1, ["us-east-1a"]))
    assert _recovery(facts, "instance") == ("aurora-recreate", 0, AURORA_RECREATE_S)
    assert _recovery(facts, "az") == ("aurora-recreate", 0, AURORA_RECREATE_S)


def test_multi_az_db_cluster() -> None:
    facts, _ = _facts(*_cluster(3, ["a", "b", "c"], engine="postgres", multi_az=True))
    assert _recovery(facts, "az") == ("multi-az-cluster", 0, MULTI_AZ_CLUSTER_FAILOVER_S)


def test_global_database_secondary_covers_the_region() -> None:
    resources, relations = _cluster(2, ["us-east-1a", "us-east-1b"])
    resources += [{"uid": "global", "type": "aws.rds.global_cluster"},
                  {"uid": "secondary", "type": "aws.rds.db_cluster", "region": "us-west-2",
                   "attributes": {"engine": "aurora-postgresql", "global_rpo_lag_max_ms": 1500.0}}]
    relations += [("store", "member_of", "global"), ("secondary", "member_of", "global")]
    facts, _ = _facts(resources, relations)
    assert _recovery(facts, "region") == ("global-database", 1.5, GLOBAL_DATABASE_FAILOVER_S)


def test_dynamodb_global_table_and_regional_service() -> None:
    table = {"uid": "store", "type": "aws.dynamodb.table", "region": "us-east-1",
             "attributes": {"replica_regions": ["us-east-1", "eu-west-1"], "replication_latency_max_ms": 700.0}}
    facts, _ = _facts([table])
    assert _recovery(facts, "instance") == ("regional-service", 0, 0)
    assert _recovery(facts, "region") == ("global-table", 0.7, 0)
    single, _ = _facts([{**table, "attributes": {}}])
    assert single["recovery_region_mechanism"] == "none"


def test_redis_automatic_failover_uses_observed_lag_and_snapshots_daily() -> None:
    group = {"uid": "store", "type": "aws.elasticache.replication_group", "attributes": {
        "automatic_failover": True, "multi_az": True, "snapshot_retention_days": 1, "replication_lag_max_seconds": 0.4,
        "node_groups": [{"id": "0001", "members": [{"role": "primary"}, {"role": "replica"}]}]}}
    facts, _ = _facts([group])
    assert _recovery(facts, "az") == ("auto-failover", 0.4, REDIS_FAILOVER_S)
    no_replica, _ = _facts([{**group, "attributes": {"snapshot_retention_days": 1, "node_groups": [
        {"id": "0001", "members": [{"role": "primary"}]}]}}])
    assert _recovery(no_replica, "instance")[:2] == ("snapshot-restore", 86400)


def test_single_node_redis_without_snapshots_has_nothing() -> None:
    facts, _ = _facts([{"uid": "store", "type": "aws.elasticache.cache_cluster", "attributes": {"engine": "redis"}}])
    assert [_recovery(facts, d)[0] for d in ("instance", "az", "region")] == ["none", "none", "none"]


def test_efs_regional_storage_and_one_zone() -> None:
    regional, _ = _facts([{"uid": "store", "type": "aws.efs.file_system"}])
    assert _recovery(regional, "az") == ("regional-storage", 0, 0)
    one_zone, _ = _facts([{"uid": "store", "type": "aws.efs.file_system",
                           "attributes": {"one_zone_availability_zone": "us-east-1a"}}])
    assert one_zone["recovery_az_mechanism"] == "none"


def _bucket(rule: dict[str, Any], **attributes: Any) -> dict[str, Any]:
    return {"uid": "store", "type": "aws.s3.bucket", "region": "us-east-1",
            "attributes": {"replication_rules": [rule], **attributes}}


def test_s3_replication_time_control_and_observed_latency() -> None:
    rule = {"status": "Enabled", "destination_bucket": "arn:aws:s3:::dr", "destination_region": "us-west-2",
            "replication_time_enabled": True}
    facts, unknown = _facts([_bucket(rule)])
    assert facts["recovery_region_mechanism"] == "replication-time-control"
    assert facts["rpo_region_seconds"] == S3_RTC_S
    assert "clients must switch" in unknown["rto_region_seconds"]
    observed, _ = _facts([_bucket(rule, replication_latency_max_seconds=40.0)])
    assert observed["rpo_region_seconds"] == 40.0
    _, unknown = _facts([_bucket({**rule, "replication_time_enabled": False})])
    assert "no replication-time guarantee" in unknown["rpo_region_seconds"]
    same_region, _ = _facts([_bucket({**rule, "destination_region": "us-east-1"})])
    assert same_region["recovery_region_mechanism"] == "none"


def test_a_replication_destination_is_judged_through_its_source_bucket() -> None:
    rule = {"status": "Enabled", "destination_bucket": "arn:aws:s3:::dr", "destination_region": "us-west-2"}
    destination = {"uid": "arn:aws:s3:::dr", "type": "aws.s3.bucket", "region": "us-west-2", "attributes": {}}
    facts, _ = _facts([_bucket(rule), destination], uid="arn:aws:s3:::dr")
    assert "recovery_estimated" not in facts
    disabled, _ = _facts([_bucket({**rule, "status": "Disabled"}), destination], uid="arn:aws:s3:::dr")
    assert disabled["recovery_estimated"] is True and disabled["recovery_region_mechanism"] == "none"


def _backed_up(schedule: str | None, copy_to: str | None = None, continuous: bool = False
               ) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    rule: dict[str, Any] = {"schedule": schedule, "continuous": continuous}
    if copy_to:
        rule["copy_destinations"] = [copy_to]
    return ([{"uid": "store", "type": "aws.efs.file_system", "region": "us-east-1",
              "attributes": {"one_zone_availability_zone": "us-east-1a"}},
             {"uid": "plan", "type": "aws.backup.plan", "attributes": {"rules": [rule]}},
             {"uid": "sel", "type": "aws.backup.selection"}],
            [("sel", "member_of", "plan"), ("sel", "backs_up", "store")])


def test_scheduled_backups_and_copies_to_another_region() -> None:
    facts, _ = _facts(*_backed_up("cron(0 */6 * * ? *)", "arn:aws:backup:us-west-2:1:backup-vault:dr"))
    assert _recovery(facts, "az")[:2] == ("scheduled-backup", 6 * 3600)
    assert _recovery(facts, "region")[:2] == ("backup-copy", 6 * 3600)
    same, _ = _facts(*_backed_up(None, "arn:aws:backup:us-east-1:1:backup-vault:local"))
    assert same["recovery_region_mechanism"] == "none"
    continuous, _ = _facts(*_backed_up(None, continuous=True))
    assert _recovery(continuous, "az")[:2] == ("continuous-backup", PITR_TYPICAL_LAG_S)


def test_replicas_and_members_are_not_estimated_themselves() -> None:
    snapshot = Snapshot(source=Source(kind="test"), resources=[
        _db(), _db("dr", "us-west-2", is_read_replica=True), {"uid": "c", "type": "aws.rds.db_cluster"},
        _db("m", engine="aurora-mysql"), {"uid": "mc", "type": "aws.elasticache.cache_cluster",
                                          "attributes": {"engine": "memcached"}}],
        relations=[{"src": "dr", "kind": "replica_of", "dst": "store"}, {"src": "m", "kind": "member_of", "dst": "c"}])
    graph = build_graph(snapshot)
    assert {uid for uid, facts in graph.derived.items() if facts.get("recovery_estimated")} == {"store", "c"}


@pytest.mark.parametrize(("expression", "seconds"), [
    (None, 86400), ("cron(0 5 ? * * *)", 86400), ("cron(0 */4 * * ? *)", 14400), ("cron(0,30 * * * ? *)", 1800),
    ("cron(0 5 ? * MON-FRI *)", 3 * 86400), ("cron(0 5 ? * SUN *)", 7 * 86400), ("cron(0 5 1 * ? *)", 31 * 86400),
    ("rate(1 hour)", 3600), ("rate(12 hours)", 43200), ("cron(bad)", None), ("weekly", None),
])
def test_backup_schedules_as_intervals(expression: str | None, seconds: int | None) -> None:
    assert interval_seconds(expression) == seconds
