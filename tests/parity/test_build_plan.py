"""The checked-in Terraform plan is the builder's output and reads like a real plan of new resources."""

from __future__ import annotations

import json

from build_plan import PLAN, build_plan, render
from parity_sources import load_plan


def test_checked_in_plan_is_the_builders_output() -> None:
    assert PLAN.read_text() == render(), "run: python tests/parity/build_plan.py"


def test_references_to_computed_ids_are_known_after_apply() -> None:
    plan = build_plan()
    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    for resource in plan["configuration"]["root_module"]["resources"]:
        change = changes[resource["address"]]
        assert change["actions"] == ["create"] and change["before"] is None
        assert change["after_unknown"]["id"] is True
        for key, expression in resource["expressions"].items():
            if isinstance(expression, dict) and any(r.endswith(".id") for r in expression.get("references", [])):
                assert change["after_unknown"][key] is True, (resource["address"], key)
                assert key not in change["after"], (resource["address"], key)
    subnet = next(r for r in plan["configuration"]["root_module"]["resources"] if r["address"] == "aws_subnet.pub_a")
    assert subnet["expressions"]["vpc_id"] == {"references": ["aws_vpc.main.id", "aws_vpc.main"]}
    assert json.loads(PLAN.read_text())["configuration"]["provider_config"]["aws"]["expressions"]["region"] == {
        "constant_value": "us-east-1"}


def test_relations_come_from_the_references() -> None:
    snapshot = load_plan()
    relations = {(r.src, r.kind, r.dst) for r in snapshot.relations}
    assert ("aws_subnet.pub_a", "in_vpc", "aws_vpc.main") in relations
    assert ("aws_subnet.app_b", "uses_route_table", "aws_route_table.app") in relations
    assert ("aws_rds_cluster_instance.ledger_single_0", "member_of", "aws_rds_cluster.ledger_single") in relations
    assert ("aws_db_instance.orders", "in_subnet_group", "aws_db_subnet_group.data") in relations
    assert snapshot.source.regions == ["us-east-1"]
