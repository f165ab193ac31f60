"""Target health from the ELB collector (moto), joined with EC2, decides lb-targets-in-every-az: pass, fail, unknown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from scanner.collectors import ec2 as ec2_collector
from scanner.collectors import elb
from scanner.collectors.base import CallContext, Collected
from scanner.graph import build_graph
from scanner.model import Snapshot, Source
from scanner.policy import evaluate, load_pack

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


def _seed() -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = {zone: ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")["Subnet"]
               ["SubnetId"] for zone, cidr in (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24"))}
    instances = {zone: ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)
                 ["Instances"][0]["InstanceId"] for zone, subnet in subnets.items()}

    def balancer(name: str, target_type: str, targets: list[dict[str, Any]]) -> str:
        lb = elbv2.create_load_balancer(Name=name, Subnets=list(subnets.values()))["LoadBalancers"][0]
        group = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc,
                                          TargetType=target_type)["TargetGroups"][0]["TargetGroupArn"]
        elbv2.register_targets(TargetGroupArn=group, Targets=targets)
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
        return lb["LoadBalancerArn"]

    return {
        "spread": balancer("spread", "instance", [{"Id": instances["a"]}, {"Id": instances["b"]}]),
        "one-zone": balancer("one-zone", "instance", [{"Id": instances["a"]}]),
        # ip targets: moto reports no zone, so the graph places them by the subnet holding the address
        "fargate": balancer("fargate", "ip", [{"Id": "10.0.1.20"}, {"Id": "10.0.2.20"}]),
    }


def _deny_target_health(model: Any, **_: Any) -> None:
    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorised"}}, model.name)


def _scan(deny_target_health: bool = False) -> Snapshot:
    def factory(service: str) -> Any:
        client = boto3.client(service, region_name=REGION)
        if deny_target_health and service == "elbv2":
            client.meta.events.register("before-call.elbv2.DescribeTargetHealth", _deny_target_health)
        return client

    out = Collected()
    for module in (ec2_collector, elb):
        ctx = CallContext(factory, ACCOUNT, REGION, module.OPERATIONS)
        out.extend(module.parse(module.fetch(ctx), ACCOUNT, REGION))
    return Snapshot(source=Source(kind="aws"), resources=out.resources, relations=out.relations)


def _verdicts(snapshot: Snapshot) -> dict[str, Any]:
    findings = evaluate(load_pack(), build_graph(snapshot), only={"lb-targets-in-every-az"})
    return {f.resource_uid: f for f in findings}


@pytest.fixture(scope="module")
def scanned() -> Iterator[tuple[dict[str, str], Snapshot, Snapshot]]:
    """One moto account seeded once: (load balancer arns, a scan, a scan denied DescribeTargetHealth)."""
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.setenv(name, "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.delenv("AWS_PROFILE", raising=False)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            ids = _seed()
            yield ids, _scan(), _scan(deny_target_health=True)


def test_target_health_places_targets_in_zones(scanned: tuple[dict[str, str], Snapshot, Snapshot]) -> None:
    ids, snapshot, _ = scanned
    groups = {r.name: r for r in snapshot.resources if r.type == "aws.elbv2.target_group"}
    assert [e["state"] for e in groups["spread"].attributes["target_health"]] == ["healthy", "healthy"]
    assert {e["target"] for e in groups["fargate"].attributes["target_health"]} == {"10.0.1.20", "10.0.2.20"}
    findings = _verdicts(snapshot)
    assert findings[ids["spread"]].status.value == "pass"
    assert findings[ids["fargate"]].status.value == "pass"
    one_zone = findings[ids["one-zone"]]
    assert one_zone.status.value == "fail"
    assert "['us-east-1b']" in one_zone.message
    iac = Snapshot(source=Source(kind="cloudformation"), resources=snapshot.resources, relations=snapshot.relations)
    assert _verdicts(iac) == {}  # live only: not evaluated on IaC sources


def test_unread_target_health_is_unknown_never_pass(scanned: tuple[dict[str, str], Snapshot, Snapshot]) -> None:
    ids, _, denied = scanned
    findings = _verdicts(denied)
    assert {findings[uid].status.value for uid in ids.values()} == {"unknown"}
    assert "DescribeTargetHealth: AccessDenied" in findings[ids["spread"]].message
