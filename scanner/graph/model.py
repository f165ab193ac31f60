"""The resource graph: edge indexes, derived facts and a networkx MultiDiGraph view.

This package is the only place that imports networkx. Lookups by (uid, kind) go through the
``out_edges`` / ``in_edges`` indexes, so evaluation cost grows with the edges a policy touches, not
with the graph. The networkx view (``nx_graph``) is built on first use, because the engine never
needs it: nodes are resource uids (node attribute ``resource`` holds the ``Resource``, or ``None``
for a uid that a relation names but the snapshot does not hold); edges are keyed by relation kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import CoverageGap, Resource, Source

if TYPE_CHECKING:
    import networkx as nx

EdgeList = list[tuple[str, dict[str, Any]]]
Edge = tuple[str, str, str, dict[str, Any]]
"""``(src, kind, dst, attributes)``."""


@dataclass
class Graph:
    """A snapshot as a graph with derived facts.

    ``derived[uid][name]`` holds facts such as ``is_public``; ``derived_unknown[uid][name]`` says
    why a derived fact could not be established; ``derived_partial[uid][name]`` why a derived list
    may hold more items than the known ones (the rules it comes from are known only in part).
    ``edges`` lists every distinct edge in the order it was added.
    """

    source: Source
    coverage: list[CoverageGap]
    resources: dict[str, Resource]
    by_type: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    out_edges: dict[tuple[str, str], EdgeList] = field(default_factory=lambda: defaultdict(list))
    in_edges: dict[tuple[str, str], EdgeList] = field(default_factory=lambda: defaultdict(list))
    derived: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    derived_unknown: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    derived_partial: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    edges: list[Edge] = field(default_factory=list)
    _edge_keys: set[tuple[str, str, str, str]] = field(default_factory=set, repr=False)
    _nx: nx.MultiDiGraph | None = field(default=None, repr=False)
    _unknown_out: dict[str, list[Resource]] | None = field(default=None, repr=False)

    def add_edge(self, src: str, kind: str, dst: str, attributes: dict[str, Any] | None = None) -> None:
        """Add ``src -[kind]-> dst`` unless the same edge exists (unresolved endpoints become nodes)."""
        self.add_edges(((src, kind, dst, attributes),))

    def add_edges(self, edges: Iterable[tuple[str, str, str, dict[str, Any] | None]]) -> None:
        """Add many ``(src, kind, dst, attributes)`` edges, skipping ones that already exist."""
        keys, ordered = self._edge_keys, self.edges
        out_index, in_index = self.out_edges, self.in_edges
        added_from = len(ordered)
        for src, kind, dst, attributes in edges:
            attrs = dict(attributes) if attributes else {}
            key = (src, kind, dst, repr(sorted(attrs.items())) if attrs else "")
            size = len(keys)
            keys.add(key)
            if len(keys) == size:
                continue
            ordered.append((src, kind, dst, attrs))
            out_index[(src, kind)].append((dst, attrs))
            in_index[(dst, kind)].append((src, attrs))
        if self._nx is not None:
            self._add_to_nx(self._nx, ordered[added_from:])

    def neighbours(self, uid: str, kind: str, direction: str = "out") -> EdgeList:
        """``(uid, edge attributes)`` of the resources joined to ``uid`` by ``kind`` edges."""
        index = self.out_edges if direction == "out" else self.in_edges
        return index.get((uid, kind), [])

    def incoming_unknown(self, uid: str, kind: str) -> str | None:
        """Why the ``kind`` edges *into* ``uid`` may be incomplete, else ``None``.

        A resource whose own ``kind`` relations are unknown (``unknown_relations``) may point at any
        resource of a type that ``kind`` can reach from its type, so every such resource's incoming set
        is incomplete too.
        """
        if self._unknown_out is None:
            index: dict[str, list[Resource]] = defaultdict(list)
            for resource in self.resources.values():
                for unknown_kind in resource.unknown_relations:
                    index[unknown_kind].append(resource)
            self._unknown_out = index
        sources = self._unknown_out.get(kind)
        target = self.resources.get(uid)
        if not sources or target is None:
            return None
        from ..model.vocabulary import relation_allowed

        for source in sources:
            if source.uid != uid and relation_allowed(source.type, kind, target.type):
                return f"{kind} relations of {source.uid} incomplete: {source.unknown_relations[kind]}"
        return None

    def resource(self, uid: str) -> Resource | None:
        """The resource for ``uid``, or ``None`` when the snapshot does not hold it."""
        return self.resources.get(uid)

    def of_type(self, type_name: str) -> list[str]:
        """Uids of the resources of a type, in snapshot order."""
        return self.by_type.get(type_name, [])

    @property
    def nx_graph(self) -> nx.MultiDiGraph:
        """The graph as a networkx MultiDiGraph (built on first use, then kept in step)."""
        if self._nx is None:
            import networkx as nx

            graph = nx.MultiDiGraph()
            graph.add_nodes_from((uid, {"resource": r}) for uid, r in self.resources.items())
            self._add_to_nx(graph, self.edges)
            self._nx = graph
        return self._nx

    def _add_to_nx(self, graph: nx.MultiDiGraph, edges: list[Edge]) -> None:
        for src, _, dst, _ in edges:
            for uid in (src, dst):
                if uid not in graph:
                    graph.add_node(uid, resource=self.resources.get(uid))
        graph.add_edges_from((src, dst, kind, attrs) for src, kind, dst, attrs in edges)
