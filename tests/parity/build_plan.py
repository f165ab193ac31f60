"""Write ``data/plan.json``: the parity architecture as ``terraform show -json`` of a plan creating it.

The architecture is the us-east-1 part of ``tests/e2e/seed.py`` (``Seeder.primary``), the same as
``data/architecture.yaml``. Like a real plan of new infrastructure, values that reference another
resource's computed id are absent from ``after`` and ``true`` in ``after_unknown``; a reference to
a configured value (``aws_db_subnet_group.data.name``) is known. The ``configuration`` section
records each expression's ``references`` (``aws_vpc.main.id`` and ``aws_vpc.main``) or constant.

Run ``python tests/parity/build_plan.py`` to rewrite the checked-in plan after changing this file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLAN = Path(__file__).parent / "data" / "plan.json"
REGION = "us-east-1"
PROVIDER = "registry.terraform.io/hashicorp/aws"

# attributes every resource of a type computes (known after apply), besides those it references
_COMPUTED: dict[str, tuple[str, ...]] = {
    "aws_vpc": ("arn", "default_route_table_id", "default_security_group_id", "main_route_table_id"),
    "aws_subnet": ("arn", "availability_zone_id"),
    "aws_internet_gateway": ("arn",),
    "aws_eip": ("allocation_id", "public_ip"),
    "aws_nat_gateway": ("network_interface_id", "private_ip", "public_ip"),
    "aws_route_table": ("arn", "route"),
    "aws_route": ("state",),
    "aws_security_group": ("arn", "ingress", "egress", "owner_id"),
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
    "aws_autoscaling_group": ("arn", "availability_zones", "health_check_type"),
}


@dataclass(frozen=True)
class Ref:
    """``<address>.<attribute>`` in the configuration; ``value`` when Terraform knows it at plan time."""

    address: str
    attribute: str = "id"
    value: Any = None

    @property
    def references(self) -> list[str]:
        return [f"{self.address}.{self.attribute}", self.address]


@dataclass
class Planned:
    """One resource to create: its configured arguments (literals, ``Ref``, lists of ``Ref``, blocks)."""

    type: str
    name: str
    args: dict[str, Any]
    extra_unknown: tuple[str, ...] = field(default_factory=tuple)

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


def _ref(address: str, attribute: str = "id", value: Any = None) -> Ref:
    return Ref(address, attribute, value)


def _tags(name: str) -> dict[str, Any]:
    return {"tags": {"Name": name}}


def architecture() -> list[Planned]:
    """The resources of the parity architecture, in declaration order."""
    vpc = _ref("aws_vpc.main")
    subnets = [("pub_a", "pub-a", "a", 0, False), ("pub_b", "pub-b", "b", 1, False),
               ("legacy_pub", "legacy-pub", "c", 2, True), ("app_a", "app-a", "a", 10, False),
               ("app_b", "app-b", "b", 11, False), ("data_a", "data-a", "a", 20, False),
               ("data_b", "data-b", "b", 21, False)]
    out = [Planned("aws_vpc", "main", {"cidr_block": "10.0.0.0/16", **_tags("main")}),
           Planned("aws_internet_gateway", "igw", {"vpc_id": vpc, **_tags("igw")})]
    for name, tag, zone, octet, public_ip in subnets:
        out.append(Planned("aws_subnet", name, {
            "vpc_id": vpc, "cidr_block": f"10.0.{octet}.0/24", "availability_zone": REGION + zone,
            "map_public_ip_on_launch": public_ip, **_tags(tag)}))
    out += [Planned("aws_route_table", "public", {"vpc_id": vpc, **_tags("public")}),
            Planned("aws_route", "public_default", {
                "route_table_id": _ref("aws_route_table.public"), "destination_cidr_block": "0.0.0.0/0",
                "gateway_id": _ref("aws_internet_gateway.igw")}),
            Planned("aws_eip", "nat_a", {"domain": "vpc"}),
            Planned("aws_nat_gateway", "nat_a", {
                "subnet_id": _ref("aws_subnet.pub_a"), "allocation_id": _ref("aws_eip.nat_a"),
                "connectivity_type": "public", **_tags("nat-a")}),
            Planned("aws_route_table", "app", {"vpc_id": vpc, **_tags("app")}),
            Planned("aws_route", "app_default", {
                "route_table_id": _ref("aws_route_table.app"), "destination_cidr_block": "0.0.0.0/0",
                "nat_gateway_id": _ref("aws_nat_gateway.nat_a")}),
            Planned("aws_route_table", "data", {"vpc_id": vpc, **_tags("data")})]
    for table, members in (("public", ("pub_a", "pub_b", "legacy_pub")), ("app", ("app_a", "app_b")),
                           ("data", ("data_a", "data_b"))):
        out += [Planned("aws_route_table_association", f"{subnet}_{table}", {
            "subnet_id": _ref(f"aws_subnet.{subnet}"), "route_table_id": _ref(f"aws_route_table.{table}")})
            for subnet in members]
    out += _security_groups(vpc) + _databases() + _caches_and_tables() + _compute()
    return out


def _security_groups(vpc: Ref) -> list[Planned]:
    out = [Planned("aws_security_group", name.replace("-", "_"), {
        "name": name, "description": name, "vpc_id": vpc, **_tags(name)}) for name in ("web", "db", "legacy-admin")]
    rules = [("web_https", "web", {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
             ("db_postgres", "db", {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
                                    "referenced_security_group_id": _ref("aws_security_group.web")}),
             ("legacy_postgres", "legacy_admin", {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
                                                  "cidr_ipv4": "0.0.0.0/0"}),
             ("legacy_all_v6", "legacy_admin", {"ip_protocol": "-1", "cidr_ipv6": "::/0"})]
    out += [Planned("aws_vpc_security_group_ingress_rule", name, {
        "security_group_id": _ref(f"aws_security_group.{group}"), **args}) for name, group, args in rules]
    return out


def _databases() -> list[Planned]:
    subnet_groups = [Planned("aws_db_subnet_group", name, {
        "name": name, "description": name, "subnet_ids": [_ref(f"aws_subnet.{s}") for s in subnets]})
        for name, subnets in (("data", ("data_a", "data_b")), ("mixed", ("data_a", "pub_b")))]
    common = {"engine": "postgres", "instance_class": "db.t3.micro", "allocated_storage": 20,
              "username": "admin", "manage_master_user_password": True}
    instances = [
        Planned("aws_db_instance", "orders", {
            "identifier": "orders", **common, "multi_az": True, "backup_retention_period": 7,
            "db_subnet_group_name": _ref("aws_db_subnet_group.data", "name", "data"), "publicly_accessible": False,
            "vpc_security_group_ids": [_ref("aws_security_group.db")]}),
        Planned("aws_db_instance", "reporting", {
            "identifier": "reporting", **common, "multi_az": False, "backup_retention_period": 1,
            "db_subnet_group_name": _ref("aws_db_subnet_group.mixed", "name", "mixed"),
            "publicly_accessible": True})]
    clusters: list[Planned] = []
    for cluster, zones in (("ledger", "ab"), ("ledger_single", "a")):
        identifier = cluster.replace("_", "-")
        clusters.append(Planned("aws_rds_cluster", cluster, {
            "cluster_identifier": identifier, "engine": "aurora-postgresql", "master_username": "admin",
            "manage_master_user_password": True, "backup_retention_period": 7,
            "db_subnet_group_name": _ref("aws_db_subnet_group.data", "name", "data")}))
        clusters += [Planned("aws_rds_cluster_instance", f"{cluster}_{index}", {
            "identifier": f"{identifier}-{index}", "cluster_identifier": _ref(f"aws_rds_cluster.{cluster}"),
            "engine": _ref(f"aws_rds_cluster.{cluster}", "engine", "aurora-postgresql"),
            "instance_class": "db.r6g.large", "availability_zone": REGION + zone, "publicly_accessible": False})
            for index, zone in enumerate(zones)]
    return subnet_groups + instances + clusters


def _caches_and_tables() -> list[Planned]:
    group = _ref("aws_elasticache_subnet_group.cache", "name", "cache")
    out = [Planned("aws_elasticache_subnet_group", "cache", {
               "name": "cache", "description": "cache",
               "subnet_ids": [_ref("aws_subnet.data_a"), _ref("aws_subnet.data_b")]}),
           Planned("aws_elasticache_replication_group", "sessions", {
               "replication_group_id": "sessions", "description": "sessions", "engine": "redis",
               "node_type": "cache.t3.micro", "replicas_per_node_group": 1, "automatic_failover_enabled": True,
               "multi_az_enabled": True, "preferred_cache_cluster_azs": [REGION + "a", REGION + "b"],
               "subnet_group_name": group}),
           Planned("aws_elasticache_replication_group", "scratch", {
               "replication_group_id": "scratch", "description": "scratch", "engine": "redis",
               "node_type": "cache.t3.micro", "num_cache_clusters": 1, "automatic_failover_enabled": False,
               "subnet_group_name": group})]
    key = {"billing_mode": "PAY_PER_REQUEST", "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}
    out += [Planned("aws_dynamodb_table", "orders", {"name": "orders", **key,
                                                     "point_in_time_recovery": [{"enabled": True}]}),
            Planned("aws_dynamodb_table", "audit", {"name": "audit", **key},
                    extra_unknown=("point_in_time_recovery",))]
    return out


def _compute() -> list[Planned]:
    out = [Planned("aws_lb", "web", {
               "name": "web", "load_balancer_type": "application", "internal": False,
               "subnets": [_ref("aws_subnet.pub_a"), _ref("aws_subnet.pub_b")],
               "security_groups": [_ref("aws_security_group.web")]}),
           Planned("aws_lb", "internal_one", {
               "name": "internal-one", "load_balancer_type": "network", "internal": True,
               "subnets": [_ref("aws_subnet.app_a")]}),
           Planned("aws_launch_template", "app", {"name": "app", "image_id": "ami-12c6146b",
                                                  "instance_type": "t3.micro"})]
    for name, subnets in (("web", ("app_a", "app_b")), ("batch", ("app_a",))):
        out.append(Planned("aws_autoscaling_group", name, {
            "name": name, "min_size": 0, "max_size": 4, "desired_capacity": 0,
            "launch_template": [{"id": _ref("aws_launch_template.app"), "version": "$Latest"}],
            "vpc_zone_identifier": [_ref(f"aws_subnet.{s}") for s in subnets]}))
    return out


def _is_unknown(value: Any) -> bool:
    if isinstance(value, Ref):
        return value.value is None
    return isinstance(value, list) and any(_is_unknown(v) for v in value)


def _after(args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(after, after_unknown) of configured arguments: unknown references are left out of ``after``."""
    after: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for key, value in args.items():
        if _is_unknown(value):
            unknown[key] = True
        elif isinstance(value, Ref):
            after[key] = value.value
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            blocks = [_after(v) for v in value]
            after[key] = [b[0] for b in blocks]
            if any(b[1] for b in blocks):
                unknown[key] = [b[1] for b in blocks]
        else:
            after[key] = value
    return after, unknown


