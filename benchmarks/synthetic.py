"""A synthetic snapshot of ``n`` resources with realistic relations, for benchmarks.

The snapshot is made of identical-shaped VPC "stacks" (three AZs, six subnets, routing, gateways,
security groups, a web tier, a database tier, a cache and tables); attribute values vary with a
seeded random generator so policies see a mix of passing and failing resources. Size grows linearly:
``n // STACK_SIZE`` stacks, topped up with DynamoDB tables to exactly ``n`` resources.
"""

from __future__ import annotations

import random
from typing import Any

from scanner.model import SNAPSHOT_SCHEMA

ACCOUNT = "111122223333"
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
AZ_SUFFIXES = ("a", "b", "c")


class _Stack:
    """Resources and relations of one VPC stack; ``add`` returns the new uid."""

    def __init__(self, index: int, region: str, rng: random.Random,
                 resources: list[dict[str, Any]], relations: list[dict[str, Any]]) -> None:
        self.index = index
        self.region = region
        self.rng = rng
        self.resources = resources
        self.relations = relations

    def add(self, service: str, kind: str, type_name: str, name: str, attributes: dict[str, Any]) -> str:
        uid = f"arn:aws:{service}:{self.region}:{ACCOUNT}:{kind}{name}"
        self.resources.append({"uid": uid, "type": type_name, "name": name, "account": ACCOUNT,
                               "region": self.region, "attributes": attributes})
        return uid

    def relate(self, src: str, kind: str, dst: str) -> None:
        self.relations.append({"src": src, "kind": kind, "dst": dst})

    def build(self) -> None:
        """Emit the stack (STACK_SIZE resources)."""
        i, rng = self.index, self.rng
        zones = [f"{self.region}{s}" for s in AZ_SUFFIXES]
        vpc = self.add("ec2", "vpc/", "aws.ec2.vpc", f"vpc-{i:08x}", {"cidr_block": "10.0.0.0/16"})
        igw = self.add("ec2", "internet-gateway/", "aws.ec2.internet_gateway", f"igw-{i:08x}", {})
        self.relate(igw, "attached_to", vpc)
        public_rt = self.add("ec2", "route-table/", "aws.ec2.route_table", f"rtb-{i:08x}p", {
            "routes": [{"destination": "0.0.0.0/0", "target_type": "internet_gateway", "target": igw}]})
        self.relate(public_rt, "in_vpc", vpc)
        public, private = [], []
        for z, zone in enumerate(zones):
            for tier, subnets in (("pub", public), ("prv", private)):
                subnet = self.add("ec2", "subnet/", "aws.ec2.subnet", f"subnet-{i:08x}{tier}{z}", {
                    "availability_zone": zone, "cidr_block": f"10.0.{z * 2 + (tier == 'prv')}.0/24",
                    "map_public_ip_on_launch": tier == "pub" and rng.random() < 0.3})
                self.relate(subnet, "in_vpc", vpc)
                subnets.append(subnet)
            self.relate(public[z], "uses_route_table", public_rt)
        for z in range(len(zones)):
            nat = self.add("ec2", "natgateway/", "aws.ec2.nat_gateway", f"nat-{i:08x}{z}", {"state": "available"})
            self.relate(nat, "in_subnet", public[z])
            first_nat = f"arn:aws:ec2:{self.region}:{ACCOUNT}:natgateway/nat-{i:08x}0"
            nat_for_table = nat if rng.random() < 0.9 else first_nat
            table = self.add("ec2", "route-table/", "aws.ec2.route_table", f"rtb-{i:08x}{z}", {
                "main": z == 0,
                "routes": [{"destination": "0.0.0.0/0", "target_type": "nat_gateway", "target": nat_for_table}]})
            self.relate(table, "in_vpc", vpc)
            if z > 0:
                self.relate(private[z], "uses_route_table", table)
        open_world = rng.random() < 0.1
        sgs = {}
        for role, port, peer in (("alb", 443, {"cidr": "0.0.0.0/0"}), ("app", 8080, None),
                                 ("db", 5432, None)):
            rule_peer = peer or {"source_security_group": f"sg-{i:08x}alb"}
            if role == "db" and open_world:
                rule_peer = {"cidr": "0.0.0.0/0"}
            sg = self.add("ec2", "security-group/", "aws.ec2.security_group", f"sg-{i:08x}{role}", {
                "group_name": f"{role}-{i}",
                "ingress": [{"protocol": "tcp", "from_port": port, "to_port": port, **rule_peer}],
                "egress": [{"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": "0.0.0.0/0"}]})
            self.relate(sg, "in_vpc", vpc)
            sgs[role] = sg
        alb = self.add("elasticloadbalancing", "loadbalancer/app/", "aws.elbv2.load_balancer", f"web-{i}", {
            "scheme": "internet-facing", "cross_zone_enabled": True})
        for subnet in public[: 3 if rng.random() < 0.9 else 1]:
            self.relate(alb, "in_subnet", subnet)
        self.relate(alb, "uses_security_group", sgs["alb"])
        tg = self.add("elasticloadbalancing", "targetgroup/", "aws.elbv2.target_group", f"web-{i}", {
            "protocol": "HTTP", "port": 8080, "health_check_path": "/healthz"})
        asg = self.add("autoscaling", "autoScalingGroup:", "aws.autoscaling.group", f"web-{i}", {
            "min_size": 2, "max_size": 8, "health_check_type": "ELB"})
        for subnet in private[: 3 if rng.random() < 0.85 else 1]:
            self.relate(asg, "in_subnet", subnet)
        self.relate(alb, "targets", tg)
        self.relate(tg, "targets", asg)
        scaling = self.add("autoscaling", "scalingPolicy:", "aws.autoscaling.policy", f"web-{i}-cpu", {
            "policy_type": "TargetTrackingScaling", "predefined_metric_type": "ASGAverageCPUUtilization",
            "target_value": 70.0})
        self.relate(scaling, "scales", asg)
        dbsg = self.add("rds", "subgrp:", "aws.rds.db_subnet_group", f"db-{i}", {})
        for subnet in private:
            self.relate(dbsg, "in_subnet", subnet)
        db = self.add("rds", "db:", "aws.rds.db_instance", f"db-{i}", {
            "engine": "postgres", "multi_az": rng.random() < 0.8, "availability_zone": zones[0],
            "backup_retention_days": rng.choice((1, 7, 14, 35)), "storage_encrypted": True,
            "publicly_accessible": rng.random() < 0.05})
        self.relate(db, "in_subnet_group", dbsg)
        self.relate(db, "uses_security_group", sgs["db"])
        replica = self.add("rds", "db:", "aws.rds.db_instance", f"db-{i}-replica", {
            "engine": "postgres", "availability_zone": zones[1], "is_read_replica": True,
            "backup_retention_days": 0})
        self.relate(replica, "replica_of", db)
        self.relate(replica, "in_subnet_group", dbsg)
        cache_group = self.add("elasticache", "subnetgroup:", "aws.elasticache.subnet_group", f"cache-{i}", {})
        for subnet in private:
            self.relate(cache_group, "in_subnet", subnet)
        failover = rng.random() < 0.8
        cache = self.add("elasticache", "replicationgroup:", "aws.elasticache.replication_group", f"cache-{i}", {
            "multi_az": failover, "automatic_failover": failover,
            "node_groups": [{"id": "0001", "primary_availability_zone": zones[0], "members": [
                {"cluster_id": f"cache-{i}-001", "availability_zone": zones[0], "role": "primary"},
                {"cluster_id": f"cache-{i}-002", "availability_zone": zones[1 if failover else 0],
                 "role": "replica"}]}]})
        self.relate(cache, "in_subnet_group", cache_group)
        for n, pitr in enumerate((True, rng.random() < 0.7)):
            self.add("dynamodb", "table/", "aws.dynamodb.table", f"table-{i}-{n}", {
                "billing_mode": "PAY_PER_REQUEST", "pitr_enabled": pitr})
        self.add("s3", "", "aws.s3.bucket", f"assets-{i}", {"versioning": "Enabled"})
        alarm = self.add("cloudwatch", "alarm:", "aws.cloudwatch.alarm", f"web-{i}-5xx", {
            "namespace": "AWS/ApplicationELB", "metric_name": "HTTPCode_Target_5XX_Count", "threshold": 10.0,
            "comparison_operator": "GreaterThanThreshold", "statistic": "Sum", "period_seconds": 60,
            "evaluation_periods": 3})
        self.relate(alarm, "alarms_on", alb)


STACK_SIZE = 31
"""Resources per VPC stack (kept in step with ``_Stack.build``)."""


def synthetic_snapshot(n: int, seed: int = 0) -> dict[str, Any]:
    """Snapshot JSON of exactly ``n`` resources (``n >= 0``) in ``n // STACK_SIZE`` VPC stacks."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    resources: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    stacks = n // STACK_SIZE
    for index in range(stacks):
        _Stack(index, REGIONS[index % len(REGIONS)], rng, resources, relations).build()
    filler = _Stack(stacks, REGIONS[0], rng, resources, relations)
    for extra in range(n - len(resources)):
        filler.add("dynamodb", "table/", "aws.dynamodb.table", f"extra-{extra}", {"pitr_enabled": extra % 2 == 0})
    return {"schema": SNAPSHOT_SCHEMA,
            "source": {"kind": "synthetic", "accounts": [ACCOUNT], "regions": list(REGIONS)},
            "resources": resources, "relations": relations}
