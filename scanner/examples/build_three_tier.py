"""Builds the bundled example snapshot ``three_tier.json``: a three-tier web application.

Run ``python -m scanner.examples.build_three_tier`` to rewrite the JSON after changing this file.

The architecture (account 111122223333): in us-east-1 a VPC with public, private (app) and isolated
(data) subnets in three AZs; an internet gateway; a NAT gateway per AZ; an internet-facing ALB whose
target group (health check ``/healthz``) targets an Auto Scaling group in the private subnets with
CPU target tracking; a Multi-AZ Postgres ``orders-db`` with a cross-Region read replica in a DR VPC
in us-west-2; a Redis replication group with two shards; DynamoDB tables; S3 buckets; an AWS Backup
plan; CloudWatch alarms. A handful of deliberate violations, each tagged ``Description:
Deliberate violation (<policy id>): ...``, give the policies something to find (``VIOLATIONS``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from scanner.model import SNAPSHOT_SCHEMA, snapshot_from_json

ACCOUNT = "111122223333"
PRIMARY = "us-east-1"
DR = "us-west-2"
TAKEN_AT = "2026-01-15T06:00:00Z"
OUTPUT = Path(__file__).with_name("three_tier.json")
WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"
ALL_TRAFFIC = {"protocol": "all", "from_port": 0, "to_port": 65535}

VIOLATIONS: dict[str, str] = {
    "audit-log": "dynamodb-pitr",
    "reporting-db": "rds-instance-multi-az, rds-backup-retention, rds-not-publicly-accessible",
    "reporting-db-subnets": "data-tier-private-subnets",
    "legacy-admin": "sg-data-ports-not-open-to-world",
    "legacy-public-c": "subnet-no-auto-public-ip",
    "cache-sessions": "redis-auto-failover, elasticache-multi-az",
    "batch-workers": "asg-multi-az",
    "private-c": "nat-gw-per-az",
}
"""Resource name -> the policies that report it (each carries a ``Description`` tag saying why)."""


def _hex_id(seed: str, length: int = 17) -> str:
    """A stable AWS-looking hexadecimal id derived from ``seed``."""
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def _violation(name: str, why: str) -> dict[str, str]:
    return {"Description": f"Deliberate violation ({VIOLATIONS[name]}): {why}"}


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
        uid = f"arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{prefix}-{_hex_id(region + name)}"
        return self.add(uid, type_name, name, region, attributes, tags)


class _Network:
    """One VPC's uids, by role."""

    def __init__(self, vpc: str) -> None:
        self.vpc = vpc
        self.subnets: dict[str, str] = {}
        self.security_groups: dict[str, str] = {}


def _vpc(b: SnapshotBuilder, region: str, name: str, cidr: str) -> _Network:
    """A VPC and its main route table (only the local route: subnets left on it are isolated)."""
    net = _Network(b.ec2(region, "vpc", "vpc", name, "aws.ec2.vpc", {"cidr_block": cidr}))
    main_table = b.ec2(region, "route-table", "rtb", f"{name}-main", "aws.ec2.route_table",
                       {"main": True, "routes": []})
    b.relate(main_table, "in_vpc", net.vpc)
    return net


def _subnet(b: SnapshotBuilder, net: _Network, region: str, name: str, zone: str, cidr: str,
            public_ip: bool = False, tags: dict[str, str] | None = None) -> str:
    attributes: dict[str, Any] = {"availability_zone": f"{region}{zone}", "cidr_block": cidr,
                                  "available_ip_count": 250}
    if public_ip:
        attributes["map_public_ip_on_launch"] = True
    uid = b.ec2(region, "subnet", "subnet", name, "aws.ec2.subnet", attributes, tags)
    b.relate(uid, "in_vpc", net.vpc)
    net.subnets[name] = uid
    return uid


def _route_table(b: SnapshotBuilder, net: _Network, name: str, target_type: str, target: str,
                 subnets: list[str], tags: dict[str, str] | None = None) -> str:
    uid = b.ec2(PRIMARY, "route-table", "rtb", name, "aws.ec2.route_table",
                {"routes": [{"destination": WORLD_V4, "target_type": target_type, "target": target}]}, tags)
    b.relate(uid, "in_vpc", net.vpc)
    for subnet in subnets:
        b.relate(net.subnets[subnet], "uses_route_table", uid)
    return uid


