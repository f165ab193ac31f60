"""The ELB collector (ELBv2 and classic) against moto, plus recorded responses where moto falls short."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from scanner.collectors import ec2 as ec2_collector
from scanner.collectors import elb
from scanner.collectors.base import CallContext, Collected
from scanner.collectors.ec2 import ec2_arn
from scanner.graph import build_graph
from scanner.model import Resource, Snapshot, Source

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
DATA = Path(__file__).parent / "data"


@pytest.fixture
def clients(aws: None) -> dict[str, Any]:
    """Moto-backed ec2, elbv2 and elb clients (the ``aws`` fixture gives fake credentials and moto)."""
    return {name: boto3.client(name, region_name=REGION) for name in ("ec2", "elbv2", "elb")}


def _deny(model: Any, **_: Any) -> None:
    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorised"}}, model.name)


def collect(denied: tuple[str, ...] = (), seen: list[str] | None = None) -> tuple[Collected, CallContext]:
    """fetch + parse through a real CallContext; ``denied`` holds ``service:Operation`` names to refuse."""

    def factory(service: str) -> Any:
        client = boto3.client(service, region_name=REGION)
        for name in denied:
            denied_service, operation = name.split(":")
            if denied_service == service:
                client.meta.events.register(f"before-call.{service}.{operation}", _deny)
        if seen is not None:
            client.meta.events.register("before-call", lambda model, **_: seen.append(f"{service}:{model.name}"))
        return client

    ctx = CallContext(factory, ACCOUNT, REGION, elb.OPERATIONS)
    return elb.parse(elb.fetch(ctx), ACCOUNT, REGION), ctx


def snapshot_of(out: Collected, ctx: CallContext | None = None) -> Snapshot:
    return Snapshot(source=Source(kind="aws"), resources=out.resources, relations=out.relations,
                    coverage=ctx.gaps if ctx else [])


def by_uid(snapshot: Snapshot) -> dict[str, Resource]:
    return {r.uid: r for r in snapshot.resources}


def edges(snapshot: Snapshot, kind: str) -> set[tuple[str, str]]:
    return {(r.src, r.dst) for r in snapshot.relations if r.kind == kind}


def arn(kind: str, resource_id: str) -> str:
    return ec2_arn(ACCOUNT, REGION, kind, resource_id)


def build_network(ec2: Any) -> dict[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "a": a, "b": b, "sg": sg}


def build_elbv2(clients: dict[str, Any]) -> dict[str, str]:
    """An internal ALB over two AZs forwarding to an instance target group, and an NLB with cross-zone on."""
    ec2, elbv2 = clients["ec2"], clients["elbv2"]
    net = build_network(ec2)
    alb = elbv2.create_load_balancer(Name="web", Subnets=[net["a"], net["b"]], SecurityGroups=[net["sg"]],
                                     Scheme="internal", Tags=[{"Key": "team", "Value": "web"}])
    alb_arn = alb["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=alb_arn, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "true"}, {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "alb-logs"}])
    nlb_arn = elbv2.create_load_balancer(Name="tcp", Subnets=[net["a"], net["b"]],
                                         Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=nlb_arn, Attributes=[
        {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    plain_nlb = elbv2.create_load_balancer(Name="plain", Subnets=[net["a"]],
                                           Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
    tg_arn = elbv2.create_target_group(
        Name="web", Protocol="HTTP", Port=8080, VpcId=net["vpc"], HealthCheckPath="/healthz",
        HealthCheckIntervalSeconds=10, HealthyThresholdCount=3, UnhealthyThresholdCount=4,
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(TargetGroupArn=tg_arn, Attributes=[
        {"Key": "stickiness.enabled", "Value": "true"}, {"Key": "stickiness.type", "Value": "app_cookie"},
        {"Key": "stickiness.app_cookie.cookie_name", "Value": "SESSION"},
        {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}])
    elbv2.create_listener(LoadBalancerArn=alb_arn, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                 SubnetId=net["a"])["Instances"][0]["InstanceId"]
    elbv2.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": instance}])
    ip_tg = elbv2.create_target_group(Name="ips", Protocol="TCP", Port=443, VpcId=net["vpc"],
                                      TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    return {**net, "alb": alb_arn, "nlb": nlb_arn, "plain_nlb": plain_nlb, "tg": tg_arn, "ip_tg": ip_tg,
            "instance": instance}


def test_elbv2_load_balancers_and_target_groups(clients: dict[str, Any]) -> None:
    ids = build_elbv2(clients)
    seen: list[str] = []
    out, ctx = collect(seen=seen)
    snap = snapshot_of(out, ctx)
    resources = by_uid(snap)
    assert ctx.gaps == []

    alb = resources[ids["alb"]]
    assert (alb.type, alb.name, alb.account, alb.region) == ("aws.elbv2.load_balancer", "web", ACCOUNT, REGION)
    assert alb.attributes["lb_type"] == "application"
    assert alb.attributes["scheme"] == "internal"
    assert alb.attributes["availability_zones"] == ["us-east-1a", "us-east-1b"]
    assert alb.attributes["deletion_protection"] is True
    assert alb.attributes["access_logs_enabled"] is True
    # moto reports cross-zone false for ALBs; AWS keeps it always on at the ALB level.
    assert alb.attributes["cross_zone_enabled"] is True
    assert alb.attributes["tags"] == {"team": "web"}
    assert {dst for src, dst in edges(snap, "in_subnet") if src == alb.uid} == {arn("subnet", ids["a"]),
                                                                                 arn("subnet", ids["b"])}
    assert (alb.uid, arn("security-group", ids["sg"])) in edges(snap, "uses_security_group")
    assert (alb.uid, arn("vpc", ids["vpc"])) in edges(snap, "in_vpc")

    nlb = resources[ids["nlb"]].attributes
    assert (nlb["lb_type"], nlb["scheme"], nlb["cross_zone_enabled"]) == ("network", "internet-facing", True)
    plain = resources[ids["plain_nlb"]].attributes
    assert (plain["cross_zone_enabled"], plain["deletion_protection"], plain["access_logs_enabled"]) == (
        False, False, False)  # AWS defaults

    tg = resources[ids["tg"]]
    assert tg.name == "web"
    expected = {"protocol": "HTTP", "port": 8080, "target_type": "instance", "health_check_enabled": True,
                "health_check_protocol": "HTTP", "health_check_path": "/healthz",
                "health_check_interval_seconds": 10, "healthy_threshold": 3, "unhealthy_threshold": 4,
                "stickiness_enabled": True, "stickiness_type": "app_cookie", "deregistration_delay_seconds": 30}
    assert {k: tg.attributes[k] for k in expected} == expected
    assert (ids["alb"], ids["tg"]) in edges(snap, "targets")
    assert (ids["tg"], arn("instance", ids["instance"])) in edges(snap, "targets")
    assert (ids["tg"], arn("vpc", ids["vpc"])) in edges(snap, "in_vpc")
    # Target health is read for instance and ip target groups; tags in one batch for all five resources.
    assert seen.count("elbv2:DescribeTargetHealth") == 2
    assert seen.count("elbv2:DescribeTags") == 1

    # Joined with the EC2 collector's subnets, the graph derives the load balancer's zones.
    ec2_ctx = CallContext(lambda s: boto3.client(s, region_name=REGION), ACCOUNT, REGION, ec2_collector.OPERATIONS)
    out.extend(ec2_collector.parse(ec2_collector.fetch(ec2_ctx), ACCOUNT, REGION))
    graph = build_graph(snapshot_of(out))
    assert graph.derived[ids["plain_nlb"]]["availability_zones"] == ["us-east-1a"]
    assert graph.derived[ids["alb"]]["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_tags_are_read_twenty_resources_per_call(clients: dict[str, Any]) -> None:
    vpc = clients["ec2"].create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    for n in range(23):
        clients["elbv2"].create_target_group(Name=f"tg-{n}", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip",
                                             Tags=[{"Key": "n", "Value": str(n)}])
    seen: list[str] = []
    out, _ = collect(seen=seen)
    assert seen.count("elbv2:DescribeTags") == 2
    assert sorted(int(r.attributes["tags"]["n"]) for r in out.resources) == list(range(23))


def test_classic_load_balancer(clients: dict[str, Any]) -> None:
    ec2, classic = clients["ec2"], clients["elb"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    classic.create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=["us-east-1a", "us-east-1c"],
                                 Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
                                 Tags=[{"Key": "Name", "Value": "legacy-lb"}])
    classic.modify_load_balancer_attributes(LoadBalancerName="legacy", LoadBalancerAttributes={
        "CrossZoneLoadBalancing": {"Enabled": True}, "ConnectionDraining": {"Enabled": True, "Timeout": 60}})
    classic.register_instances_with_load_balancer(LoadBalancerName="legacy", Instances=[{"InstanceId": instance}])
    classic.create_load_balancer(LoadBalancerName="bare", AvailabilityZones=["us-east-1a"],
                                 Listeners=[{"Protocol": "TCP", "LoadBalancerPort": 443, "InstancePort": 443}])
    out, ctx = collect()
    snap = snapshot_of(out, ctx)
    resources = by_uid(snap)
    legacy = resources[elb.classic_elb_arn(ACCOUNT, REGION, "legacy")]
    assert legacy.uid == f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/legacy"
    assert (legacy.type, legacy.name) == ("aws.elb.load_balancer", "legacy")
    assert legacy.attributes["availability_zones"] == ["us-east-1a", "us-east-1c"]
    assert legacy.attributes["scheme"] == "internet-facing"
    assert (legacy.attributes["cross_zone_enabled"], legacy.attributes["connection_draining"]) == (True, True)
    assert legacy.attributes["tags"] == {"Name": "legacy-lb"}
    assert (legacy.uid, arn("instance", instance)) in edges(snap, "targets")
    bare = resources[elb.classic_elb_arn(ACCOUNT, REGION, "bare")].attributes
    assert (bare["cross_zone_enabled"], bare["connection_draining"]) == (False, False)


def test_recorded_classic_load_balancer_in_subnets() -> None:
    """moto reports no AvailabilityZones for a classic ELB created in subnets: recorded AWS response."""
    raw = json.loads((DATA / "net_elb_raw.json").read_text())
    snap = snapshot_of(elb.parse(raw, ACCOUNT, REGION))
    lb = by_uid(snap)[elb.classic_elb_arn(ACCOUNT, REGION, "vpc-classic")]
    assert lb.attributes["availability_zones"] == ["us-east-1a", "us-east-1b"]
    assert lb.attributes["scheme"] == "internal"
    assert lb.attributes["cross_zone_enabled"] is True
    assert {dst for src, dst in edges(snap, "in_subnet") if src == lb.uid} == {
        arn("subnet", "subnet-0a"), arn("subnet", "subnet-0b")}
    assert (lb.uid, arn("security-group", "sg-0clb")) in edges(snap, "uses_security_group")
    gwlb = by_uid(snap)["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/fw/0abc"]
    assert gwlb.attributes["lb_type"] == "gateway"
    assert gwlb.attributes["cross_zone_enabled"] is False  # attribute absent: AWS default for GWLB
    assert "scheme" in gwlb.attributes


def test_denied_listing_records_gaps(clients: dict[str, Any]) -> None:
    ids = build_elbv2(clients)
    out, ctx = collect(denied=("elbv2:DescribeTargetGroups", "elb:DescribeLoadBalancers"))
    assert sorted((g.service, g.operation, g.error, tuple(g.resource_types)) for g in ctx.gaps) == [
        ("elb", "DescribeLoadBalancers", "AccessDenied", ("aws.elb.load_balancer",)),
        ("elbv2", "DescribeTargetGroups", "AccessDenied", ("aws.elbv2.target_group",)),
    ]
    snap = snapshot_of(out, ctx)
    resources = by_uid(snap)
    assert ids["tg"] not in resources
    alb = resources[ids["alb"]]
    assert alb.unknown_relations == {"targets": "DescribeTargetGroups: AccessDenied"}
    assert alb.attributes["deletion_protection"] is True


def test_denied_per_resource_calls_mark_attributes_unknown(clients: dict[str, Any]) -> None:
    ids = build_elbv2(clients)
    denied = ("elbv2:DescribeLoadBalancerAttributes", "elbv2:DescribeTargetGroupAttributes",
              "elbv2:DescribeTargetHealth", "elbv2:DescribeTags")
    out, ctx = collect(denied=denied)
    assert ctx.gaps == []  # per-resource failures are not type-wide gaps
    snap = snapshot_of(out, ctx)
    resources = by_uid(snap)
    nlb = resources[ids["nlb"]]
    assert nlb.unknown == {"cross_zone_enabled": "DescribeLoadBalancerAttributes: AccessDenied",
                           "deletion_protection": "DescribeLoadBalancerAttributes: AccessDenied",
                           "access_logs_enabled": "DescribeLoadBalancerAttributes: AccessDenied",
                           "tags": "DescribeTags: AccessDenied"}
    assert not {"cross_zone_enabled", "deletion_protection", "access_logs_enabled", "tags"} & set(
        nlb.attributes)  # never defaulted
    alb = resources[ids["alb"]]
    assert alb.attributes["cross_zone_enabled"] is True  # known for an ALB without the call
    assert "deletion_protection" in alb.unknown
    tg = resources[ids["tg"]]
    assert set(tg.unknown) == {"stickiness_enabled", "stickiness_type", "stickiness_duration_seconds",
                               "deregistration_delay_seconds", "tags", "target_health"}
    assert "stickiness_enabled" not in tg.attributes
    assert tg.attributes["health_check_path"] == "/healthz"
    assert tg.unknown_relations == {"targets": "DescribeTargetHealth: AccessDenied"}
    assert not any(src == ids["tg"] for src, _ in edges(snap, "targets"))


def test_operation_keys_name_their_service() -> None:
    services = {key.split(":")[0] for key in elb.OPERATIONS}
    assert services == {"elbv2", "elb"}
