"""What the topology picture shows: VPC panels (AZ columns x network tiers), a band of regional and
global services, and the relations between the drawn resources.

``build_topology`` reads the graphs the CLI built (relations and derived facts, through
``scanner.graph.placement``) and the report's findings (to mark failing resources). It decides
*what* goes where — which column and tier — and leaves *coordinates* to ``layout``. Pure Python.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scanner.model import Finding, Resource, Status

if TYPE_CHECKING:
    from scanner.graph import Graph
    from scanner.graph.placement import Tier

#: Category of each drawn type placed in a VPC (by subnet); the order is the drawing order in a cell.
PLACED: dict[str, str] = {
    "aws.ec2.subnet": "subnet",
    "aws.ec2.internet_gateway": "gateway",
    "aws.ec2.nat_gateway": "gateway",
    "aws.ec2.vpc_endpoint": "gateway",
    "aws.elbv2.load_balancer": "lb",
    "aws.elb.load_balancer": "lb",
    "aws.autoscaling.group": "compute",
    "aws.ecs.service": "compute",
    "aws.eks.cluster": "compute",
    "aws.eks.nodegroup": "compute",
    "aws.ec2.instance": "compute",
    "aws.rds.db_cluster": "database",
    "aws.rds.db_instance": "database",
    "aws.elasticache.replication_group": "cache",
    "aws.efs.file_system": "storage",
}
#: Category of each type drawn in the band of regional and global services.
REGIONAL: dict[str, str] = {
    "aws.cloudfront.distribution": "edge",
    "aws.route53.health_check": "edge",
    "aws.rds.global_cluster": "database",
    "aws.dynamodb.table": "database",
    "aws.s3.bucket": "storage",
    "aws.backup.plan": "backup",
}
#: Types not drawn: the VPC is the panel itself; the rest are configuration of drawn resources.
#: They are counted under the picture, never dropped silently.
NOT_DRAWN = frozenset({
    "aws.ec2.vpc", "aws.ec2.security_group", "aws.ec2.route_table", "aws.ec2.network_acl",
    "aws.rds.db_subnet_group", "aws.elasticache.subnet_group", "aws.elbv2.target_group",
    "aws.cloudwatch.alarm", "aws.autoscaling.policy", "aws.backup.selection",
})
CATEGORY_ORDER = ("subnet", "gateway", "lb", "compute", "database", "cache", "storage", "edge", "backup", "other")
#: Relation kinds drawn as edges between drawn resources (after collapsing target groups and selections).
EDGE_KINDS = ("targets", "default_route", "replica_of", "member_of", "serves", "backs_up", "replicates_to")
MAX_DRAWN = 1500
"""Above this many drawn resources the picture is replaced by a note (use ``haguard graph --focus``)."""

_TYPE_LABELS = {
    "aws.ec2.internet_gateway": "internet gateway", "aws.ec2.nat_gateway": "NAT gateway",
    "aws.ec2.vpc_endpoint": "VPC endpoint", "aws.ecs.service": "ECS service", "aws.eks.cluster": "EKS cluster",
    "aws.eks.nodegroup": "EKS node group", "aws.ec2.instance": "EC2 instance", "aws.efs.file_system": "EFS",
    "aws.cloudfront.distribution": "CloudFront", "aws.route53.health_check": "Route 53 health check",
    "aws.rds.global_cluster": "Aurora global database", "aws.backup.plan": "backup plan",
    "aws.elb.load_balancer": "classic LB",
}


@dataclass(frozen=True)
class Mark:
    """How a drawn resource fared: ``fail``, ``uncertain`` (unknown/error), ``ok`` or ``none`` (no finding)."""

    state: str
    open_findings: tuple[str, ...] = ()
    """Policy ids of its fail/unknown/error findings."""
    anchor: str | None = None
    """The HTML id of its entry among the findings by resource (set when it has open findings)."""


@dataclass(frozen=True)
class Node:
    """A drawn resource."""

    uid: str
    name: str
    type: str
    category: str
    subtitle: str
    zones: tuple[str, ...]
    mark: Mark


@dataclass
class Placement:
    """A node in a VPC panel: its tier row (``vpc`` for the VPC-wide row) and the columns it covers."""

    node: Node
    tier: str
    columns: tuple[int, ...]


@dataclass
class VpcPanel:
    """One VPC: AZ columns (``None`` = zone not known) and the tiers that hold something."""

    uid: str | None
    name: str
    zones: list[str | None]
    tiers: list[str]
    placements: list[Placement] = field(default_factory=list)


@dataclass
class RegionGroup:
    """An account and Region: its VPC panels and its band of regional/global services."""

    account: str | None
    region: str | None
    panels: list[VpcPanel] = field(default_factory=list)
    band: list[Node] = field(default_factory=list)

    @property
    def label(self) -> str:
        region = self.region or "Region not known"
        return f"{region} · account {self.account}" if self.account else region


@dataclass(frozen=True)
class TopologyEdge:
    """``src -[kind]-> dst`` between two drawn resources."""

    src: str
    kind: str
    dst: str


@dataclass
class Topology:
    """Everything the picture shows, and what it leaves out (``not_drawn``: type -> count)."""

    groups: list[RegionGroup]
    edges: list[TopologyEdge]
    not_drawn: dict[str, int]
    too_large: int = 0
    """When non-zero, the number of resources that would have been drawn (the picture is omitted)."""

    @property
    def zones(self) -> list[str]:
        """Every AZ shown as a column, sorted."""
        return sorted({z for g in self.groups for p in g.panels for z in p.zones if z})

    @property
    def nodes(self) -> list[Node]:
        """Every drawn node."""
        return [n for g in self.groups for n in (*(pl.node for p in g.panels for pl in p.placements), *g.band)]


def resource_anchor(uid: str) -> str:
    """A stable HTML id for a resource (``r-`` + hash: uids hold characters ids should not)."""
    return "r-" + hashlib.sha256(uid.encode()).hexdigest()[:12]


def finding_marks(findings: Iterable[Finding]) -> dict[str, Mark]:
    """The mark of every resource that has findings."""
    statuses: dict[str, set[Status]] = defaultdict(set)
    open_ids: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        statuses[finding.resource_uid].add(finding.status)
        if finding.status in (Status.FAIL, Status.UNKNOWN, Status.ERROR):
            open_ids[finding.resource_uid].append(finding.policy_id)
    marks = {}
    for uid, seen in statuses.items():
        if Status.FAIL in seen:
            state = "fail"
        elif seen & {Status.UNKNOWN, Status.ERROR}:
            state = "uncertain"
        else:
            state = "ok"
        policies = tuple(dict.fromkeys(open_ids.get(uid, ())))
        marks[uid] = Mark(state, policies, resource_anchor(uid) if policies else None)
    return marks


def _flag(value: Any, yes: str, no: str) -> str:
    return yes if value is True else no if value is False else f"{yes} ?"


def _range(attributes: dict[str, Any], low: str, high: str) -> str:
    lo, hi = attributes.get(low), attributes.get(high)
    return f"{'?' if lo is None else lo}-{'?' if hi is None else hi}"


def subtitle(resource: Resource) -> str:
    """A short line under the name: the type and the one or two facts an HA reader looks for first."""
    a, kind = resource.attributes, resource.type
    if kind == "aws.ec2.subnet":
        return f"subnet {a.get('cidr_block') or ''}".strip()
    if kind == "aws.elbv2.load_balancer":
        return f"{a.get('lb_type') or 'elbv2'} LB · {a.get('scheme') or 'scheme ?'}"
    if kind == "aws.autoscaling.group":
        return f"ASG {_range(a, 'min_size', 'max_size')}"
    if kind == "aws.eks.nodegroup":
        return f"EKS nodes {_range(a, 'min_size', 'max_size')}"
    if kind == "aws.ecs.service":
        return f"ECS service · {a.get('desired_count', '?')} tasks"
    if kind == "aws.ec2.instance":
        return f"EC2 {a.get('instance_type') or ''}".strip()
    if kind == "aws.rds.db_instance":
        ha = "read replica" if a.get("is_read_replica") else _flag(a.get("multi_az"), "Multi-AZ", "single-AZ")
        return f"RDS {a.get('engine') or ''} · {ha}"
    if kind == "aws.rds.db_cluster":
        return f"{a.get('engine') or 'RDS'} cluster · {_flag(a.get('multi_az'), 'Multi-AZ', 'single-AZ')}"
    if kind == "aws.elasticache.replication_group":
        return f"{a.get('engine') or 'cache'} · {_flag(a.get('automatic_failover'), 'failover', 'no failover')}"
    if kind == "aws.dynamodb.table":
        return f"DynamoDB · {_flag(a.get('pitr_enabled'), 'PITR', 'no PITR')}"
    if kind == "aws.s3.bucket":
        versioning = a.get("versioning")
        return f"S3 · versioning {str(versioning).lower() if versioning else '?'}"
    return _TYPE_LABELS.get(kind, kind.rsplit(".", 1)[-1].replace("_", " "))


def _category(resource: Resource, placed: bool) -> str | None:
    if resource.type in NOT_DRAWN:
        return None
    if resource.type in PLACED:
        return PLACED[resource.type]
    if resource.type in REGIONAL:
        return REGIONAL[resource.type]
    return "other" if placed or resource.type.startswith("aws.") else None


@dataclass
class _Collector:
    """Accumulates the groups of several graphs (one per IaC file, say) into one picture."""

    marks: dict[str, Mark]
    groups: dict[tuple[str | None, str | None], RegionGroup] = field(default_factory=dict)
    panels: dict[tuple[str | None, str | None, str | None], tuple[VpcPanel, list[tuple[Node, str, list]]]] = field(
        default_factory=dict)
    drawn: set[str] = field(default_factory=set)
    not_drawn: Counter = field(default_factory=Counter)

    def group(self, resource: Resource) -> RegionGroup:
        key = (resource.account, resource.region)
        if key not in self.groups:
            self.groups[key] = RegionGroup(account=resource.account, region=resource.region)
        return self.groups[key]

    def add_graph(self, graph: Graph) -> None:
        from scanner.graph.placement import subnets_of, tier_of, vpc_of, zones_of

        for uid, resource in graph.resources.items():
            if uid in self.drawn:
                continue
            vpc = vpc_of(graph, uid)
            in_vpc = vpc is not None or bool(subnets_of(graph, uid))
            category = _category(resource, in_vpc)
            if category is None:
                self.not_drawn[resource.type] += 1
                continue
            self.drawn.add(uid)
            zones = zones_of(graph, uid)
            node = Node(uid=uid, name=resource.name or uid.rsplit("/", 1)[-1], type=resource.type,
                        category=category, subtitle=subtitle(resource), zones=tuple(zones),
                        mark=self.marks.get(uid, Mark("none")))
            group = self.group(resource)
            if not in_vpc or resource.type in REGIONAL:
                group.band.append(node)
                continue
            tier = _tier_name(tier_of(graph, uid, zones), resource)
            key = (resource.account, resource.region, vpc)
            if key not in self.panels:
                vpc_resource = graph.resources.get(vpc) if vpc else None
                name = (vpc_resource.name if vpc_resource and vpc_resource.name else vpc) or "subnets without a VPC"
                panel = VpcPanel(uid=vpc, name=name, zones=[], tiers=[])
                group.panels.append(panel)
                self.panels[key] = (panel, [])
            self.panels[key][1].append((node, tier, zones))

    def finish(self) -> list[RegionGroup]:
        for panel, items in self.panels.values():
            zones = sorted({z for _, _, zs in items for z in zs})
            if any(not zs and tier != "vpc" for _, tier, zs in items):
                zones.append(None)  # a column for resources in a tier whose zone is not known
            panel.zones = zones or [None]
            panel.tiers = [t for t in TIER_ROWS if any(tier == t for _, tier, _ in items)]
            everywhere = tuple(range(len(panel.zones)))
            for node, tier, zs in items:
                columns = tuple(panel.zones.index(z) for z in zs) if zs else (
                    everywhere if tier == "vpc" else (len(panel.zones) - 1,))
                panel.placements.append(Placement(node=node, tier=tier, columns=columns))
        groups = sorted(self.groups.values(), key=lambda g: (g.account or "", g.region or ""))
        for group in groups:
            group.band.sort(key=lambda n: (CATEGORY_ORDER.index(n.category), n.name))
            names = Counter(p.name for p in group.panels)
            for panel in group.panels:  # two VPCs of one name (two IaC files, say) are told apart by uid
                if names[panel.name] > 1 and panel.uid:
                    panel.name = f"{panel.name} ({panel.uid})"
        return groups


TIER_ROWS = ("vpc", "public", "private", "isolated", "unknown")
"""Rows of a VPC panel, top to bottom: VPC-wide (gateways, unplaced), then the subnet tiers."""


def _tier_name(tier: Tier | None, resource: Resource) -> str:
    if resource.type == "aws.ec2.internet_gateway" or tier is None:
        return "vpc"
    return tier.value


def _edges(graphs: Sequence[Graph], drawn: set[str]) -> list[TopologyEdge]:
    """Drawn relations; target groups and backup selections are collapsed into the edges they imply."""
    found: dict[TopologyEdge, None] = {}
    for graph in graphs:
        for src, kind, dst, _ in graph.edges:
            if kind in EDGE_KINDS and src in drawn and dst in drawn:
                found[TopologyEdge(src, kind, dst)] = None
            elif kind == "targets" and src in drawn and dst not in drawn:  # LB -> target group -> targets
                for target, _ in graph.neighbours(dst, "targets"):
                    if target in drawn:
                        found[TopologyEdge(src, "targets", target)] = None
            elif kind == "backs_up" and dst in drawn and src not in drawn:  # plan <- selection -> resource
                for plan, _ in graph.neighbours(src, "member_of"):
                    if plan in drawn:
                        found[TopologyEdge(plan, "backs_up", dst)] = None
        for uid in graph.of_type("aws.s3.bucket"):
            for rule in graph.resources[uid].attributes.get("replication_rules") or []:
                target = (rule or {}).get("destination_bucket")
                if target in drawn and uid in drawn:
                    found[TopologyEdge(uid, "replicates_to", target)] = None
    return [e for e in found if e.src != e.dst]


def build_topology(graphs: Sequence[Graph], findings: Iterable[Finding] = ()) -> Topology:
    """The picture's model of ``graphs``, with resources marked by ``findings``."""
    collector = _Collector(marks=finding_marks(findings))
    for graph in graphs:
        collector.add_graph(graph)
    groups = collector.finish()
    not_drawn = dict(sorted(collector.not_drawn.items()))
    if len(collector.drawn) > MAX_DRAWN:
        return Topology(groups=[], edges=[], not_drawn=not_drawn, too_large=len(collector.drawn))
    return Topology(groups=groups, edges=_edges(graphs, collector.drawn), not_drawn=not_drawn)


__all__ = ["MAX_DRAWN", "Mark", "Node", "Topology", "TopologyEdge", "build_topology", "finding_marks",
           "resource_anchor"]
