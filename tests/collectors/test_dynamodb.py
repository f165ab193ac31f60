"""DynamoDB collector against moto (global-table replicas from a recorded response: moto ignores them)."""

from __future__ import annotations

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, count_calls, deny, snapshot_of

from scanner.collectors import dynamodb

pytestmark = pytest.mark.usefixtures("aws")


def _table(name: str) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def _seed() -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    key = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    client.create_table(TableName="orders", BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True, **key)
    client.update_continuous_backups(TableName="orders",
                                     PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    client.create_table(TableName="cache", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                        **key)


def test_pitr_on_and_off_billing_and_deletion_protection() -> None:
    _seed()
    collected, ctx = collect(dynamodb)
    res = by_uid(snapshot_of(collected, ctx))
    orders, cache = res[_table("orders")].attributes, res[_table("cache")].attributes
    assert orders["pitr_enabled"] is True
    assert orders["pitr_recovery_period_days"] == 35
    assert orders["billing_mode"] == "PAY_PER_REQUEST"
    assert orders["deletion_protection"] is True
    assert cache["pitr_enabled"] is False
    assert cache["pitr_recovery_period_days"] is None
    assert cache["billing_mode"] == "PROVISIONED"
    assert cache["deletion_protection"] is False
    assert cache["replica_regions"] == []
    assert not ctx.gaps


def test_one_list_and_two_calls_per_table() -> None:
    _seed()
    counter: dict[str, int] = {}
    collect(dynamodb, hooks=[count_calls(counter)])
    assert counter == {"ListTables": 1, "DescribeTable": 2, "DescribeContinuousBackups": 2}


def test_replica_regions_from_recorded_describe_table() -> None:
    raw = {"tables": [{"name": "orders",
                       "table": {"TableName": "orders", "TableArn": _table("orders"),
                                 "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                                 "Replicas": [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"},
                                              {"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]},
                       "backups": {"ContinuousBackupsStatus": "ENABLED",
                                   "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED",
                                                                      "RecoveryPeriodInDays": 7}}}]}
    table = by_uid(snapshot_of(dynamodb.parse(raw, ACCOUNT, REGION)))[_table("orders")]
    assert table.attributes["replica_regions"] == ["eu-west-1", "us-west-2"]
    assert table.attributes["pitr_recovery_period_days"] == 7


def test_denied_continuous_backups_leave_only_pitr_unknown() -> None:
    _seed()
    collected, ctx = collect(dynamodb, hooks=[deny("DescribeContinuousBackups")])
    orders = by_uid(snapshot_of(collected, ctx))[_table("orders")]
    assert set(orders.unknown) == {"pitr_enabled", "pitr_recovery_period_days", "pitr_lag_seconds"}
    assert orders.unknown["pitr_lag_seconds"] == orders.unknown["pitr_enabled"]
    assert "DescribeContinuousBackups: AccessDenied" in orders.unknown["pitr_enabled"]
    assert "pitr_enabled" not in orders.attributes
    assert orders.attributes["billing_mode"] == "PAY_PER_REQUEST"
    assert ctx.gaps == []


def test_access_denied_on_list_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(dynamodb, hooks=[deny("ListTables")])
    assert collected.resources == []
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("ListTables", "AccessDenied", ["aws.dynamodb.table"])]
