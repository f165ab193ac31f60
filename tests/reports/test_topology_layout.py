"""The topology picture's model and layout on tiny graphs: AZ columns, tier rows, lanes, edges, marks."""

from __future__ import annotations

from typing import Any

from reports_factory import finding
from snapshot_factory import snapshot

from scanner.graph import build_graph
from scanner.model import Status
from scanner.reports.layout import COLUMN, GUTTER, layout, pack_lanes, shorten
from scanner.reports.topology import MAX_DRAWN, Placement, Topology, build_topology, resource_anchor

ZONES = ("eu-west-1c", "eu-west-1a", "eu-west-1b")  # deliberately unsorted


def _subnet(uid: str, zone: str | None) -> dict[str, Any]:
    attributes = {"availability_zone": zone} if zone else {}
    return {"uid": uid, "type": "aws.ec2.subnet", "name": uid, "region": "eu-west-1", "attributes": attributes}


def _table(uid: str, target_type: str | None, target: str | None) -> dict[str, Any]:
    routes = [] if target is None else [{"destination": "0.0.0.0/0", "target_type": target_type, "target": target}]
    return {"uid": uid, "type": "aws.ec2.route_table", "region": "eu-west-1", "attributes": {"routes": routes}}


def _three_tier() -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """A VPC with public, private (NAT) and isolated subnets in three AZs, an ALB, an ASG and a DB."""
    r = "eu-west-1"
    resources = [{"uid": "vpc", "type": "aws.ec2.vpc", "name": "main", "region": r},
                 {"uid": "igw", "type": "aws.ec2.internet_gateway", "region": r},
                 {"uid": "nat", "type": "aws.ec2.nat_gateway", "region": r},
                 _table("rt-pub", "internet_gateway", "igw"), _table("rt-priv", "nat_gateway", "nat"),
                 _table("rt-iso", None, None),
                 {"uid": "alb", "type": "aws.elbv2.load_balancer", "name": "alb", "region": r},
                 {"uid": "tg", "type": "aws.elbv2.target_group", "region": r},
                 {"uid": "asg", "type": "aws.autoscaling.group", "name": "asg", "region": r},
                 {"uid": "db", "type": "aws.rds.db_instance", "name": "db", "region": r,
                  "attributes": {"multi_az": True, "availability_zone": "eu-west-1a",
                                 "secondary_availability_zone": "eu-west-1c"}},
                 {"uid": "dbsg", "type": "aws.rds.db_subnet_group", "region": r},
                 {"uid": "bucket", "type": "aws.s3.bucket", "name": "bucket", "region": r},
                 {"uid": "plan", "type": "aws.backup.plan", "name": "plan", "region": r},
                 {"uid": "sel", "type": "aws.backup.selection", "region": r}]
    relations = [("igw", "attached_to", "vpc"), ("nat", "in_subnet", "pub-a"), ("alb", "targets", "tg"),
                 ("tg", "targets", "asg"), ("db", "in_subnet_group", "dbsg"), ("sel", "member_of", "plan"),
                 ("sel", "backs_up", "db"), ("sel", "backs_up", "bucket")]
    for zone in ZONES:
        suffix = zone[-1]
        for tier, table in (("pub", "rt-pub"), ("priv", "rt-priv"), ("iso", "rt-iso")):
            uid = f"{tier}-{suffix}"
            resources.append(_subnet(uid, zone))
            relations += [(uid, "in_vpc", "vpc"), (uid, "uses_route_table", table)]
        relations += [("alb", "in_subnet", f"pub-{suffix}"), ("asg", "in_subnet", f"priv-{suffix}"),
                      ("dbsg", "in_subnet", f"iso-{suffix}")]
    return resources, relations


