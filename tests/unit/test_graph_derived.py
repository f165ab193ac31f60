"""Derived facts of the graph, on tiny graphs."""

from __future__ import annotations

import gc

import pytest
from snapshot_factory import snapshot

from benchmarks.synthetic import synthetic_snapshot
from scanner.graph import build_graph
from scanner.model import snapshot_from_json
from scanner.model.snapshot import paused_gc

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


def test_same_edge_with_other_attributes_is_kept_in_the_index() -> None:
    graph = build_graph(snapshot([VPC, _subnet("s1")]))
    graph.add_edges([("s1", "routes_to", "nat", {"destination": "0.0.0.0/0"}),
                     ("s1", "routes_to", "nat", {"destination": "0.0.0.0/0"}),
                     ("s1", "routes_to", "nat", {"destination": "::/0"})])
    assert graph.neighbours("s1", "routes_to") == [("nat", {"destination": "0.0.0.0/0"}),
                                                   ("nat", {"destination": "::/0"})]
    assert graph.neighbours("nat", "routes_to", "in") == [("s1", {"destination": "0.0.0.0/0"}),
                                                          ("s1", {"destination": "::/0"})]


def test_networkx_view_holds_every_node_and_edge() -> None:
    snap = snapshot([VPC, IGW, _subnet("s1"), _table("rt", "internet_gateway", "igw")],
                    [("s1", "in_vpc", "vpc"), ("s1", "uses_route_table", "rt"), ("s1", "in_vpc", "ghost")])
    graph = build_graph(snap)
    nxg = graph.nx_graph
    assert list(nxg.nodes) == ["vpc", "igw", "s1", "rt", "ghost"]
    assert nxg.nodes["s1"]["resource"] is graph.resources["s1"]
    assert nxg.nodes["ghost"]["resource"] is None
    assert sorted((u, v, k) for u, v, k in nxg.edges(keys=True)) == sorted((s, d, k) for s, k, d, _ in graph.edges)
    assert nxg.edges["rt", "igw", "routes_to"] == {"destination": "0.0.0.0/0"}
    assert nxg.number_of_edges("s1", "igw") == 1  # default_route


def test_networkx_view_follows_later_edges() -> None:
    graph = build_graph(snapshot([VPC, _subnet("s1")]))
    assert graph.nx_graph.number_of_edges() == 0
    graph.add_edge("s1", "in_vpc", "vpc")
    graph.add_edge("s1", "uses_network_acl", "acl")
    assert graph.nx_graph.has_edge("s1", "vpc", "in_vpc")
    assert graph.nx_graph.nodes["acl"]["resource"] is None


def test_collector_is_paused_only_while_building() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    with pytest.raises(RuntimeError), paused_gc(freeze=True):
        raise RuntimeError("boom")
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    try:
        with paused_gc(freeze=True):
            pass
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_synthetic_snapshot_graph_has_every_derived_fact() -> None:
    data = synthetic_snapshot(200, seed=3)
    assert len(data["resources"]) == 200
    graph = build_graph(snapshot_from_json(data))
    subnets = graph.of_type("aws.ec2.subnet")
    assert subnets and all("is_public" in graph.derived[uid] for uid in subnets)
    assert {graph.derived[uid]["is_public"] for uid in subnets} == {True, False}
    for uid in graph.of_type("aws.autoscaling.group"):
        assert graph.derived[uid]["availability_zones"]
    small, large = synthetic_snapshot(310), synthetic_snapshot(3100)
    assert len(large["resources"]) == 10 * len(small["resources"])
    assert 9.5 < len(large["relations"]) / len(small["relations"]) < 10.5
    assert large["relations"][: len(small["relations"])] == small["relations"]  # same seed, same start
