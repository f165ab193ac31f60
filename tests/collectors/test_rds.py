"""RDS collector against moto: instances, replicas (same and cross Region), clusters, subnet groups."""

from __future__ import annotations

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, deny, edges, serialized, snapshot_of

from scanner.collectors import rds

pytestmark = pytest.mark.usefixtures("aws")
PASSWORD = "Sup3rS3cretPassw0rd"
WEST = "us-west-2"


def _subnets(region: str) -> tuple[str, list[str], str]:
    ec2 = boto3.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{az}")
               ["Subnet"]["SubnetId"] for i, az in enumerate("ab")]
    sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    return vpc, subnets, sg


def _seed() -> dict[str, str]:
    vpc, subnets, sg = _subnets(REGION)
    client = boto3.client("rds", region_name=REGION)
    client.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data tier",
                                  SubnetIds=subnets)
    common = {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "admin",
              "MasterUserPassword": PASSWORD, "AllocatedStorage": 20, "DBSubnetGroupName": "data"}
    client.create_db_instance(DBInstanceIdentifier="orders", MultiAZ=True, BackupRetentionPeriod=7,
                              PubliclyAccessible=False, StorageEncrypted=True, DeletionProtection=True,
                              VpcSecurityGroupIds=[sg], Tags=[{"Key": "tier", "Value": "data"}], **common)
    client.create_db_instance(DBInstanceIdentifier="plain", PubliclyAccessible=True, **common)
    client.create_db_instance_read_replica(DBInstanceIdentifier="orders-ro",
                                           SourceDBInstanceIdentifier="orders")
    source_arn = client.describe_db_instances(DBInstanceIdentifier="orders")["DBInstances"][0]["DBInstanceArn"]
    west = boto3.client("rds", region_name=WEST)
    west.create_db_instance_read_replica(DBInstanceIdentifier="orders-dr", SourceDBInstanceIdentifier=source_arn,
                                         DBInstanceClass="db.t3.micro")
    client.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="admin",
                             MasterUserPassword=PASSWORD, DBSubnetGroupName="data", BackupRetentionPeriod=14,
                             VpcSecurityGroupIds=[sg])
    for i, az in enumerate("ab"):
        client.create_db_instance(DBInstanceIdentifier=f"aurora-{i}", DBClusterIdentifier="aurora",
                                  Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
                                  AvailabilityZone=f"{REGION}{az}")
    return {"vpc": vpc, "sg": sg, "subnet_a": subnets[0], "subnet_b": subnets[1], "source": source_arn}


def _db(name: str, region: str = REGION) -> str:
    return f"arn:aws:rds:{region}:{ACCOUNT}:db:{name}"


def test_instances_map_the_attributes_ha_policies_read() -> None:
    seeded = _seed()
    collected, ctx = collect(rds)
    snap = snapshot_of(collected, ctx)
    res = by_uid(snap)
    orders = res[_db("orders")].attributes
    assert orders["multi_az"] is True
    assert orders["backup_retention_days"] == 7
    assert orders["publicly_accessible"] is False
    assert orders["storage_encrypted"] is True
    assert orders["deletion_protection"] is True
    assert orders["engine"] == "postgres"
    assert orders["tags"] == {"tier": "data"}
    assert orders["availability_zone"].startswith(REGION)
    # moto never returns SecondaryAvailabilityZone: a Multi-AZ instance then has it unknown, not None.
    assert "secondary_availability_zone" in res[_db("orders")].unknown
    plain = res[_db("plain")]
    assert plain.attributes["multi_az"] is False
    assert plain.attributes["publicly_accessible"] is True
    assert plain.attributes["is_read_replica"] is False
    assert (_db("orders"), f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{seeded['sg']}") in edges(
        collected, "uses_security_group")
    assert not ctx.gaps


