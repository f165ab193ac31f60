"""Export the discovered topology as Mermaid, Graphviz DOT, GraphML or JSON (``haguard graph``).

Every format holds the same nodes (resources, and uids a relation names but the snapshot lacks,
marked ``missing``) and edges (relations, including the derived ``routes_to``/``default_route``).
GraphML and JSON carry each edge; Mermaid and DOT draw VPC membership as nesting (Region, then VPC
subgraphs), so the ``in_vpc``/``attached_to`` edges into a drawn VPC are implied rather than drawn.
Nodes carry placement facts only (type, name, account, Region, VPC, zones, tier), never attribute
values, so no secret can leak through an export.

Names and uids are hostile input: Mermaid and DOT use generated ids (``n0``, ``n1``...) and escape
every label; GraphML is written by networkx; characters XML cannot hold are replaced everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..errors import InputError
from ..model import Source
from .model import Graph
from .placement import SUBNET, VPC, subnet_tier, vpc_of, zones_of

FORMATS = ("mermaid", "dot", "graphml", "json")
GRAPH_SCHEMA = "haguard.graph/1"
_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MERMAID_SAFE = re.compile(r"[ _.,:/@()+=\-]")
_NESTED = frozenset({"in_vpc", "attached_to"})


def clean(text: object) -> str:
    """``text`` as a string with characters XML 1.0 cannot hold (controls, lone surrogates) replaced."""
    return _XML_INVALID.sub("\ufffd", str(text))


def mermaid_text(text: object) -> str:
    """Text safe inside a quoted Mermaid label: whitespace folded, everything but plain characters as
    ``#<code>;`` entities (quotes, brackets, pipes, ``#``, ``;``, ``<``, backticks, markdown)."""
    value = " ".join(clean(text).split())
    return "".join(c if c.isalnum() or _MERMAID_SAFE.fullmatch(c) else f"#{ord(c)};" for c in value)


def dot_text(text: object) -> str:
    """Text safe inside a quoted DOT string: backslashes and quotes escaped, line breaks as ``\\n``,
    ``&`` as ``&amp;`` (Graphviz expands entities in labels)."""
    value = clean(text).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(c if c >= " " else " " for c in value)


@dataclass
class Topology:
    """The merged graph of one or more snapshots, as a networkx MultiDiGraph with scalar attributes."""

    graph: nx.MultiDiGraph
    sources: list[Source] = field(default_factory=list)
    vpc_names: dict[str, str] = field(default_factory=dict)
    """Name of every VPC, kept when ``focused`` leaves the VPC itself out."""


def _node_attributes(graph: Graph, uid: str) -> dict[str, Any]:
    resource = graph.resources.get(uid)
    if resource is None:
        return {"type": "", "name": uid, "missing": True}
    attrs: dict[str, Any] = {"type": resource.type, "name": resource.name or uid, "missing": False}
    for key in ("account", "region"):
        if getattr(resource, key):
            attrs[key] = getattr(resource, key)
    vpc = vpc_of(graph, uid)
    if vpc and vpc != uid:
        attrs["vpc"] = vpc
    zones = zones_of(graph, uid)
    if zones:
        attrs["availability_zones"] = ",".join(zones)
    if resource.type == SUBNET:
        attrs["tier"] = subnet_tier(graph, uid).value
    return attrs


def _scalar(value: Any) -> str | int | float | bool:
    return value if isinstance(value, (bool, int, float)) else clean(json.dumps(value) if isinstance(
        value, (list, dict)) else value)


def topology_of(graphs: Sequence[Graph]) -> Topology:
    """One MultiDiGraph of ``graphs`` (keyed by uid; edges keyed by relation kind)."""
    merged = nx.MultiDiGraph()
    for graph in graphs:
        for uid in graph.nx_graph.nodes:
            if uid not in merged or merged.nodes[uid].get("missing"):
                merged.add_node(uid, **{k: _scalar(v) for k, v in _node_attributes(graph, uid).items()})
        for src, kind, dst, attrs in graph.edges:
            if not merged.has_edge(src, dst, key=kind):
                merged.add_edge(src, dst, key=kind, kind=kind,
                                **{k: _scalar(v) for k, v in attrs.items() if v is not None and k != "kind"})
    names = {uid: str(data.get("name", uid)) for uid, data in merged.nodes(data=True) if data.get("type") == VPC}
    return Topology(graph=merged, sources=[g.source for g in graphs], vpc_names=names)