def _security_group(b: SnapshotBuilder, net: _Network, name: str, ingress: list[dict[str, Any]],
                    tags: dict[str, str] | None = None) -> str:
    uid = b.ec2(PRIMARY, "security-group", "sg", name, "aws.ec2.security_group", {
        "group_name": name, "ingress": ingress, "egress": [{**ALL_TRAFFIC, "cidr": WORLD_V4}]}, tags)
    b.relate(uid, "in_vpc", net.vpc)
    net.security_groups[name] = uid
    return uid


def _tcp(port: int, **peer: str) -> dict[str, Any]:
    return {"protocol": "tcp", "from_port": port, "to_port": port, **peer}


def _network(b: SnapshotBuilder) -> _Network:
    """The us-east-1 VPC: subnets, gateways, routing and security groups."""
    net = _vpc(b, PRIMARY, "prod-vpc", "10.0.0.0/16")
    igw = b.ec2(PRIMARY, "internet-gateway", "igw", "prod-igw", "aws.ec2.internet_gateway", {})
    b.relate(igw, "attached_to", net.vpc)
    for index, zone in enumerate("abc"):
        _subnet(b, net, PRIMARY, f"public-{zone}", zone, f"10.0.{index}.0/24")
        _subnet(b, net, PRIMARY, f"private-{zone}", zone, f"10.0.{10 + index}.0/24", tags=_violation(
            "private-c", "its route table private-rt-c sends AZ c egress through the NAT gateway in AZ a."
        ) if zone == "c" else None)
        _subnet(b, net, PRIMARY, f"data-{zone}", zone, f"10.0.{20 + index}.0/24")
    _subnet(b, net, PRIMARY, "legacy-public-c", "c", "10.0.3.0/24", public_ip=True, tags=_violation(
        "legacy-public-c", "instances launched here get a public IPv4 address automatically."))
    _route_table(b, net, "public-rt", "internet_gateway", igw, ["public-a", "public-b", "public-c", "legacy-public-c"])
    nats = {}
    for zone in "abc":
        nats[zone] = b.ec2(PRIMARY, "natgateway", "nat", f"nat-{zone}", "aws.ec2.nat_gateway", {"state": "available"})
        b.relate(nats[zone], "in_subnet", net.subnets[f"public-{zone}"])
    _route_table(b, net, "private-rt-a", "nat_gateway", nats["a"], ["private-a"])
    _route_table(b, net, "private-rt-b", "nat_gateway", nats["b"], ["private-b"])
    _route_table(b, net, "private-rt-c", "nat_gateway", nats["a"], ["private-c"],
                 tags={"Description": "Misrouted: should target nat-c (AZ c); see subnet private-c."})
    # The data subnets keep the VPC's main route table (no default route): isolated.
    alb_sg = _security_group(b, net, "alb-sg", [_tcp(443, cidr=WORLD_V4), _tcp(443, cidr=WORLD_V6)])
    app_sg = _security_group(b, net, "app-sg", [_tcp(8080, source_security_group=alb_sg)])
    _security_group(b, net, "db-sg", [_tcp(5432, source_security_group=app_sg)])
    _security_group(b, net, "cache-sg", [_tcp(6379, source_security_group=app_sg)])
    _security_group(b, net, "legacy-admin", [
        _tcp(5432, cidr=WORLD_V4, description="temporary DBA access"),
        _tcp(6379, cidr=WORLD_V4, description="redis-cli from laptops"),
        {**ALL_TRAFFIC, "cidr": WORLD_V6, "description": "allow all IPv6"},
    ], tags=_violation("legacy-admin", "Postgres 5432 and Redis 6379 open to 0.0.0.0/0, all traffic from ::/0."))
    return net


