"""Derived facts: effective route tables, public subnets, default routes, availability zones, world openings.

Addresses are compared as networks (``addresses.py``), never as text. Network ACL facts are in ``nacl.py``.

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

from .addresses import Family, NotANetwork, Rule, parse_network, whole_space_layers, world_openings
from .model import Graph

SUBNET = "aws.ec2.subnet"
ROUTE_TABLE = "aws.ec2.route_table"
SECURITY_GROUP = "aws.ec2.security_group"
NETWORK_ACL = "aws.ec2.network_acl"
EKS_CLUSTER = "aws.eks.cluster"


class WorldOpening(BaseModel):
    """A protocol and port range that every IPv4 or every IPv6 address reaches (an item of ``world_ingress``)."""

    model_config = ConfigDict(extra="forbid")

    family: Literal["ipv4", "ipv6"] = Field(description="The address family whose whole space is let in.")
    protocol: str = Field(description="Normalised protocol; `all` when every protocol is open.")
    from_port: int | None = Field(description="First port (none for port-less protocols such as icmp).")
    to_port: int | None = Field(description="Last port.")
    rules: list[int] = Field(description="Positions of the rules (in `ingress`/`egress`/`entries`) that open it.")


class DefaultRoute(BaseModel):
    """A route that, alone or with others, carries a family's whole space (an item of ``default_routes``)."""

    model_config = ConfigDict(extra="forbid")

    family: Literal["ipv4", "ipv6"] = Field(description="The address family whose space the route carries.")
    destination: str = Field(description="The route's destination, as written (`0.0.0.0/0`, `::0/0`, `0.0.0.0/1`).")
    target_type: str = Field(description="Normalised target kind, as in `routes`.")
    target: str | None = Field(description="Target id or IaC reference.")
    position: int = Field(description="Position of the route in `routes`.")


@dataclass(frozen=True)
class DerivedFact:
    """A graph-derived attribute a policy can read: its meaning and, for a list, the model of its items."""

    description: str
    item_model: type[BaseModel] | None = None


_WORLD = ("Protocol/port ranges open to every address of IPv4 or of IPv6: the {what} whose CIDRs, compared as "
          "networks, together cover the whole space (`::0/0`, `0.0.0.0/1` + `128.0.0.0/1`). {how}")
_FIRST_MATCH = ("The lowest matching rule number decides: earlier deny entries carve their addresses out of an allow "
                "and close a port only when together they refuse every address of the allows that open it.")
