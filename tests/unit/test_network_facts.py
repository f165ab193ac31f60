"""Derived network facts: network ACL entries as they take effect, VPC tiers per zone, healthy targets per zone."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_factory import snapshot

from scanner.graph import build_graph
from scanner.graph.nacl import allowed_entries

WORLD = "0.0.0.0/0"


def _entry(number: int, action: str, protocol: str = "tcp", low: int | None = 0, high: int | None = 65535,
           cidr: str = WORLD, egress: bool = False, **extra: Any) -> dict[str, Any]:
    return {"rule_number": number, "action": action, "protocol": protocol, "from_port": low, "to_port": high,
            "cidr": cidr, "egress": egress, **extra}


def _ranges(entries: list[dict[str, Any]]) -> list[tuple[str, int | None, int | None, str]]:
    return [(e["protocol"], e["from_port"], e["to_port"], e["cidr"]) for e in entries]


def test_an_earlier_deny_cuts_the_ports_it_refuses_out_of_a_later_allow() -> None:
    entries = [_entry(200, "allow", low=1000, high=2000), _entry(100, "deny", low=1500, high=1600)]
    assert _ranges(allowed_entries(entries)) == [("tcp", 1000, 1499, WORLD), ("tcp", 1601, 2000, WORLD)]


def test_a_later_deny_changes_nothing_first_match_wins() -> None:
    entries = [_entry(100, "allow", low=22, high=22), _entry(200, "deny", low=22, high=22)]
    assert _ranges(allowed_entries(entries)) == [("tcp", 22, 22, WORLD)]


def test_an_all_protocol_allow_cut_by_a_tcp_deny_becomes_tcp_and_udp() -> None:
    entries = [_entry(10, "deny", low=22, high=22), _entry(100, "allow", protocol="all")]
    assert _ranges(allowed_entries(entries)) == [("tcp", 0, 21, WORLD), ("tcp", 23, 65535, WORLD),
                                                 ("udp", 0, 65535, WORLD)]
    # without a cutting deny the allow stays as written
    assert _ranges(allowed_entries([_entry(100, "allow", protocol="all")])) == [("all", 0, 65535, WORLD)]


def test_only_a_deny_whose_cidr_contains_the_allows_cuts_it() -> None:
    narrower = [_entry(10, "deny", cidr="10.0.0.0/8"), _entry(100, "allow")]
    assert _ranges(allowed_entries(narrower)) == [("tcp", 0, 65535, WORLD)]  # the rest of the world gets in
    wider = [_entry(10, "deny", cidr=WORLD), _entry(100, "allow", cidr="203.0.113.0/24")]
    assert allowed_entries(wider) == []
    other_family = [_entry(10, "deny", protocol="all", cidr="::/0"), _entry(100, "allow")]
    assert _ranges(allowed_entries(other_family)) == [("tcp", 0, 65535, WORLD)]


def test_directions_and_protocols_are_kept_apart() -> None:
    entries = [_entry(10, "deny", egress=True), _entry(11, "deny", protocol="udp"), _entry(100, "allow")]
    assert _ranges(allowed_entries(entries)) == [("tcp", 0, 65535, WORLD)]
    icmp = [_entry(10, "deny", protocol="icmp", low=None, high=None, icmp_type=8),
            _entry(100, "allow", protocol="icmp", low=None, high=None, icmp_type=-1)]
    assert len(allowed_entries(icmp)) == 1  # a deny of one ICMP type leaves the rest admitted
    everything = [_entry(10, "deny", protocol="all"), _entry(100, "allow", protocol="icmp", low=None, high=None)]
    assert allowed_entries(everything) == []


def test_a_deny_whose_cidr_is_not_known_makes_the_acl_unknown_not_open() -> None:
    graph = build_graph(snapshot([{"uid": "acl", "type": "aws.ec2.network_acl", "attributes": {"entries": [
        _entry(10, "deny", cidr="!Ref Blocked"), _entry(100, "allow")]}}]))
    assert "allowed_entries" not in graph.derived["acl"]
    assert "is not a CIDR" in graph.derived_unknown["acl"]["allowed_entries"]


def test_an_acl_known_only_in_part_is_unknown() -> None:
    graph = build_graph(snapshot([{"uid": "acl", "type": "aws.ec2.network_acl",
                                   "attributes": {"entries": [_entry(100, "allow", low=22, high=22)]},
                                   "partial": {"entries": "other entries of acl-0outside are declared elsewhere"}}]))
    assert graph.derived_unknown["acl"]["allowed_entries"].startswith("entries known only in part")


def _vpc(*subnets: tuple[str, str | None, bool]) -> Any:
    """A VPC with subnets (uid, zone, public?) routed to an internet gateway or nowhere."""
    resources: list[dict[str, Any]] = [
        {"uid": "vpc", "type": "aws.ec2.vpc"}, {"uid": "igw", "type": "aws.ec2.internet_gateway"},
        {"uid": "rt-pub", "type": "aws.ec2.route_table", "attributes": {
            "routes": [{"destination": WORLD, "target_type": "internet_gateway", "target": "igw"}]}},
        {"uid": "rt-priv", "type": "aws.ec2.route_table"},
    ]
    relations = []
    for uid, zone, public in subnets:
        resource: dict[str, Any] = {"uid": uid, "type": "aws.ec2.subnet"}
        if zone is None:
            resource["unknown"] = {"availability_zone": "unresolved"}
        else:
            resource["attributes"] = {"availability_zone": zone}
        resources.append(resource)
        relations += [(uid, "in_vpc", "vpc"), (uid, "uses_route_table", "rt-pub" if public else "rt-priv")]
    return build_graph(snapshot(resources, relations))


def test_vpc_tiers_per_zone() -> None:
    graph = _vpc(("p-a", "az-a", True), ("a-a", "az-a", False), ("a-b", "az-b", False), ("p-c", "az-c", True))
    assert graph.derived["vpc"]["zones_without_public_subnet"] == ["az-b"]
    assert graph.derived["vpc"]["zones_without_private_subnet"] == ["az-c"]
    unknown = _vpc(("p-a", "az-a", True), ("x", None, False))
    assert "availability zone of subnet x unknown" in unknown.derived_unknown["vpc"]["zones_without_public_subnet"]


def _balanced(groups: list[dict[str, Any]], extra: list[dict[str, Any]] = (),
              relations: list[tuple[str, str, str]] = ()) -> Any:
    resources = [
        {"uid": zone, "type": "aws.ec2.subnet", "attributes": {"availability_zone": f"az-{zone}", "cidr_block": cidr}}
        for zone, cidr in (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24"))
    ] + [
        {"uid": "lb", "type": "aws.elbv2.load_balancer"}, *groups, *extra,
    ]
    links = [("lb", "in_subnet", "a"), ("lb", "in_subnet", "b"), *(("lb", "targets", g["uid"]) for g in groups),
             *relations]
    return build_graph(snapshot(resources, links))


def _group(uid: str, target_type: str, *health: dict[str, Any]) -> dict[str, Any]:
    return {"uid": uid, "type": "aws.elbv2.target_group",
            "attributes": {"target_type": target_type, "target_health": list(health)}}


def test_healthy_targets_are_placed_by_reported_zone_instance_or_subnet_and_counted_once() -> None:
    graph = _balanced(
        [_group("web", "instance", {"target": "i-1", "state": "healthy"}, {"target": "i-2", "state": "healthy"}),
         _group("web-too", "instance", {"target": "i-1", "state": "healthy"}),
         _group("ips", "ip", {"target": "10.0.2.7", "state": "healthy"},
                {"target": "10.0.1.9", "state": "unhealthy"})],
        extra=[{"uid": "arn:aws:ec2:r:1:instance/i-1", "type": "aws.ec2.instance",
                "attributes": {"availability_zone": "az-a"}},
               {"uid": "arn:aws:ec2:r:1:instance/i-2", "type": "aws.ec2.instance",
                "attributes": {"availability_zone": "az-a"}}],
        relations=[("web", "targets", "arn:aws:ec2:r:1:instance/i-1"),
                   ("web", "targets", "arn:aws:ec2:r:1:instance/i-2"),
                   ("web-too", "targets", "arn:aws:ec2:r:1:instance/i-1")])
    facts = graph.derived["lb"]
    assert facts["zones_without_healthy_targets"] == []
    assert facts["max_zone_target_share"] == pytest.approx(2 / 3, abs=1e-4)  # i-1 counted once


@pytest.mark.parametrize(("group", "reason"), [
    (_group("fn", "lambda", {"target": "arn:aws:lambda:r:1:function:f", "state": "healthy"}), "no instance or ip"),
    (_group("far", "ip", {"target": "192.168.0.1", "availability_zone": "all", "state": "healthy"}), "zone 'all'"),
    (_group("lost", "ip", {"target": "172.16.0.1", "state": "healthy"}), "zone of target 172.16.0.1"),
])
def test_targets_without_a_zone_make_the_facts_unknown(group: dict[str, Any], reason: str) -> None:
    graph = _balanced([group])
    assert "zones_without_healthy_targets" not in graph.derived["lb"]
    assert reason in graph.derived_unknown["lb"]["zones_without_healthy_targets"]
