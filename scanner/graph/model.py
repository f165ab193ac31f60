"""The resource graph: a networkx MultiDiGraph plus indexes and derived facts.

This package is the only place that imports networkx. Nodes are resource uids (node attribute
``resource`` holds the ``Resource``, or ``None`` for a uid that a relation names but the snapshot
does not hold); edges are keyed by relation kind. Lookups by (uid, kind) go through indexes so that
evaluation cost grows with the edges a policy touches, not with the graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..model import CoverageGap, Resource, Source

EdgeList = list[tuple[str, dict[str, Any]]]


@dataclass
class Graph:
    """A snapshot as a graph with derived facts.

    ``derived[uid][name]`` holds facts such as ``is_public``; ``derived_unknown[uid][name]`` says
    why a derived fact could not be established.
    """

    nx_graph: nx.MultiDiGraph
    source: Source
    coverage: list[CoverageGap]
    resources: dict[str, Resource]
    by_type: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    out_edges: dict[tuple[str, str], EdgeList] = field(default_factory=lambda: defaultdict(list))
    in_edges: dict[tuple[str, str], EdgeList] = field(default_factory=lambda: defaultdict(list))
    derived: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    derived_unknown: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    _edge_keys: set[tuple[str, str, str, str]] = field(default_factory=set, repr=False)

    def add_edge(self, src: str, kind: str, dst: str, attributes: dict[str, Any] | None = None) -> None:
        """Add ``src -[kind]-> dst`` unless the same edge exists (unresolved endpoints become nodes)."""
        attrs = dict(attributes or {})
        key = (src, kind, dst, repr(sorted(attrs.items())) if attrs else "")
        if key in self._edge_keys:
            return
        self._edge_keys.add(key)
        for uid in (src, dst):
            if uid not in self.nx_graph:
                self.nx_graph.add_node(uid, resource=self.resources.get(uid))
        self.nx_graph.add_edge(src, dst, key=kind, **attrs)
        self.out_edges[(src, kind)].append((dst, attrs))
        self.in_edges[(dst, kind)].append((src, attrs))

    def neighbours(self, uid: str, kind: str, direction: str = "out") -> EdgeList:
        """``(uid, edge attributes)`` of the resources joined to ``uid`` by ``kind`` edges."""
        index = self.out_edges if direction == "out" else self.in_edges
        return index.get((uid, kind), [])

    def resource(self, uid: str) -> Resource | None:
        """The resource for ``uid``, or ``None`` when the snapshot does not hold it."""
        return self.resources.get(uid)

    def of_type(self, type_name: str) -> list[str]:
        """Uids of the resources of a type, in snapshot order."""
        return self.by_type.get(type_name, [])
