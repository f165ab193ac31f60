"""Terraform's structural hooks: what the vocabulary's declarations cannot say as a path.

``HOOKS`` run after the declarative mapping of a vocabulary type (security-group rules, routes,
node groups, alarm dimensions...). ``CONTRIBUTORS`` are Terraform resources that are not
vocabulary types but add to one: separate rules and routes, associations, attachments, listeners,
bucket sub-resources. Each hook is named after what it does and works on a ``Builder``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import normalise
from ..model.mapping import item_or_unknown
from ..model.values import MISSING as ABSENT
from ..model.values import Reference as Ref
from ..model.values import Unknown
from ..model.vocabulary.elasticache import name_members
from ..model.vocabulary.s3 import LifecycleRule, ReplicationRule

MISSING = object()
_ADDRESS_TYPE = re.compile(r"(?:^|\.)(?:data\.)?(aws_[a-z0-9_]+)\.[^.\[]+(?:\[[^\]]*\])?$")


def resource_type_of(address: str) -> str | None:
    """The Terraform type named in an address (``module.x.aws_subnet.a[0]`` -> ``aws_subnet``)."""
    match = _ADDRESS_TYPE.search(address)
    return match.group(1) if match else None


class TfAdapter:
    """Terraform value trees (plan JSON and HCL) for the mapping engine: nested blocks are lists of one
    mapping, ``null`` and ``""`` mean unset, a bad value is unknown (Terraform validated the types)."""

    source = "tf"
    unwrap_blocks = True

    def __init__(self, tf_type: str) -> None:
        self.source_type = tf_type

    def node(self, value: Any) -> Any:
        return ABSENT if value == "" else value

    def literal_target(self, value: str, relation: Any) -> str:
        return value

    def bad_value(self, attribute: str, path: str, message: str) -> str:
        return f"the value of {path} is not understood: {message}"


@dataclass
class MappedResource:
    """One Terraform resource in vocabulary terms.

    ``type`` is None for resources that only add to others (rules, routes, associations): their
    ``edges`` (src, kind, dst) and ``patches`` (target uid, attribute, value, append) do that.
    ``refs`` are the resource's own outgoing relations (kind, target uid). ``unresolved`` lists
    (source type, kind, reason) for an association whose source is unknown: every source of that
    type without such an edge gets the relation kind marked unknown. ``standalone_group`` names the
    security group a standalone rule belongs to, so that a group outside the module becomes a
    partial group of the rule's own.
    """

    type: str | None
    attributes: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    unknown_relations: dict[str, str] = field(default_factory=dict)
    refs: list[tuple[str, str]] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    patches: list[tuple[str, str, Any, bool]] = field(default_factory=list)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)
    standalone_group: str | None = None


class Builder:
    """Reads the value tree of one resource and writes a ``MappedResource``."""

    def __init__(self, type_name: str | None, values: dict[str, Any], address: str,
                 out: MappedResource | None = None) -> None:
        self.values = values
        self.address = address
        self.out = out if out is not None else MappedResource(type=type_name)

    def get(self, path: str) -> Any:
        """The value at a dotted path; ``MISSING`` when absent, the ``Unknown`` covering it if any."""
        node: Any = self.values
        for part in path.split("."):
            if isinstance(node, Unknown):
                return node
            if isinstance(node, Ref):
                return node.value if node.known else Unknown(node.describe())
            if isinstance(node, dict):
                node = node.get(part, MISSING)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return MISSING
            if node is MISSING:
                return MISSING
        return node

    def literal(self, path: str) -> tuple[Any, str | None]:
        """(value, None), (MISSING, None) when omitted/null/empty, or (MISSING, reason) when unknown."""
        value = self.get(path)
        if isinstance(value, Ref):
            if value.known:
                value = value.value
            else:
                return MISSING, value.describe()
        if isinstance(value, Unknown):
            return MISSING, value.reason
        if value is None or value == "" or value is MISSING:
            return MISSING, None
        return value, None

    def set(self, attr: str, path: str, conv: Callable[[Any], Any] = lambda v: v) -> Any:
        """Write attribute ``attr`` from ``path`` (omitted -> model default, unknown -> ``unknown``)."""
        value, reason = self.literal(path)
        if reason is not None:
            self.out.unknown[attr] = reason
            return MISSING
        if value is MISSING:
            return MISSING
        try:
            converted = conv(value)
        except (TypeError, ValueError):
            self.out.unknown[attr] = f"the {type(value).__name__} value of {path} is not understood"
            return MISSING
        self.out.attributes[attr] = converted
        return converted

    def uids(self, path: str) -> tuple[list[str], str | None]:
        """Target uids at ``path`` (references and literal ids), with a reason when not all are known."""
        return uids_of(self.get(path))


def uids_of(value: Any) -> tuple[list[str], str | None]:
    """The uids a reference value names (literal ids as written), and why some are unknown."""
    if value is MISSING or value is None or value == "":
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
            more, why = uids_of(item)
            found.extend(t for t in more if t not in found)
            reason = reason or why
        return found, reason
    return [], f"a {type(value).__name__} value is not a reference"


def one_uid(value: Any) -> str | None:
    """The first uid a reference value names."""
    targets, _ = uids_of(value)
    return targets[0] if targets else None


def blocks(value: Any) -> list[dict[str, Any]]:
    """A nested block (or list of them) as a list of mappings."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _str(value: Any) -> str:
    if isinstance(value, dict | list | Unknown | Ref):
        raise ValueError(value)
    return normalise.text(value)


