"""Addresses compared as networks: world openings of security groups and NACLs, default routes."""

from __future__ import annotations

import ipaddress
import random

import pytest
from snapshot_factory import snapshot

from scanner.graph import build_graph
from scanner.graph.addresses import NotANetwork, Rule, is_whole_space, parse_network, world_openings


def _rule(index: int, cidr: str, protocol: str = "tcp", low: int | None = None, high: int | None = None,
          allow: bool = True) -> Rule:
    family, start, end = parse_network(cidr)
    return Rule(index, family, start, end, protocol, low, high, allow)


def _spans(openings: list) -> list[tuple[str, str, int | None, int | None]]:
    return [(o.family, o.protocol, o.from_port, o.to_port) for o in openings]


@pytest.mark.parametrize("text", ["0.0.0.0/0", "::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "10.1.2.3/0", " ::/0 "])
def test_every_spelling_of_the_whole_space(text: str) -> None:
    assert is_whole_space(text)


@pytest.mark.parametrize("text", ["0.0.0.0/1", "::/1", "10.0.0.0/8", "1.2.3.4", "fe80::1"])
def test_smaller_networks_are_not_the_whole_space(text: str) -> None:
    assert not is_whole_space(text)


@pytest.mark.parametrize("text", ["", "sg-123", "${var.cidr}", "10.0.0.0/33", "0.0.0.0/-1", "pl-0abc"])
def test_non_networks_are_refused(text: str) -> None:
    with pytest.raises(NotANetwork):
        parse_network(text)


def test_halves_open_only_the_ports_they_share() -> None:
    openings = world_openings([_rule(0, "0.0.0.0/1", "tcp", 5000, 5500), _rule(1, "128.0.0.0/1", "tcp", 5400, 6000)])
    assert _spans(openings) == [("ipv4", "tcp", 5400, 5500)]
    assert openings[0].rules == (0, 1)


def test_all_protocol_rules_join_every_protocol() -> None:
    openings = world_openings([_rule(0, "0.0.0.0/1", "all"), _rule(1, "128.0.0.0/1", "udp", 53, 53)])
    assert _spans(openings) == [("ipv4", "udp", 53, 53)]


def test_everything_open_is_reported_once_as_all() -> None:
    openings = world_openings([_rule(0, "::/0", "all"), _rule(1, "::/0", "tcp", 22, 22)])
    assert _spans(openings) == [("ipv6", "all", 0, 65535)]


def test_families_never_combine() -> None:
    assert world_openings([_rule(0, "0.0.0.0/1", "all"), _rule(1, "8000::/1", "all")]) == []


def test_port_less_protocols_have_no_ports() -> None:
    assert _spans(world_openings([_rule(0, "0.0.0.0/0", "icmp")])) == [("ipv4", "icmp", None, None)]


def test_tcp_minus_one_is_every_port() -> None:
    assert _spans(world_openings([_rule(0, "0.0.0.0/0", "tcp", -1, -1)])) == [("ipv4", "tcp", 0, 65535)]


def test_nacl_deny_ahead_closes_its_port() -> None:
    entries = [_rule(0, "0.0.0.0/0", "tcp", 5432, 5432, allow=False), _rule(1, "0.0.0.0/0", "all")]
    spans = _spans(world_openings(entries, first_match=True))
    assert ("ipv4", "tcp", 0, 5431) in spans and ("ipv4", "tcp", 5433, 65535) in spans
    assert ("ipv4", "udp", 0, 65535) in spans
    assert not any(low is not None and low <= 5432 <= high for _, p, low, high in spans if p in ("tcp", "all"))


def test_nacl_deny_behind_an_allow_changes_nothing() -> None:
    entries = [_rule(0, "0.0.0.0/0", "all"), _rule(1, "0.0.0.0/0", "tcp", 5432, 5432, allow=False)]
    assert _spans(world_openings(entries, first_match=True)) == [("ipv4", "all", 0, 65535)]


def test_nacl_narrower_deny_carves_addresses_out_but_leaves_the_port_open_to_the_world() -> None:
    # one hostile /24 denied ahead of an allow-all does not make 5432 private: the rest of the world gets in
    entries = [_rule(0, "192.0.2.0/24", "tcp", 5432, 5432, allow=False), _rule(1, "0.0.0.0/0", "tcp", 0, 65535)]
    assert _spans(world_openings(entries, first_match=True)) == [("ipv4", "tcp", 0, 65535)]


def test_nacl_denies_that_together_refuse_the_allow_close_the_port() -> None:
    entries = [_rule(0, "0.0.0.0/1", "tcp", 5432, 5432, allow=False), _rule(1, "128.0.0.0/1", "tcp", 5400, 5500,
                                                                          allow=False),
               _rule(2, "0.0.0.0/0", "tcp", 0, 65535)]
    assert _spans(world_openings(entries, first_match=True)) == [("ipv4", "tcp", 0, 5431), ("ipv4", "tcp", 5433, 65535)]


def test_nacl_allow_behind_a_deny_of_the_world_opens_nothing_but_an_earlier_one_does() -> None:
    # 100 allow 10.0.0.0/8, 200 deny 0/0, 300 allow 0/0: only 10/8 gets in
    shadowed = [_rule(0, "10.0.0.0/8", "all"), _rule(1, "0.0.0.0/0", "all", allow=False), _rule(2, "0.0.0.0/0", "all")]
    assert world_openings(shadowed, first_match=True) == []
    # 100 allow 0/1, 200 deny 10/8 (inside the first allow, which matched first), 300 allow 128/1
    halves = [_rule(0, "0.0.0.0/1", "all"), _rule(1, "10.0.0.0/8", "all", allow=False), _rule(2, "128.0.0.0/1", "all")]
    assert [(o.protocol, o.rules) for o in world_openings(halves, first_match=True)] == [("all", (0, 2))]


def test_nacl_deny_of_one_icmp_type_leaves_icmp_open() -> None:
    one_type = Rule(0, "ipv4", 0, 2**32, "icmp", None, None, allow=False, narrow=True)
    entries = [one_type, _rule(1, "0.0.0.0/0", "icmp")]
    assert _spans(world_openings(entries, first_match=True)) == [("ipv4", "icmp", None, None)]
    whole = Rule(0, "ipv4", 0, 2**32, "icmp", None, None, allow=False)
    assert world_openings([whole, _rule(1, "0.0.0.0/0", "icmp")], first_match=True) == []


def test_nacl_without_allows_opens_nothing() -> None:
    assert world_openings([_rule(0, "0.0.0.0/0", "all", allow=False)], first_match=True) == []


def _brute_force_open(rules: list[Rule], port: int) -> bool:
    """Every /4 block of IPv4 reached by some tcp rule covering ``port`` (rules use /1../4 only)."""
    return all(any(r.applies_to("tcp") and r.ports()[0] <= port <= r.ports()[1]
                   and r.start <= block << 28 and (block + 1) << 28 <= r.end for r in rules) for block in range(16))


def test_security_group_union_agrees_with_brute_force() -> None:
    generator = random.Random(11)
    for _ in range(200):
        rules = []
        for index in range(generator.randint(1, 8)):
            prefix = generator.randint(1, 4)
            block = generator.randrange(2**prefix) << (32 - prefix)
            low = generator.choice([0, 10, 20, 30])
            rules.append(_rule(index, f"{ipaddress.IPv4Address(block)}/{prefix}", generator.choice(["tcp", "all"]),
                               low, low + generator.choice([0, 5, 15])))
        openings = [o for o in world_openings(rules) if o.protocol in ("tcp", "all")]
        for port in range(0, 50):
            found = any(o.from_port <= port <= o.to_port for o in openings)
            assert found == _brute_force_open(rules, port), (rules, port)


def _group(uid: str, ingress: list[dict], **extra: object) -> dict:
    return {"uid": uid, "type": "aws.ec2.security_group", "attributes": {"ingress": ingress}, **extra}


def test_graph_derives_world_ingress_and_egress() -> None:
    graph = build_graph(snapshot([_group("sg", [{"protocol": "tcp", "from_port": 5432, "to_port": 5432,
                                                 "cidr": "0:0:0:0:0:0:0:0/0"}])]))
    assert graph.derived["sg"]["world_ingress"] == [
        {"family": "ipv6", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "rules": [0]}]
    assert graph.derived["sg"]["world_egress"] == []  # the snapshot gives no egress rule


def test_unknown_rules_make_the_fact_unknown_and_bad_cidrs_make_it_partial() -> None:
    graph = build_graph(snapshot([
        {"uid": "unknown", "type": "aws.ec2.security_group", "unknown": {"ingress": "AccessDenied"}},
        _group("bad", [{"protocol": "tcp", "from_port": 1, "to_port": 1, "cidr": "${var.x}"}]),
        _group("partial", [], partial={"ingress": "rules declared elsewhere"}),
    ]))
    assert "AccessDenied" in graph.derived_unknown["unknown"]["world_ingress"]
    assert graph.derived["bad"]["world_ingress"] == []
    assert "is not an IP network" in graph.derived_partial["bad"]["world_ingress"]
    assert "declared elsewhere" in graph.derived_partial["partial"]["world_ingress"]


def _acl(uid: str, entries: list[dict]) -> dict:
    return {"uid": uid, "type": "aws.ec2.network_acl", "attributes": {"entries": entries}}


def test_nacl_entries_are_ordered_by_rule_number_and_split_by_direction() -> None:
    entries = [
        {"rule_number": 200, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"},
        {"rule_number": 100, "action": "deny", "protocol": "all", "cidr": "0.0.0.0/0"},
        {"rule_number": 100, "egress": True, "action": "allow", "protocol": "all", "cidr": "::0/0"},
    ]
    graph = build_graph(snapshot([_acl("acl", entries)]))
    assert graph.derived["acl"]["world_ingress"] == []
    assert [o["family"] for o in graph.derived["acl"]["world_egress"]] == ["ipv6"]


def test_nacl_unreadable_deny_is_unknown_but_unreadable_allow_is_partial() -> None:
    allow = {"rule_number": 300, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}
    graph = build_graph(snapshot([
        _acl("deny", [{"rule_number": 100, "action": "deny", "protocol": "all", "cidr": "nope"}, allow]),
        _acl("allow", [{"rule_number": 100, "action": "allow", "protocol": "all", "cidr": "nope"}]),
    ]))
    assert "nope" in graph.derived_unknown["deny"]["world_ingress"]
    assert graph.derived["allow"]["world_ingress"] == []
    assert "nope" in graph.derived_partial["allow"]["world_ingress"]


def _routed(destinations: list[tuple[str, str]]) -> dict:
    subnet = {"uid": "s", "type": "aws.ec2.subnet", "attributes": {"availability_zone": "us-east-1a"}}
    table = {"uid": "rt", "type": "aws.ec2.route_table",
             "attributes": {"routes": [{"destination": d, "target_type": t, "target": f"{t}-1"}
                                       for d, t in destinations]}}
    return build_graph(snapshot([subnet, table], [("s", "uses_route_table", "rt")])).derived["s"]


@pytest.mark.parametrize("destination", ["::0/0", "0:0:0:0:0:0:0:0/0", "0.0.0.0/0"])
def test_default_route_in_any_spelling_makes_a_subnet_public(destination: str) -> None:
    facts = _routed([(destination, "internet_gateway")])
    assert facts["is_public"] is True and facts["has_default_route"] is True


def test_split_default_route_counts_as_default() -> None:
    facts = _routed([("0.0.0.0/1", "internet_gateway"), ("128.0.0.0/1", "internet_gateway")])
    assert facts["is_public"] is True and facts["has_default_route"] is True


def test_partial_routes_and_prefix_lists_are_not_default() -> None:
    facts = _routed([("0.0.0.0/1", "internet_gateway"), ("pl-0123", "internet_gateway")])
    assert facts["has_default_route"] is False and facts["is_public"] is False


def test_a_nat_default_keeps_a_specific_igw_route_from_counting() -> None:
    facts = _routed([("0.0.0.0/0", "nat_gateway"), ("203.0.113.0/24", "internet_gateway")])
    assert facts["is_public"] is False and facts["has_default_route"] is True


def test_an_inverted_port_range_makes_the_list_partial() -> None:
    graph = build_graph(snapshot([_group("sg", [{"protocol": "tcp", "from_port": 6000, "to_port": 5000,
                                                 "cidr": "0.0.0.0/0"}])]))
    assert graph.derived["sg"]["world_ingress"] == []
    assert "port range 6000-5000 is empty" in graph.derived_partial["sg"]["world_ingress"]
