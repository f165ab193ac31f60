"""Address-aware derived facts: route tables' default routes, EKS public access, one NACL evaluation order."""

from __future__ import annotations

import ipaddress
import random
from typing import Any

import pytest
from snapshot_factory import snapshot

from scanner.graph import build_graph
from scanner.graph.addresses import parse_network, whole_space_layers
from scanner.graph.nacl import _direction, _key, allowed_entries

SPELLINGS_OF_THE_WORLD = ["0.0.0.0/0", "::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "10.1.2.3/0", "10.0.0.0/0"]


# -- whole-space layers ----------------------------------------------------------------------------

def _layers(*cidrs: str) -> list[str]:
    return [cidrs[i] for i in whole_space_layers([parse_network(c) for c in cidrs])]


def test_layers_are_the_widest_networks_that_reach_the_whole_space() -> None:
    assert _layers("10.0.0.0/16", "0.0.0.0/0") == ["0.0.0.0/0"]
    assert _layers("10.0.0.0/16", "0.0.0.0/1", "128.0.0.0/1") == ["0.0.0.0/1", "128.0.0.0/1"]
    assert _layers("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2", "10.0.0.0/8") == ["0.0.0.0/1", "128.0.0.0/2",
                                                                                "192.0.0.0/2"]
    # halves beside a /0 are a layer of their own (they win every address by longest prefix)
    assert _layers("0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1") == ["0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1"]
    assert _layers("0.0.0.0/1", "128.0.0.0/2") == []
    assert _layers("0.0.0.0/1", "8000::/1") == []  # families never combine
    assert _layers("::/1", "8000::/1", "0.0.0.0/0") == ["::/1", "8000::/1", "0.0.0.0/0"]


# -- route tables' default routes ------------------------------------------------------------------

def _table_graph(routes: list[tuple[str, str]], **extra: Any) -> Any:
    table = {"uid": "rt", "type": "aws.ec2.route_table",
             "attributes": {"routes": [{"destination": d, "target_type": t, "target": f"{t}-1"} for d, t in routes]},
             **extra}
    subnet = {"uid": "s", "type": "aws.ec2.subnet", "attributes": {"availability_zone": "us-east-1a"}}
    return build_graph(snapshot([subnet, table], [("s", "uses_route_table", "rt")]))


def _defaults(graph: Any) -> list[tuple[str, str, str, int]]:
    return [(r["family"], r["destination"], r["target_type"], r["position"])
            for r in graph.derived["rt"]["default_routes"]]


@pytest.mark.parametrize("destination", SPELLINGS_OF_THE_WORLD)
def test_a_default_route_in_any_spelling_is_a_default_route(destination: str) -> None:
    graph = _table_graph([("10.0.0.0/16", "local"), (destination, "instance")])
    family = "ipv6" if ":" in destination else "ipv4"
    assert _defaults(graph) == [(family, destination, "instance", 1)]
    assert graph.derived["s"]["has_default_route"] is True


def test_halves_are_default_routes_and_the_local_route_is_not() -> None:
    graph = _table_graph([("10.0.0.0/16", "local"), ("0.0.0.0/1", "instance"), ("128.0.0.0/1", "instance")])
    assert _defaults(graph) == [("ipv4", "0.0.0.0/1", "instance", 1), ("ipv4", "128.0.0.0/1", "instance", 2)]


def test_halves_beside_a_nat_default_make_the_subnet_public() -> None:
    graph = _table_graph([("0.0.0.0/0", "nat_gateway"), ("0.0.0.0/1", "internet_gateway"),
                          ("128.0.0.0/1", "internet_gateway")])
    assert [d[2] for d in _defaults(graph)] == ["nat_gateway", "internet_gateway", "internet_gateway"]
    assert graph.derived["s"]["is_public"] is True


def test_a_half_or_a_prefix_list_is_no_default_route() -> None:
    graph = _table_graph([("0.0.0.0/1", "instance"), ("pl-0abc", "internet_gateway")])
    assert _defaults(graph) == []
    assert graph.derived["s"]["has_default_route"] is False


def test_unknown_routes_make_default_routes_unknown() -> None:
    graph = _table_graph([], unknown={"routes": "unresolved !Ref Routes"})
    assert "unresolved !Ref Routes" in graph.derived_unknown["rt"]["default_routes"]
    assert "default_routes" not in graph.derived["rt"]


def test_routes_known_in_part_leave_the_subnet_undecided_unless_a_default_is_known() -> None:
    partial = {"partial": {"routes": "routes of another module"}}
    graph = _table_graph([("0.0.0.0/1", "internet_gateway")], **partial)
    assert graph.derived["rt"]["default_routes"] == []
    assert "another module" in graph.derived_partial["rt"]["default_routes"]
    assert "another module" in graph.derived_unknown["s"]["has_default_route"]
    assert "another module" in graph.derived_unknown["s"]["is_public"]
    known = _table_graph([("::0/0", "internet_gateway")], **partial)
    assert known.derived["s"]["has_default_route"] is True and known.derived["s"]["is_public"] is True


# -- EKS public access -----------------------------------------------------------------------------

def _eks(cidrs: list[str] | None = None, **extra: Any) -> tuple[Any, str | None]:
    attributes = {} if cidrs is None else {"public_access_cidrs": cidrs}
    graph = build_graph(snapshot([{"uid": "c", "type": "aws.eks.cluster", "attributes": attributes, **extra}]))
    return graph.derived["c"].get("public_access_cidrs_cover_world"), \
        graph.derived_unknown["c"].get("public_access_cidrs_cover_world")


@pytest.mark.parametrize("cidr", SPELLINGS_OF_THE_WORLD)
def test_every_spelling_of_the_world_opens_the_api(cidr: str) -> None:
    assert _eks(["198.51.100.0/24", cidr]) == (True, None)


def test_the_aws_default_and_halves_open_the_api_a_half_does_not() -> None:
    assert _eks() == (True, None)  # AWS's default, 0.0.0.0/0
    assert _eks(["0.0.0.0/1", "128.0.0.0/1"]) == (True, None)
    assert _eks(["::/1", "8000::/1"]) == (True, None)
    assert _eks(["0.0.0.0/1"]) == (False, None)
    assert _eks(["0.0.0.0/1", "8000::/1"]) == (False, None)
    assert _eks([]) == (False, None)


def test_an_entry_that_is_not_a_network_is_unknown_unless_the_rest_opens_the_world() -> None:
    value, reason = _eks(["198.51.100.0/24", "${var.admin_cidr}"])
    assert value is None and "'${var.admin_cidr}' is not an IP network" in reason
    assert _eks(["${var.admin_cidr}", "::0/0"]) == (True, None)


def test_cidrs_unknown_or_known_in_part_are_unknown() -> None:
    value, reason = _eks(unknown={"public_access_cidrs": "known after apply"})
    assert value is None and "known after apply" in reason
    value, reason = _eks(["198.51.100.0/24"], partial={"public_access_cidrs": "merged from a module"})
    assert value is None and "merged from a module" in reason
    assert _eks(["0.0.0.0/0"], partial={"public_access_cidrs": "merged from a module"}) == (True, None)


# -- network ACLs: one evaluation order ------------------------------------------------------------

def _entry(number: int, action: str, cidr: str, protocol: str = "tcp", low: int | None = 0, high: int | None = 65535,
           **extra: Any) -> dict[str, Any]:
    return {"rule_number": number, "action": action, "protocol": protocol, "from_port": low, "to_port": high,
            "cidr": cidr, "egress": False, **extra}


def _acl_graph(entries: list[dict[str, Any]], **extra: Any) -> Any:
    return build_graph(snapshot([{"uid": "acl", "type": "aws.ec2.network_acl", "attributes": {"entries": entries},
                                  **extra}]))


def test_denies_that_together_contain_an_allow_cut_it() -> None:
    entries = [_entry(10, "deny", "0.0.0.0/1", low=22, high=22), _entry(11, "deny", "128.0.0.0/1", low=20, high=25),
               _entry(100, "allow", "0.0.0.0/0")]
    assert [(e["from_port"], e["to_port"]) for e in allowed_entries(entries)] == [(0, 21), (23, 65535)]


def test_entries_known_only_in_part_make_every_acl_fact_unknown() -> None:
    graph = _acl_graph([_entry(100, "allow", "0.0.0.0/0")], partial={"entries": "entries declared elsewhere"})
    for fact in ("allowed_entries", "world_ingress", "world_egress"):
        assert "declared elsewhere" in graph.derived_unknown["acl"][fact]


def test_an_unreadable_allow_makes_the_acl_facts_partial_not_unknown() -> None:
    graph = _acl_graph([_entry(90, "allow", "${var.cidr}", low=22, high=22), _entry(100, "allow", "::0/0", low=443,
                                                                                    high=443)])
    assert [e["cidr"] for e in graph.derived["acl"]["allowed_entries"]] == ["::0/0"]
    assert graph.derived["acl"]["world_ingress"] == [
        {"family": "ipv6", "protocol": "tcp", "from_port": 443, "to_port": 443, "rules": [1]}]
    for fact in ("allowed_entries", "world_ingress"):
        assert "entry 90: CIDR '${var.cidr}' is not a CIDR" in graph.derived_partial["acl"][fact]
    assert "world_egress" not in graph.derived_partial["acl"]  # the unreadable entry is inbound


@pytest.mark.parametrize("entry", [_entry(10, "deny", "${var.blocked}"), _entry(10, "reject", "0.0.0.0/0")])
def test_an_unreadable_deny_makes_the_acl_facts_unknown(entry: dict[str, Any]) -> None:
    graph = _acl_graph([entry, _entry(100, "allow", "0.0.0.0/0")])
    assert set(graph.derived_unknown["acl"]) == {"allowed_entries", "world_ingress", "world_egress"}


def test_a_deny_of_one_icmp_type_does_not_refuse_an_icmp_allow() -> None:
    entries = [_entry(10, "deny", "0.0.0.0/0", "icmp", None, None, icmp_type=8, icmp_code=-1),
               _entry(100, "allow", "0.0.0.0/0", "icmp", None, None, icmp_type=-1, icmp_code=-1)]
    graph = _acl_graph(entries)
    assert [e["rule_number"] for e in graph.derived["acl"]["allowed_entries"]] == [100]
    assert [o["protocol"] for o in graph.derived["acl"]["world_ingress"]] == ["icmp"]


def test_raw_protocol_numbers_and_ports_in_a_snapshot_read_as_the_sources_write_them() -> None:
    entries = [_entry(10, "deny", "0.0.0.0/0", "6", -1, -1),  # tcp, every port
               _entry(100, "allow", "0.0.0.0/0", "-1", None, None)]  # all protocols
    graph = _acl_graph(entries)
    assert [(e["protocol"], e["from_port"], e["to_port"]) for e in graph.derived["acl"]["allowed_entries"]] == [
        ("udp", 0, 65535)]
    assert [(o["protocol"], o["from_port"], o["to_port"]) for o in graph.derived["acl"]["world_ingress"]] == [
        ("udp", 0, 65535)]
    group = build_graph(snapshot([{"uid": "sg", "type": "aws.ec2.security_group", "attributes": {
        "ingress": [{"protocol": "17", "cidr": "::0/0"}, {"protocol": "TCP", "from_port": -1, "to_port": -1,
                                                          "cidr": "0.0.0.0/1"},
                    {"protocol": "6", "from_port": 22, "to_port": 22, "cidr": "128.0.0.0/1"}]}}]))
    assert [(o["family"], o["protocol"], o["from_port"], o["to_port"]) for o in group.derived["sg"]["world_ingress"]
            ] == [("ipv4", "tcp", 22, 22), ("ipv6", "udp", 0, 65535)]


def _blocks(cidr: str) -> set[int]:
    """The /4 blocks of IPv4 inside ``cidr`` (the random ACLs use /1 to /4 only)."""
    network = ipaddress.ip_network(cidr)
    first = int(network.network_address) >> 28
    return set(range(first, first + (network.num_addresses >> 28)))


def _reference_open(entries: list[dict[str, Any]], port: int) -> bool:
    """First match, written independently: each allow admits unless earlier denies refuse all its blocks; tcp
    port ``port`` is open to the world when the admitting allows name all 16 blocks."""
    refused: set[int] = set()
    named: set[int] = set()
    for entry in sorted(entries, key=lambda e: e["rule_number"]):
        if not entry["from_port"] <= port <= entry["to_port"]:
            continue
        blocks = _blocks(entry["cidr"])
        if entry["action"] == "deny":
            refused |= blocks
        elif blocks - refused:
            named |= blocks
    return named == set(range(16))


def _random_acl(generator: random.Random) -> list[dict[str, Any]]:
    entries = []
    for number in generator.sample(range(1, 200), generator.randint(1, 7)):
        prefix = generator.randint(1, 4)
        block = generator.randrange(2**prefix) << (32 - prefix)
        protocol = generator.choice(["tcp", "tcp", "all"])
        low = 0 if protocol == "all" else generator.choice([0, 10, 20, 30])
        high = 65535 if protocol == "all" else low + generator.choice([0, 5, 15])
        entries.append(_entry(number, generator.choice(["allow", "allow", "deny"]),
                              f"{ipaddress.IPv4Address(block)}/{prefix}", protocol, low, high))
    return entries


def test_nacl_world_openings_and_allowed_entries_agree_with_an_independent_first_match() -> None:
    generator = random.Random(7)
    for _ in range(300):
        entries = _random_acl(generator)
        keys = tuple(_key(e) for e in entries)
        openings = [o for o in _direction(keys, False).openings if o.protocol in ("tcp", "all")]
        effective = [e for e in allowed_entries(entries) if e["protocol"] in ("tcp", "all")]
        for port in range(0, 50):
            expected = _reference_open(entries, port)
            assert any(o.from_port <= port <= o.to_port for o in openings) == expected, (entries, port)
            named = set().union(*(_blocks(e["cidr"]) for e in effective if e["from_port"] <= port <= e["to_port"]))
            assert (named == set(range(16))) == expected, (entries, port)


def test_the_world_opening_lists_the_allows_that_make_it() -> None:
    graph = _acl_graph([_entry(100, "allow", "0.0.0.0/1", low=5432, high=5432),
                        _entry(50, "deny", "192.0.2.0/24", low=5432, high=5432),
                        _entry(110, "allow", "128.0.0.0/1", low=5000, high=6000)])
    assert graph.derived["acl"]["world_ingress"] == [
        {"family": "ipv4", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "rules": [0, 2]}]
