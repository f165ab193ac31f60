"""The checked-in Terraform plan is the builder's output and reads like a real plan of new resources."""

from __future__ import annotations

import json

from build_plan import PLAN, build_plan, render
from parity_sources import plan_source


def test_checked_in_plan_is_the_builders_output() -> None:
    assert PLAN.read_text() == render(), "run: python tests/parity/build_plan.py"


def test_references_to_computed_ids_are_known_after_apply() -> None:
    plan = build_plan()
    blocks = {r["address"]: r for r in plan["configuration"]["root_module"]["resources"]}
    for planned in plan["resource_changes"]:
        change, resource = planned["change"], blocks[f"{planned['type']}.{planned['name']}"]
        assert change["actions"] == ["create"] and change["before"] is None
        assert change["after_unknown"]["id"] is True
        for key, expression in resource["expressions"].items():
            references = expression.get("references", []) if isinstance(expression, dict) else []
            if any(r.endswith((".id", ".arn")) for r in references):
                assert change["after_unknown"][key] is True, (planned["address"], key)
                assert key not in change["after"], (planned["address"], key)
    subnet = next(r for r in plan["configuration"]["root_module"]["resources"] if r["address"] == "aws_subnet.this")
    assert subnet["expressions"]["vpc_id"] == {"references": ["aws_vpc.main.id", "aws_vpc.main"]}
    association = next(r for r in plan["configuration"]["root_module"]["resources"]
                       if r["address"] == "aws_route_table_association.app")
    assert association["expressions"]["subnet_id"] == {"references": ["aws_subnet.this", "each.key"]}
    instances = [r["address"] for r in plan["planned_values"]["root_module"]["resources"] if r["type"] == "aws_subnet"]
    assert 'aws_subnet.this["pub-a"]' in instances and len(instances) == 7
    checked_in = json.loads(PLAN.read_text())
    assert checked_in["configuration"]["provider_config"]["aws"]["expressions"]["region"] == {
        "references": ["var.region"]}  # region = var.region: the plan records the variable's value
    assert checked_in["variables"]["region"] == {"value": "us-east-1"}


def test_relations_come_from_the_references() -> None:
    snapshot = plan_source().snapshot
    relations = {(r.src, r.kind, r.dst) for r in snapshot.relations}
    assert ('aws_subnet.this["pub-a"]', "in_vpc", "aws_vpc.main") in relations
    # aws_subnet.this[each.key].id: the plan does not record the instance, the .tf beside it does
    assert ('aws_subnet.this["app-b"]', "uses_route_table", "aws_route_table.app") in relations
    assert ("aws_rds_cluster_instance.ledger_single[0]", "member_of", "aws_rds_cluster.ledger_single") in relations
    assert ("aws_db_instance.orders", "in_subnet_group", "aws_db_subnet_group.data") in relations
    assert snapshot.source.regions == ["us-east-1"]