def _int(value: Any) -> int:
    return normalise.integer(value)


# -- security groups ---------------------------------------------------------------------------

class _RuleUnknown(Exception):
    """A rule whose peers cannot be known."""


INLINE_RULE_KEYS = {"protocol": "protocol", "from": "from_port", "to": "to_port", "cidr_v4": "cidr_blocks",
                    "cidr_v6": "ipv6_cidr_blocks", "prefix": "prefix_list_ids", "groups": "security_groups"}
RULE_RESOURCE_KEYS = {**INLINE_RULE_KEYS, "groups": "source_security_group_id"}
VPC_RULE_KEYS = {"protocol": "ip_protocol", "from": "from_port", "to": "to_port", "cidr_v4": "cidr_ipv4",
                 "cidr_v6": "cidr_ipv6", "prefix": "prefix_list_id", "groups": "referenced_security_group_id"}


def rule_items(block: dict[str, Any], self_uid: str, keys: dict[str, str]) -> list[dict[str, Any]]:
    """Flatten one security-group rule (inline block or rule resource) to one item per peer."""
    sub = Builder(None, block, self_uid)
    given: dict[str, Any] = {}
    for key in ("protocol", "from", "to"):
        value, reason = sub.literal(keys[key])
        if reason:
            raise _RuleUnknown(f"{keys[key]}: {reason}")
        given[key] = None if value is MISSING else value
    proto = normalise.protocol("-1" if given["protocol"] is None else given["protocol"])
    base: dict[str, Any] = {"protocol": proto, **normalise.rule_ports(proto, given["from"], given["to"])}
    description, _ = sub.literal("description")
    if description is not MISSING:
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


GROUP_ID_ASSIGNED = "AWS assigns the group id when it creates the group"


def security_group_rules(b: Builder) -> None:
    """Hook ``rules``: inline ``ingress``/``egress`` blocks, one item per peer. The group's own id is AWS's
    to assign (hook ``standalone_rules`` names an outside group's)."""
    b.out.unknown["group_id"] = GROUP_ID_ASSIGNED
    for direction in ("ingress", "egress"):
        value = b.get(direction)
        if isinstance(value, Unknown):
            b.out.unknown[direction] = value.reason
            continue
        rules: list[dict[str, Any]] = []
        try:
            for block in blocks(value):
                rules.extend(rule_items(block, b.address, INLINE_RULE_KEYS))
        except _RuleUnknown as exc:
            b.out.unknown[direction] = str(exc)
            continue
        except (TypeError, ValueError):
            b.out.unknown[direction] = f"a rule of {direction} is not understood"
            continue
        if rules:
            b.out.attributes[direction] = rules


