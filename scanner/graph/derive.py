"""Derived facts: effective route tables, public subnets, default routes, availability zones, world openings.

Each fact is documented in the vocabulary (``derived`` of the attribute models) or, for the list facts
computed here, in ``DERIVED_FACTS``. A fact that cannot be established is recorded in
``Graph.derived_unknown`` with the reason, never guessed; a list fact computed from rules known only
in part is recorded in ``Graph.derived_partial``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .addresses import SPACE, NotANetwork, Rule, covers_space, parse_network, world_openings
from .model import Graph

SUBNET = "aws.ec2.subnet"
ROUTE_TABLE = "aws.ec2.route_table"
SECURITY_GROUP = "aws.ec2.security_group"
NETWORK_ACL = "aws.ec2.network_acl"


class WorldOpening(BaseModel):
    """A protocol and port range that every IPv4 or every IPv6 address reaches (an item of ``world_ingress``)."""

    model_config = ConfigDict(extra="forbid")

    family: Literal["ipv4", "ipv6"] = Field(description="The address family whose whole space is let in.")
    protocol: str = Field(description="Normalised protocol; `all` when every protocol is open.")
    from_port: int | None = Field(description="First port (none for port-less protocols such as icmp).")
    to_port: int | None = Field(description="Last port.")
    rules: list[int] = Field(description="Positions of the rules (in `ingress`/`egress`/`entries`) that open it.")


@dataclass(frozen=True)
class DerivedFact:
    """A graph-derived attribute a policy can read: its meaning and, for a list, the model of its items."""

    description: str
    item_model: type[BaseModel] | None = None


_WORLD = ("Protocol/port ranges open to every address of IPv4 or of IPv6: the {what} whose CIDRs, compared as "
          "networks, together cover the whole space (`::0/0`, `0.0.0.0/1` + `128.0.0.0/1`). {how}")
DERIVED_FACTS: dict[str, dict[str, DerivedFact]] = {
    SECURITY_GROUP: {
        "world_ingress": DerivedFact(_WORLD.format(what="ingress rules", how="Any rule allows."), WorldOpening),
        "world_egress": DerivedFact(_WORLD.format(what="egress rules", how="Any rule allows."), WorldOpening),
    },
    NETWORK_ACL: {
        "world_ingress": DerivedFact(_WORLD.format(what="inbound entries", how="The lowest matching rule number "
                                                   "decides, so a deny entry ahead closes its addresses."),
                                     WorldOpening),
        "world_egress": DerivedFact(_WORLD.format(what="outbound entries", how="As for world_ingress."),
                                    WorldOpening),
    },
}
"""List facts per resource type, beside the vocabulary's ``derived`` descriptions."""


def add_route_edges(graph: Graph) -> None:
    """``routes_to`` edges from each route table's ``routes`` (target uid, edge ``destination``)."""
    resources = graph.resources
    graph.add_edges(
        (uid, "routes_to", route["target"], {"destination": route["destination"]})
        for uid in graph.of_type(ROUTE_TABLE)
        for route in resources[uid].attributes.get("routes") or []
        if route.get("target")
    )


def _main_tables(graph: Graph) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for uid in graph.of_type(ROUTE_TABLE):
        if graph.resources[uid].attributes.get("main") is True:
            for vpc, _ in graph.neighbours(uid, "in_vpc"):
                tables.setdefault(vpc, []).append(uid)
    return tables


def add_implicit_route_tables(graph: Graph) -> None:
    """Give each subnet without an explicit association its VPC's main route table."""
    main_tables = _main_tables(graph)
    for uid in graph.of_type(SUBNET):
        if graph.neighbours(uid, "uses_route_table") or "uses_route_table" in graph.resources[uid].unknown_relations:
            continue
        for vpc, _ in graph.neighbours(uid, "in_vpc"):
            for table in main_tables.get(vpc, []):
                graph.add_edge(uid, "uses_route_table", table, {"implicit": True})


def _effective_routes(graph: Graph, subnet: str) -> tuple[str | None, list[dict] | None, str | None]:
    """(route table uid, its routes, reason when unknown) for a subnet."""
    resource = graph.resources[subnet]
    if "uses_route_table" in resource.unknown_relations:
        return None, None, f"route table association unknown: {resource.unknown_relations['uses_route_table']}"
    tables = graph.neighbours(subnet, "uses_route_table")
    if not tables:
        return None, None, "no associated route table and no main route table of its VPC in the snapshot"
    table_uid = tables[0][0]
    table = graph.resources.get(table_uid)
    if table is None:
        return table_uid, None, f"route table {table_uid} is not in the snapshot"
    if "routes" in table.unknown:
        return table_uid, None, f"routes of {table_uid} unknown: {table.unknown['routes']}"
    return table_uid, list(table.attributes.get("routes") or []), None


