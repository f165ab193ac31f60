"""ElastiCache collector: moto for what it serves, a recorded response for member clusters and AZs.

moto 5.2 creates a single member per replication group whatever ``NumCacheClusters`` says and lists no
member cache clusters (so no ``CacheSubnetGroupName``); the shard/AZ test uses a botocore ``Stubber``
with a response shaped like AWS's.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, deny, edges, snapshot_of
from botocore import xform_name
from botocore.stub import Stubber

from scanner.collectors import elasticache
from scanner.collectors.base import CallContext

pytestmark = pytest.mark.usefixtures("aws")
RG = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:sessions"
SUBNET_GROUP = f"arn:aws:elasticache:{REGION}:{ACCOUNT}:subnetgroup:cache"


def _seed() -> list[str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")
               ["Subnet"]["SubnetId"] for i, az in enumerate("ab")]
    client = boto3.client("elasticache", region_name=REGION)
    client.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="cache tier",
                                     SubnetIds=subnets)
    client.create_replication_group(ReplicationGroupId="sessions", ReplicationGroupDescription="s",
                                    Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=2,
                                    AutomaticFailoverEnabled=True, MultiAZEnabled=True, CacheSubnetGroupName="cache",
                                    SnapshotRetentionLimit=5)
    client.create_replication_group(ReplicationGroupId="single", ReplicationGroupDescription="one node",
                                    Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1)
    return subnets


def test_replication_group_flags_and_subnet_group_from_moto() -> None:
    subnets = _seed()
    collected, ctx = collect(elasticache)
    res = by_uid(snapshot_of(collected, ctx))
    sessions = res[RG].attributes
    assert sessions["multi_az"] is True
    assert sessions["automatic_failover"] is True
    assert sessions["snapshot_retention_days"] == 5
    assert sessions["cluster_mode"] is False
    assert sessions["node_groups"][0]["members"][0]["role"] == "primary"
    single = res[f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:single"].attributes
    assert (single["multi_az"], single["automatic_failover"], single["snapshot_retention_days"]) == (False, False, 0)
    assert res[SUBNET_GROUP].attributes["description"] == "cache tier"
    assert edges(collected, "in_subnet") == {(SUBNET_GROUP, f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s}")
                                             for s in subnets}
    assert not ctx.gaps


def _member(cluster: str, az: str, role: str) -> dict[str, Any]:
    return {"CacheClusterId": cluster, "CacheNodeId": "0001", "PreferredAvailabilityZone": az, "CurrentRole": role}


RECORDED_GROUP = {
    "ReplicationGroupId": "sessions", "Status": "available", "MemberClusters": ["sessions-001", "sessions-002"],
    "NodeGroups": [{"NodeGroupId": "0001", "Status": "available",
                    "NodeGroupMembers": [_member("sessions-001", "us-east-1a", "primary"),
                                         _member("sessions-002", "us-east-1b", "replica")]}],
    "AutomaticFailover": "enabled", "MultiAZ": "enabled", "SnapshotRetentionLimit": 7, "ClusterEnabled": False,
    "TransitEncryptionEnabled": True, "AtRestEncryptionEnabled": True, "Engine": "valkey",
}
RECORDED_CLUSTERS = [
    {"CacheClusterId": f"sessions-00{i}", "ReplicationGroupId": "sessions", "CacheSubnetGroupName": "cache",
     "Engine": "valkey", "SecurityGroups": [{"SecurityGroupId": "sg-0123", "Status": "active"}]}
    for i in (1, 2)
]


def _stubbed(responses: dict[str, dict[str, Any] | str]) -> CallContext:
    client = boto3.client("elasticache", region_name=REGION)
    stubber = Stubber(client)
    for operation in ("DescribeReplicationGroups", "DescribeCacheClusters", "DescribeCacheSubnetGroups"):
        response = responses[operation]
        if isinstance(response, str):
            stubber.add_client_error(xform_name(operation), service_error_code=response)
        else:
            stubber.add_response(xform_name(operation), response)
    stubber.activate()
    return CallContext(lambda _s: client, ACCOUNT, REGION, elasticache.OPERATIONS)


def test_members_azs_roles_and_subnet_group_from_recorded_response() -> None:
    ctx = _stubbed({"DescribeReplicationGroups": {"ReplicationGroups": [RECORDED_GROUP]},
                    "DescribeCacheClusters": {"CacheClusters": RECORDED_CLUSTERS},
                    "DescribeCacheSubnetGroups": {"CacheSubnetGroups": []}})
    collected = elasticache.parse(elasticache.fetch(ctx), ACCOUNT, REGION)
    group = by_uid(snapshot_of(collected, ctx))[RG]
    shard = group.attributes["node_groups"][0]
    assert shard["primary_availability_zone"] == "us-east-1a"
    assert [(m["cluster_id"], m["availability_zone"], m["role"]) for m in shard["members"]] == [
        ("sessions-001", "us-east-1a", "primary"), ("sessions-002", "us-east-1b", "replica")]
    assert group.attributes["engine"] == "valkey"
    assert group.attributes["transit_encryption"] is True
    assert edges(collected, "in_subnet_group") == {(RG, SUBNET_GROUP)}
    assert edges(collected, "uses_security_group") == {
        (RG, f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123")}
    assert ctx.api_calls == 3


def test_failed_cache_cluster_call_marks_group_relations_unknown_and_standalone_clusters_a_gap() -> None:
    ctx = _stubbed({"DescribeReplicationGroups": {"ReplicationGroups": [RECORDED_GROUP]},
                    "DescribeCacheClusters": "AccessDenied",
                    "DescribeCacheSubnetGroups": {"CacheSubnetGroups": []}})
    collected = elasticache.parse(elasticache.fetch(ctx), ACCOUNT, REGION)
    group = by_uid(snapshot_of(collected, ctx))[RG]
    assert group.attributes["multi_az"] is True
    assert "DescribeCacheClusters: AccessDenied" in group.unknown_relations["in_subnet_group"]
    assert not edges(collected, "in_subnet_group")
    # the groups themselves are complete; only the clusters outside any group could not be listed
    assert [(g.operation, g.resource_types) for g in ctx.gaps] == [
        ("DescribeCacheClusters", ["aws.elasticache.cache_cluster"])]


def test_access_denied_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(elasticache, hooks=[deny("DescribeReplicationGroups")])
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("DescribeReplicationGroups", "AccessDenied", ["aws.elasticache.replication_group"])]
    assert {r.type for r in collected.resources} == {"aws.elasticache.subnet_group"}