DERIVED_FACTS: dict[str, dict[str, DerivedFact]] = {
    SECURITY_GROUP: {
        "world_ingress": DerivedFact(_WORLD.format(what="ingress rules", how="Any rule allows."), WorldOpening),
        "world_egress": DerivedFact(_WORLD.format(what="egress rules", how="Any rule allows."), WorldOpening),
    },
    NETWORK_ACL: {
        "world_ingress": DerivedFact(_WORLD.format(what="inbound entries", how=_FIRST_MATCH), WorldOpening),
        "world_egress": DerivedFact(_WORLD.format(what="outbound entries", how=_FIRST_MATCH), WorldOpening),
    },
    ROUTE_TABLE: {
        "default_routes": DerivedFact(
            "The routes that carry a family's whole space, destinations compared as networks: routes to a /0 in "
            "any spelling, and sets of wider routes that together cover the space (`0.0.0.0/1` + `128.0.0.0/1`, "
            "also beside a /0, which they override). Prefix-list destinations never count.", DefaultRoute),
    },
    EKS_CLUSTER: {
        "public_access_cidrs_cover_world": DerivedFact(
            "True when `public_access_cidrs`, compared as networks, admit every IPv4 or every IPv6 address "
            "(`0.0.0.0/0`, `::0/0`, `10.0.0.0/0`, `0.0.0.0/1` + `128.0.0.0/1`); unknown when the list or an "
            "entry that is not a network leaves it open."),
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


def default_routes(routes: Sequence[dict[str, Any]]) -> list[tuple[int, str, dict[str, Any]]]:
    """``(position, family, route)`` of the routes that carry a family's whole space, destinations compared as networks.

    Per family: the routes to a ``/0`` in any spelling (``0.0.0.0/0``, ``::0/0``), and each set of wider
    routes that together cover the space (``0.0.0.0/1`` + ``128.0.0.0/1``), also beside a ``/0``: by
    longest prefix they carry all its traffic (``addresses.whole_space_layers``). A VPC's local route
    and other narrower routes are not default routes. Prefix-list destinations are not networks and
    never count (sources mark a destination they cannot resolve unknown, with the whole list).
    """
    networks: list[tuple[Family, int, int]] = []
    readable: list[int] = []
    for position, route in enumerate(routes):
        try:
            networks.append(parse_network(str(route.get("destination") or "")))
        except NotANetwork:
            continue
        readable.append(position)
    return [(readable[chosen], networks[chosen][0], routes[readable[chosen]])
            for chosen in whole_space_layers(networks)]


def _table_default_routes(graph: Graph) -> None:
    """``default_routes`` of every route table (unknown when its routes are, partial when known in part)."""
    for uid in graph.of_type(ROUTE_TABLE):
        table = graph.resources[uid]
        if "routes" in table.unknown:
            graph.derived_unknown[uid]["default_routes"] = f"routes unknown: {table.unknown['routes']}"
            continue
        graph.derived[uid]["default_routes"] = [
            {"family": family, "destination": route.get("destination"), "target_type": route.get("target_type"),
             "target": route.get("target"), "position": position}
            for position, family, route in default_routes(list(table.attributes.get("routes") or []))]
        if "routes" in table.partial:
            graph.derived_partial[uid]["default_routes"] = f"routes known only in part: {table.partial['routes']}"


def derive_subnet_facts(graph: Graph) -> None:
    """``is_public``, ``has_default_route`` and ``default_route`` edges for every subnet; tables' ``default_routes``."""
    _table_default_routes(graph)
    default_edges: list[tuple[str, str, str, dict[str, str]]] = []
    for uid in graph.of_type(SUBNET):
        table_uid, routes, reason = _effective_routes(graph, uid)
        if routes is None:
            unknown = graph.derived_unknown[uid]
            unknown["is_public"] = reason or "unknown"
            unknown["has_default_route"] = reason or "unknown"
            continue
        facts = graph.derived[uid]
        defaults = [route for _, _, route in default_routes(routes)]
        table = graph.resources[table_uid] if table_uid else None
        more = table.partial.get("routes") if table is not None else None
        facts["route_table"] = table_uid
        if defaults or not more:
            facts["has_default_route"] = bool(defaults)
        else:  # routes declared elsewhere may complete a default route
            graph.derived_unknown[uid]["has_default_route"] = f"routes of {table_uid} known only in part: {more}"
        if any(r.get("target_type") == "internet_gateway" for r in defaults):
            facts["is_public"] = True
        elif any(r.get("target_type") == "unknown" for r in defaults):
            graph.derived_unknown[uid]["is_public"] = f"default route target of {table_uid} unknown"
        elif more:
            graph.derived_unknown[uid]["is_public"] = f"routes of {table_uid} known only in part: {more}"
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


_RULE_LISTS = (("ingress", "world_ingress"), ("egress", "world_egress"))
"""A security group's rule lists and the facts derived from them (network ACLs: ``nacl.py``)."""

_RuleKey = tuple[Any, Any, Any, Any]
"""What coverage reads of one security-group rule: cidr, protocol, from_port, to_port."""


def _rule_key(item: Any) -> _RuleKey | None:
    if not isinstance(item, dict):
        return None
    get = item.get
    return get("cidr"), get("protocol"), get("from_port"), get("to_port")


@lru_cache(maxsize=8192)
def _openings(keys: tuple[_RuleKey | None, ...]) -> tuple[tuple[dict[str, Any], ...], str | None]:
    """(opening items, why more may open) of a security group's rule list; memoised, as rule lists repeat a lot."""
    rules: list[Rule] = []
    more: str | None = None
    for index, key in enumerate(keys):
        if key is None:
            continue
        cidr, protocol, from_port, to_port = key
        if cidr is None:
            continue  # a security-group or prefix-list peer: not an address range here
        try:
            family, start, end = parse_network(str(cidr))
            if isinstance(from_port, int) and isinstance(to_port, int) and 0 <= to_port < from_port:
                raise NotANetwork(f"port range {from_port}-{to_port} is empty")
        except NotANetwork as exc:
            more = more or f"rule {index}: {exc}"  # an unreadable rule may only open more
            continue
        rules.append(Rule(index, family, start, end, str(protocol or "all"), from_port, to_port))
    return tuple(o.as_item() for o in world_openings(rules)), more


def _public_access_covers_world(graph: Graph, uid: str) -> tuple[bool | None, str | None]:
    """Whether an EKS cluster's ``public_access_cidrs`` admit a family's whole space, or why that is unknown."""
    resource = graph.resources[uid]
    if "public_access_cidrs" in resource.unknown:
        return None, f"public_access_cidrs unknown: {resource.unknown['public_access_cidrs']}"
    networks: list[tuple[Family, int, int]] = []
    unreadable: str | None = None
    for cidr in resource.attributes.get("public_access_cidrs") or []:
        try:
            networks.append(parse_network(str(cidr)))
        except NotANetwork as exc:
            unreadable = unreadable or f"public_access_cidrs: {exc}"
    if whole_space_layers(networks):
        return True, None
    if "public_access_cidrs" in resource.partial:
        unreadable = unreadable or f"public_access_cidrs known only in part: {resource.partial['public_access_cidrs']}"
    return (None, unreadable) if unreadable else (False, None)


def derive_world_openings(graph: Graph) -> None:
    """Openings to the whole internet: security groups' ``world_ingress`` / ``world_egress`` and EKS clusters'
    ``public_access_cidrs_cover_world`` (see ``DERIVED_FACTS``; network ACLs: ``nacl.py``)."""
    derived, derived_unknown, derived_partial = graph.derived, graph.derived_unknown, graph.derived_partial
    for uid in graph.of_type(SECURITY_GROUP):
        resource = graph.resources[uid]
        for source, fact in _RULE_LISTS:
            if source in resource.unknown:
                derived_unknown[uid][fact] = f"{source} unknown: {resource.unknown[source]}"
                continue
            items, more = _openings(tuple(_rule_key(item) for item in resource.attributes.get(source) or ()))
            derived[uid][fact] = [{**item, "rules": list(item["rules"])} for item in items]
            if source in resource.partial:
                more = more or f"{source} known only in part: {resource.partial[source]}"
            if more:
                derived_partial[uid][fact] = more
    for uid in graph.of_type(EKS_CLUSTER):
        covers, reason = _public_access_covers_world(graph, uid)
        if covers is None:
            derived_unknown[uid]["public_access_cidrs_cover_world"] = reason or "unknown"
        else:
            derived[uid]["public_access_cidrs_cover_world"] = covers