def default_routes(routes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The routes that carry traffic to the whole internet, destinations compared as networks.

    Per family: the routes to a ``/0`` in any spelling (``0.0.0.0/0``, ``::0/0``); failing one, the
    routes whose destinations together cover the whole space (``0.0.0.0/1`` + ``128.0.0.0/1``).
    Prefix-list destinations are not networks and never count.
    """
    by_family: dict[str, list[tuple[dict[str, Any], Rule]]] = {"ipv4": [], "ipv6": []}
    for index, route in enumerate(routes):
        try:
            family, start, end = parse_network(str(route.get("destination") or ""))
        except NotANetwork:
            continue
        by_family[family].append((route, Rule(index, family, start, end, "all", None, None)))
    chosen: list[dict[str, Any]] = []
    for family, members in by_family.items():
        whole = [route for route, rule in members if rule.start == 0 and rule.end == SPACE[family]]
        if whole:
            chosen.extend(whole)
        elif members and covers_space([rule for _, rule in members], SPACE[family]):
            chosen.extend(route for route, _ in members)
    return chosen


def derive_subnet_facts(graph: Graph) -> None:
    """``is_public``, ``has_default_route`` and ``default_route`` edges for every subnet."""
    default_edges: list[tuple[str, str, str, dict[str, str]]] = []
    for uid in graph.of_type(SUBNET):
        table_uid, routes, reason = _effective_routes(graph, uid)
        if routes is None:
            unknown = graph.derived_unknown[uid]
            unknown["is_public"] = reason or "unknown"
            unknown["has_default_route"] = reason or "unknown"
            continue
        facts = graph.derived[uid]
        defaults = default_routes(routes)
        facts["route_table"] = table_uid
        facts["has_default_route"] = bool(defaults)
        if any(r.get("target_type") == "internet_gateway" for r in defaults):
            facts["is_public"] = True
        elif any(r.get("target_type") == "unknown" for r in defaults):
            graph.derived_unknown[uid]["is_public"] = f"default route target of {table_uid} unknown"
        else:
            facts["is_public"] = False
        default_edges.extend(
            (uid, "default_route", route["target"], {"destination": route["destination"], "route_table": table_uid})
            for route in defaults if route.get("target")
        )
    graph.add_edges(default_edges)


def _subnet_zones(graph: Graph, holder: str, zones: set[str]) -> str | None:
    """Add the AZs of ``holder``'s ``in_subnet`` subnets to ``zones``; return a reason if unknown."""
    resources = graph.resources
    holder_resource = resources.get(holder)
    if holder_resource is not None and "in_subnet" in holder_resource.unknown_relations:
        return f"subnets of {holder} unknown: {holder_resource.unknown_relations['in_subnet']}"
    for subnet, _ in graph.out_edges.get((holder, "in_subnet"), ()):
        resource = resources.get(subnet)
        if resource is None:
            return f"subnet {subnet} is not in the snapshot"
        zone = resource.attributes.get("availability_zone")
        if zone is None or "availability_zone" in resource.unknown:
            return f"availability zone of subnet {subnet} unknown"
        zones.add(zone)
    return None


_ZoneCache = dict[str, tuple[set[str], str | None]]


def _group_zones(graph: Graph, group: str, cache: _ZoneCache) -> tuple[set[str], str | None]:
    """The AZs of a subnet group's subnets, or the reason they are unknown (memoised: groups are shared)."""
    if group not in cache:
        zones: set[str] = set()
        reason = _subnet_zones(graph, group, zones)
        cache[group] = (zones, reason)
    return cache[group]


def derive_zones(graph: Graph, placed_types: list[str]) -> None:
    """``availability_zones`` of placed resources: subnets' AZs (direct or via the subnet group)."""
    resources, out_edges = graph.resources, graph.out_edges
    group_cache: _ZoneCache = {}
    for type_name in placed_types:
        for uid in graph.of_type(type_name):
            resource = resources[uid]
            zones: set[str] = set()
            own = resource.attributes.get("availability_zones")
            reason = resource.unknown.get("availability_zones")
            if own:
                zones.update(own)
            if type_name == SUBNET:
                zone = resource.attributes.get("availability_zone")
                reason = reason or resource.unknown.get("availability_zone")
                if zone is not None:
                    zones.add(zone)
            reason = reason or _subnet_zones(graph, uid, zones)
            if resource.unknown_relations.get("in_subnet_group"):
                reason = reason or f"subnet group unknown: {resource.unknown_relations['in_subnet_group']}"
            for group, _ in out_edges.get((uid, "in_subnet_group"), ()):
                if group not in resources:
                    reason = reason or f"subnet group {group} is not in the snapshot"
                elif not reason:
                    group_zones, reason = _group_zones(graph, group, group_cache)
                    zones |= group_zones
            if reason:
                graph.derived_unknown[uid]["availability_zones"] = reason
            else:
                graph.derived[uid]["availability_zones"] = sorted(zones)


_RULE_LISTS: dict[str, tuple[tuple[str, str, bool | None], ...]] = {
    # type -> (source list, derived fact, egress flag to select within a NACL's entries)
    SECURITY_GROUP: (("ingress", "world_ingress", None), ("egress", "world_egress", None)),
    NETWORK_ACL: (("entries", "world_ingress", False), ("entries", "world_egress", True)),
}


_RuleKey = tuple[Any, Any, Any, Any, Any, Any, Any]
"""What coverage reads of one rule: cidr, protocol, from_port, to_port, action, egress, rule_number."""


def _rule_key(item: Any) -> _RuleKey | None:
    if not isinstance(item, dict):
        return None
    get = item.get
    return (get("cidr"), get("protocol"), get("from_port"), get("to_port"), get("action"), get("egress"),
            get("rule_number"))


@lru_cache(maxsize=8192)
def _openings(keys: tuple[_RuleKey | None, ...], egress: bool | None, first_match: bool
              ) -> tuple[tuple[dict[str, Any], ...], str | None, str | None]:
    """(opening items, why more may open, why unknown) of a rule list; memoised, as rule lists repeat a lot."""
    rules: list[Rule] = []
    more: str | None = None
    unknown: str | None = None
    for index, key in enumerate(keys):
        if key is None:
            continue
        cidr, protocol, from_port, to_port, action, is_egress, _ = key
        if egress is not None and bool(is_egress) is not egress:
            continue
        if cidr is None:
            continue  # a security-group or prefix-list peer: not an address range here
        action = str(action or "allow").lower()
        try:
            if action not in ("allow", "deny"):
                raise NotANetwork(f"action {action!r} is neither allow nor deny")
            family, start, end = parse_network(str(cidr))
            if isinstance(from_port, int) and isinstance(to_port, int) and 0 <= to_port < from_port:
                raise NotANetwork(f"port range {from_port}-{to_port} is empty")
        except NotANetwork as exc:
            why = f"rule {index}: {exc}"
            if first_match and action != "allow":
                unknown = unknown or why  # an unreadable deny may close what the rest opens
            else:
                more = more or why  # an unreadable allow may only open more
            continue
        rules.append(Rule(index, family, start, end, str(protocol or "all"), from_port, to_port, action == "allow"))
    if first_match:
        rules.sort(key=lambda r: keys[r.index][6] or 0)  # type: ignore[index]
    items = tuple(o.as_item() for o in world_openings(rules, first_match=first_match)) if not unknown else ()
    return items, more, unknown


def derive_world_openings(graph: Graph) -> None:
    """``world_ingress`` / ``world_egress`` of security groups and network ACLs (see ``DERIVED_FACTS``)."""
    derived, derived_unknown, derived_partial = graph.derived, graph.derived_unknown, graph.derived_partial
    for type_name, lists in _RULE_LISTS.items():
        first_match = type_name == NETWORK_ACL
        for uid in graph.of_type(type_name):
            resource = graph.resources[uid]
            for source, fact, egress in lists:
                if source in resource.unknown:
                    derived_unknown[uid][fact] = f"{source} unknown: {resource.unknown[source]}"
                    continue
                keys = tuple(_rule_key(item) for item in resource.attributes.get(source) or ())
                items, more, unknown = _openings(keys, egress, first_match)
                if unknown:
                    derived_unknown[uid][fact] = unknown
                    continue
                derived[uid][fact] = [{**item, "rules": list(item["rules"])} for item in items]
                if source in resource.partial:
                    more = more or f"{source} known only in part: {resource.partial[source]}"
                if more:
                    derived_partial[uid][fact] = more
