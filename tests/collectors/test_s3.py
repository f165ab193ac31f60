"""S3 collector against moto: versioning, replication (with destination Region), lifecycle."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, count_calls, deny, snapshot_of

from scanner.collectors import s3

pytestmark = pytest.mark.usefixtures("aws")


def _seed() -> None:
    east = boto3.client("s3", region_name=REGION)
    west = boto3.client("s3", region_name="eu-west-1")
    east.create_bucket(Bucket="data")
    west.create_bucket(Bucket="data-dr", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    east.create_bucket(Bucket="plain")
    for client, bucket in ((east, "data"), (west, "data-dr")):
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    east.put_bucket_replication(Bucket="data", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::data-dr"}}]})
    east.put_bucket_lifecycle_configuration(Bucket="data", LifecycleConfiguration={"Rules": [
        {"ID": "tier", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
         "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
    east.put_bucket_tagging(Bucket="data", Tagging={"TagSet": [{"Key": "tier", "Value": "data"}]})


def test_bucket_settings_and_defaults() -> None:
    _seed()
    collected, ctx = collect(s3)
    res = by_uid(snapshot_of(collected, ctx))
    data, plain = res["arn:aws:s3:::data"], res["arn:aws:s3:::plain"]
    assert data.attributes["versioning"] == "Enabled"
    assert data.attributes["replication_rules"] == [
        {"status": "Enabled", "destination_bucket": "arn:aws:s3:::data-dr", "destination_region": "eu-west-1",
         "replication_time_enabled": False, "metrics_enabled": False}]
    assert data.attributes["lifecycle_rules"] == [
        {"status": "Enabled", "transitions": [{"days": 30, "storage_class": "STANDARD_IA"},
                                              {"days": 90, "storage_class": "GLACIER"}],
         "noncurrent_transitions": [], "expiration_days": None,
         "noncurrent_expiration_days": 90, "abort_incomplete_upload_days": 7}]
    assert data.attributes["tags"] == {"tier": "data"}
    assert plain.attributes["tags"] == {}  # NoSuchTagSet: no tags, not unknown
    # Not configured (NotFound-style errors) is AWS's default, not unknown.
    assert (plain.attributes["versioning"], plain.attributes["replication_rules"], plain.attributes["lifecycle_rules"],
            plain.unknown) == ("Disabled", [], [], {})
    assert (data.region, res["arn:aws:s3:::data-dr"].region) == ("us-east-1", "eu-west-1")
    assert {r.account for r in collected.resources} == {ACCOUNT}
    assert not ctx.gaps


def _drop_bucket_region(client: Any) -> None:
    def handler(parsed: dict[str, Any], **_: Any) -> None:
        for bucket in parsed.get("Buckets", []):
            bucket.pop("BucketRegion", None)

    client.meta.events.register("after-call.s3.ListBuckets", handler)


def test_region_falls_back_to_get_bucket_location() -> None:
    _seed()
    counter: dict[str, int] = {}
    collected, _ = collect(s3, hooks=[_drop_bucket_region, count_calls(counter)])
    regions = {r.name: r.region for r in collected.resources}
    assert regions == {"data": "us-east-1", "data-dr": "eu-west-1", "plain": "us-east-1"}
    assert counter["GetBucketLocation"] == 3


def _add_bucket_region(client: Any) -> None:
    """moto 5.2.5 omits ``BucketRegion``; AWS returns it: add it the way AWS would (recorded field)."""

    def handler(parsed: dict[str, Any], **_: Any) -> None:
        for bucket in parsed.get("Buckets", []):
            bucket["BucketRegion"] = "eu-west-1" if bucket["Name"] == "data-dr" else "us-east-1"

    client.meta.events.register("after-call.s3.ListBuckets", handler)


def test_region_from_list_buckets_costs_no_location_call() -> None:
    _seed()
    counter: dict[str, int] = {}
    collected, _ = collect(s3, hooks=[_add_bucket_region, count_calls(counter)])
    assert "GetBucketLocation" not in counter
    assert {r.name: r.region for r in collected.resources} == {
        "data": "us-east-1", "data-dr": "eu-west-1", "plain": "us-east-1"}


def test_denied_setting_is_unknown_on_the_bucket_only() -> None:
    _seed()
    collected, ctx = collect(s3, hooks=[deny("GetBucketReplication")])
    data = by_uid(snapshot_of(collected, ctx))["arn:aws:s3:::data"]
    assert data.unknown == {"replication_rules": "GetBucketReplication: AccessDenied"}
    assert "replication_rules" not in data.attributes
    assert data.attributes["versioning"] == "Enabled"
    assert ctx.gaps == []


def test_unreadable_destination_region_is_unknown() -> None:
    raw = {"buckets": [{"name": "src", "region": REGION, "errors": {}, "responses": {
        "GetBucketReplication": {"ReplicationConfiguration": {"Rules": [
            {"Status": "Enabled", "Destination": {
                "Bucket": "arn:aws:s3:::elsewhere",
                "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}}}]}}}}],
           "destination_regions": {"src": REGION, "elsewhere": None}}
    bucket = by_uid(snapshot_of(s3.parse(raw, ACCOUNT, REGION)))["arn:aws:s3:::src"]
    assert bucket.attributes["replication_rules"][0]["replication_time_enabled"] is True
    assert "replication_rules.0.destination_region" in bucket.unknown


def test_access_denied_on_list_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(s3, hooks=[deny("ListBuckets")])
    assert collected.resources == []
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("ListBuckets", "AccessDenied", ["aws.s3.bucket"])]
