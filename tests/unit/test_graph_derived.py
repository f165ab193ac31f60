"""Derived facts of the graph, on tiny graphs."""

from __future__ import annotations

from conftest import snapshot

from scanner.graph import build_graph

VPC = {"uid": "vpc", "type": "aws.ec2.vpc"}
IGW = {"uid": "igw", "type": "aws.ec2.internet_gateway"}
NAT = {"uid": "nat", "type": "aws.ec2.nat_gateway"}


def _subnet(uid: str, az: str = "us-east-1a") -> dict:
    return {"uid": uid, "type": "aws.ec2.subnet", "attributes": {"availability_zone": az}}


def _table(uid: str, target_type: str | None, target: str | None, main: bool = False) -> dict:
    routes = [] if target_type is None else [
        {"destination": "0.0.0.0/0", "target_type": target_type, "target": target}]
    return {"uid": uid, "type": "aws.ec2.route_table", "attributes": {"main": main, "routes": routes}}


def test_igw_default_route_makes_subnet_public() -> None:
    snap = snapshot([VPC, IGW, _subnet("s1"), _table("rt", "internet_gateway", "igw")],
                    [("s1", "in_vpc", "vpc"), ("rt", "in_vpc", "vpc"), ("s1", "uses_route_table", "rt")])
    graph = build_graph(snap)
    assert graph.derived["s1"]["is_public"] is True
    assert graph.neighbours("s1", "default_route") == [("igw", {"destination": "0.0.0.0/0", "route_table": "rt"})]


def test_nat_route_is_not_public() -> None:
    snap = snapshot([VPC, NAT, _subnet("s1"), _table("rt", "nat_gateway", "nat")],
                    [("s1", "in_vpc", "vpc"), ("rt", "in_vpc", "vpc"), ("s1", "uses_route_table", "rt")])
    graph = build_graph(snap)
    assert graph.derived["s1"]["is_public"] is False
    assert graph.derived["s1"]["has_default_route"] is True


def test_implicit_main_route_table_applies_to_unassociated_subnet() -> None:
    snap = snapshot(
        [VPC, IGW, _subnet("s1"), _subnet("s2"), _table("main", "internet_gateway", "igw", main=True),
         _table("private", None, None)],
        [("s1", "in_vpc", "vpc"), ("s2", "in_vpc", "vpc"), ("main", "in_vpc", "vpc"),
         ("private", "in_vpc", "vpc"), ("s2", "uses_route_table", "private")],
    )
    graph = build_graph(snap)
    assert graph.derived["s1"]["is_public"] is True
    assert graph.derived["s1"]["route_table"] == "main"
    assert graph.derived["s2"]["is_public"] is False


def test_missing_route_table_leaves_is_public_unknown() -> None:
    graph = build_graph(snapshot([VPC, _subnet("s1")], [("s1", "in_vpc", "vpc")]))
    assert "is_public" not in graph.derived["s1"]
    assert "main route table" in graph.derived_unknown["s1"]["is_public"]


def test_ipv6_default_route_to_igw_is_public() -> None:
    table = {"uid": "rt", "type": "aws.ec2.route_table",
             "attributes": {"routes": [{"destination": "::/0", "target_type": "internet_gateway", "target": "igw"}]}}
    graph = build_graph(snapshot([VPC, IGW, _subnet("s1"), table], [("s1", "uses_route_table", "rt")]))
    assert graph.derived["s1"]["is_public"] is True


def test_zones_of_placed_resources_come_from_subnets_and_subnet_groups() -> None:
    snap = snapshot(
        [_subnet("a", "us-east-1a"), _subnet("b", "us-east-1b"),
         {"uid": "asg", "type": "aws.autoscaling.group", "attributes": {"min_size": 2, "max_size": 4}},
         {"uid": "dbsg", "type": "aws.rds.db_subnet_group"},
         {"uid": "db", "type": "aws.rds.db_instance"}],
        [("asg", "in_subnet", "a"), ("asg", "in_subnet", "b"), ("dbsg", "in_subnet", "a"),
         ("db", "in_subnet_group", "dbsg")],
    )
    graph = build_graph(snap)
    assert graph.derived["asg"]["availability_zones"] == ["us-east-1a", "us-east-1b"]
    assert graph.derived["db"]["availability_zones"] == ["us-east-1a"]


def test_unresolved_subnet_makes_zones_unknown() -> None:
    snap = snapshot([{"uid": "asg", "type": "aws.autoscaling.group"}], [("asg", "in_subnet", "missing")])
    graph = build_graph(snap)
    assert "availability_zones" not in graph.derived["asg"]
    assert "not in the snapshot" in graph.derived_unknown["asg"]["availability_zones"]


def test_route_edge_given_by_source_is_not_duplicated() -> None:
    snap = snapshot([VPC, NAT, _subnet("s1"), _table("rt", "nat_gateway", "nat")],
                    [("s1", "uses_route_table", "rt")])
    snap.relations.append(snap.relations[0].model_copy(update={"src": "rt", "kind": "routes_to", "dst": "nat",
                                                               "attributes": {"destination": "0.0.0.0/0"}}))
    graph = build_graph(snap)
    assert graph.neighbours("rt", "routes_to") == [("nat", {"destination": "0.0.0.0/0"})]
    assert graph.nx_graph.number_of_edges("rt", "nat") == 1