def test_subnet_group_relations_use_the_ec2_uid_scheme() -> None:
    seeded = _seed()
    collected, _ = collect(rds)
    group = f"arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:data"
    assert (_db("orders"), group) in edges(collected, "in_subnet_group")
    assert (f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:aurora", group) in edges(collected, "in_subnet_group")
    assert {(group, f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{seeded[k]}") for k in ("subnet_a", "subnet_b")} <= edges(
        collected, "in_subnet")
    assert (group, f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{seeded['vpc']}") in edges(collected, "in_vpc")
    res = by_uid(snapshot_of(collected))
    assert res[group].attributes["description"] == "data tier"


def test_read_replicas_point_at_the_source_arn_in_and_across_regions() -> None:
    seeded = _seed()
    east, _ = collect(rds)
    west, _ = collect(rds, WEST)
    assert (_db("orders-ro"), seeded["source"]) in edges(east, "replica_of")
    assert (_db("orders-dr", WEST), seeded["source"]) in edges(west, "replica_of")
    replica = by_uid(snapshot_of(west))[_db("orders-dr", WEST)]
    assert replica.attributes["is_read_replica"] is True


def test_same_region_source_identifier_is_normalised_to_an_arn() -> None:
    raw = {"db_instances": [{"DBInstanceIdentifier": "r", "ReadReplicaSourceDBInstanceIdentifier": "src",
                             "MultiAZ": False, "BackupRetentionPeriod": 0, "PubliclyAccessible": False,
                             "StorageEncrypted": False}],
           "db_clusters": [], "global_clusters": [], "db_subnet_groups": []}
    collected = rds.parse(raw, ACCOUNT, "eu-west-1")
    assert edges(collected, "replica_of") == {(_db("r", "eu-west-1"), _db("src", "eu-west-1"))}


def test_cluster_members_and_attributes() -> None:
    _seed()
    collected, _ = collect(rds)
    cluster = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:aurora"
    assert {(_db("aurora-0"), cluster), (_db("aurora-1"), cluster)} <= edges(collected, "member_of")
    res = by_uid(snapshot_of(collected))
    assert res[cluster].attributes["backup_retention_days"] == 14
    assert res[cluster].attributes["engine"] == "aurora-postgresql"
    assert {res[_db(f"aurora-{i}")].attributes["availability_zone"] for i in range(2)} == {
        f"{REGION}a", f"{REGION}b"}
    # An Aurora member is not Multi-AZ itself: no secondary AZ is expected of it.
    assert "secondary_availability_zone" not in res[_db("aurora-0")].unknown


def test_global_cluster_membership_and_single_home_region() -> None:
    client = boto3.client("rds", region_name=REGION)
    client.create_global_cluster(GlobalClusterIdentifier="orders-global", Engine="aurora-postgresql")
    client.create_db_cluster(DBClusterIdentifier="primary", Engine="aurora-postgresql", MasterUsername="admin",
                             MasterUserPassword=PASSWORD, GlobalClusterIdentifier="orders-global")
    east, _ = collect(rds)
    west, _ = collect(rds, WEST)
    glob = f"arn:aws:rds::{ACCOUNT}:global-cluster:orders-global"
    assert (f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:primary", glob) in edges(east, "member_of")
    assert glob in by_uid(snapshot_of(east))
    assert glob not in {r.uid for r in west.resources}


def test_no_secret_in_serialized_output() -> None:
    _seed()
    collected, ctx = collect(rds)
    text = serialized(snapshot_of(collected, ctx))
    assert PASSWORD not in text
    assert "MasterUserPassword" not in text


def test_access_denied_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(rds, hooks=[deny("DescribeDBInstances")])
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("DescribeDBInstances", "AccessDenied", ["aws.rds.db_instance"])]
    snap = snapshot_of(collected, ctx)
    assert {r.type for r in snap.resources} == {"aws.rds.db_cluster", "aws.rds.db_subnet_group"}


def test_global_cluster_denial_marks_cluster_membership_unknown() -> None:
    _seed()
    collected, ctx = collect(rds, hooks=[deny("DescribeGlobalClusters")])
    cluster = by_uid(snapshot_of(collected, ctx))[f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:aurora"]
    assert "DescribeGlobalClusters: AccessDenied" in cluster.unknown_relations["member_of"]
    assert ctx.gaps[0].resource_types == ["aws.rds.global_cluster"]


def test_missing_always_returned_field_is_unknown_not_defaulted() -> None:
    raw = {"db_instances": [{"DBInstanceIdentifier": "x", "MultiAZ": False, "BackupRetentionPeriod": 1,
                             "StorageEncrypted": False}]}
    res = by_uid(snapshot_of(rds.parse(raw, ACCOUNT, REGION)))[_db("x")]
    assert "publicly_accessible" not in res.attributes
    assert "PubliclyAccessible" in res.unknown["publicly_accessible"]


def test_every_page_of_instances_is_read() -> None:
    client = boto3.client("rds", region_name=REGION)
    for i in range(105):  # moto pages DescribeDBInstances at 100
        client.create_db_instance(DBInstanceIdentifier=f"db-{i}", DBInstanceClass="db.t3.micro", Engine="mysql",
                                  AllocatedStorage=20)
    collected, ctx = collect(rds)
    assert sum(r.type == "aws.rds.db_instance" for r in collected.resources) == 105
    assert ctx.api_calls == 5  # two pages of instances + clusters + global clusters + subnet groups