def _web_tier(b: SnapshotBuilder, net: _Network) -> None:
    """Internet-facing ALB -> target group -> Auto Scaling group, plus a single-AZ batch group."""
    zones = [f"{PRIMARY}{zone}" for zone in "abc"]
    alb = b.add(f"arn:aws:elasticloadbalancing:{PRIMARY}:{ACCOUNT}:loadbalancer/app/web-alb/{_hex_id('alb', 16)}",
                "aws.elbv2.load_balancer", "web-alb", PRIMARY, {
                    "lb_type": "application", "scheme": "internet-facing", "availability_zones": zones,
                    "cross_zone_enabled": True, "deletion_protection": True})
    b.relate(alb, "in_subnet", *(net.subnets[f"public-{zone}"] for zone in "abc"))
    b.relate(alb, "in_vpc", net.vpc)
    b.relate(alb, "uses_security_group", net.security_groups["alb-sg"])
    tg = b.add(f"arn:aws:elasticloadbalancing:{PRIMARY}:{ACCOUNT}:targetgroup/web-tg/{_hex_id('tg', 16)}",
               "aws.elbv2.target_group", "web-tg", PRIMARY, {
                   "protocol": "HTTP", "port": 8080, "target_type": "instance", "health_check_protocol": "HTTP",
                   "health_check_path": "/healthz", "health_check_interval_seconds": 15, "healthy_threshold": 3,
                   "deregistration_delay_seconds": 60})
    b.relate(tg, "in_vpc", net.vpc)
    asg = _auto_scaling_group(b, "web-asg", {"min_size": 3, "max_size": 12, "desired_capacity": 3,
                                             "health_check_type": "ELB", "health_check_grace_period_seconds": 300,
                                             "availability_zones": zones})
    b.relate(asg, "in_subnet", *(net.subnets[f"private-{zone}"] for zone in "abc"))
    b.relate(alb, "targets", tg)
    b.relate(tg, "targets", asg)
    policy = b.add(f"arn:aws:autoscaling:{PRIMARY}:{ACCOUNT}:scalingPolicy:{_uuid('web-cpu')}:"
                   "autoScalingGroupName/web-asg:policyName/web-cpu-70", "aws.autoscaling.policy", "web-cpu-70",
                   PRIMARY, {"policy_type": "TargetTrackingScaling",
                             "predefined_metric_type": "ASGAverageCPUUtilization", "target_value": 70.0})
    b.relate(policy, "scales", asg)
    batch = _auto_scaling_group(b, "batch-workers", {"min_size": 1, "max_size": 4, "desired_capacity": 1,
                                                     "availability_zones": [f"{PRIMARY}a"]},
                                _violation("batch-workers", "launches into a single subnet (one AZ)."))
    b.relate(batch, "in_subnet", net.subnets["private-a"])
    alarm = _alarm(b, PRIMARY, "web-alb-5xx", {
        "namespace": "AWS/ApplicationELB", "metric_name": "HTTPCode_Target_5XX_Count", "statistic": "Sum",
        "dimensions": {"LoadBalancer": f"app/web-alb/{_hex_id('alb', 16)}"}, "threshold": 50.0,
        "comparison_operator": "GreaterThanThreshold", "period_seconds": 60, "evaluation_periods": 3})
    b.relate(alarm, "alarms_on", alb)


