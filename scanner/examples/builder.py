"""The pieces the example snapshot is built from: a resource collector and small AWS-shaped helpers."""

from __future__ import annotations

import hashlib
from typing import Any

ACCOUNT = "111122223333"
PRIMARY = "us-east-1"
DR = "us-west-2"
WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"
ALL_TRAFFIC = {"protocol": "all", "from_port": 0, "to_port": 65535}
PAGER = "oncall-pager"


def hex_id(seed: str, length: int = 17) -> str:
    """A stable AWS-looking hexadecimal id derived from ``seed``."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def uuid(seed: str) -> str:
    """A stable UUID-shaped id derived from ``seed``."""
    h = hex_id(seed, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class SnapshotBuilder:
    """Collects resources and relations; each ``add`` returns the new resource's uid."""

    def __init__(self) -> None:
        self.resources: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []

    def add(self, uid: str, type_name: str, name: str, region: str, attributes: dict[str, Any],
            tags: dict[str, str] | None = None) -> str:
        """Add a resource (its ``Name`` tag is ``name``)."""
        self.resources.append({"uid": uid, "type": type_name, "name": name, "account": ACCOUNT, "region": region,
                               "attributes": {**attributes, "tags": {"Name": name, **(tags or {})}}})
        return uid

    def relate(self, src: str, kind: str, *dsts: str) -> None:
        """Add ``src -[kind]-> dst`` for each ``dst``."""
        self.relations.extend({"src": src, "kind": kind, "dst": dst} for dst in dsts)

    def ec2(self, region: str, kind: str, prefix: str, name: str, type_name: str, attributes: dict[str, Any],
            tags: dict[str, str] | None = None) -> str:
        """Add an EC2 resource with uid ``arn:aws:ec2:{region}:{account}:{kind}/{prefix}-{hex}``."""
        uid = f"arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{prefix}-{hex_id(region + name)}"
        return self.add(uid, type_name, name, region, attributes, tags)

    def alarm(self, region: str, name: str, on: str, attributes: dict[str, Any]) -> str:
        """An enabled CloudWatch alarm paging the on-call topic, alarming on resource ``on``."""
        topic = f"arn:aws:sns:{region}:{ACCOUNT}:{PAGER}"
        uid = self.add(f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{name}", "aws.cloudwatch.alarm", name, region,
                       {"statistic": "Maximum", "period_seconds": 60, "evaluation_periods": 3,
                        "comparison_operator": "GreaterThanThreshold", **attributes, "actions_enabled": True,
                        "alarm_actions": [topic]})
        self.relate(uid, "alarms_on", on)
        return uid


class Network:
    """One VPC's uids, by role."""

    def __init__(self, vpc: str, region: str) -> None:
        self.vpc = vpc
        self.region = region
        self.subnets: dict[str, str] = {}
        self.security_groups: dict[str, str] = {}


def vpc(b: SnapshotBuilder, region: str, name: str, cidr: str) -> Network:
    """A VPC and its main route table (only the local route: subnets left on it are isolated)."""
    net = Network(b.ec2(region, "vpc", "vpc", name, "aws.ec2.vpc", {"cidr_block": cidr}), region)
    main_table = b.ec2(region, "route-table", "rtb", f"{name}-main", "aws.ec2.route_table",
                       {"main": True, "routes": []})
    b.relate(main_table, "in_vpc", net.vpc)
    return net


def subnet(b: SnapshotBuilder, net: Network, name: str, zone: str, cidr: str, public_ip: bool = False,
           tags: dict[str, str] | None = None) -> str:
    """A subnet of ``net`` in AZ ``zone`` (a letter)."""
    attributes: dict[str, Any] = {"availability_zone": f"{net.region}{zone}", "cidr_block": cidr,
                                  "available_ip_count": 250}
    if public_ip:
        attributes["map_public_ip_on_launch"] = True
    uid = b.ec2(net.region, "subnet", "subnet", name, "aws.ec2.subnet", attributes, tags)
    b.relate(uid, "in_vpc", net.vpc)
    net.subnets[name] = uid
    return uid


def route_table(b: SnapshotBuilder, net: Network, name: str, target_type: str, target: str,
                subnets: list[str], tags: dict[str, str] | None = None) -> str:
    """A route table whose default route goes to ``target``, associated with ``subnets``."""
    uid = b.ec2(net.region, "route-table", "rtb", name, "aws.ec2.route_table",
                {"routes": [{"destination": WORLD_V4, "target_type": target_type, "target": target}]}, tags)
    b.relate(uid, "in_vpc", net.vpc)
    for name_ in subnets:
        b.relate(net.subnets[name_], "uses_route_table", uid)
    return uid


def security_group(b: SnapshotBuilder, net: Network, name: str, ingress: list[dict[str, Any]],
                   tags: dict[str, str] | None = None) -> str:
    """A security group of ``net`` with ``ingress`` and all egress."""
    uid = b.ec2(net.region, "security-group", "sg", name, "aws.ec2.security_group", {
        "group_name": name, "ingress": ingress, "egress": [{**ALL_TRAFFIC, "cidr": WORLD_V4}]}, tags)
    b.relate(uid, "in_vpc", net.vpc)
    net.security_groups[name] = uid
    return uid


def tcp(port: int, **peer: str) -> dict[str, Any]:
    """A TCP ingress rule on one port from ``peer`` (``cidr=`` or ``source_security_group=``)."""
    return {"protocol": "tcp", "from_port": port, "to_port": port, **peer}


def public_and_private(b: SnapshotBuilder, net: Network, zones: str, base: int, prefix: str = "",
                       tags: dict[str, dict[str, str]] | None = None) -> tuple[str, dict[str, str]]:
    """Public and private subnets per zone (``{prefix}public-{zone}``, ``{prefix}private-{zone}``), an
    internet gateway and a NAT gateway per AZ (``{prefix}nat-{zone}``); returns the IGW and NATs.

    ``tags`` gives extra tags by resource name."""
    tags = tags or {}
    igw = b.ec2(net.region, "internet-gateway", "igw", f"{prefix or 'prod-'}igw", "aws.ec2.internet_gateway", {})
    b.relate(igw, "attached_to", net.vpc)
    octet = 0 if net.region == PRIMARY else 1
    for index, zone in enumerate(zones):
        for name, third in ((f"{prefix}public-{zone}", base + index), (f"{prefix}private-{zone}", base + 10 + index)):
            subnet(b, net, name, zone, f"10.{octet}.{third}.0/24", tags=tags.get(name))
    nats: dict[str, str] = {}
    for zone in zones:
        name = f"{prefix}nat-{zone}"
        nats[zone] = b.ec2(net.region, "natgateway", "nat", name, "aws.ec2.nat_gateway", {"state": "available"},
                           tags.get(name))
        b.relate(nats[zone], "in_subnet", net.subnets[f"{prefix}public-{zone}"])
    return igw, nats