def standalone_rule(keys: dict[str, str], direction: str | None) -> Callable[[Builder], None]:
    """Contributor: a rule resource adds its items to its group (or, outside the module, to a partial group)."""

    def contribute(b: Builder) -> None:
        group = one_uid(b.get("security_group_id"))
        if group is None:
            reason = uids_of(b.get("security_group_id"))[1]
            group = f"unknown group ({reason})" if reason else None
        if group is None:
            return
        side = direction
        if side is None:
            kind, _ = b.literal("type")
            side = "egress" if kind == "egress" else "ingress"
        b.out.standalone_group = group
        try:
            items = rule_items(b.values, group, keys)
        except (_RuleUnknown, TypeError, ValueError) as exc:
            b.out.patches.append((group, side, Unknown(f"rule {b.address}: {exc}"), True))
            return
        for item in items:
            b.out.patches.append((group, side, item, True))

    return contribute


# -- routing -----------------------------------------------------------------------------------

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
    sub = Builder(None, block, "")
    destination = None
    for key in destination_keys:
        value, reason = sub.literal(key)
        if reason:
            return f"destination {key}: {reason}"
        if value is not MISSING:
            destination = _str(value)
            break
    if destination is None:
        return "route without a destination"
    for key, kind in _ROUTE_TARGETS:
        value = sub.get(key)
        if value is MISSING or value is None or value == "":
            continue
        target = one_uid(value)
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