def _uuid(seed: str) -> str:
    h = _hex_id(seed, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _auto_scaling_group(b: SnapshotBuilder, name: str, attributes: dict[str, Any],
                        tags: dict[str, str] | None = None) -> str:
    uid = f"arn:aws:autoscaling:{PRIMARY}:{ACCOUNT}:autoScalingGroup:{_uuid(name)}:autoScalingGroupName/{name}"
    return b.add(uid, "aws.autoscaling.group", name, PRIMARY, attributes, tags)


def _alarm(b: SnapshotBuilder, region: str, name: str, attributes: dict[str, Any]) -> str:
    topic = f"arn:aws:sns:{region}:{ACCOUNT}:oncall-pager"
    return b.add(f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{name}", "aws.cloudwatch.alarm", name, region,
                 {**attributes, "actions_enabled": True, "alarm_actions": [topic]})


def _db_subnet_group(b: SnapshotBuilder, net: _Network, region: str, name: str, subnets: list[str],
                     tags: dict[str, str] | None = None) -> str:
    uid = b.add(f"arn:aws:rds:{region}:{ACCOUNT}:subgrp:{name}", "aws.rds.db_subnet_group", name, region,
                {"description": f"{name} subnets"}, tags)
    b.relate(uid, "in_subnet", *(net.subnets[s] for s in subnets))
    b.relate(uid, "in_vpc", net.vpc)
    return uid


def _db_instance(b: SnapshotBuilder, region: str, name: str, attributes: dict[str, Any],
                 tags: dict[str, str] | None = None) -> str:
    return b.add(f"arn:aws:rds:{region}:{ACCOUNT}:db:{name}", "aws.rds.db_instance", name, region, {
        "engine": "postgres", "engine_version": "16.4", "storage_encrypted": True, **attributes}, tags)


def _databases(b: SnapshotBuilder, net: _Network) -> None:
    """``orders-db`` with its cross-Region replica in a DR VPC, and the legacy ``reporting-db``."""
    group = _db_subnet_group(b, net, PRIMARY, "orders-db-subnets", ["data-a", "data-b", "data-c"])
    orders = _db_instance(b, PRIMARY, "orders-db", {
        "instance_class": "db.r6g.xlarge", "multi_az": True, "availability_zone": f"{PRIMARY}a",
        "secondary_availability_zone": f"{PRIMARY}b", "backup_retention_days": 14, "deletion_protection": True,
        "allocated_storage_gb": 500, "max_allocated_storage_gb": 2000, "monitoring_interval_seconds": 60})
    b.relate(orders, "in_subnet_group", group)
    b.relate(orders, "uses_security_group", net.security_groups["db-sg"])
    for alarm_name, metric, comparison, threshold in (
            ("orders-db-cpu-high", "CPUUtilization", "GreaterThanThreshold", 80.0),
            ("orders-db-free-storage-low", "FreeStorageSpace", "LessThanThreshold", 50e9)):
        alarm = _alarm(b, PRIMARY, alarm_name, {
            "namespace": "AWS/RDS", "metric_name": metric, "statistic": "Average",
            "dimensions": {"DBInstanceIdentifier": "orders-db"}, "threshold": threshold, "period_seconds": 300,
            "evaluation_periods": 3, "comparison_operator": comparison})
        b.relate(alarm, "alarms_on", orders)

    dr = _vpc(b, DR, "dr-vpc", "10.1.0.0/16")
    for index, zone in enumerate("abc"):
        _subnet(b, dr, DR, f"dr-data-{zone}", zone, f"10.1.{20 + index}.0/24")
    dr_group = _db_subnet_group(b, dr, DR, "orders-db-dr-subnets", ["dr-data-a", "dr-data-b", "dr-data-c"])
    replica = _db_instance(b, DR, "orders-db-replica", {
        "instance_class": "db.r6g.xlarge", "availability_zone": f"{DR}a", "is_read_replica": True,
        "backup_retention_days": 7, "deletion_protection": True, "allocated_storage_gb": 500,
        "replica_lag_max_seconds": 12.0, "lag_window_seconds": 604800})
    b.relate(replica, "replica_of", orders)
    b.relate(replica, "in_subnet_group", dr_group)
    lag = _alarm(b, DR, "orders-db-replica-lag", {
        "namespace": "AWS/RDS", "metric_name": "ReplicaLag", "statistic": "Maximum",
        "dimensions": {"DBInstanceIdentifier": "orders-db-replica"}, "threshold": 60.0, "period_seconds": 60,
        "evaluation_periods": 5, "comparison_operator": "GreaterThanThreshold"})
    b.relate(lag, "alarms_on", replica)

    reporting_group = _db_subnet_group(
        b, net, PRIMARY, "reporting-db-subnets", ["data-a", "data-b", "public-b"],
        _violation("reporting-db-subnets", "includes the public subnet public-b."))
    reporting = _db_instance(b, PRIMARY, "reporting-db", {
        "instance_class": "db.t3.medium", "availability_zone": f"{PRIMARY}b", "backup_retention_days": 1,
        "publicly_accessible": True, "allocated_storage_gb": 100},
        _violation("reporting-db", "single-AZ, 1-day backups, publicly accessible."))
    b.relate(reporting, "in_subnet_group", reporting_group)
    b.relate(reporting, "uses_security_group", net.security_groups["legacy-admin"])


def _cache(b: SnapshotBuilder, net: _Network) -> None:
    """Redis: a Multi-AZ two-shard ``app-cache`` and the single-AZ ``cache-sessions``."""
    group = b.add(f"arn:aws:elasticache:{PRIMARY}:{ACCOUNT}:subnetgroup:cache-subnets",
                  "aws.elasticache.subnet_group", "cache-subnets", PRIMARY, {"description": "Redis subnets"})
    b.relate(group, "in_subnet", *(net.subnets[f"data-{zone}"] for zone in "abc"))
    b.relate(group, "in_vpc", net.vpc)

    def shard(name: str, shard_id: str, primary: str, replica: str, first: int) -> dict[str, Any]:
        return {"id": shard_id, "primary_availability_zone": f"{PRIMARY}{primary}", "members": [
            {"cluster_id": f"{name}-{shard_id}-{first:03d}", "availability_zone": f"{PRIMARY}{primary}",
             "role": "primary"},
            {"cluster_id": f"{name}-{shard_id}-{first + 1:03d}", "availability_zone": f"{PRIMARY}{replica}",
             "role": "replica"}]}

    app_cache = b.add(f"arn:aws:elasticache:{PRIMARY}:{ACCOUNT}:replicationgroup:app-cache",
                      "aws.elasticache.replication_group", "app-cache", PRIMARY, {
                          "engine": "redis", "multi_az": True, "automatic_failover": True, "cluster_mode": True,
                          "node_groups": [shard("app-cache", "0001", "a", "b", 1),
                                          shard("app-cache", "0002", "b", "c", 1)],
                          "snapshot_retention_days": 7, "snapshot_window": "05:00-06:00",
                          "transit_encryption": True, "at_rest_encryption": True})
    sessions = b.add(f"arn:aws:elasticache:{PRIMARY}:{ACCOUNT}:replicationgroup:cache-sessions",
                     "aws.elasticache.replication_group", "cache-sessions", PRIMARY, {
                         "engine": "redis", "node_groups": [shard("cache-sessions", "0001", "a", "a", 1)]},
                     _violation("cache-sessions", "no automatic failover; primary and replica both in us-east-1a."))
    for uid in (app_cache, sessions):
        b.relate(uid, "in_subnet_group", group)
        b.relate(uid, "uses_security_group", net.security_groups["cache-sg"])


def _storage(b: SnapshotBuilder) -> list[str]:
    """DynamoDB tables and S3 buckets; returns the uids AWS Backup protects."""
    table = f"arn:aws:dynamodb:{PRIMARY}:{ACCOUNT}:table"
    sessions = b.add(f"{table}/sessions", "aws.dynamodb.table", "sessions", PRIMARY, {
        "billing_mode": "PAY_PER_REQUEST", "pitr_enabled": True, "pitr_recovery_period_days": 35,
        "deletion_protection": True})
    audit = b.add(f"{table}/audit-log", "aws.dynamodb.table", "audit-log", PRIMARY, {
        "billing_mode": "PAY_PER_REQUEST"}, _violation("audit-log", "point-in-time recovery is off."))
    exports = f"orders-exports-{ACCOUNT}"
    replica = f"orders-exports-dr-{ACCOUNT}"
    b.add(f"arn:aws:s3:::{exports}", "aws.s3.bucket", exports, PRIMARY, {
        "versioning": "Enabled",
        "replication_rules": [{"status": "Enabled", "destination_bucket": f"arn:aws:s3:::{replica}",
                               "destination_region": DR, "replication_time_enabled": True}],
        "lifecycle_rules": [{"transitions": [{"days": 30, "storage_class": "STANDARD_IA"}],
                             "noncurrent_expiration_days": 90, "abort_incomplete_upload_days": 7}]})
    b.add(f"arn:aws:s3:::{replica}", "aws.s3.bucket", replica, DR, {"versioning": "Enabled"})
    logs = f"alb-access-logs-{ACCOUNT}"
    b.add(f"arn:aws:s3:::{logs}", "aws.s3.bucket", logs, PRIMARY, {
        "lifecycle_rules": [{"transitions": [{"days": 30, "storage_class": "GLACIER"}],
                             "abort_incomplete_upload_days": 1}]})
    return [sessions, audit]


def _backup(b: SnapshotBuilder, protected: list[str]) -> None:
    """A daily backup plan copying to the DR Region, and a selection of the stateful resources."""
    plan_id = _uuid("daily-35d")
    plan = b.add(f"arn:aws:backup:{PRIMARY}:{ACCOUNT}:backup-plan:{plan_id}", "aws.backup.plan", "daily-35d",
                 PRIMARY, {"rules": [{"name": "daily", "schedule": "cron(0 5 ? * * *)", "delete_after_days": 35,
                                      "copy_destinations": [f"arn:aws:backup:{DR}:{ACCOUNT}:backup-vault:dr-vault"]}]})
    selection = b.add(f"arn:aws:backup:{PRIMARY}:{ACCOUNT}:backup-plan:{plan_id}/selection/{_uuid('stateful')}",
                      "aws.backup.selection", "stateful-resources", PRIMARY, {"resources": protected})
    b.relate(selection, "member_of", plan)
    b.relate(selection, "backs_up", *protected)


def build() -> dict[str, Any]:
    """The example snapshot as JSON data, normalised (AWS defaults applied) like a live collection."""
    b = SnapshotBuilder()
    net = _network(b)
    _web_tier(b, net)
    _databases(b, net)
    _cache(b, net)
    protected = [f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:db:orders-db", *_storage(b)]
    _backup(b, protected)
    data = {"schema": SNAPSHOT_SCHEMA,
            "source": {"kind": "example", "accounts": [ACCOUNT], "regions": [PRIMARY, DR], "taken_at": TAKEN_AT},
            "resources": b.resources, "relations": b.relations, "coverage": []}
    return snapshot_from_json(data, "<three_tier example>").to_json()


def render() -> str:
    """The text of ``three_tier.json``."""
    return json.dumps(build(), indent=1) + "\n"


def main() -> None:
    """Rewrite ``three_tier.json`` next to this module."""
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
