"""Build the resource graph of a snapshot and compute its derived facts."""

from __future__ import annotations

from ..model import Snapshot
from ..model.snapshot import FREEZE_MIN_ITEMS, paused_gc
from ..model.vocabulary import RESOURCE_TYPES
from .alarms import derive_alarm_facts
from .backups import derive_backup_facts
from .capacity import derive_capacity
from .derive import (
    add_implicit_route_tables,
    add_route_edges,
    derive_subnet_facts,
    derive_world_openings,
    derive_zones,
)
from .dns import derive_dns
from .health import derive_health
from .model import Graph
from .nacl import derive_nacl_facts
from .recovery import derive_recovery
from .replication import derive_replication
from .targets import derive_target_facts
from .tiers import derive_vpc_tiers

PLACED_TYPES = [name for name, model in RESOURCE_TYPES.items() if "availability_zones" in model.derived]


def build_graph(snapshot: Snapshot) -> Graph:
    """A ``Graph`` of the snapshot's resources and relations, with derived facts computed."""
    with paused_gc(freeze=len(snapshot.resources) + len(snapshot.relations) >= FREEZE_MIN_ITEMS):
        resources = {r.uid: r for r in snapshot.resources}
        graph = Graph(source=snapshot.source, coverage=list(snapshot.coverage), resources=resources)
        by_type = graph.by_type
        for resource in snapshot.resources:
            by_type[resource.type].append(resource.uid)
        graph.add_edges((r.src, r.kind, r.dst, r.attributes) for r in snapshot.relations)
        add_route_edges(graph)
        add_implicit_route_tables(graph)
        derive_subnet_facts(graph)
        derive_zones(graph, PLACED_TYPES)
        derive_vpc_tiers(graph)
        derive_nacl_facts(graph)
        derive_target_facts(graph)
        derive_world_openings(graph)
        derive_replication(graph)  # is_replication_destination: read by the recovery estimate
        derive_backup_facts(graph)
        derive_recovery(graph)
        derive_capacity(graph)
        derive_dns(graph)
        derive_health(graph)
        derive_alarm_facts(graph)
    return graph


__all__ = ["PLACED_TYPES", "Graph", "build_graph"]
