"""EFS collector against moto: Regional vs One Zone, mount targets, security groups, lifecycle."""

from __future__ import annotations

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, deny, edges, snapshot_of

from scanner.collectors import efs

pytestmark = pytest.mark.usefixtures("aws")


def _seed() -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")
               ["Subnet"]["SubnetId"] for i, az in enumerate("ab")]
    sg = ec2.create_security_group(GroupName="nfs", Description="nfs", VpcId=vpc)["GroupId"]
    client = boto3.client("efs", region_name=REGION)
    shared = client.create_file_system(CreationToken="shared", Encrypted=True,
                                       Tags=[{"Key": "Name", "Value": "shared"}])["FileSystemId"]
    for subnet in subnets:
        client.create_mount_target(FileSystemId=shared, SubnetId=subnet, SecurityGroups=[sg])
    client.put_lifecycle_configuration(FileSystemId=shared, LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}])
    zonal = client.create_file_system(CreationToken="zonal", AvailabilityZoneName=f"{REGION}a")["FileSystemId"]
    return {"shared": shared, "zonal": zonal, "sg": sg, "a": subnets[0], "b": subnets[1]}


def _fs(fs_id: str) -> str:
    return f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs_id}"


def test_file_systems_mount_targets_and_lifecycle() -> None:
    ids = _seed()
    collected, ctx = collect(efs)
    res = by_uid(snapshot_of(collected, ctx))
    shared, zonal = res[_fs(ids["shared"])], res[_fs(ids["zonal"])]
    assert shared.name == "shared"
    assert shared.attributes["one_zone_availability_zone"] is None
    assert shared.attributes["encrypted"] is True
    assert shared.attributes["lifecycle_transition_to_ia"] == "AFTER_30_DAYS"
    assert shared.attributes["transition_to_ia_days"] == 30
    assert zonal.attributes["one_zone_availability_zone"] == f"{REGION}a"
    assert zonal.attributes["lifecycle_transition_to_ia"] is None
    assert zonal.attributes["transition_to_ia_days"] is None
    assert edges(collected, "in_subnet") == {(_fs(ids["shared"]), f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{ids[k]}")
                                             for k in "ab"}
    assert edges(collected, "uses_security_group") == {
        (_fs(ids["shared"]), f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{ids['sg']}")}
    assert not ctx.gaps


def test_denied_mount_targets_mark_placement_unknown_only() -> None:
    ids = _seed()
    collected, ctx = collect(efs, hooks=[deny("DescribeMountTargets")])
    shared = by_uid(snapshot_of(collected, ctx))[_fs(ids["shared"])]
    assert shared.unknown_relations["in_subnet"] == "DescribeMountTargets: AccessDenied"
    assert shared.attributes["lifecycle_transition_to_ia"] == "AFTER_30_DAYS"
    assert shared.attributes["transition_to_ia_days"] == 30
    assert not edges(collected, "in_subnet")
    assert ctx.gaps == []


def test_access_denied_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(efs, hooks=[deny("DescribeFileSystems")])
    assert collected.resources == []
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("DescribeFileSystems", "AccessDenied", ["aws.efs.file_system"])]
