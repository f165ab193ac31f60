"""Derived facts: effective route tables, public subnets, default routes, availability zones.

Each fact is documented in the vocabulary (``derived`` of the attribute models). A fact that
cannot be established is recorded in ``Graph.derived_unknown`` with the reason, never guessed.
"""

from __future__ import annotations

from .model import Graph

DEFAULT_DESTINATIONS = frozenset({"0.0.0.0/0", "::/0"})
SUBNET = "aws.ec2.subnet"
ROUTE_TABLE = "aws.ec2.route_table"


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
        defaults = [r for r in routes if r.get("destination") in DEFAULT_DESTINATIONS]
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
