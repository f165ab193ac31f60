"""Language additions for the network policies: ``range ... within``, the scalar item ``@``, list indexes in
paths, negation and selector filters in evidence, relations in evidence context."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.graph import build_graph
from scanner.model import Status
from scanner.policy import evaluate, load_pack


def _run(tmp_path: Path, body: str, snap) -> dict:
    path = tmp_path / "p.yaml"
    path.write_text(body)
    pack = load_pack([path], replace=True)
    return {f.resource_uid: f for f in evaluate(pack, build_graph(snap))}


def _load_error(tmp_path: Path, body: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        load_pack([path], replace=True)
    return str(caught.value)


WITHIN = """
id: within
title: t
severity: high
resource: aws.ec2.security_group
params: {ports: [80, 443, 444]}
assert:
  items: ingress
  each:
    range: [from_port, to_port]
    within: {param: ports}
remediation: r
"""


def _group(uid: str, *ranges: tuple[int | None, int | None], protocol: str = "tcp") -> dict:
    return {"uid": uid, "type": "aws.ec2.security_group",
            "attributes": {"ingress": [{"protocol": protocol, "from_port": low, "to_port": high, "cidr": "0.0.0.0/0"}
                                       for low, high in ranges]}}


def test_range_within_needs_every_port_of_the_range(tmp_path: Path) -> None:
    snap = snapshot([_group("single", (443, 443)), _group("adjacent", (443, 444)), _group("gap", (80, 443)),
                     _group("all", (0, 65535)), _group("below", (79, 80)), _group("unset", (None, None), protocol="47"),
                     _group("inverted", (444, 443)), _group("tcp-unset", (None, None))])
    findings = _run(tmp_path, WITHIN, snap)
    status = {uid: f.status for uid, f in findings.items()}
    assert status == {"single": Status.PASS, "adjacent": Status.PASS, "gap": Status.FAIL, "all": Status.FAIL,
                      "below": Status.FAIL, "unset": Status.UNKNOWN, "inverted": Status.UNKNOWN,
                      "tcp-unset": Status.FAIL}  # a tcp rule without ports is every port, as the sources read it
    assert "81 is not allowed" in findings["gap"].message
    assert "79 is not allowed" in findings["below"].message


@pytest.mark.parametrize(("replacement", "fragment"), [
    ("    within: {param: ports}\n    includes_any: [22]\n", "exactly one of includes_any, within"),
    ("    within: [80, x]\n", "within needs a list of integers"),
    ("    within: [true]\n", "within needs a list of integers"),
])
def test_range_tests_are_checked_when_the_policy_loads(tmp_path: Path, replacement: str, fragment: str) -> None:
    body = WITHIN.replace("    within: {param: ports}\n", replacement)
    assert fragment in _load_error(tmp_path, body)


ITSELF = """
id: itself
title: t
severity: high
resource: aws.eks.cluster
params: {allowed: [198.51.100.0/24]}
assert:
  items: public_access_cidrs
  each: {attr: "@", in: {param: allowed}}
remediation: r
"""


def test_a_scalar_item_is_tested_as_itself(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "ok", "type": "aws.eks.cluster", "attributes": {"public_access_cidrs": ["198.51.100.0/24"]}},
        {"uid": "default", "type": "aws.eks.cluster"},
        {"uid": "unknown", "type": "aws.eks.cluster", "unknown": {"public_access_cidrs": "known after apply"}},
    ])
    findings = _run(tmp_path, ITSELF, snap)
    assert {uid: f.status for uid, f in findings.items()} == {
        "ok": Status.PASS, "default": Status.FAIL, "unknown": Status.UNKNOWN}
    assert "@ = 0.0.0.0/0" in findings["default"].message  # the AWS default the model keeps


def test_at_names_only_scalar_items(tmp_path: Path) -> None:
    assert "unknown attribute '@'" in _load_error(tmp_path, ITSELF.replace(
        "  items: public_access_cidrs\n  each: {attr: \"@\", in: {param: allowed}}", "  {attr: \"@\", in: []}"))
    assert "test the item itself with attr '@'" in _load_error(tmp_path, ITSELF.replace('attr: "@"', "attr: cidr"))


INDEXED = """
id: indexed
title: t
severity: high
resource: aws.ecs.service
assert: {attr: placement_strategies.0.type, equals: spread}
remediation: r
"""


def test_a_number_in_a_path_indexes_a_list(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "first", "type": "aws.ecs.service",
         "attributes": {"placement_strategies": [{"type": "spread"}, {"type": "binpack"}]}},
        {"uid": "second", "type": "aws.ecs.service",
         "attributes": {"placement_strategies": [{"type": "binpack"}, {"type": "spread"}]}},
        {"uid": "none", "type": "aws.ecs.service"},
    ])
    status = {uid: f.status for uid, f in _run(tmp_path, INDEXED, snap).items()}
    assert status == {"first": Status.PASS, "second": Status.FAIL, "none": Status.FAIL}


NEGATED = """
id: negated
title: t
severity: high
resource: aws.ec2.vpc
assert:
  all:
    - {not: {attr: cidr_block, equals: 10.0.0.0/16}}
    - count:
        related: in_vpc
        direction: in
        type: aws.ec2.subnet
        where: {attr: map_public_ip_on_launch, equals: true}
      equals: 0
remediation: r
"""


def test_evidence_says_a_test_was_negated_and_which_members_were_counted(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "vpc", "type": "aws.ec2.vpc", "attributes": {"cidr_block": "10.0.0.0/16"}},
        {"uid": "s", "type": "aws.ec2.subnet", "attributes": {"map_public_ip_on_launch": True}},
    ], [("s", "in_vpc", "vpc")])
    finding = _run(tmp_path, NEGATED, snap)["vpc"]
    assert finding.status is Status.FAIL
    assert "cidr_block = 10.0.0.0/16 (expected not equals 10.0.0.0/16)" in finding.message
    assert "where map_public_ip_on_launch equals true: 1 (expected equals 0)" in finding.message


TYPED = """
id: typed
title: t
severity: high
resource: [aws.rds.db_instance, aws.rds.db_cluster]
assert:
  any:
    - {attr: multi_az, equals: true}
    - {not: {attr: type, equals: aws.rds.db_instance}}
remediation: r
"""


def test_relations_in_evidence_context_and_type_guards_out_of_the_message(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "primary", "type": "aws.rds.db_instance", "attributes": {"multi_az": True}},
        {"uid": "replica", "type": "aws.rds.db_instance", "attributes": {"is_read_replica": True}},
    ], [("replica", "replica_of", "primary")])
    findings = _run(tmp_path, TYPED, snap)
    replica = findings["replica"]
    assert replica.status is Status.FAIL
    [entry] = [e for e in replica.evidence if e.get("attr") == "multi_az"]
    assert entry["context"] == {"is_read_replica": True, "replica_of": ["primary"]}
    assert replica.message == ("multi_az = false (expected equals true, is_read_replica = true, "
                               "replica_of = ['primary'])")
    assert any(e.get("attr") == "type" for e in replica.evidence)  # kept in the evidence
    [primary_entry] = [e for e in findings["primary"].evidence if e.get("attr") == "multi_az"]
    assert primary_entry["context"] == {"is_read_replica": False}  # no replica_of edges: not shown
