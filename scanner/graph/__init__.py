"""Build the resource graph of a snapshot and compute its derived facts."""

from __future__ import annotations

import networkx as nx

from ..model import Snapshot
from ..model.vocabulary import RESOURCE_TYPES
from .derive import add_implicit_route_tables, add_route_edges, derive_subnet_facts, derive_zones
from .model import Graph

PLACED_TYPES = [name for name, model in RESOURCE_TYPES.items() if "availability_zones" in model.derived]


def build_graph(snapshot: Snapshot) -> Graph:
    """A ``Graph`` of the snapshot's resources and relations, with derived facts computed."""
    nx_graph = nx.MultiDiGraph()
    resources = {r.uid: r for r in snapshot.resources}
    graph = Graph(nx_graph=nx_graph, source=snapshot.source, coverage=list(snapshot.coverage),
                  resources=resources)
    nx_graph.add_nodes_from((uid, {"resource": r}) for uid, r in resources.items())
    for resource in snapshot.resources:
        graph.by_type[resource.type].append(resource.uid)
    for relation in snapshot.relations:
        graph.add_edge(relation.src, relation.kind, relation.dst, relation.attributes)
    add_route_edges(graph)
    add_implicit_route_tables(graph)
    derive_subnet_facts(graph)
    derive_zones(graph, PLACED_TYPES)
    return graph


__all__ = ["PLACED_TYPES", "Graph", "build_graph"]