def resolve_focus(topology: Topology, focus: str) -> str:
    """The node ``focus`` names: a uid, else the one resource of that name; ``InputError`` otherwise."""
    graph = topology.graph
    if focus in graph:
        return focus
    named = [uid for uid, data in graph.nodes(data=True) if data.get("name") == focus]
    if len(named) == 1:
        return named[0]
    if named:
        raise InputError(f"--focus: {len(named)} resources are named {focus!r}; give a uid: {', '.join(named[:5])}")
    raise InputError(f"--focus: no resource with uid or name {focus!r} among {graph.number_of_nodes()}")


def focused(topology: Topology, focus: str, depth: int) -> Topology:
    """The part of ``topology`` within ``depth`` relations of ``focus`` (either direction), with its edges."""
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, got {depth}")
    centre = resolve_focus(topology, focus)
    keep = nx.ego_graph(topology.graph, centre, radius=depth, undirected=True).nodes
    return Topology(graph=topology.graph.subgraph(keep).copy(), sources=topology.sources,
                    vpc_names=topology.vpc_names)


def _region_label(data: dict[str, Any]) -> str:
    region = data.get("region") or "Region not known"
    return f"{region} / account {data['account']}" if data.get("account") else str(region)


def _groups(graph: nx.MultiDiGraph) -> dict[str, dict[str | None, list[str]]]:
    """Region label -> VPC uid (``None``: outside any VPC) -> node uids, in a stable order."""
    groups: dict[str, dict[str | None, list[str]]] = {}
    for uid in sorted(graph.nodes, key=lambda u: (graph.nodes[u].get("type", ""), graph.nodes[u].get("name", ""), u)):
        data = graph.nodes[uid]
        if data.get("type") == VPC:
            continue  # drawn as its subgraph
        groups.setdefault(_region_label(data), {}).setdefault(data.get("vpc"), []).append(uid)
    for uid, data in graph.nodes(data=True):
        if data.get("type") == VPC and not any(uid in vpcs for vpcs in groups.values()):
            groups.setdefault(_region_label(data), {}).setdefault(uid, [])
    return dict(sorted(groups.items()))


def _vpc_label(topology: Topology, vpc: str) -> str:
    return f"VPC {topology.vpc_names.get(vpc, vpc)}"


def _drawn_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    return [(src, dst, kind) for src, dst, kind in graph.edges(keys=True)
            if not (kind in _NESTED and graph.nodes[dst].get("type") == VPC)]


def _label(data: dict[str, Any]) -> tuple[str, str]:
    """(name, second line) of a node."""
    second = data.get("type") or "not in the snapshot"
    if data.get("availability_zones"):
        second += f" - {data['availability_zones']}"
    if data.get("tier"):
        second += f" - {data['tier']}"
    return str(data.get("name", "")), second