def route_table_routes(b: Builder) -> None:
    """Hook ``routes``: inline ``route`` blocks."""
    value = b.get("route")
    if isinstance(value, Unknown):
        b.out.unknown["routes"] = value.reason
        return
    routes = []
    for block in blocks(value):
        route = _route(block, ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"))
        if isinstance(route, str):
            b.out.unknown["routes"] = route
            return
        routes.append(route)
    if routes:
        b.out.attributes["routes"] = routes


def main_route_table(b: Builder) -> None:
    """Hook ``main_route_table``: ``aws_default_route_table`` is its VPC's main table."""
    b.out.attributes["main"] = True
    targets, _ = b.uids("default_route_table_id")  # aws_vpc.x.default_route_table_id -> the VPC
    b.out.refs.extend(("in_vpc", t) for t in targets if resource_type_of(t) == "aws_vpc")


def aws_route(b: Builder) -> None:
    """Contributor: ``aws_route`` adds a route to its table."""
    table = one_uid(b.get("route_table_id"))
    if table is None:
        return
    route = _route(b.values, ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"))
    b.out.patches.append((table, "routes", Unknown(f"route {b.address}: {route}") if isinstance(route, str) else route,
                          True))


_SOURCE_TYPES = {"uses_route_table": "aws.ec2.subnet", "uses_network_acl": "aws.ec2.subnet"}


def association(src_path: str, kind: str, dst_path: str) -> Callable[[Builder], None]:
    """Contributor: ``src -kind-> dst`` between the two referenced resources."""

    def contribute(b: Builder) -> None:
        sources, source_reason = b.uids(src_path)
        targets, target_reason = b.uids(dst_path)
        reason = source_reason or target_reason
        if reason and kind in _SOURCE_TYPES:
            b.out.unresolved.append((_SOURCE_TYPES[kind], kind, f"{b.address}: {reason}"))
        b.out.edges.extend((s, kind, t) for s in sources for t in targets)

    return contribute


def main_route_table_association(b: Builder) -> None:
    """Contributor: ``aws_main_route_table_association`` makes its table the VPC's main one."""
    table = one_uid(b.get("route_table_id"))
    if table is not None:
        b.out.patches.append((table, "main", True, False))
        association("route_table_id", "in_vpc", "vpc_id")(b)


def network_acl_entries(b: Builder) -> None:
    """Hook ``nacl_entries``: inline ``ingress``/``egress`` blocks as entries."""
    entries = []
    for egress, direction in ((False, "ingress"), (True, "egress")):
        value = b.get(direction)
        if isinstance(value, Unknown):
            b.out.unknown["entries"] = value.reason
            return
        for block in blocks(value):
            sub = Builder(None, block, "")
            for attr, path, conv in (("rule_number", "rule_no", _int), ("action", "action", normalise.lower),
                                     ("protocol", "protocol", normalise.protocol)):
                sub.set(attr, path, conv)
            proto = sub.out.attributes.setdefault("protocol", "all")
            icmp = proto in normalise.ICMP_PROTOCOLS
            bounds = [sub.literal(key) for key in (("icmp_type", "icmp_code") if icmp else ("from_port", "to_port"))]
            reason = next((why for _, why in bounds if why), None)
            if reason or sub.out.unknown or "rule_number" not in sub.out.attributes:
                b.out.unknown["entries"] = reason or next(iter(sub.out.unknown.values()), "entry without rule number")
                return
            low, high = (None if value is MISSING else value for value, _ in bounds)
            try:
                ports = normalise.rule_ports(proto, low, high)
            except ValueError as exc:
                b.out.unknown["entries"] = f"{b.address}: {exc}"
                return
            cidr, _ = sub.literal("cidr_block")
            cidr6, _ = sub.literal("ipv6_cidr_block")
            peer = cidr if cidr is not MISSING else cidr6
            entry = {"egress": egress, **sub.out.attributes, **ports}
            if peer is not MISSING:
                entry["cidr"] = _str(peer)
            entries.append(entry)
    if entries:
        b.out.attributes["entries"] = entries


def network_acl_rule(b: Builder) -> None:
    """Contributor: ``aws_network_acl_rule`` adds an entry to its ACL (ports, or ICMP type and code)."""
    acl = one_uid(b.get("network_acl_id"))
    if acl is None:
        return
    sub = Builder(None, b.values, b.address)
    for attr, path, conv in (("rule_number", "rule_number", _int), ("action", "rule_action", normalise.lower),
                             ("protocol", "protocol", normalise.protocol), ("egress", "egress", normalise.boolean)):
        sub.set(attr, path, conv)
    proto = sub.out.attributes.setdefault("protocol", "all")
    icmp = proto in normalise.ICMP_PROTOCOLS
    bounds = [sub.literal(key) for key in (("icmp_type", "icmp_code") if icmp else ("from_port", "to_port"))]
    reason = next((why for _, why in bounds if why), None) or next(iter(sub.out.unknown.values()), None)
    if reason is None and "rule_number" not in sub.out.attributes:
        reason = "rule without a rule number"
    if reason is None:
        low, high = (None if value is MISSING else value for value, _ in bounds)
        try:
            entry: dict[str, Any] = {"egress": False, **sub.out.attributes, **normalise.rule_ports(proto, low, high)}
        except (TypeError, ValueError) as exc:
            reason = str(exc)
        else:
            peer = next((v for v, _ in (sub.literal("cidr_block"), sub.literal("ipv6_cidr_block")) if v is not MISSING),
                        MISSING)
            if peer is not MISSING:
                entry["cidr"] = _str(peer)
            b.out.patches.append((acl, "entries", entry, True))
            return
    b.out.patches.append((acl, "entries", Unknown(f"rule {b.address}: {reason}"), True))


def efs_mount_target(b: Builder) -> None:
    """Contributor: a mount target places its file system in its subnet, behind its security groups."""
    association("file_system_id", "in_subnet", "subnet_id")(b)
    association("file_system_id", "uses_security_group", "security_groups")(b)


# -- load balancing, scaling -------------------------------------------------------------------

def cross_zone_by_type(b: Builder) -> None:
    """ALBs always balance across zones; for NLB/GWLB the provider's default is false."""
    lb_type, reason = b.literal("load_balancer_type")
    if reason is None and lb_type in (MISSING, "application"):
        b.out.unknown.pop("cross_zone_enabled", None)
        b.out.attributes["cross_zone_enabled"] = True


def listener(b: Builder) -> None:
    """Contributor: a listener's forward actions link its load balancer to target groups."""
    lbs, _ = b.uids("load_balancer_arn")
    for block in blocks(b.get("default_action")):
        groups, _ = uids_of(block.get("target_group_arn"))
        for forward in blocks(block.get("forward")):
            for tg in blocks(forward.get("target_group")):
                groups.extend(uids_of(tg.get("arn"))[0])
        b.out.edges.extend((lb, "targets", tg) for lb in lbs for tg in groups)


def autoscaling_attachment(b: Builder) -> None:
    """Contributor: ``aws_autoscaling_attachment`` sends a target group's or ELB's traffic to a group."""
    for path in ("lb_target_group_arn", "alb_target_group_arn", "elb"):
        association(path, "targets", "autoscaling_group_name")(b)


def mixed_instances(b: Builder) -> None:
    """Hook ``mixed_instances``: the group declares a ``mixed_instances_policy``."""
    policy = b.get("mixed_instances_policy")
    if isinstance(policy, Unknown):
        b.out.unknown["mixed_instances"] = policy.reason
    else:
        b.out.attributes["mixed_instances"] = bool(blocks(policy))


def literal_scaled_resource(b: Builder) -> None:
    """A ``resource_id`` that names the service or table by a literal id (no reference to it, as HCL gives an
    interpolated string) scales a resource the configuration does not point at: the relation is unknown."""
    value = b.values.get("resource_id")
    if isinstance(value, str) and value:
        b.out.unknown_relations.setdefault(
            "scales", f"resource_id {value!r} names what it scales literally, not by a reference to it")


def scalable_target_of_policy(b: Builder) -> None:
    """Hook ``scalable_target``: a policy scales the target whose resource id it references."""
    for path in ("resource_id", "scalable_dimension", "service_namespace"):
        value = b.values.get(path)
        if isinstance(value, Ref):
            targets = [t for t in value.targets if resource_type_of(t) == "aws_appautoscaling_target"]
            b.out.refs.extend(("scales", t) for t in targets if ("scales", t) not in b.out.refs)


# -- databases, storage, backup, monitoring ----------------------------------------------------

def replica_source(b: Builder) -> None:
    """Hook ``replica_source``: ``replicate_source_db`` makes a read replica, which starts with backups off."""
    source = b.get("replicate_source_db")
    if not (b.out.refs and any(kind == "replica_of" for kind, _ in b.out.refs)) and not isinstance(source, Unknown):
        return
    b.out.attributes["is_read_replica"] = True
    retention, reason = b.literal("backup_retention_period")
    if retention is MISSING and reason is None and "backup_retention_days" not in b.out.unknown:
        b.out.attributes["backup_retention_days"] = 0  # RDS read replicas start with automated backups off


def replication_group_node_groups(b: Builder) -> None:
    """Hook ``node_groups``: shards and node counts from the several ways to size a group."""
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
        if (shards is not MISSING and _int(shards) > 1) or mode == "enabled":
            b.out.attributes["cluster_mode"] = True
        if shards is not MISSING or replicas is not MISSING:
            count = _int(shards) if shards is not MISSING else 1
            size = 1 + (_int(replicas) if replicas is not MISSING else 0)
            # PreferredCacheClusterAZs also places the nodes of a single shard given by replicas_per_node_group
            single = normalise.texts(zones) if count == 1 and zones is not MISSING else []
            groups = [_node_group(f"{i + 1:04d}", size, single) for i in range(count)]
        else:
            size = _int(clusters) if clusters is not MISSING else 1
            groups = [_node_group("0001", size, normalise.texts(zones) if zones is not MISSING else [])]
    except (TypeError, ValueError):
        b.out.unknown["node_groups"] = "node counts are not understood"
        return
    name_members(groups, b.literal("replication_group_id")[0], b.out.attributes.get("cluster_mode") is True)
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


def inline_bucket_versioning(b: Builder) -> None:
    """Hook ``versioning``: the deprecated inline ``versioning { enabled }`` block."""
    b.set("versioning", "versioning.0.enabled", lambda v: "Enabled" if normalise.boolean(v) else "Disabled")


def bucket_versioning(b: Builder) -> None:
    """Contributor: ``aws_s3_bucket_versioning`` sets its bucket's versioning status."""
    bucket = one_uid(b.get("bucket"))
    status, reason = b.literal("versioning_configuration.0.status")
    if bucket is not None and reason is None and status is not MISSING:
        b.out.patches.append((bucket, "versioning", _str(status), False))
    elif bucket is not None and reason:
        b.out.patches.append((bucket, "versioning", Unknown(reason), False))


def bucket_rules(attr: str, model: type[Any]) -> Callable[[Builder], None]:
    """Contributor: ``aws_s3_bucket_replication_configuration``/``_lifecycle_configuration`` rules, mapped by
    the vocabulary's item declarations."""

    def contribute(b: Builder) -> None:
        bucket = one_uid(b.get("bucket"))
        if bucket is None:
            return
        rules = b.get("rule")
        if isinstance(rules, Unknown):
            b.out.patches.append((bucket, attr, Unknown(f"{b.address}: {rules.reason}"), False))
            return
        items = []
        for block in blocks(rules):
            item = item_or_unknown(model, block, TfAdapter(""))
            if isinstance(item, Unknown):
                b.out.patches.append((bucket, attr, Unknown(f"{b.address}: {item.reason}"), False))
                return
            items.append(item)
        b.out.patches.append((bucket, attr, items, False))

    return contribute


def backup_selected(b: Builder) -> None:
    """Hook ``selected``: every non-pattern selected resource is ``backs_up``; tags kept as a mapping."""
    value = b.get("resources")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, Ref):
            b.out.refs.extend(("backs_up", t) for t in item.targets if ("backs_up", t) not in b.out.refs)
        elif isinstance(item, str) and item and "*" not in item:
            b.out.refs.append(("backs_up", item))
        elif isinstance(item, Unknown):
            b.out.unknown_relations["backs_up"] = "selected resources unknown"
    patterns = [v for v in (value if isinstance(value, list) else []) if isinstance(v, str) and "*" in v]
    tags: dict[str, str] = {}
    for block in blocks(b.get("selection_tag")):
        key, value_ = block.get("key"), block.get("value")
        if isinstance(key, str) and isinstance(value_, str):
            tags[key] = value_
    if tags:
        b.out.attributes["tag_conditions"] = tags
    if patterns or tags:
        b.out.unknown_relations.setdefault("backs_up", "selection picks resources by " + " and ".join(
            part for part, used in (("ARN pattern", patterns), ("tags", tags)) if used))


def vault_lock_configuration(b: Builder) -> None:
    """Contributor: ``aws_backup_vault_lock_configuration`` locks its vault."""
    vault = one_uid(b.get("backup_vault_name"))
    if vault is None:
        return
    b.out.patches.append((vault, "locked", True, False))
    for attr, path in (("min_retention_days", "min_retention_days"), ("max_retention_days", "max_retention_days")):
        value, reason = b.literal(path)
        if reason:
            b.out.patches.append((vault, attr, Unknown(reason), False))
        elif value is not MISSING:
            b.out.patches.append((vault, attr, _int(value), False))


def automated_backups_replication(b: Builder) -> None:
    """Contributor: ``aws_db_instance_automated_backups_replication`` (declared in the DR Region) copies its
    source instance's backups there."""
    source = one_uid(b.get("source_db_instance_arn"))
    region, reason = b.literal("region")
    if source is not None:
        b.out.patches.append((source, "backup_replication_regions",
                              Unknown(reason) if reason else _str(region) if region is not MISSING else
                              Unknown("the replication's Region is its provider's, not given in the resource"),
                              True))


def alarm_dimensions(b: Builder) -> None:
    """Hook ``dimensions``: the dimensions mapping; a referenced resource is ``alarms_on``."""
    dims = b.values.get("dimensions")
    if isinstance(dims, Ref):
        b.out.refs.extend(("alarms_on", t) for t in dims.targets)
        dims = dims.value if dims.known else Unknown(dims.describe())
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


_SERVED = {"aws_s3_bucket", "aws_lb", "aws_alb", "aws_elb"}


def distribution_origins(b: Builder) -> None:
    """Hook ``origins``: a referenced bucket or load balancer is ``served``; an origin without
    ``custom_origin_config`` is an S3 origin (the provider sends ``S3OriginConfig`` for it, with or without
    ``s3_origin_config``); the default behaviour's target."""
    origins = b.out.attributes.get("origins") or []
    for index, block in enumerate(blocks(b.get("origin"))):
        value = block.get("domain_name")
        if isinstance(value, Ref):
            b.out.refs.extend(("serves", t) for t in value.targets if resource_type_of(t) in _SERVED)
        custom = block.get("custom_origin_config")
        if index < len(origins) and not isinstance(custom, Unknown):
            origins[index]["s3_origin"] = not blocks(custom)
    groups = blocks(b.get("origin_group"))
    if groups:
        ids = {g.get("origin_id") for g in groups}
        target, _ = b.literal("default_cache_behavior.0.target_origin_id")
        b.out.attributes["default_target_is_group"] = target in ids


def log_group_kms_key(b: Builder) -> None:
    """Hook ``kms_key``: a ``kms_key_id`` encrypts the log group."""
    value, reason = b.literal("kms_key_id")
    if reason:
        b.out.unknown["kms_encrypted"] = reason
    else:
        b.out.attributes["kms_encrypted"] = value is not MISSING


HOOKS: dict[str, tuple[Callable[[Builder], None], ...]] = {
    "aws_security_group": (security_group_rules,),
    "aws_route_table": (route_table_routes,),
    "aws_default_route_table": (main_route_table, route_table_routes),
    "aws_network_acl": (network_acl_entries,),
    "aws_lb": (cross_zone_by_type,),
    "aws_alb": (cross_zone_by_type,),
    "aws_autoscaling_group": (mixed_instances,),
    "aws_appautoscaling_target": (literal_scaled_resource,),
    "aws_appautoscaling_policy": (scalable_target_of_policy,),
    "aws_db_instance": (replica_source,),
    "aws_elasticache_replication_group": (replication_group_node_groups,),
    "aws_s3_bucket": (inline_bucket_versioning,),
    "aws_backup_selection": (backup_selected,),
    "aws_cloudwatch_metric_alarm": (alarm_dimensions,),
    "aws_cloudfront_distribution": (distribution_origins,),
    "aws_cloudwatch_log_group": (log_group_kms_key,),
}

CONTRIBUTORS: dict[str, Callable[[Builder], None]] = {
    "aws_security_group_rule": standalone_rule(RULE_RESOURCE_KEYS, None),
    "aws_vpc_security_group_ingress_rule": standalone_rule(VPC_RULE_KEYS, "ingress"),
    "aws_vpc_security_group_egress_rule": standalone_rule(VPC_RULE_KEYS, "egress"),
    "aws_route": aws_route,
    "aws_route_table_association": association("subnet_id", "uses_route_table", "route_table_id"),
    "aws_main_route_table_association": main_route_table_association,
    "aws_internet_gateway_attachment": association("internet_gateway_id", "attached_to", "vpc_id"),
    "aws_network_acl_association": association("subnet_id", "uses_network_acl", "network_acl_id"),
    "aws_lb_target_group_attachment": association("target_group_arn", "targets", "target_id"),
    "aws_autoscaling_attachment": autoscaling_attachment,
    "aws_lb_listener": listener,
    "aws_alb_listener": listener,
    "aws_efs_mount_target": efs_mount_target,
    "aws_network_acl_rule": network_acl_rule,
    "aws_s3_bucket_versioning": bucket_versioning,
    "aws_s3_bucket_replication_configuration": bucket_rules("replication_rules", ReplicationRule),
    "aws_s3_bucket_lifecycle_configuration": bucket_rules("lifecycle_rules", LifecycleRule),
    "aws_backup_vault_lock_configuration": vault_lock_configuration,
    "aws_db_instance_automated_backups_replication": automated_backups_replication,
}

__all__ = ["CONTRIBUTORS", "HOOKS", "Builder", "MappedResource", "TfAdapter", "blocks", "one_uid", "resource_type_of",
           "uids_of"]
