"""The example's networks: the production VPC in us-east-1 and the DR VPC in us-west-2."""

from __future__ import annotations

from .builder import (
    ALL_TRAFFIC,
    DR,
    PRIMARY,
    WORLD_V4,
    WORLD_V6,
    Network,
    SnapshotBuilder,
    public_and_private,
    route_table,
    security_group,
    subnet,
    tcp,
    vpc,
)
from .violations import violation


def production(b: SnapshotBuilder) -> Network:
    """The us-east-1 VPC: subnets in three AZs, gateways, routing and security groups."""
    net = vpc(b, PRIMARY, "prod-vpc", "10.0.0.0/16")
    igw, nats = public_and_private(b, net, "abc", 0, tags={
        "private-c": violation("private-c", "its route table private-rt-c sends AZ c egress through the NAT "
                                            "gateway in AZ a."),
        "nat-a": violation("nat-a", "it also carries AZ c's egress (see private-c), so losing AZ a cuts AZ c off.")})
    for index, zone in enumerate("abc"):
        subnet(b, net, f"data-{zone}", zone, f"10.0.{20 + index}.0/24")
    subnet(b, net, "legacy-public-c", "c", "10.0.3.0/24", public_ip=True, tags=violation(
        "legacy-public-c", "instances launched here get a public IPv4 address automatically."))
    route_table(b, net, "public-rt", "internet_gateway", igw, ["public-a", "public-b", "public-c", "legacy-public-c"])
    route_table(b, net, "private-rt-a", "nat_gateway", nats["a"], ["private-a"])
    route_table(b, net, "private-rt-b", "nat_gateway", nats["b"], ["private-b"])
    route_table(b, net, "private-rt-c", "nat_gateway", nats["a"], ["private-c"],
                tags={"Description": "Misrouted: should target nat-c (AZ c); see subnet private-c."})
    # The data subnets keep the VPC's main route table (no default route): isolated.
    alb_sg = security_group(b, net, "alb-sg", [tcp(443, cidr=WORLD_V4), tcp(443, cidr=WORLD_V6)])
    app_sg = security_group(b, net, "app-sg", [tcp(8080, source_security_group=alb_sg)])
    security_group(b, net, "db-sg", [tcp(5432, source_security_group=app_sg)])
    security_group(b, net, "cache-sg", [tcp(6379, source_security_group=app_sg)])
    security_group(b, net, "legacy-admin", [
        tcp(5432, cidr=WORLD_V4, description="temporary DBA access"),
        tcp(6379, cidr=WORLD_V4, description="redis-cli from laptops"),
        {**ALL_TRAFFIC, "cidr": WORLD_V6, "description": "allow all IPv6"},
    ], tags=violation("legacy-admin", "Postgres 5432 and Redis 6379 open to 0.0.0.0/0, all traffic from ::/0."))
    return net


def disaster_recovery(b: SnapshotBuilder) -> Network:
    """The us-west-2 warm-standby VPC: public and private subnets in two AZs with a NAT each, data subnets."""
    net = vpc(b, DR, "dr-vpc", "10.1.0.0/16")
    igw, nats = public_and_private(b, net, "abc", 0, prefix="dr-")
    for index, zone in enumerate("abc"):
        subnet(b, net, f"dr-data-{zone}", zone, f"10.1.{20 + index}.0/24")
    route_table(b, net, "dr-public-rt", "internet_gateway", igw, ["dr-public-a", "dr-public-b", "dr-public-c"])
    for zone in "abc":
        route_table(b, net, f"dr-private-rt-{zone}", "nat_gateway", nats[zone], [f"dr-private-{zone}"])
    security_group(b, net, "dr-db-sg", [tcp(5432, cidr="10.1.8.0/21")])
    return net