def to_mermaid(topology: Topology) -> str:
    """A Mermaid flowchart: Region and VPC subgraphs, one node per resource, edges labelled by kind."""
    graph = topology.graph
    ids = {uid: f"n{i}" for i, uid in enumerate(sorted(graph.nodes))}
    lines = ["flowchart LR"]
    counter = 0
    for region, vpcs in _groups(graph).items():
        lines.append(f'  subgraph g{counter}["{mermaid_text(region)}"]')
        counter += 1
        for vpc, members in vpcs.items():
            indent = "    "
            if vpc is not None:
                lines.append(f'    subgraph g{counter}["{mermaid_text(_vpc_label(topology, vpc))}"]')
                counter += 1
                indent = "      "
            for uid in members:
                name, second = _label(graph.nodes[uid])
                lines.append(f'{indent}{ids[uid]}["{mermaid_text(name)}<br/>{mermaid_text(second)}"]')
            if vpc is not None:
                lines.append("    end")
        lines.append("  end")
    for src, dst, kind in _drawn_edges(graph):
        if src in ids and dst in ids and graph.nodes[src].get("type") != VPC and graph.nodes[dst].get("type") != VPC:
            lines.append(f'  {ids[src]} -->|"{mermaid_text(kind)}"| {ids[dst]}')
    missing = [ids[uid] for uid, data in graph.nodes(data=True) if data.get("missing") and data.get("type") != VPC]
    if missing:
        lines.append("  classDef missing stroke-dasharray: 4 3")
        lines.append(f"  class {','.join(missing)} missing")
    return "\n".join(lines) + "\n"


def to_dot(topology: Topology) -> str:
    """A Graphviz digraph: Region and VPC clusters, one node per resource, edges labelled by kind."""
    graph = topology.graph
    ids = {uid: f"n{i}" for i, uid in enumerate(sorted(graph.nodes))}
    lines = ["digraph haguard {", '  graph [rankdir=LR, fontname="Helvetica"];',
             '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8];']
    counter = 0
    for region, vpcs in _groups(graph).items():
        lines.append(f'  subgraph cluster_{counter} {{ label="{dot_text(region)}";')
        counter += 1
        for vpc, members in vpcs.items():
            if vpc is not None:
                lines.append(f'    subgraph cluster_{counter} {{ label="{dot_text(_vpc_label(topology, vpc))}";')
                counter += 1
            for uid in members:
                data = graph.nodes[uid]
                name, second = _label(data)
                style = ', style="rounded,dashed"' if data.get("missing") else ""
                lines.append(f'    {ids[uid]} [label="{dot_text(name)}\\n{dot_text(second)}", '
                             f'tooltip="{dot_text(uid)}"{style}];')
            if vpc is not None:
                lines.append("    }")
        lines.append("  }")
    for src, dst, kind in _drawn_edges(graph):
        if graph.nodes[src].get("type") != VPC and graph.nodes[dst].get("type") != VPC:
            lines.append(f'  {ids[src]} -> {ids[dst]} [label="{dot_text(kind)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_graphml(topology: Topology) -> str:
    """GraphML written by networkx: node ids are uids, every edge with its ``kind``."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((clean(uid), data) for uid, data in topology.graph.nodes(data=True))
    graph.add_edges_from((clean(src), clean(dst), key, data)
                         for src, dst, key, data in topology.graph.edges(keys=True, data=True))
    return "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"


def to_json(topology: Topology) -> str:
    """``haguard.graph/1`` JSON: the sources, the nodes with their placement facts, and every edge."""
    graph = topology.graph
    document = {
        "schema": GRAPH_SCHEMA,
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in topology.sources],
        "nodes": [{"uid": uid, **data} for uid, data in sorted(graph.nodes(data=True))],
        "edges": [{"src": src, "dst": dst, **data}
                  for src, dst, _, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3])],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


_WRITERS = {"mermaid": to_mermaid, "dot": to_dot, "graphml": to_graphml, "json": to_json}


def export(graphs: Sequence[Graph], fmt: str, *, focus: str | None = None, depth: int = 1) -> str:
    """``graphs`` as ``fmt`` (one of ``FORMATS``), limited to ``depth`` relations around ``focus`` if given."""
    if fmt not in _WRITERS:
        raise InputError(f"unknown graph format {fmt!r} (choose from {', '.join(FORMATS)})")
    topology = topology_of(graphs)
    if focus is not None:
        topology = focused(topology, focus, depth)
    return _WRITERS[fmt](topology)


__all__ = ["FORMATS", "GRAPH_SCHEMA", "Topology", "clean", "dot_text", "export", "focused", "mermaid_text",
           "resolve_focus", "to_dot", "to_graphml", "to_json", "to_mermaid", "topology_of"]