def _ends(d: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """Start and end point of an ``M x,y C ... x,y`` path."""
    points = [tuple(float(v) for v in part.lstrip("MC").split(",")) for part in d.split()]
    return points[0], points[-1]


def _topology(resources: list[dict[str, Any]], relations: list[tuple[str, str, str]], findings=()) -> Topology:
    return build_topology([build_graph(snapshot(resources, relations))], findings)


def _placements(topology: Topology) -> dict[str, Placement]:
    return {p.node.uid: p for g in topology.groups for panel in g.panels for p in panel.placements}


def test_columns_are_the_sorted_zones_and_rows_the_tiers_that_hold_something() -> None:
    topology = _topology(*_three_tier())
    (group,) = topology.groups
    (panel,) = group.panels
    assert panel.name == "main"
    assert panel.zones == sorted(ZONES)
    assert panel.tiers == ["vpc", "public", "private", "isolated"]
    placed = _placements(topology)
    assert (placed["pub-a"].tier, placed["pub-a"].columns) == ("public", (0,))
    assert (placed["priv-c"].tier, placed["priv-c"].columns) == ("private", (2,))
    assert (placed["iso-b"].tier, placed["iso-b"].columns) == ("isolated", (1,))
    assert (placed["nat"].tier, placed["nat"].columns) == ("public", (0,))
    assert (placed["alb"].tier, placed["alb"].columns) == ("public", (0, 1, 2))
    assert (placed["asg"].tier, placed["asg"].columns) == ("private", (0, 1, 2))
    assert placed["igw"].tier == "vpc"


def test_a_database_covers_its_primary_and_standby_zones_not_its_whole_subnet_group() -> None:
    placed = _placements(_topology(*_three_tier()))
    assert (placed["db"].tier, placed["db"].columns) == ("isolated", (0, 2))
    boxes = {b.node.uid: b for b in layout(_topology(*_three_tier())).boxes}
    assert [on for _, on in boxes["db"].zone_dots] == [True, False, True]


def test_a_resource_spanning_tiers_is_drawn_in_the_most_exposed_one() -> None:
    resources, relations = _three_tier()
    relations = [*relations, ("dbsg", "in_subnet", "pub-a")]  # a data subnet group with a public subnet
    assert _placements(_topology(resources, relations))["db"].tier == "public"


def test_unknown_routing_and_unknown_zone_get_their_own_row_and_column() -> None:
    resources = [{"uid": "vpc", "type": "aws.ec2.vpc"}, _subnet("s-known", "eu-west-1a"), _subnet("s-nozone", None)]
    relations = [("s-known", "in_vpc", "vpc"), ("s-nozone", "in_vpc", "vpc")]
    topology = _topology(resources, relations)  # no route tables at all: is_public unknown
    (panel,) = topology.groups[0].panels
    assert panel.zones == ["eu-west-1a", None]
    assert panel.tiers == ["unknown"]
    assert _placements(topology)["s-nozone"].columns == (1,)
    headers = [h.text for h in layout(topology).headers]
    assert headers == ["eu-west-1a", "AZ not known"]


def test_services_without_a_vpc_go_to_the_regional_band_and_configuration_is_counted() -> None:
    topology = _topology(*_three_tier())
    assert [n.uid for n in topology.groups[0].band] == ["bucket", "plan"]
    assert topology.not_drawn == {"aws.backup.selection": 1, "aws.ec2.route_table": 3, "aws.ec2.vpc": 1,
                                  "aws.elbv2.target_group": 1, "aws.rds.db_subnet_group": 1}
    assert "tg" not in {n.uid for n in topology.nodes}


def test_edges_collapse_target_groups_and_backup_selections_and_keep_default_routes() -> None:
    edges = {(e.src, e.kind, e.dst) for e in _topology(*_three_tier()).edges}
    assert ("alb", "targets", "asg") in edges
    assert {("plan", "backs_up", "db"), ("plan", "backs_up", "bucket")} <= edges
    assert {(f"pub-{z[-1]}", "default_route", "igw") for z in ZONES} <= edges
    assert {(f"priv-{z[-1]}", "default_route", "nat") for z in ZONES} <= edges
    assert not any(src.startswith("iso-") for src, _, _ in edges)  # isolated: no default route
    assert not any("tg" in (src, dst) or "sel" in (src, dst) for src, _, dst in edges)


def test_layout_derives_every_box_from_columns_and_lanes() -> None:
    diagram = layout(_topology(*_three_tier()))
    boxes = {b.node.uid: b for b in diagram.boxes}
    x0 = boxes["pub-a"].x
    assert boxes["pub-b"].x - x0 == COLUMN and boxes["pub-c"].x - x0 == 2 * COLUMN
    assert boxes["alb"].x == x0 and boxes["alb"].w == boxes["pub-a"].w + 2 * COLUMN
    assert boxes["pub-a"].y < boxes["priv-a"].y < boxes["iso-a"].y  # rows top to bottom by tier
    assert boxes["nat"].y > boxes["pub-a"].y  # a second lane: the subnet holds the first
    assert boxes["bucket"].y > boxes["iso-a"].y  # band under the panel
    assert {h.zone for h in diagram.headers} == set(ZONES)
    assert all(b.x >= GUTTER and b.x + b.w <= diagram.width and b.y + b.h <= diagram.height for b in boxes.values())
    paths = {(p.src, p.dst): _ends(p.d) for p in diagram.paths}
    alb, asg = boxes["alb"], boxes["asg"]
    assert paths[("alb", "asg")] == ((alb.cx, alb.y + alb.h), (asg.cx, asg.y))  # bottom of the LB to top of the ASG
    nat = boxes["nat"]
    _, end = paths[("priv-b", "nat")]
    assert end[1] == nat.y + nat.h and nat.x <= end[0] <= nat.x + nat.w  # into the NAT from below


def test_lanes_never_overlap_in_columns() -> None:
    topology = _topology(*_three_tier())
    placements = [p for g in topology.groups for panel in g.panels for p in panel.placements]
    for tier in ("public", "private", "isolated"):
        packed = pack_lanes([p for p in placements if p.tier == tier])
        seen: dict[int, set[int]] = {}
        for placement, lane in packed:
            span = set(range(min(placement.columns), max(placement.columns) + 1))
            assert not seen.get(lane, set()) & span, (tier, placement.node.uid)
            seen.setdefault(lane, set()).update(span)


def test_failing_resources_are_marked_and_link_to_their_findings() -> None:
    findings = [finding("rds-multi-az", "db", Status.FAIL), finding("asg-multi-az", "asg", Status.UNKNOWN),
                finding("alarm-on-lb", "alb", Status.PASS)]
    nodes = {n.uid: n for n in _topology(*_three_tier(), findings=findings).nodes}
    assert (nodes["db"].mark.state, nodes["db"].mark.anchor) == ("fail", resource_anchor("db"))
    assert nodes["db"].mark.open_findings == ("rds-multi-az",)
    assert nodes["asg"].mark.state == "uncertain"
    assert (nodes["alb"].mark.state, nodes["alb"].mark.anchor) == ("ok", None)
    assert nodes["nat"].mark.state == "none"


def test_several_vpcs_and_regions_make_separate_panels_and_groups() -> None:
    resources = [{"uid": "v1", "type": "aws.ec2.vpc", "region": "us-east-1"},
                 {"uid": "v2", "type": "aws.ec2.vpc", "region": "us-west-2"},
                 {**_subnet("a", "us-east-1a"), "region": "us-east-1"},
                 {**_subnet("b", "us-west-2b"), "region": "us-west-2"},
                 {"uid": "replica", "type": "aws.rds.db_instance", "region": "us-west-2",
                  "attributes": {"availability_zone": "us-west-2b"}},
                 {"uid": "primary", "type": "aws.rds.db_instance", "region": "us-east-1",
                  "attributes": {"availability_zone": "us-east-1a"}},
                 {"uid": "g1", "type": "aws.rds.db_subnet_group", "region": "us-east-1"},
                 {"uid": "g2", "type": "aws.rds.db_subnet_group", "region": "us-west-2"}]
    relations = [("a", "in_vpc", "v1"), ("b", "in_vpc", "v2"), ("g2", "in_subnet", "b"), ("g1", "in_subnet", "a"),
                 ("replica", "in_subnet_group", "g2"), ("primary", "in_subnet_group", "g1"),
                 ("replica", "replica_of", "primary")]
    topology = _topology(resources, relations)
    assert [g.region for g in topology.groups] == ["us-east-1", "us-west-2"]
    assert topology.zones == ["us-east-1a", "us-west-2b"]
    assert [(e.src, e.kind, e.dst) for e in topology.edges] == [("replica", "replica_of", "primary")]
    diagram = layout(topology)
    boxes = {b.node.uid: b for b in diagram.boxes}
    path = next(p for p in diagram.paths if p.kind == "replica_of")
    replica, primary = boxes["replica"], boxes["primary"]
    assert _ends(path.d) == ((replica.cx, replica.y), (primary.cx, primary.y + primary.h))  # up to the primary


def test_too_many_resources_give_a_note_instead_of_a_picture() -> None:
    resources = [{"uid": "vpc", "type": "aws.ec2.vpc"}]
    resources += [_subnet(f"s{i}", "eu-west-1a") for i in range(MAX_DRAWN + 1)]
    relations = [(f"s{i}", "in_vpc", "vpc") for i in range(MAX_DRAWN + 1)]
    topology = _topology(resources, relations)
    assert topology.too_large == MAX_DRAWN + 1 and topology.groups == []


def test_shorten_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert shorten("web", 100) == "web"
    cut = shorten("x" * 200, 100)
    assert cut.endswith("…") and len(cut) < 20


def test_containers_are_compute_in_their_subnets_tier() -> None:
    resources, relations = _three_tier()
    resources += [{"uid": "svc", "type": "aws.ecs.service", "name": "api", "region": "eu-west-1",
                   "attributes": {"desired_count": 4}},
                  {"uid": "ng", "type": "aws.eks.nodegroup", "name": "workers", "region": "eu-west-1",
                   "attributes": {"min_size": 3, "max_size": 9}}]
    relations += [("svc", "in_subnet", "priv-a"), ("svc", "in_subnet", "priv-b"), ("ng", "in_subnet", "priv-c")]
    topology = _topology(resources, relations)
    placed = _placements(topology)
    assert (placed["svc"].tier, placed["svc"].columns, placed["svc"].node.category) == ("private", (0, 1), "compute")
    assert (placed["ng"].tier, placed["ng"].columns) == ("private", (2,))
    assert placed["svc"].node.subtitle == "ECS service · 4 tasks" and placed["ng"].node.subtitle == "EKS nodes 3-9"


def test_symbolic_iac_zones_and_same_named_vpcs_are_labelled_apart() -> None:
    resources = [{"uid": "a.yaml#Vpc", "type": "aws.ec2.vpc", "name": "Vpc"},
                 {"uid": "b.yaml#Vpc", "type": "aws.ec2.vpc", "name": "Vpc"},
                 _subnet("a.yaml#S", "{region}#az2"), _subnet("b.yaml#S", "eu-west-1a")]
    relations = [("a.yaml#S", "in_vpc", "a.yaml#Vpc"), ("b.yaml#S", "in_vpc", "b.yaml#Vpc")]
    topology = _topology(resources, relations)
    assert sorted(p.name for p in topology.groups[0].panels) == ["Vpc (a.yaml#Vpc)", "Vpc (b.yaml#Vpc)"]
    headers = {h.zone: h.text for h in layout(topology).headers}
    assert headers == {"{region}#az2": "AZ 2 of the Region", "eu-west-1a": "eu-west-1a"}
