"""The ``in_networks`` attribute test: CIDR membership compared as networks, not as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.graph import build_graph
from scanner.model import Status
from scanner.policy import check_config, evaluate, load_config, load_pack

POLICY = """
id: inside
title: t
severity: high
resource: aws.eks.cluster
params: {allowed: [10.200.0.0/16, "fd00:200::/32", 172.16.9.1/24, pl-0vpn]}
assert:
  items: public_access_cidrs
  each: {attr: "@", in_networks: {param: allowed}}
remediation: r
"""


def _cluster(uid: str, *cidrs: object) -> dict:
    return {"uid": uid, "type": "aws.eks.cluster", "attributes": {"public_access_cidrs": list(cidrs)}}


def _pack(tmp_path: Path, body: str = POLICY):
    path = tmp_path / "p.yaml"
    path.write_text(body)
    return load_pack([path], replace=True)


def test_membership_is_containment_of_networks(tmp_path: Path) -> None:
    snap = snapshot([
        _cluster("inside", "10.200.5.0/24"), _cluster("same", "10.200.0.0/16"), _cluster("address", "10.200.7.9"),
        _cluster("host-bits", "10.200.1.1/16"), _cluster("v6", "fd00:200:1::/48"),
        _cluster("host-bits-in-operand", "172.16.9.128/25"),
        _cluster("wider", "10.0.0.0/8"), _cluster("overlapping", "10.200.0.0/15"),
        _cluster("text-prefix", "10.20.0.0/16"), _cluster("mapped-v6", "::ffff:10.200.0.0/112"),
        _cluster("prefix-list-id", "pl-0vpn"), _cluster("world", "0.0.0.0/0"),
    ])
    status = {f.resource_uid: f.status for f in evaluate(_pack(tmp_path), build_graph(snap))}
    assert status == {
        "inside": Status.PASS, "same": Status.PASS, "address": Status.PASS, "host-bits": Status.PASS,
        "v6": Status.PASS, "host-bits-in-operand": Status.PASS,
        "wider": Status.FAIL, "overlapping": Status.FAIL, "text-prefix": Status.FAIL, "mapped-v6": Status.FAIL,
        # a value that is not a network is unknown, even when the operand lists the same text
        "prefix-list-id": Status.UNKNOWN, "world": Status.FAIL,
    }


def test_a_value_that_is_not_a_network_is_unknown_and_says_why(tmp_path: Path) -> None:
    snap = snapshot([_cluster("var", "${var.admin_cidr}"),
                     _cluster("var-and-other", "${var.admin_cidr}", "203.0.113.0/24")])
    findings = {f.resource_uid: f for f in evaluate(_pack(tmp_path), build_graph(snap))}
    assert findings["var"].status is Status.UNKNOWN
    assert any(e.get("unknown") == "not an IP network" for e in findings["var"].evidence)
    assert findings["var-and-other"].status is Status.FAIL  # what is known already fails


@pytest.mark.parametrize(("operand", "fragment"), [
    ("10.200.0.0/16", "in_networks needs a list of CIDRs"),
    ("[10, 20]", "in_networks needs a list of CIDRs"),
])
def test_the_operand_is_checked_when_the_policy_loads(tmp_path: Path, operand: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        _pack(tmp_path, POLICY.replace("{param: allowed}", operand))
    assert fragment in str(caught.value)


def test_a_config_override_of_the_param_is_checked(tmp_path: Path) -> None:
    pack = _pack(tmp_path, POLICY.replace('[10.200.0.0/16, "fd00:200::/32", 172.16.9.1/24, pl-0vpn]', "[]"))
    config = tmp_path / "c.yaml"
    config.write_text("params:\n  allowed: [10.0.0.0/8, 7]\n")
    with pytest.raises(InputError) as caught:
        check_config(pack, load_config(config))
    assert "in_networks needs a list of CIDRs" in str(caught.value)
    assert str(caught.value).startswith(f"{config}:2:")
    config.write_text("params:\n  allowed: [10.0.0.0/8]\n")
    check_config(pack, load_config(config))
