"""Terraform resource attributes -> the normalised vocabulary, shared by the plan and HCL loaders.

Both loaders hand ``map_resource`` a *value tree*: the resource's Terraform attributes (nested
blocks as lists of dicts) whose leaves are literals, ``Ref`` (a reference to other resources, its
targets already resolved to resource addresses, i.e. uids) or ``Unknown`` (a value the source
cannot know, with the reason). Omitted or null attributes take AWS's default through the
vocabulary models; where the AWS provider's default differs from AWS's, the provider's is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Location, Relation, Resource, Snapshot, Source
from ..model.vocabulary import RELATIONS, type_for_terraform
from .implicit import add_implicit_main_route_tables
from .zones import concretise

AFTER_APPLY = "known after apply"


@dataclass(frozen=True)
class Ref:
    """A reference to resources by address; ``value`` holds the literal value when it is also known."""

    targets: tuple[str, ...]
    value: Any = None
    known: bool = False


@dataclass(frozen=True)
class Unknown:
    """A value the source cannot know."""

    reason: str


@dataclass
class MappedResource:
    """One Terraform resource in vocabulary terms.

    ``type`` is None for resources that only add to others (rules, routes, associations): their
    ``edges`` (src, kind, dst) and ``patches`` (target uid, attribute, value, append) do that.
    ``refs`` are the resource's own outgoing relations (kind, target uid). ``unresolved`` lists
    (source type, kind, reason) for an association whose source is unknown: every source of that
    type without such an edge gets the relation kind marked unknown.
    """

    type: str | None
    attributes: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    unknown_relations: dict[str, str] = field(default_factory=dict)
    refs: list[tuple[str, str]] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    patches: list[tuple[str, str, Any, bool]] = field(default_factory=list)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)


# Attributes the AWS provider marks computed (so a plan shows them "known after apply" when the
# configuration omits them) although AWS applies a documented default at creation. A plan loader
# drops these unknowns when the configuration does not set the attribute, so the model default holds.
# backup_retention_period: the provider sends nothing when it is omitted and CreateDBInstance /
# CreateDBCluster then use 1 day (RDS user guide, "Backup retention period"); read replicas created
# with replicate_source_db start with automated backups off (0), which the mapping writes explicitly.
COMPUTED_WITH_AWS_DEFAULT: dict[str, frozenset[str]] = {
    "aws_db_instance": frozenset({"backup_retention_period", "multi_az", "publicly_accessible",
                                  "storage_encrypted", "monitoring_interval"}),
    "aws_rds_cluster": frozenset({"backup_retention_period", "storage_encrypted", "availability_zones"}),
    "aws_rds_cluster_instance": frozenset({"publicly_accessible", "monitoring_interval"}),
    "aws_elasticache_replication_group": frozenset({
        "multi_az_enabled", "automatic_failover_enabled", "snapshot_retention_limit", "snapshot_window",
        "transit_encryption_enabled", "at_rest_encryption_enabled", "engine", "num_cache_clusters",
        "num_node_groups", "replicas_per_node_group", "cluster_mode"}),
    "aws_lb": frozenset({"internal", "load_balancer_type", "enable_cross_zone_load_balancing"}),
    "aws_alb": frozenset({"internal", "load_balancer_type", "enable_cross_zone_load_balancing"}),
    "aws_elb": frozenset({"availability_zones"}),
    "aws_lb_target_group": frozenset({"target_type", "health_check", "stickiness"}),
    "aws_alb_target_group": frozenset({"target_type", "health_check", "stickiness"}),
    # availability_zones is computed from the subnets, which the graph joins
    "aws_autoscaling_group": frozenset({"health_check_type", "availability_zones"}),
    "aws_dynamodb_table": frozenset({"billing_mode", "deletion_protection_enabled", "point_in_time_recovery"}),
    "aws_nat_gateway": frozenset({"connectivity_type"}),
    "aws_vpc_endpoint": frozenset({"vpc_endpoint_type"}),
    # inline rules/routes not configured: a new group or table holds only the separate rule/route resources
    # folded into it (Terraform deletes the default allow-all egress rule of a group it creates)
    "aws_security_group": frozenset({"ingress", "egress"}),
    "aws_network_acl": frozenset({"ingress", "egress"}),
    "aws_route_table": frozenset({"route"}),
    "aws_default_route_table": frozenset({"route"}),
    "aws_s3_bucket": frozenset({"versioning"}),
}

_MISSING = object()
_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_ADDRESS_TYPE = re.compile(r"(?:^|\.)(?:data\.)?(aws_[a-z0-9_]+)\.[^.\[]+(?:\[[^\]]*\])?$")


def resource_type_of(address: str) -> str | None:
    """The Terraform type named in an address (``module.x.aws_subnet.a[0]`` -> ``aws_subnet``)."""
    match = _ADDRESS_TYPE.search(address)
    return match.group(1) if match else None


def with_unknowns(values: Any, unknown_paths: Mapping[str, str] | Iterable[str]) -> Any:
    """Copy of ``values`` with ``Unknown`` put at each dotted path (``route.0.gateway_id``)."""
    reasons = dict(unknown_paths) if isinstance(unknown_paths, Mapping) else dict.fromkeys(unknown_paths, AFTER_APPLY)
    result = _copy(values)
    for path, reason in sorted(reasons.items(), key=lambda item: item[0].count(".")):
        _put(result, path.split("."), Unknown(reason))
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _put(tree: Any, parts: list[str], leaf: Unknown) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(tree, dict):
        if not rest or not isinstance(tree.get(head), dict | list):
            tree[head] = leaf
        else:
            _put(tree[head], rest, leaf)
    elif isinstance(tree, list) and head.isdigit():
        index = int(head)
        while len(tree) <= index:
            tree.append({})
        if not rest or not isinstance(tree[index], dict | list):
            tree[index] = leaf
        else:
            _put(tree[index], rest, leaf)


class _Builder:
    """Reads the value tree of one resource and writes a ``MappedResource``."""

    def __init__(self, type_name: str | None, values: dict[str, Any], address: str) -> None:
        self.values = values
        self.address = address
        self.out = MappedResource(type=type_name)

    def get(self, path: str) -> Any:
        """The value at a dotted path; ``_MISSING`` when absent, the ``Unknown`` covering it if any."""
        node: Any = self.values
        for part in path.split("."):
            if isinstance(node, Unknown):
                return node
            if isinstance(node, Ref):
                return node.value if node.known else Unknown(f"refers to {', '.join(node.targets)}")
            if isinstance(node, dict):
                node = node.get(part, _MISSING)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return _MISSING
            if node is _MISSING:
                return _MISSING
        return node

    def literal(self, path: str) -> tuple[Any, str | None]:
        """(value, None), (_MISSING, None) when omitted/null/empty, or (_MISSING, reason) when unknown."""
        value = self.get(path)
        if isinstance(value, Ref):
            if value.known:
                value = value.value
            else:
                return _MISSING, f"refers to {', '.join(value.targets)}"
        if isinstance(value, Unknown):
            return _MISSING, value.reason
        if value is None or value == "" or value is _MISSING:
            return _MISSING, None
        return value, None

    def set(self, attr: str, path: str, conv: Callable[[Any], Any] = lambda v: v) -> Any:
        """Write attribute ``attr`` from ``path`` (omitted -> model default, unknown -> ``unknown``)."""
        value, reason = self.literal(path)
        if reason is not None:
            self.out.unknown[attr] = reason
            return _MISSING
        if value is _MISSING:
            return _MISSING
        try:
            converted = conv(value)
        except (TypeError, ValueError):
            self.out.unknown[attr] = f"the {type(value).__name__} value of {path} is not understood"
            return _MISSING
        self.out.attributes[attr] = converted
        return converted

    def uids(self, path: str) -> tuple[list[str], str | None]:
        """Target uids at ``path`` (references and literal ids), with a reason when not all are known."""
        return _uids(self.get(path))

    def relate(self, kind: str, path: str) -> list[str]:
        """Add ``self -kind-> target`` for each target at ``path``."""
        targets, reason = self.uids(path)
        if reason:
            self.out.unknown_relations[kind] = reason
        self.out.refs.extend((kind, t) for t in targets if (kind, t) not in self.out.refs)
        return targets

    def edge_from(self, path: str, kind: str) -> None:
        """Add ``source -kind-> self`` for each source at ``path``."""
        for source in self.uids(path)[0]:
            self.out.edges.append((source, kind, self.address))


def _uids(value: Any) -> tuple[list[str], str | None]:
    if value is _MISSING or value is None or value == "":
        return [], None
    if isinstance(value, Ref):
        return list(value.targets), None
    if isinstance(value, Unknown):
        return [], value.reason
    if isinstance(value, str):
        return [value], None
    if isinstance(value, list | tuple):
        found: list[str] = []
        reason = None
        for item in value:
            more, why = _uids(item)
            found.extend(t for t in more if t not in found)
            reason = reason or why
        return found, reason
    return [], f"a {type(value).__name__} value is not a reference"


def _one_uid(value: Any) -> str | None:
    targets, _ = _uids(value)
    return targets[0] if targets else None


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(value)


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(value)


def _str(value: Any) -> str:
    if isinstance(value, dict | list | Unknown | Ref):
        raise ValueError(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _tags(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or any(isinstance(v, Unknown | Ref) for v in value.values()):
        raise ValueError(value)
    return {str(k): _str(v) for k, v in value.items()}


def _blocks(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def normalise_protocol(value: Any) -> str:
    """``-1``/``all`` -> ``all``; IANA numbers of tcp/udp/icmp/icmpv6 -> their names; else lower case."""
    text = _str(value).lower()
    return _PROTOCOLS.get(text, text)


def _rule_items(block: dict[str, Any], self_uid: str, keys: dict[str, str]) -> list[dict[str, Any]]:
    """Flatten one security-group rule (inline block or rule resource) to one item per peer."""
    sub = _Builder(None, block, self_uid)
    given: dict[str, Any] = {}
    for key in ("protocol", "from", "to"):
        value, reason = sub.literal(keys[key])
        if reason:
            raise _RuleUnknown(f"{keys[key]}: {reason}")
        given[key] = value
    protocol = normalise_protocol("-1" if given["protocol"] is _MISSING else given["protocol"])
    if protocol == "all":
        ports = (0, 65535)
    else:
        ports = (0 if given["from"] is _MISSING else _int(given["from"]),
                 65535 if given["to"] is _MISSING else _int(given["to"]))
    base: dict[str, Any] = {"protocol": protocol, "from_port": ports[0], "to_port": ports[1]}
    description, _ = sub.literal("description")
    if description is not _MISSING:
        base["description"] = _str(description)
    items: list[dict[str, Any]] = []
    for key, item_field in (("cidr_v4", "cidr"), ("cidr_v6", "cidr"), ("prefix", "prefix_list"),
                            ("groups", "source_security_group")):
        name = keys.get(key)
        if name is None:
            continue
        targets, reason = sub.uids(name)
        if reason:
            raise _RuleUnknown(f"{name}: {reason}")
        items.extend({**base, item_field: target} for target in targets)
    if block.get("self") is True:
        items.append({**base, "source_security_group": self_uid})
    return items


class _RuleUnknown(Exception):
    """A rule whose peers cannot be known."""


_INLINE_RULE_KEYS = {"protocol": "protocol", "from": "from_port", "to": "to_port", "cidr_v4": "cidr_blocks",
                     "cidr_v6": "ipv6_cidr_blocks", "prefix": "prefix_list_ids", "groups": "security_groups"}
_RULE_RESOURCE_KEYS = {**_INLINE_RULE_KEYS, "groups": "source_security_group_id"}
_VPC_RULE_KEYS = {"protocol": "ip_protocol", "from": "from_port", "to": "to_port", "cidr_v4": "cidr_ipv4",
                  "cidr_v6": "cidr_ipv6", "prefix": "prefix_list_id", "groups": "referenced_security_group_id"}


def _security_group(b: _Builder) -> None:
    b.set("group_name", "name", _str)
    b.relate("in_vpc", "vpc_id")
    for direction in ("ingress", "egress"):
        value = b.get(direction)
        if isinstance(value, Unknown):
            b.out.unknown[direction] = value.reason
            continue
        rules: list[dict[str, Any]] = []
        try:
            for block in _blocks(value):
                rules.extend(_rule_items(block, b.address, _INLINE_RULE_KEYS))
        except _RuleUnknown as exc:
            b.out.unknown[direction] = str(exc)
            continue
        except (TypeError, ValueError):
            b.out.unknown[direction] = f"a rule of {direction} is not understood"
            continue
        if rules:
            b.out.attributes[direction] = rules


def _rule_resource(b: _Builder, keys: dict[str, str], direction: str | None) -> None:
    group = _one_uid(b.get("security_group_id"))
    if group is None:
        return
    if direction is None:
        kind, _ = b.literal("type")
        direction = "egress" if kind == "egress" else "ingress"
    try:
        items = _rule_items(b.values, group, keys)
    except (_RuleUnknown, TypeError, ValueError) as exc:
        b.out.patches.append((group, direction, Unknown(f"rule {b.address}: {exc}"), True))
        return
    for item in items:
        b.out.patches.append((group, direction, item, True))


_ROUTE_TARGETS = (
    ("gateway_id", None), ("nat_gateway_id", "nat_gateway"), ("egress_only_gateway_id", "egress_only_internet_gateway"),
    ("transit_gateway_id", "transit_gateway"), ("vpc_peering_connection_id", "vpc_peering"),
    ("vpc_endpoint_id", "vpc_endpoint"), ("network_interface_id", "network_interface"), ("instance_id", "instance"),
    ("local_gateway_id", "other"), ("carrier_gateway_id", "other"), ("core_network_arn", "other"),
)
_GATEWAY_PREFIXES = {"igw-": "internet_gateway", "vgw-": "vpn_gateway", "local": "local"}
_TYPE_TARGETS = {"aws_internet_gateway": "internet_gateway", "aws_vpn_gateway": "vpn_gateway",
                 "aws_nat_gateway": "nat_gateway", "aws_ec2_transit_gateway": "transit_gateway",
                 "aws_vpc_endpoint": "vpc_endpoint", "aws_egress_only_internet_gateway": "egress_only_internet_gateway"}


def _route(block: dict[str, Any], destination_keys: tuple[str, ...]) -> dict[str, Any] | str:
    """A vocabulary route from a route block or ``aws_route``; a reason string when it cannot be known."""
    sub = _Builder(None, block, "")
    destination = None
    for key in destination_keys:
        value, reason = sub.literal(key)
        if reason:
            return f"destination {key}: {reason}"
        if value is not _MISSING:
            destination = _str(value)
            break
    if destination is None:
        return "route without a destination"
    for key, kind in _ROUTE_TARGETS:
        value = sub.get(key)
        if value is _MISSING or value is None or value == "":
            continue
        target = _one_uid(value)
        if target is None:
            return {"destination": destination, "target_type": "unknown"}
        if kind is None:
            target_type = _TYPE_TARGETS.get(resource_type_of(target) or "")
            if target_type is None:
                target_type = next((t for p, t in _GATEWAY_PREFIXES.items() if target.startswith(p)), "other")
            kind = target_type
        elif isinstance(value, Ref) and resource_type_of(target) in _TYPE_TARGETS:
            kind = _TYPE_TARGETS[resource_type_of(target) or ""]
        return {"destination": destination, "target_type": kind, "target": target}
    return {"destination": destination, "target_type": "unknown"}


def _route_table(b: _Builder, main: bool) -> None:
    if main:
        b.out.attributes["main"] = True
        targets, _ = b.uids("default_route_table_id")  # aws_vpc.x.default_route_table_id -> the VPC
        b.out.refs.extend(("in_vpc", t) for t in targets if resource_type_of(t) == "aws_vpc")
    b.relate("in_vpc", "vpc_id")
    value = b.get("route")
    if isinstance(value, Unknown):
        b.out.unknown["routes"] = value.reason
        return
    routes = []
    for block in _blocks(value):
        route = _route(block, ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"))
        if isinstance(route, str):
            b.out.unknown["routes"] = route
            return
        routes.append(route)
    if routes:
        b.out.attributes["routes"] = routes


def _aws_route(b: _Builder) -> None:
    table = _one_uid(b.get("route_table_id"))
    if table is None:
        return
    route = _route(b.values, ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"))
    b.out.patches.append((table, "routes", Unknown(f"route {b.address}: {route}") if isinstance(route, str) else route,
                          True))


_SOURCE_TYPES = {"uses_route_table": "aws.ec2.subnet", "uses_network_acl": "aws.ec2.subnet"}


def _association(b: _Builder, src_path: str, kind: str, dst_path: str) -> None:
    sources, source_reason = b.uids(src_path)
    targets, target_reason = b.uids(dst_path)
    reason = source_reason or target_reason
    if reason and kind in _SOURCE_TYPES:
        b.out.unresolved.append((_SOURCE_TYPES[kind], kind, f"{b.address}: {reason}"))
    b.out.edges.extend((s, kind, t) for s in sources for t in targets)


def _db_instance(b: _Builder, cluster_member: bool) -> None:
    b.set("engine", "engine", _str)
    b.set("engine_version", "engine_version", _str)
    b.set("instance_class", "instance_class", _str)
    b.set("availability_zone", "availability_zone", _str)
    b.set("publicly_accessible", "publicly_accessible", _bool)
    b.set("monitoring_interval_seconds", "monitoring_interval", _int)
    b.relate("in_subnet_group", "db_subnet_group_name")
    if cluster_member:
        b.relate("member_of", "cluster_identifier")
        return
    b.set("multi_az", "multi_az", _bool)
    b.set("storage_encrypted", "storage_encrypted", _bool)
    b.set("deletion_protection", "deletion_protection", _bool)
    b.set("allocated_storage_gb", "allocated_storage", _int)
    b.set("max_allocated_storage_gb", "max_allocated_storage", _int)
    b.relate("uses_security_group", "vpc_security_group_ids")
    replica_of = b.relate("replica_of", "replicate_source_db")
    source = b.get("replicate_source_db")
    is_replica = bool(replica_of) or isinstance(source, Unknown)
    if is_replica:
        b.out.attributes["is_read_replica"] = True
    retention = b.set("backup_retention_days", "backup_retention_period", _int)
    if retention is _MISSING and is_replica and "backup_retention_days" not in b.out.unknown:
        b.out.attributes["backup_retention_days"] = 0  # RDS read replicas start with automated backups off


def _db_cluster(b: _Builder) -> None:
    for attr, path, conv in (("engine", "engine", _str), ("engine_version", "engine_version", _str),
                             ("backup_retention_days", "backup_retention_period", _int),
                             ("deletion_protection", "deletion_protection", _bool),
                             ("storage_encrypted", "storage_encrypted", _bool),
                             ("availability_zones", "availability_zones", _str_list)):
        b.set(attr, path, conv)
    b.relate("member_of", "global_cluster_identifier")
    b.relate("replica_of", "replication_source_identifier")
    b.relate("in_subnet_group", "db_subnet_group_name")
    b.relate("uses_security_group", "vpc_security_group_ids")


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or any(isinstance(v, Unknown | Ref | dict | list) for v in value):
        raise ValueError(value)
    return [_str(v) for v in value]


def _replication_group(b: _Builder) -> None:
    b.set("engine", "engine", _str)
    b.set("multi_az", "multi_az_enabled", _bool)
    b.set("automatic_failover", "automatic_failover_enabled", _bool)
    b.set("snapshot_retention_days", "snapshot_retention_limit", _int)
    b.set("snapshot_window", "snapshot_window", _str)
    b.set("transit_encryption", "transit_encryption_enabled", _bool)
    b.set("at_rest_encryption", "at_rest_encryption_enabled", _bool)
    b.relate("in_subnet_group", "subnet_group_name")
    b.relate("uses_security_group", "security_group_ids")
    shards, shard_reason = b.literal("num_node_groups")
    replicas, replica_reason = b.literal("replicas_per_node_group")
    clusters, cluster_reason = b.literal("num_cache_clusters")
    zones, zone_reason = b.literal("preferred_cache_cluster_azs")
    mode, _ = b.literal("cluster_mode")
    reason = shard_reason or replica_reason or cluster_reason or zone_reason
    if reason:
        b.out.unknown["node_groups"] = reason
        return
    try:
        if (shards is not _MISSING and _int(shards) > 1) or mode == "enabled":
            b.out.attributes["cluster_mode"] = True
        if shards is not _MISSING or replicas is not _MISSING:
            count = _int(shards) if shards is not _MISSING else 1
            size = 1 + (_int(replicas) if replicas is not _MISSING else 0)
            # PreferredCacheClusterAZs also places the nodes of a single shard given by replicas_per_node_group
            single = _str_list(zones) if count == 1 and zones is not _MISSING else []
            groups = [_node_group(f"{i + 1:04d}", size, single) for i in range(count)]
        else:
            size = _int(clusters) if clusters is not _MISSING else 1
            groups = [_node_group("0001", size, _str_list(zones) if zones is not _MISSING else [])]
    except (TypeError, ValueError):
        b.out.unknown["node_groups"] = "node counts are not understood"
        return
    b.out.attributes["node_groups"] = groups


def _node_group(group_id: str, size: int, zones: list[str]) -> dict[str, Any]:
    members = []
    for index in range(size):
        member: dict[str, Any] = {"role": "primary" if index == 0 else "replica"}
        if index < len(zones):
            member["availability_zone"] = zones[index]
        members.append(member)
    group: dict[str, Any] = {"id": group_id, "members": members}
    if zones:
        group["primary_availability_zone"] = zones[0]
    return group


def _load_balancer(b: _Builder) -> None:
    lb_type = b.set("lb_type", "load_balancer_type", _str)
    internal = b.set("scheme", "internal", lambda v: "internal" if _bool(v) else "internet-facing")
    if internal is _MISSING:
        b.out.attributes.pop("scheme", None)
    cross = b.set("cross_zone_enabled", "enable_cross_zone_load_balancing", _bool)
    if cross is _MISSING and "cross_zone_enabled" not in b.out.unknown and "lb_type" not in b.out.unknown:
        # ALBs always balance across zones; the provider's default for NLB/GWLB is false.
        b.out.attributes["cross_zone_enabled"] = lb_type in (_MISSING, "application")
    b.set("deletion_protection", "enable_deletion_protection", _bool)
    # subnets and subnet_mapping are two spellings of the same set: unknown only when neither names one
    subnets, reason = b.uids("subnets")
    mappings = b.get("subnet_mapping")
    reasons = [reason, mappings.reason if isinstance(mappings, Unknown) else None]
    for block in _blocks(mappings):
        targets, why = _uids(block.get("subnet_id"))
        subnets.extend(t for t in targets if t not in subnets)
        reasons.append(why)
    b.out.refs.extend(("in_subnet", t) for t in subnets)
    if not subnets and any(reasons):
        b.out.unknown_relations["in_subnet"] = next(r for r in reasons if r)
    b.relate("uses_security_group", "security_groups")


def _target_group(b: _Builder) -> None:
    b.set("protocol", "protocol", _str)
    b.set("port", "port", _int)
    b.set("target_type", "target_type", _str)
    b.set("deregistration_delay_seconds", "deregistration_delay", _int)
    b.relate("in_vpc", "vpc_id")
    health = b.get("health_check")
    if isinstance(health, Unknown):
        for attr in ("health_check_interval_seconds", "healthy_threshold", "unhealthy_threshold"):
            b.out.unknown[attr] = health.reason
    else:
        # aws_lb_target_group health_check provider defaults: interval 30, healthy 3, unhealthy 3.
        b.out.attributes.update({"healthy_threshold": 3, "unhealthy_threshold": 3})
        for attr, path, conv in (("health_check_enabled", "health_check.0.enabled", _bool),
                                 ("health_check_protocol", "health_check.0.protocol", _str),
                                 ("health_check_path", "health_check.0.path", _str),
                                 ("health_check_interval_seconds", "health_check.0.interval", _int),
                                 ("healthy_threshold", "health_check.0.healthy_threshold", _int),
                                 ("unhealthy_threshold", "health_check.0.unhealthy_threshold", _int)):
            b.set(attr, path, conv)
    b.set("stickiness_enabled", "stickiness.0.enabled", _bool)
    b.set("stickiness_type", "stickiness.0.type", _str)


def _autoscaling_group(b: _Builder) -> None:
    for attr, path in (("min_size", "min_size"), ("max_size", "max_size"), ("desired_capacity", "desired_capacity")):
        b.set(attr, path, _int)
    b.set("health_check_type", "health_check_type", _str)
    b.out.attributes["health_check_grace_period_seconds"] = 300  # the provider's default, not the API's 0
    b.set("health_check_grace_period_seconds", "health_check_grace_period", _int)
    b.set("availability_zones", "availability_zones", _str_list)
    b.relate("in_subnet", "vpc_zone_identifier")
    b.edge_from("target_group_arns", "targets")
    b.edge_from("load_balancers", "targets")


def _scaling_policy(b: _Builder) -> None:
    b.set("policy_type", "policy_type", _str)
    config = "target_tracking_configuration.0"
    b.set("predefined_metric_type", f"{config}.predefined_metric_specification.0.predefined_metric_type", _str)
    b.set("target_value", f"{config}.target_value", _float)
    b.relate("scales", "autoscaling_group_name")


def _dynamodb_table(b: _Builder) -> None:
    b.set("billing_mode", "billing_mode", _str)
    b.set("pitr_enabled", "point_in_time_recovery.0.enabled", _bool)
    b.set("pitr_recovery_period_days", "point_in_time_recovery.0.recovery_period_in_days", _int)
    b.set("deletion_protection", "deletion_protection_enabled", _bool)
    replicas = b.get("replica")
    if isinstance(replicas, Unknown):
        b.out.unknown["replica_regions"] = replicas.reason
        return
    regions = []
    for block in _blocks(replicas):
        region, reason = _Builder(None, block, "").literal("region_name")
        if reason:
            b.out.unknown["replica_regions"] = reason
            return
        if region is not _MISSING:
            regions.append(_str(region))
    if regions:
        b.out.attributes["replica_regions"] = sorted(regions)


def _bucket(b: _Builder) -> None:
    b.set("versioning", "versioning.0.enabled", lambda v: "Enabled" if _bool(v) else "Disabled")


def _bucket_versioning(b: _Builder) -> None:
    bucket = _one_uid(b.get("bucket"))
    status, reason = b.literal("versioning_configuration.0.status")
    if bucket is not None and reason is None and status is not _MISSING:
        b.out.patches.append((bucket, "versioning", _str(status), False))
    elif bucket is not None and reason:
        b.out.patches.append((bucket, "versioning", Unknown(reason), False))


def _bucket_replication(b: _Builder) -> None:
    bucket = _one_uid(b.get("bucket"))
    if bucket is None:
        return
    for block in _blocks(b.get("rule")):
        sub = _Builder(None, block, "")
        rule: dict[str, Any] = {}
        status, _ = sub.literal("status")
        if status is not _MISSING:
            rule["status"] = _str(status)
        destination = _one_uid(sub.get("destination.0.bucket"))
        if destination:
            rule["destination_bucket"] = destination
        rtc, _ = sub.literal("destination.0.replication_time.0.status")
        rule["replication_time_enabled"] = rtc == "Enabled"
        b.out.patches.append((bucket, "replication_rules", rule, True))


def _backup_plan(b: _Builder) -> None:
    value = b.get("rule")
    if isinstance(value, Unknown):
        b.out.unknown["rules"] = value.reason
        return
    rules = []
    for block in _blocks(value):
        sub = _Builder(None, block, "")
        for attr, path, conv in (("name", "rule_name", _str), ("schedule", "schedule", _str),
                                 ("delete_after_days", "lifecycle.0.delete_after", _int),
                                 ("move_to_cold_after_days", "lifecycle.0.cold_storage_after", _int),
                                 ("continuous", "enable_continuous_backup", _bool)):
            sub.set(attr, path, conv)
        copies, _ = _uids([c.get("destination_vault_arn") for c in _blocks(block.get("copy_action"))])
        if copies:
            sub.out.attributes["copy_destinations"] = copies
        if sub.out.unknown:
            b.out.unknown["rules"] = next(iter(sub.out.unknown.values()))
            return
        rules.append(sub.out.attributes)
    if rules:
        b.out.attributes["rules"] = rules


def _backup_selection(b: _Builder) -> None:
    b.relate("member_of", "plan_id")
    value = b.get("resources")
    literals = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    if literals:
        b.out.attributes["resources"] = literals
    refs = value if isinstance(value, Ref) else None
    if isinstance(value, list):
        refs = Ref(tuple(t for v in value if isinstance(v, Ref) for t in v.targets))
    if refs:
        b.out.refs.extend(("backs_up", t) for t in refs.targets)
    if isinstance(value, Unknown) or (isinstance(value, list) and any(isinstance(v, Unknown) for v in value)):
        b.out.unknown_relations["backs_up"] = "selected resources unknown"
        b.out.unknown["resources"] = "selected resources unknown"
    tags: dict[str, str] = {}
    for block in _blocks(b.get("selection_tag")):
        key, value_ = block.get("key"), block.get("value")
        if isinstance(key, str) and isinstance(value_, str):
            tags[key] = value_
    if tags:
        b.out.attributes["tag_conditions"] = tags


def _alarm(b: _Builder) -> None:
    for attr, path, conv in (("namespace", "namespace", _str), ("metric_name", "metric_name", _str),
                             ("statistic", "statistic", _str), ("period_seconds", "period", _int),
                             ("evaluation_periods", "evaluation_periods", _int), ("threshold", "threshold", _float),
                             ("comparison_operator", "comparison_operator", _str),
                             ("actions_enabled", "actions_enabled", _bool)):
        b.set(attr, path, conv)
    actions, reason = b.uids("alarm_actions")
    if reason:
        b.out.unknown["alarm_actions"] = reason
    elif actions:
        b.out.attributes["alarm_actions"] = actions
    dims = b.values.get("dimensions")
    if isinstance(dims, Ref):
        b.out.refs.extend(("alarms_on", t) for t in dims.targets)
        dims = dims.value if dims.known else Unknown(f"refers to {', '.join(dims.targets)}")
    if isinstance(dims, Unknown):
        b.out.unknown["dimensions"] = dims.reason
        if not b.out.refs:
            b.out.unknown_relations["alarms_on"] = dims.reason
        return
    literal: dict[str, str] = {}
    for key, value in (dims.items() if isinstance(dims, dict) else []):
        if isinstance(value, Ref):
            b.out.refs.extend(("alarms_on", t) for t in value.targets if ("alarms_on", t) not in b.out.refs)
            if value.known:
                literal[key] = _str(value.value)
        elif isinstance(value, Unknown):
            b.out.unknown["dimensions"] = value.reason
        elif value is not None:
            literal[key] = _str(value)
    if literal and "dimensions" not in b.out.unknown:
        b.out.attributes["dimensions"] = literal


def _elb(b: _Builder) -> None:
    b.set("scheme", "internal", lambda v: "internal" if _bool(v) else "internet-facing")
    b.set("availability_zones", "availability_zones", _str_list)
    b.out.attributes["cross_zone_enabled"] = True  # aws_elb's provider default, unlike the API's false
    b.set("cross_zone_enabled", "cross_zone_load_balancing", _bool)
    b.set("connection_draining", "connection_draining", _bool)
    b.relate("in_subnet", "subnets")
    b.relate("uses_security_group", "security_groups")
    b.relate("targets", "instances")


def _distribution(b: _Builder) -> None:
    b.set("enabled", "enabled", _bool)
    domains: list[str] = []
    for block in _blocks(b.get("origin")):
        value = block.get("domain_name")
        if isinstance(value, Ref):
            b.out.refs.extend(("serves", t) for t in value.targets if resource_type_of(t) in _SERVED)
            if value.known:
                domains.append(_str(value.value))
        elif isinstance(value, str):
            domains.append(value)
    if domains:
        b.out.attributes["origin_domains"] = domains
    groups = _blocks(b.get("origin_group"))
    if groups:
        b.out.attributes["origin_group_count"] = len(groups)
        ids = {g.get("origin_id") for g in groups}
        target, _ = b.literal("default_cache_behavior.0.target_origin_id")
        b.out.attributes["default_target_is_group"] = target in ids


_SERVED = {"aws_s3_bucket", "aws_lb", "aws_alb", "aws_elb"}


def _simple(specs: tuple[tuple[str, str, Callable[[Any], Any]], ...],
            relations: tuple[tuple[str, str], ...] = ()) -> Callable[[_Builder], None]:
    def apply(b: _Builder) -> None:
        for attr, path, conv in specs:
            b.set(attr, path, conv)
        for kind, path in relations:
            b.relate(kind, path)
    return apply


_MAPPERS: dict[str, Callable[[_Builder], None]] = {
    "aws_vpc": _simple((("cidr_block", "cidr_block", _str),)),
    "aws_subnet": _simple((("availability_zone", "availability_zone", _str),
                           ("availability_zone_id", "availability_zone_id", _str),
                           ("cidr_block", "cidr_block", _str),
                           ("map_public_ip_on_launch", "map_public_ip_on_launch", _bool)), (("in_vpc", "vpc_id"),)),
    "aws_route_table": lambda b: _route_table(b, main=False),
    "aws_default_route_table": lambda b: _route_table(b, main=True),
    "aws_internet_gateway": _simple((), (("attached_to", "vpc_id"),)),
    "aws_nat_gateway": _simple((("connectivity_type", "connectivity_type", _str),), (("in_subnet", "subnet_id"),)),
    "aws_security_group": _security_group,
    "aws_network_acl": lambda b: _network_acl(b),
    "aws_instance": _simple((("instance_type", "instance_type", _str),
                             ("availability_zone", "availability_zone", _str),
                             ("detailed_monitoring", "monitoring", _bool)),
                            (("in_subnet", "subnet_id"), ("uses_security_group", "vpc_security_group_ids"))),
    "aws_vpc_endpoint": _simple((("endpoint_type", "vpc_endpoint_type", _str), ("service_name", "service_name", _str)),
                                (("in_vpc", "vpc_id"), ("in_subnet", "subnet_ids"),
                                 ("uses_security_group", "security_group_ids"))),
    "aws_lb": _load_balancer,
    "aws_alb": _load_balancer,
    "aws_lb_target_group": _target_group,
    "aws_alb_target_group": _target_group,
    "aws_elb": _elb,
    "aws_autoscaling_group": _autoscaling_group,
    "aws_autoscaling_policy": _scaling_policy,
    "aws_db_instance": lambda b: _db_instance(b, cluster_member=False),
    "aws_rds_cluster_instance": lambda b: _db_instance(b, cluster_member=True),
    "aws_rds_cluster": _db_cluster,
    "aws_rds_global_cluster": _simple((("engine", "engine", _str),
                                       ("deletion_protection", "deletion_protection", _bool))),
    "aws_db_subnet_group": _simple((("description", "description", _str),), (("in_subnet", "subnet_ids"),)),
    "aws_elasticache_replication_group": _replication_group,
    "aws_elasticache_subnet_group": _simple((("description", "description", _str),), (("in_subnet", "subnet_ids"),)),
    "aws_dynamodb_table": _dynamodb_table,
    "aws_s3_bucket": _bucket,
    "aws_backup_plan": _backup_plan,
    "aws_backup_selection": _backup_selection,
    "aws_cloudwatch_metric_alarm": _alarm,
    "aws_efs_file_system": _simple((("one_zone_availability_zone", "availability_zone_name", _str),
                                    ("encrypted", "encrypted", _bool),
                                    ("lifecycle_transition_to_ia", "lifecycle_policy.0.transition_to_ia", _str))),
    "aws_ecs_service": _simple((("launch_type", "launch_type", _str), ("desired_count", "desired_count", _int),
                                ("assign_public_ip", "network_configuration.0.assign_public_ip", _bool),
                                ("circuit_breaker", "deployment_circuit_breaker.0.enable", _bool)),
                               (("in_subnet", "network_configuration.0.subnets"),
                                ("uses_security_group", "network_configuration.0.security_groups"))),
    "aws_eks_node_group": _simple((("min_size", "scaling_config.0.min_size", _int),
                                   ("max_size", "scaling_config.0.max_size", _int),
                                   ("desired_size", "scaling_config.0.desired_size", _int)),
                                  (("in_subnet", "subnet_ids"),)),
    "aws_cloudfront_distribution": _distribution,
    "aws_route53_health_check": _simple((("check_type", "type", _str),
                                         ("failure_threshold", "failure_threshold", _int),
                                         ("request_interval_seconds", "request_interval", _int))),
}

# Resources that are not vocabulary types but add rules, routes or relations to others.
_CONTRIBUTORS: dict[str, Callable[[_Builder], None]] = {
    "aws_security_group_rule": lambda b: _rule_resource(b, _RULE_RESOURCE_KEYS, None),
    "aws_vpc_security_group_ingress_rule": lambda b: _rule_resource(b, _VPC_RULE_KEYS, "ingress"),
    "aws_vpc_security_group_egress_rule": lambda b: _rule_resource(b, _VPC_RULE_KEYS, "egress"),
    "aws_route": _aws_route,
    "aws_route_table_association": lambda b: _association(b, "subnet_id", "uses_route_table", "route_table_id"),
    "aws_main_route_table_association": lambda b: _main_association(b),
    "aws_internet_gateway_attachment": lambda b: _association(b, "internet_gateway_id", "attached_to", "vpc_id"),
    "aws_network_acl_association": lambda b: _association(b, "subnet_id", "uses_network_acl", "network_acl_id"),
    "aws_lb_target_group_attachment": lambda b: _association(b, "target_group_arn", "targets", "target_id"),
    "aws_autoscaling_attachment": lambda b: _autoscaling_attachment(b),
    "aws_lb_listener": lambda b: _listener(b),
    "aws_alb_listener": lambda b: _listener(b),
    "aws_efs_mount_target": lambda b: _association(b, "file_system_id", "in_subnet", "subnet_id"),
    "aws_s3_bucket_versioning": _bucket_versioning,
    "aws_s3_bucket_replication_configuration": _bucket_replication,
}

CONTRIBUTOR_TYPES: frozenset[str] = frozenset(_CONTRIBUTORS)


def _main_association(b: _Builder) -> None:
    table = _one_uid(b.get("route_table_id"))
    if table is not None:
        b.out.patches.append((table, "main", True, False))
        _association(b, "route_table_id", "in_vpc", "vpc_id")


def _autoscaling_attachment(b: _Builder) -> None:
    for path in ("lb_target_group_arn", "alb_target_group_arn", "elb"):
        _association(b, path, "targets", "autoscaling_group_name")


def _listener(b: _Builder) -> None:
    lbs, _ = b.uids("load_balancer_arn")
    for block in _blocks(b.get("default_action")):
        groups, _ = _uids(block.get("target_group_arn"))
        for forward in _blocks(block.get("forward")):
            for tg in _blocks(forward.get("target_group")):
                groups.extend(_uids(tg.get("arn"))[0])
        b.out.edges.extend((lb, "targets", tg) for lb in lbs for tg in groups)


def _network_acl(b: _Builder) -> None:
    b.relate("in_vpc", "vpc_id")
    b.edge_from("subnet_ids", "uses_network_acl")
    entries = []
    for egress, direction in ((False, "ingress"), (True, "egress")):
        value = b.get(direction)
        if isinstance(value, Unknown):
            b.out.unknown["entries"] = value.reason
            return
        for block in _blocks(value):
            sub = _Builder(None, block, "")
            for attr, path, conv in (("rule_number", "rule_no", _int), ("action", "action", lambda v: _str(v).lower()),
                                     ("protocol", "protocol", normalise_protocol), ("from_port", "from_port", _int),
                                     ("to_port", "to_port", _int)):
                sub.set(attr, path, conv)
            cidr, _ = sub.literal("cidr_block")
            cidr6, _ = sub.literal("ipv6_cidr_block")
            peer = cidr if cidr is not _MISSING else cidr6
            if peer is not _MISSING:
                sub.out.attributes["cidr"] = _str(peer)
            if sub.out.unknown or "rule_number" not in sub.out.attributes:
                b.out.unknown["entries"] = next(iter(sub.out.unknown.values()), "entry without rule number")
                return
            entry = {"egress": egress, **sub.out.attributes}
            if entry.get("protocol") == "all":
                entry["from_port"], entry["to_port"] = 0, 65535
            entry.setdefault("protocol", "all")
            entries.append(entry)
    if entries:
        b.out.attributes["entries"] = entries


def is_supported(tf_type: str) -> bool:
    """True when haguard maps ``tf_type`` to a vocabulary type or folds it into one."""
    return tf_type in _MAPPERS or tf_type in _CONTRIBUTORS


def map_resource(tf_type: str, values: dict[str, Any], unknown_paths: Mapping[str, str] | Iterable[str] = (),
                 *, address: str = "") -> MappedResource:
    """Map one Terraform resource's values to the vocabulary.

    ``values`` is the value tree (leaves may be ``Ref``/``Unknown``); ``unknown_paths`` adds
    ``Unknown`` at dotted paths (a set means "known after apply"). ``address`` is the resource's uid,
    needed for relations that point at it (``self`` rules, subnet -> network ACL). Raises
    ``KeyError`` for an unsupported type (see ``is_supported``).
    """
    tree = with_unknowns(values, unknown_paths) if unknown_paths else values
    if tf_type in _CONTRIBUTORS:
        builder = _Builder(None, tree, address)
        _CONTRIBUTORS[tf_type](builder)
        return builder.out
    builder = _Builder(type_for_terraform(tf_type), tree, address)
    _MAPPERS[tf_type](builder)
    builder.set("tags", "tags", _tags)
    return builder.out


@dataclass
class TfResource:
    """A mapped Terraform resource with its address (uid), name and declaration site."""

    address: str
    tf_type: str
    name: str
    mapped: MappedResource
    location: Location | None = None
    suppressions: dict[str, str] = field(default_factory=dict)


_ALLOWED = {(src, kind, dst) for src, kind, dst in RELATIONS}
_KINDS_FROM = {(src, kind) for src, kind, _ in RELATIONS}


def _instance_name(item: TfResource) -> str:
    """The resource name with its ``count``/``for_each`` key (``private["a"]``), so instances differ."""
    at = item.address.rfind(item.name)
    suffix = item.address[at + len(item.name):] if at >= 0 else ""
    return item.name + suffix if suffix.startswith("[") else item.name


def build_snapshot(kind: str, files: list[str], items: list[TfResource], region: str | None = None) -> Snapshot:
    """Assemble mapped resources into a snapshot: apply patches, keep well-typed relations.

    A VPC whose main route table Terraform does not manage (no ``aws_default_route_table`` or
    ``aws_main_route_table_association``) gets the empty main table AWS creates with it
    (``scanner.iac.implicit``).
    """
    resources: dict[str, Resource] = {}
    for item in items:
        if item.mapped.type is None:
            continue
        attributes = concretise(dict(item.mapped.attributes), region) if region else dict(item.mapped.attributes)
        resources[item.address] = Resource(
            uid=item.address, type=item.mapped.type, name=_instance_name(item), region=region,
            location=item.location, attributes=attributes, unknown=dict(item.mapped.unknown),
            unknown_relations=dict(item.mapped.unknown_relations), suppressions=dict(item.suppressions))
    for item in items:
        for target, attr, value, append in item.mapped.patches:
            _patch(resources.get(target), attr, value, append)
    triples: list[tuple[str, str, str]] = []
    for item in items:
        triples.extend((item.address, kind_, dst) for kind_, dst in item.mapped.refs)
        triples.extend(item.mapped.edges)
    explicit = {(src, kind_) for src, kind_, _ in triples}
    for item in items:
        for type_name, kind_, reason in item.mapped.unresolved:
            for uid, resource in resources.items():
                if resource.type == type_name and (uid, kind_) not in explicit:
                    resource.unknown_relations.setdefault(kind_, reason)
    relations: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for src, kind_, dst in triples:
        if (src, kind_, dst) in seen or src not in resources or src == dst:
            continue
        src_type = resources[src].type
        dst_resource = resources.get(dst)
        if dst_resource is None and (src_type, kind_) not in _KINDS_FROM:
            continue
        if dst_resource is not None and (src_type, kind_, dst_resource.type) not in _ALLOWED:
            continue
        seen.add((src, kind_, dst))
        relations.append(Relation(src=src, kind=kind_, dst=dst))
    return add_implicit_main_route_tables(Snapshot(
        source=Source(kind=kind, files=files, regions=[region] if region else []),
        resources=list(resources.values()), relations=relations))


def _patch(resource: Resource | None, attr: str, value: Any, append: bool) -> None:
    if resource is None or attr in resource.unknown:
        return
    if isinstance(value, Unknown):
        resource.attributes.pop(attr, None)
        resource.unknown[attr] = value.reason
    elif append:
        resource.attributes.setdefault(attr, []).append(value)
    else:
        resource.attributes[attr] = value
