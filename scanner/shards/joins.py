"""Which policies need more than one account, and the small part of each account graph they read.

Evaluation runs per account graph (all Regions of one account). A policy needs the joined graph of
several accounts only when its conditions follow a relation that can join two accounts. Which
relations can is declared here, not guessed: ``CROSS_ACCOUNT_EDGES`` lists ``(kind, target type)``
pairs whose two ends may live in different accounts (and Regions): read replicas (``replica_of``
an instance or cluster) and membership of a global database (``member_of`` an
``aws.rds.global_cluster``). A policy is *joined* when a selector of its ``where`` or ``assert``,
followed from its resource types (nested selectors from the types the outer one reaches), can
traverse such an edge.

A joined policy is not evaluated on the whole organisation: each account graph contributes only its
*projection* - the resources of the types the policy reads, plus those joined to them by the
relation kinds it follows, with their derived facts and those edges - and the policy runs over the
union of projections. Everything else stays in the account graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..graph import Graph
from ..model import CoverageGap, Resource, Source
from ..model.vocabulary import RELATIONS
from ..policy.language import AllOf, AnyOf, Count, CountDistinct, Not, Quantified, Selector
from ..policy.pack import LoadedPolicy, Pack

CROSS_ACCOUNT_EDGES: frozenset[tuple[str, str]] = frozenset({
    ("replica_of", "aws.rds.db_instance"),
    ("replica_of", "aws.rds.db_cluster"),
    ("member_of", "aws.rds.global_cluster"),
})
"""``(relation kind, target type)`` whose source and target may be in different accounts or Regions."""


@dataclass(frozen=True)
class Traversal:
    """One selector of a policy: from ``sources`` over ``kind`` in ``direction`` to ``targets``."""

    sources: frozenset[str]
    kind: str
    direction: str
    targets: frozenset[str]
    crosses: bool


def _edges(sources: set[str], selector: Selector) -> tuple[set[str], bool]:
    """Types reached from ``sources`` by ``selector`` and whether an edge it may follow crosses accounts."""
    kind, wanted = selector.related, set(selector.types)
    targets: set[str] = set()
    crosses = False
    for src, edge_kind, dst in RELATIONS:
        if edge_kind != kind:
            continue
        near, far = (src, dst) if selector.direction == "out" else (dst, src)
        if near in sources and (not wanted or far in wanted):
            targets.add(far)
            crosses = crosses or (kind, dst) in CROSS_ACCOUNT_EDGES
    return (wanted or targets), crosses


def traversals(loaded: LoadedPolicy) -> list[Traversal]:
    """Every relation selector of the policy, with the types it starts from and reaches."""
    found: list[Traversal] = []

    def selector(node: Selector, sources: set[str]) -> set[str]:
        if node.related is None:  # list items of the current resources
            targets = sources
        else:
            targets, crosses = _edges(sources, node)
            found.append(Traversal(frozenset(sources), node.related, node.direction, frozenset(targets), crosses))
        if node.where is not None:
            walk(node.where, targets)
        return targets

    def walk(node: Any, sources: set[str]) -> None:
        if isinstance(node, (AllOf, AnyOf)):
            for child in node.all if isinstance(node, AllOf) else node.any:
                walk(child, sources)
        elif isinstance(node, Not):
            walk(node.not_, sources)
        elif isinstance(node, Quantified):
            walk(node.body, selector(node, sources))
        elif isinstance(node, Count):
            selector(node.count, sources)
        elif isinstance(node, CountDistinct):
            selector(node.count_distinct, sources)
        elif isinstance(node, BaseModel) and not hasattr(node, "attr") and not hasattr(node, "range"):
            raise TypeError(f"unhandled condition {type(node).__name__}")  # a new condition form: decide here

    own = set(loaded.policy.resource_types)
    for condition in (loaded.policy.where, loaded.policy.assert_):
        if condition is not None:
            walk(condition, own)
    return found


@dataclass(frozen=True)
class JoinSpec:
    """The joined policies of a pack and what their projection keeps."""

    policies: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()


def join_spec(pack: Pack, selected: set[str]) -> JoinSpec:
    """The ``selected`` policies of ``pack`` that cross accounts, their read types and followed kinds."""
    policies, types, kinds = set(), set(), set()
    for policy_id in sorted(selected):
        loaded = pack.policies[policy_id]
        found = traversals(loaded)
        if any(t.crosses for t in found):
            policies.add(policy_id)
            types.update(loaded.policy.resource_types)
            for traversal in found:
                types.update(traversal.targets)
                kinds.add(traversal.kind)
    return JoinSpec(frozenset(policies), frozenset(types), frozenset(kinds))


@dataclass
class Projection:
    """The part of one account graph the joined policies read."""

    resources: list[Resource] = field(default_factory=list)
    edges: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived_unknown: dict[str, dict[str, str]] = field(default_factory=dict)


def project(graph: Graph, spec: JoinSpec, exclude: set[str] | frozenset[str] = frozenset()) -> Projection:
    """Resources of ``spec.types`` plus those joined to them by ``spec.kinds`` edges (transitively), but not
    ``exclude`` (another account's resources lent to this graph: their own account projects them)."""
    if not spec.policies:
        return Projection()
    kept: set[str] = {uid for type_name in spec.types for uid in graph.of_type(type_name)} - exclude
    frontier = list(kept)
    while frontier:
        uid = frontier.pop()
        for kind in spec.kinds:
            for direction in ("out", "in"):
                for other, _ in graph.neighbours(uid, kind, direction):
                    if other not in kept and other in graph.resources and other not in exclude:
                        kept.add(other)
                        frontier.append(other)
    projection = Projection()
    projection.resources = [r for uid, r in graph.resources.items() if uid in kept]
    projection.edges = [e for e in graph.edges if e[1] in spec.kinds and (e[0] in kept or e[2] in kept)]
    projection.derived = {uid: dict(graph.derived[uid]) for uid in kept if uid in graph.derived}
    projection.derived_unknown = {uid: dict(graph.derived_unknown[uid]) for uid in kept
                                  if uid in graph.derived_unknown}
    return projection


def joined_graph(projections: list[Projection], coverage: list[CoverageGap], source: Source) -> Graph:
    """One graph of the projections (their derived facts kept, not recomputed) and every gap."""
    graph = Graph(source=source, coverage=list(coverage), resources={})
    for projection in projections:
        for resource in projection.resources:
            if resource.uid not in graph.resources:
                graph.resources[resource.uid] = resource
                graph.by_type[resource.type].append(resource.uid)
        graph.add_edges(projection.edges)
        for uid, facts in projection.derived.items():
            graph.derived[uid].update(facts)
        for uid, reasons in projection.derived_unknown.items():
            graph.derived_unknown[uid].update(reasons)
    return graph


def read_types(loaded: LoadedPolicy) -> set[str]:
    """Every type a policy reads: its own and those its selectors reach."""
    types = set(loaded.policy.resource_types)
    for traversal in traversals(loaded):
        types.update(traversal.targets)
    return types
