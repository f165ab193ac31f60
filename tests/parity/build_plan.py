"""Write ``data/hcl/plan.json``: ``terraform show -json`` of a plan creating the module in ``data/hcl``.

Terraform cannot run here (no provider registry), so this file states by hand what Terraform plans for
each block of the ``.tf`` files, instance by instance (``for_each`` keys, ``count`` indexes), with the
values it knows at plan time (configured literals and attributes; data sources read) and those it
only knows after apply (computed ids, ARNs, DNS names). See ``plan_model``.

Run ``python tests/parity/build_plan.py`` to rewrite the checked-in plan after changing this file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from plan_model import Expr, Planned, Ref, render_plan
from plan_services import COMPUTED_SERVICES, services

PLAN = Path(__file__).parent / "data" / "hcl" / "plan.json"
REGION = "us-east-1"
ZONES = [REGION + "a", REGION + "b", REGION + "c"]

# attributes every resource of a type computes (known after apply), besides those it references
COMPUTED: dict[str, tuple[str, ...]] = {
    "aws_vpc": ("arn", "default_route_table_id", "default_security_group_id", "main_route_table_id"),
    "aws_subnet": ("arn", "availability_zone_id"),
    "aws_internet_gateway": ("arn",),
    "aws_eip": ("allocation_id", "public_ip"),
    "aws_nat_gateway": ("network_interface_id", "private_ip", "public_ip"),
    "aws_route_table": ("arn", "route"),
    "aws_route": ("state",),
    "aws_security_group": ("arn", "ingress", "owner_id"),
    "aws_vpc_security_group_ingress_rule": ("arn", "security_group_rule_id"),
    "aws_db_subnet_group": ("arn", "vpc_id"),
    "aws_db_instance": ("arn", "address", "endpoint", "availability_zone", "engine_version"),
    "aws_rds_cluster": ("arn", "endpoint", "availability_zones", "engine_version"),
    "aws_rds_cluster_instance": ("arn", "endpoint", "engine_version"),
    "aws_elasticache_subnet_group": ("arn",),
    "aws_elasticache_replication_group": ("arn", "primary_endpoint_address", "num_node_groups",
                                          "snapshot_window"),
    "aws_dynamodb_table": ("arn", "stream_arn"),
    "aws_lb": ("arn", "dns_name", "zone_id", "enable_cross_zone_load_balancing"),
    "aws_launch_template": ("arn", "latest_version"),
    "aws_autoscaling_group": ("arn", "availability_zones"),
    **COMPUTED_SERVICES,
}

# count/for_each expressions of the instanced blocks, as the configuration records them
META: dict[str, dict[str, Any]] = {
    "aws_subnet.this": {"for_each_expression": {"references": ["var.subnets"]}},
    "aws_security_group.this": {"for_each_expression": {"constant_value": ["app", "db", "legacy-admin", "web"]}},
    "aws_dynamodb_table.this": {"for_each_expression": {"constant_value": {"audit": False, "orders": True}}},
    "aws_rds_cluster_instance.ledger": {"count_expression": {"constant_value": 2}},
    "aws_rds_cluster_instance.ledger_single": {"count_expression": {"constant_value": 1}},
    **{f"aws_route_table_association.{tier}": {"for_each_expression": {"constant_value": members}}
       for tier, members in (("public", ["legacy-pub", "pub-a", "pub-b"]), ("app", ["app-a", "app-b"]),
                             ("data", ["data-a", "data-b"]))},
}

SUBNETS = {"pub-a": ("10.0.0.0/24", 0, False), "pub-b": ("10.0.1.0/24", 1, False),
           "legacy-pub": ("10.0.2.0/24", 2, True), "app-a": ("10.0.10.0/24", 0, False),
           "app-b": ("10.0.11.0/24", 1, False), "data-a": ("10.0.20.0/24", 0, False),
           "data-b": ("10.0.21.0/24", 1, False)}
_EACH_KEY = ("each.key",)
_ZONES_DATA = ("data.aws_availability_zones.available.names", "data.aws_availability_zones.available")


def subnet(key: str) -> Ref:
    return Ref("aws_subnet.this", key=key)


def group(key: str) -> Ref:
    return Ref("aws_security_group.this", key=key)


def each_instance(address: str, own_key: str) -> Expr:
    """``<address>[each.key].id`` in an instance keyed ``own_key``."""
    return Expr((address, "each.key"), Ref(address, key=own_key))


def network() -> list[Planned]:
    vpc = Ref("aws_vpc.main")
    out = [Planned("aws_vpc", "main", {"cidr_block": Expr(("var.vpc_cidr",), "10.0.0.0/16"),
                                       "tags": {"Name": "main"}}),
           Planned("aws_internet_gateway", "igw", {"vpc_id": vpc, "tags": {"Name": "igw"}})]
    for name, (cidr, zone, public_ip) in SUBNETS.items():
        out.append(Planned("aws_subnet", "this", {
            "vpc_id": vpc, "cidr_block": Expr(("each.value.cidr", "each.value"), cidr),
            "availability_zone": Expr((*_ZONES_DATA, "each.value.zone", "each.value"), ZONES[zone]),
            "map_public_ip_on_launch": Expr(("each.value.public_ip", "each.value"), public_ip),
            "tags": {"Name": Expr(_EACH_KEY, name)}}, key=name))
    out += [Planned("aws_route_table", "public", {"vpc_id": vpc, "tags": {"Name": "public"}}),
            Planned("aws_route", "public_default", {
                "route_table_id": Ref("aws_route_table.public"), "destination_cidr_block": "0.0.0.0/0",
                "gateway_id": Ref("aws_internet_gateway.igw")})]
    out += _associations("public", ("pub-a", "pub-b", "legacy-pub"))
    out += [Planned("aws_eip", "nat_a", {"domain": "vpc"}),
            Planned("aws_nat_gateway", "nat_a", {
                "subnet_id": subnet("pub-a"), "allocation_id": Ref("aws_eip.nat_a"),
                "connectivity_type": "public", "tags": {"Name": "nat-a"}}),
            Planned("aws_route_table", "app", {"vpc_id": vpc, "tags": {"Name": "app"}}),
            Planned("aws_route", "app_default", {
                "route_table_id": Ref("aws_route_table.app"), "destination_cidr_block": "0.0.0.0/0",
                "nat_gateway_id": Ref("aws_nat_gateway.nat_a")})]
    out += _associations("app", ("app-a", "app-b"))
    out.append(Planned("aws_route_table", "data", {"vpc_id": vpc, "tags": {"Name": "data"}}))
    out += _associations("data", ("data-a", "data-b"))
    return out


def _associations(table: str, members: tuple[str, ...]) -> list[Planned]:
    return [Planned("aws_route_table_association", table, {
        "subnet_id": each_instance("aws_subnet.this", member),
        "route_table_id": Ref(f"aws_route_table.{table}")}, key=member) for member in members]


BATCH_TAG = {"key": "workload-class", "value": "batch", "propagate_at_launch": True}
ALL_EGRESS = {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}


def security_groups() -> list[Planned]:
    out = [Planned("aws_security_group", "this", {
        "name": Expr(_EACH_KEY, name), "description": Expr(_EACH_KEY, name), "vpc_id": Ref("aws_vpc.main"),
        "egress": [dict(ALL_EGRESS)], "tags": {"Name": Expr(_EACH_KEY, name)}}, key=name)
        for name in ("web", "db", "legacy-admin", "app")]
    rules = [("web_https", "web", {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
             ("db_postgres", "db", {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
                                    "referenced_security_group_id": group("web")}),
             ("legacy_postgres", "legacy-admin", {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
                                                  "cidr_ipv4": "0.0.0.0/0"}),
             ("legacy_all_v6", "legacy-admin", {"ip_protocol": "-1", "cidr_ipv6": "::/0"})]
    out += [Planned("aws_vpc_security_group_ingress_rule", name, {"security_group_id": group(owner), **args})
            for name, owner, args in rules]
    return out


def databases() -> list[Planned]:
    user = Expr(("var.db_username",), "admin")
    out = [Planned("aws_db_subnet_group", name, {
        "name": name, "description": name, "subnet_ids": [subnet(s) for s in members]})
        for name, members in (("data", ("data-a", "data-b")), ("mixed", ("data-a", "pub-b")))]
    common = {"engine": "postgres", "instance_class": "db.t3.micro", "allocated_storage": 20, "username": user,
              "manage_master_user_password": True}
    out += [
        Planned("aws_db_instance", "orders", {
            "identifier": "orders", **common, "multi_az": True, "backup_retention_period": 7,
            "db_subnet_group_name": Ref("aws_db_subnet_group.data", "name", "data"), "publicly_accessible": False,
            "vpc_security_group_ids": [group("db")], "max_allocated_storage": 100, "deletion_protection": True,
            "monitoring_interval": 60, "monitoring_role_arn": "arn:aws:iam::123456789012:role/rds-monitoring"}),
        Planned("aws_db_instance", "reporting", {
            "identifier": "reporting", **common, "multi_az": False, "backup_retention_period": 1,
            "db_subnet_group_name": Ref("aws_db_subnet_group.mixed", "name", "mixed"),
            "publicly_accessible": True})]
    for cluster, zones in (("ledger", (0, 1)), ("ledger_single", (0,))):
        identifier = cluster.replace("_", "-")
        out.append(Planned("aws_rds_cluster", cluster, {
            "cluster_identifier": identifier, "engine": "aurora-postgresql", "master_username": user,
            "manage_master_user_password": True, "backup_retention_period": 7,
            "db_subnet_group_name": Ref("aws_db_subnet_group.data", "name", "data")}))
        zone_expression = ("local.zones", "count.index") if cluster == "ledger" else ("local.zones[0]", "local.zones")
        out += [Planned("aws_rds_cluster_instance", cluster, {
            "identifier": Expr(("count.index",), f"{identifier}-{index}"),
            "cluster_identifier": Ref(f"aws_rds_cluster.{cluster}"),
            "engine": Ref(f"aws_rds_cluster.{cluster}", "engine", "aurora-postgresql"),
            "instance_class": "db.r6g.large", "availability_zone": Expr(zone_expression, ZONES[zone]),
            "publicly_accessible": False}, key=index) for index, zone in enumerate(zones)]
    return out


def caches_and_tables() -> list[Planned]:
    cache_group = Ref("aws_elasticache_subnet_group.cache", "name", "cache")
    out = [Planned("aws_elasticache_subnet_group", "cache", {
               "name": "cache", "description": "cache", "subnet_ids": [subnet("data-a"), subnet("data-b")]}),
           Planned("aws_elasticache_replication_group", "sessions", {
               "replication_group_id": "sessions", "description": "sessions", "engine": "redis",
               "node_type": "cache.t3.micro", "replicas_per_node_group": 1, "automatic_failover_enabled": True,
               "multi_az_enabled": True, "preferred_cache_cluster_azs": Expr(("local.zones",), ZONES[:2]),
               "subnet_group_name": cache_group}),
           Planned("aws_elasticache_replication_group", "scratch", {
               "replication_group_id": "scratch", "description": "scratch", "engine": "redis",
               "node_type": "cache.t3.micro", "num_cache_clusters": 1, "automatic_failover_enabled": False,
               "preferred_cache_cluster_azs": [Expr(("local.zones[0]", "local.zones"), ZONES[0])],
               "subnet_group_name": cache_group})]
    for name, pitr in (("orders", True), ("audit", False)):
        out.append(Planned("aws_dynamodb_table", "this", {
            "name": Expr(_EACH_KEY, name), "billing_mode": "PAY_PER_REQUEST", "hash_key": "pk",
            "attribute": [{"name": "pk", "type": "S"}],
            "point_in_time_recovery": [{"enabled": Expr(("each.value",), pitr)}]}, key=name))
    return out


def compute() -> list[Planned]:
    out = [Planned("aws_lb", "web", {
               "name": "web", "load_balancer_type": "application", "internal": False,
               "subnets": [subnet("pub-a"), subnet("pub-b")], "security_groups": [group("web")]}),
           Planned("aws_lb", "internal_one", {
               "name": "internal-one", "load_balancer_type": "network", "internal": True,
               "subnets": [subnet("app-a")]}),
           Planned("aws_launch_template", "app", {"name": "app", "image_id": "ami-12c6146b",
                                                  "instance_type": "t3.micro"})]
    health = {"web": {"health_check_type": "ELB", "health_check_grace_period": 120,
                      "target_group_arns": [Ref("aws_lb_target_group.web", "arn")]},
              "batch": {"health_check_grace_period": 300, "tag": [BATCH_TAG]}}
    for name, members in (("web", ("app-a", "app-b")), ("batch", ("app-a",))):
        out.append(Planned("aws_autoscaling_group", name, {
            "name": name, "min_size": 0, "max_size": 4, "desired_capacity": 0,
            "vpc_zone_identifier": [subnet(s) for s in members], **health[name],
            "launch_template": [{"id": Ref("aws_launch_template.app"), "version": "$Latest"}]}))
    return out


def architecture() -> list[Planned]:
    """The resource instances of the plan, in the order of the .tf files."""
    return [*network(), *security_groups(), *databases(), *caches_and_tables(), *compute(), *services()]


def build_plan() -> dict[str, Any]:
    """The plan JSON document (``terraform show -json``, format 1.2)."""
    return render_plan(architecture(), COMPUTED, REGION, META)


def render() -> str:
    """The plan as the checked-in text."""
    return json.dumps(build_plan(), indent=1) + "\n"


if __name__ == "__main__":
    PLAN.write_text(render())
    print(f"wrote {PLAN}")
