"""The Auto Scaling collector against moto, plus a recorded response for TrafficSources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from scanner.collectors import autoscaling
from scanner.collectors import ec2 as ec2_collector
from scanner.collectors.base import CallContext, Collected
from scanner.collectors.ec2 import ec2_arn
from scanner.collectors.elb import classic_elb_arn
from scanner.graph import build_graph
from scanner.model import Resource, Snapshot, Source

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
DATA = Path(__file__).parent / "data"


@pytest.fixture
def clients(aws: None) -> dict[str, Any]:
    """Moto-backed clients (the ``aws`` fixture gives fake credentials and moto)."""
    return {name: boto3.client(name, region_name=REGION) for name in ("ec2", "elbv2", "elb", "autoscaling")}


def _deny(model: Any, **_: Any) -> None:
    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorised"}}, model.name)


def collect(denied: tuple[str, ...] = ()) -> tuple[Collected, CallContext]:
    """fetch + parse through a real CallContext; ``denied`` operations fail with AccessDenied."""

    def factory(service: str) -> Any:
        client = boto3.client(service, region_name=REGION)
        for operation in denied:
            client.meta.events.register(f"before-call.{service}.{operation}", _deny)
        return client

    ctx = CallContext(factory, ACCOUNT, REGION, autoscaling.OPERATIONS)
    return autoscaling.parse(autoscaling.fetch(ctx), ACCOUNT, REGION), ctx


def snapshot_of(out: Collected, ctx: CallContext | None = None) -> Snapshot:
    return Snapshot(source=Source(kind="aws"), resources=out.resources, relations=out.relations,
                    coverage=ctx.gaps if ctx else [])


def by_name(snapshot: Snapshot) -> dict[str, Resource]:
    return {r.name or r.uid: r for r in snapshot.resources}


def edges(snapshot: Snapshot, kind: str) -> set[tuple[str, str]]:
    return {(r.src, r.dst) for r in snapshot.relations if r.kind == kind}


def subnet_arn(subnet_id: str) -> str:
    return ec2_arn(ACCOUNT, REGION, "subnet", subnet_id)


def build_groups(clients: dict[str, Any]) -> dict[str, str]:
    """A web group over two AZs behind a target group and a classic ELB, with two policies; a bare group."""
    ec2 = clients["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="web-template",
                               LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})
    tg = clients["elbv2"].create_target_group(Name="web", Protocol="HTTP", Port=80,
                                              VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    clients["elb"].create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=["us-east-1a"], Listeners=[
        {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    scaling = clients["autoscaling"]
    scaling.create_auto_scaling_group(
        AutoScalingGroupName="web", LaunchTemplate={"LaunchTemplateName": "web-template"}, MinSize=2, MaxSize=6,
        DesiredCapacity=3, VPCZoneIdentifier=f"{a},{b}", TargetGroupARNs=[tg], LoadBalancerNames=["legacy"],
        HealthCheckType="ELB", HealthCheckGracePeriod=120,
        Tags=[{"Key": "team", "Value": "web", "PropagateAtLaunch": True}])
    scaling.create_auto_scaling_group(AutoScalingGroupName="bare", MinSize=1, MaxSize=1, VPCZoneIdentifier=a,
                                      LaunchTemplate={"LaunchTemplateName": "web-template"})
    scaling.put_scaling_policy(
        AutoScalingGroupName="web", PolicyName="cpu70", PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={"PredefinedMetricSpecification": {
            "PredefinedMetricType": "ASGAverageCPUUtilization"}, "TargetValue": 70})
    scaling.put_scaling_policy(AutoScalingGroupName="web", PolicyName="step-up", PolicyType="StepScaling",
                               AdjustmentType="ChangeInCapacity",
                               StepAdjustments=[{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}])
    return {"vpc": vpc, "a": a, "b": b, "tg": tg}


def test_groups_policies_and_relations(clients: dict[str, Any]) -> None:
    ids = build_groups(clients)
    out, ctx = collect()
    snap = snapshot_of(out, ctx)
    assert ctx.gaps == []
    resources = by_name(snap)

    web = resources["web"]
    assert web.type == "aws.autoscaling.group"
    assert web.uid.startswith(f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:")
    assert (web.account, web.region) == (ACCOUNT, REGION)
    expected = {"min_size": 2, "max_size": 6, "desired_capacity": 3, "health_check_type": "ELB",
                "health_check_grace_period_seconds": 120, "availability_zones": ["us-east-1a", "us-east-1b"],
                "tags": {"team": "web"}}
    assert {k: web.attributes[k] for k in expected} == expected
    assert {dst for src, dst in edges(snap, "in_subnet") if src == web.uid} == {subnet_arn(ids["a"]),
                                                                                subnet_arn(ids["b"])}
    assert (ids["tg"], web.uid) in edges(snap, "targets")
    assert (classic_elb_arn(ACCOUNT, REGION, "legacy"), web.uid) in edges(snap, "targets")

    bare = resources["bare"].attributes
    assert (bare["min_size"], bare["max_size"], bare["desired_capacity"]) == (1, 1, 1)  # desired defaults to min
    assert bare["health_check_type"] == "EC2"  # AWS default
    assert not any(dst == resources["bare"].uid for _, dst in edges(snap, "targets"))

    cpu = resources["cpu70"]
    assert cpu.type == "aws.autoscaling.policy"
    assert cpu.attributes["policy_type"] == "TargetTrackingScaling"
    assert cpu.attributes["predefined_metric_type"] == "ASGAverageCPUUtilization"
    assert cpu.attributes["target_value"] == 70.0
    step = resources["step-up"].attributes
    assert (step["policy_type"], step["predefined_metric_type"], step["target_value"]) == ("StepScaling", None, None)
    assert edges(snap, "scales") == {(cpu.uid, web.uid), (resources["step-up"].uid, web.uid)}


def test_group_zones_join_the_ec2_subnets(clients: dict[str, Any]) -> None:
    build_groups(clients)
    out, _ = collect()
    ec2_ctx = CallContext(lambda s: boto3.client(s, region_name=REGION), ACCOUNT, REGION, ec2_collector.OPERATIONS)
    out.extend(ec2_collector.parse(ec2_collector.fetch(ec2_ctx), ACCOUNT, REGION))
    snap = snapshot_of(out)
    graph = build_graph(snap)
    assert graph.derived[by_name(snap)["bare"].uid]["availability_zones"] == ["us-east-1a"]
    assert graph.derived[by_name(snap)["web"].uid]["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_denied_group_listing_leaves_policy_edges_unknown(clients: dict[str, Any]) -> None:
    build_groups(clients)
    out, ctx = collect(denied=("DescribeAutoScalingGroups",))
    assert [(g.service, g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("autoscaling", "DescribeAutoScalingGroups", "AccessDenied", ["aws.autoscaling.group"])]
    snap = snapshot_of(out, ctx)
    assert {r.type for r in snap.resources} == {"aws.autoscaling.policy"}
    assert all(r.unknown_relations == {"scales": "DescribeAutoScalingGroups: AccessDenied"} for r in snap.resources)
    assert snap.relations == []


def test_denied_policy_listing_records_a_gap(clients: dict[str, Any]) -> None:
    build_groups(clients)
    out, ctx = collect(denied=("DescribePolicies",))
    assert [(g.operation, g.resource_types) for g in ctx.gaps] == [("DescribePolicies", ["aws.autoscaling.policy"])]
    assert {r.type for r in out.resources} == {"aws.autoscaling.group"}


def test_recorded_traffic_sources_and_orphan_policy() -> None:
    """moto does not serve TrafficSources (AttachTrafficSources): recorded AWS response shapes."""
    raw = json.loads((DATA / "net_autoscaling_raw.json").read_text())
    snap = snapshot_of(autoscaling.parse(raw, ACCOUNT, REGION))
    group = by_name(snap)["api"]
    tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0abc"
    sources = {src for src, dst in edges(snap, "targets") if dst == group.uid}
    assert sources == {tg, classic_elb_arn(ACCOUNT, REGION, "old-lb")}  # TargetGroupARNs and TrafficSources merged
    assert group.attributes["health_check_grace_period_seconds"] == 0  # omitted: AWS default
    assert {dst for src, dst in edges(snap, "in_subnet")} == {subnet_arn("subnet-0a"), subnet_arn("subnet-0b")}
    assert group.attributes["desired_capacity"] == 4
    orphan = by_name(snap)["gone-policy"]
    assert orphan.unknown_relations == {"scales": "Auto Scaling group 'deleted-group' not found"}
    memory = by_name(snap)["mem80"].attributes
    assert (memory["predefined_metric_type"], memory["target_value"]) == (None, 80.0)  # customised metric


def test_operation_keys_name_their_service() -> None:
    assert set(autoscaling.OPERATIONS) == {"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribePolicies"}
