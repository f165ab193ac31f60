"""Halos: the resources of other accounts that an account graph's derived facts read.

Derivations such as the RPO/RTO estimates (``scanner.graph.recovery``) follow relations that may
join two accounts (``CROSS_ACCOUNT_EDGES``: a primary's read replicas, a global database's member
clusters). An account graph built alone lacks the other account's end of such an edge, so its own
resources' derived facts would differ from the whole organisation's graph.

The first evaluation pass therefore also reports each account's *links*: the edges of those kinds
in its graph, the resources at their ends, and the uids of the resources of the kinds they can
target. Links sharing a resource form a component; an account of a component spanning several
accounts gets a *halo* - the component's edges and resources held by the other accounts - and is
evaluated again with it. Findings, resilience rows and projections of the second pass keep the
account's own resources only. A component inside one account (the common case) costs nothing.
An account whose graph points into another account (a replica of a database elsewhere) is sure to
be evaluated again, so its first pass reports its links only and it is evaluated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..graph import Graph
from ..model import Resource
from ..model.vocabulary import RELATIONS
from .joins import CROSS_ACCOUNT_EDGES

Edge = tuple[str, str, str, dict[str, Any]]
LINK_TARGET_TYPES = frozenset(target for _, target in CROSS_ACCOUNT_EDGES)
_LINK_KINDS = {(src, kind) for src, kind, dst in RELATIONS if (kind, dst) in CROSS_ACCOUNT_EDGES}


@dataclass
class Links:
    """One account graph's edges that may cross accounts, their ends it holds, and its link targets."""

    edges: list[Edge] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    targets: set[str] = field(default_factory=set)


@dataclass
class Halo:
    """What another account lends to one account graph: resources and the edges joining them to it."""

    resources: list[Resource] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def uids(self) -> set[str]:
        return {r.uid for r in self.resources}


def _is_link(graph: Graph, src: str, kind: str, dst: str) -> bool:
    target = graph.resources.get(dst)
    if target is not None:
        return (kind, target.type) in CROSS_ACCOUNT_EDGES
    source = graph.resources.get(src)  # a target outside this graph: what the vocabulary lets the source reach
    return source is not None and (source.type, kind) in _LINK_KINDS


def links_of(graph: Graph) -> Links:
    """The link edges of one account graph, the resources at their ends and the uids of link targets."""
    links = Links(targets={uid for type_name in LINK_TARGET_TYPES for uid in graph.of_type(type_name)})
    for src, kind, dst, attributes in graph.edges:
        if _is_link(graph, src, kind, dst):
            links.edges.append((src, kind, dst, dict(attributes or {})))
            for uid in (src, dst):
                if uid in graph.resources:
                    links.resources[uid] = graph.resources[uid]
    return links


def halos(links: dict[str, Links]) -> dict[str, Halo]:
    """The halo of each account whose links join a component spanning other accounts (others: none)."""
    parent: dict[str, str] = {}

    def root(uid: str) -> str:
        parent.setdefault(uid, uid)
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    for account_links in links.values():
        for src, _, dst, _ in account_links.edges:
            parent[root(src)] = root(dst)
    owner: dict[str, str] = {}
    for account, account_links in links.items():
        for uid in (*account_links.targets, *account_links.resources):
            owner.setdefault(uid, account)
    members: dict[str, set[str]] = {}
    edges: dict[str, list[tuple[str, Edge]]] = {}
    held: dict[str, dict[str, Resource]] = {}
    for account, account_links in links.items():
        for edge in account_links.edges:
            component = root(edge[0])
            members.setdefault(component, set()).add(account)
            edges.setdefault(component, []).append((account, edge))
            for uid in (edge[0], edge[2]):
                if uid in owner:
                    members[component].add(owner[uid])
                resource = account_links.resources.get(uid)
                if resource is not None and owner.get(uid) == account:
                    held.setdefault(component, {})[uid] = resource
    found: dict[str, Halo] = {}
    for component, accounts in members.items():
        if len(accounts) < 2:
            continue
        for account in accounts:
            if account not in links:
                continue
            halo = found.setdefault(account, Halo())
            halo.resources.extend(r for uid, r in held.get(component, {}).items() if owner.get(uid) != account)
            halo.edges.extend(edge for by, edge in edges[component] if by != account)
    return {account: halo for account, halo in found.items() if halo.resources or halo.edges}