def _expressions(args: dict[str, Any]) -> dict[str, Any]:
    expressions: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, Ref):
            expressions[key] = {"references": value.references}
        elif isinstance(value, list) and value and all(isinstance(v, Ref) for v in value):
            expressions[key] = {"references": [r for ref in value for r in ref.references]}
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            expressions[key] = [_expressions(v) for v in value]
        else:
            expressions[key] = {"constant_value": value}
    return expressions


def _tags_all(after: dict[str, Any]) -> None:
    if "tags" in after:
        after["tags_all"] = dict(after["tags"])


def build_plan() -> dict[str, Any]:
    """The plan JSON document (``terraform show -json``, format 1.2)."""
    planned, changes, configured = [], [], []
    for item in architecture():
        after, after_unknown = _after(item.args)
        _tags_all(after)
        computed = ("id", *_COMPUTED.get(item.type, ()), *item.extra_unknown)
        after_unknown.update({key: True for key in computed if key not in after})
        common = {"address": item.address, "mode": "managed", "type": item.type, "name": item.name,
                  "provider_name": PROVIDER}
        planned.append({**common, "schema_version": 0, "values": after, "sensitive_values": {}})
        changes.append({**common, "change": {"actions": ["create"], "before": None, "after": after,
                                             "after_unknown": dict(sorted(after_unknown.items())),
                                             "before_sensitive": False, "after_sensitive": {}}})
        configured.append({"address": item.address, "mode": "managed", "type": item.type, "name": item.name,
                           "provider_config_key": "aws", "expressions": _expressions(item.args),
                           "schema_version": 0})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER,
                                        "expressions": {"region": {"constant_value": REGION}}}},
            "root_module": {"resources": configured},
        },
    }


def render() -> str:
    """The plan as the checked-in text."""
    return json.dumps(build_plan(), indent=1) + "\n"


if __name__ == "__main__":
    PLAN.write_text(render())
    print(f"wrote {PLAN}")
