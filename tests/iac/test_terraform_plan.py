"""Terraform plan JSON loader: golden snapshot, references, unknowns, modules, locations, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tf_helpers import DATA, check_golden, relations, resource

from scanner.errors import InputError
from scanner.iac.terraform_plan import load_terraform_plan, looks_like_terraform_plan
from scanner.model import Snapshot

PLAN = DATA / "plan_app" / "plan.json"


@pytest.fixture(scope="module")
def plan() -> Snapshot:
    return load_terraform_plan(PLAN)




def test_plan_matches_golden(plan: Snapshot) -> None:
    check_golden(plan, "plan_app")


def test_source_and_region(plan: Snapshot) -> None:
    assert plan.source.kind == "terraform-plan"
    assert plan.source.files == [str(PLAN)]
    assert plan.source.regions == ["eu-west-1"]


def test_nested_module_resources_keep_their_address_and_module_file(plan: Snapshot) -> None:
    db = resource(plan, "module.db.aws_db_instance.main")
    assert db.name == "main"
    assert db.type == "aws.rds.db_instance"
    assert db.location is not None
    assert db.location.file == str(DATA / "plan_app" / "modules" / "db" / "main.tf")
    assert db.location.line == 10


def test_known_after_apply_is_unknown_and_aws_defaults_are_applied(plan: Snapshot) -> None:
    db = resource(plan, "module.db.aws_db_instance.main")
    assert db.unknown["availability_zone"] == "known after apply"
    assert "availability_zone" not in db.attributes
    # omitted in the configuration: the provider leaves them to AWS's defaults
    assert db.attributes["multi_az"] is False
    assert db.attributes["backup_retention_days"] == 1
    assert db.unknown_relations == {"uses_security_group": "known after apply"}


def test_references_become_relations_through_module_variables_and_outputs(plan: Snapshot) -> None:
    found = relations(plan)
    assert {("aws_lb.web", "in_subnet", "aws_subnet.a[0]"), ("aws_lb.web", "in_subnet", "aws_subnet.a[1]")} <= found
    assert ("module.db.aws_db_subnet_group.main", "in_subnet", "aws_subnet.a[1]") in found
    assert ("module.db.aws_db_instance.main", "in_subnet_group", "module.db.aws_db_subnet_group.main") in found
    assert ("aws_cloudwatch_metric_alarm.db_cpu", "alarms_on", "module.db.aws_db_instance.main") in found
    assert ("aws_internet_gateway.gw", "attached_to", "aws_vpc.main") in found


def test_unknown_route_set_is_rebuilt_from_the_configuration(plan: Snapshot) -> None:
    table = resource(plan, "aws_route_table.public")
    assert table.attributes["routes"] == [
        {"destination": "0.0.0.0/0", "target_type": "internet_gateway", "target": "aws_internet_gateway.gw"}]


def test_instance_chosen_by_count_index_is_read_from_the_tf_source(plan: Snapshot) -> None:
    found = relations(plan)
    assert ("aws_subnet.a[0]", "uses_route_table", "aws_route_table.public") in found
    assert ("aws_subnet.a[1]", "uses_route_table", "aws_route_table.public") in found
    assert resource(plan, "aws_subnet.a[1]").unknown_relations == {}


def test_instance_chosen_by_count_index_without_source_is_unknown_not_a_guess(tmp_path: Path) -> None:
    copy = tmp_path / "plan.json"
    shutil.copy(PLAN, copy)
    snapshot = load_terraform_plan(copy)
    assert "count.index" in resource(snapshot, "aws_subnet.a[0]").unknown_relations["uses_route_table"]
    assert not [r for r in snapshot.relations if r.kind == "uses_route_table"]


def test_provider_default_cross_zone_for_network_load_balancer(plan: Snapshot) -> None:
    lb = resource(plan, "aws_lb.web")
    assert lb.attributes["lb_type"] == "network"
    assert lb.attributes["cross_zone_enabled"] is False
    assert lb.attributes["scheme"] == "internet-facing"
    assert lb.suppressions == {"lb-cross-zone": "single target for the demo"}


def test_vpc_gets_the_main_route_table_aws_creates(plan: Snapshot) -> None:
    table = resource(plan, "aws_vpc.main#main-route-table")
    assert table.attributes["main"] is True
    assert table.attributes["routes"] == []
    assert ("aws_vpc.main#main-route-table", "in_vpc", "aws_vpc.main") in relations(plan)


def test_secrets_are_never_stored(plan: Snapshot) -> None:
    assert "not-in-the-snapshot" not in json.dumps(plan.to_json())


def test_without_tf_files_the_location_is_the_plan(tmp_path: Path) -> None:
    copy = tmp_path / "plan.json"
    shutil.copy(PLAN, copy)
    snapshot = load_terraform_plan(copy)
    vpc = resource(snapshot, "aws_vpc.main")
    assert vpc.location is not None
    assert (vpc.location.file, vpc.location.line) == (str(copy), None)
    assert resource(snapshot, "aws_lb.web").suppressions == {}


def test_truncated_json_names_file_and_line() -> None:
    path = DATA / "plan_truncated.json"
    with pytest.raises(InputError) as caught:
        load_terraform_plan(path)
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: invalid JSON")
    assert caught.value.line is not None and caught.value.line > 1


def test_json_that_is_not_a_plan_names_what_is_missing() -> None:
    path = DATA / "not_a_plan.json"
    with pytest.raises(InputError) as caught:
        load_terraform_plan(path)
    assert str(caught.value).startswith(f"{path}: not a Terraform plan: missing 'planned_values'")


def test_json_array_and_missing_file_are_input_errors(tmp_path: Path) -> None:
    array = tmp_path / "list.json"
    array.write_text("[1, 2]\n")
    with pytest.raises(InputError, match="not an object"):
        load_terraform_plan(array)
    with pytest.raises(InputError, match="cannot read"):
        load_terraform_plan(tmp_path / "absent.json")


def test_unsupported_format_version(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "2.0", "planned_values": {}}))
    with pytest.raises(InputError, match="format_version"):
        load_terraform_plan(path)


def test_looks_like_terraform_plan(tmp_path: Path) -> None:
    assert looks_like_terraform_plan(PLAN)
    assert not looks_like_terraform_plan(DATA / "not_a_plan.json")
    template = tmp_path / "template.json"
    template.write_text('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}')
    assert not looks_like_terraform_plan(template)
    assert not looks_like_terraform_plan(tmp_path / "absent.json")


def test_existing_resource_reference_keeps_relation_and_known_value(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v", "values": {"id": "vpc-1"}},
            {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
             "values": {"vpc_id": "vpc-1", "availability_zone": "us-east-1a"}},
            {"address": "data.aws_vpc.other", "mode": "data", "type": "aws_vpc", "name": "other", "values": {}},
            {"address": "aws_subnet.t", "mode": "managed", "type": "aws_subnet", "name": "t",
             "values": {"vpc_id": "vpc-2"}},
        ]}},
        "resource_changes": [],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
             "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}},
            {"address": "aws_subnet.t", "mode": "managed", "type": "aws_subnet", "name": "t",
             "expressions": {"vpc_id": {"references": ["data.aws_vpc.other.id", "data.aws_vpc.other"]}}},
        ]}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    snapshot = load_terraform_plan(path)
    assert [r.uid for r in snapshot.resources] == ["aws_vpc.v", "aws_subnet.s", "aws_subnet.t",
                                                   "aws_vpc.v#main-route-table"]
    assert ("aws_subnet.s", "in_vpc", "aws_vpc.v") in relations(snapshot)
    assert ("aws_subnet.t", "in_vpc", "data.aws_vpc.other") in relations(snapshot)
    assert resource(snapshot, "aws_subnet.s").attributes["availability_zone"] == "us-east-1a"


def _plan(resources: list[dict], changes: list[dict], config: list[dict], **root: object) -> dict:
    return {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": changes, "configuration": {"root_module": {"resources": config, **root}}}


def test_reordered_route_set_is_paired_by_constants(tmp_path: Path) -> None:
    after = {"route": [{"cidr_block": "10.9.0.0/16", "gateway_id": "", "vpc_peering_connection_id": "pcx-1"},
                       {"cidr_block": "0.0.0.0/0", "gateway_id": "", "nat_gateway_id": ""}]}
    plan = _plan(
        [{"address": "aws_route_table.t", "mode": "managed", "type": "aws_route_table", "name": "t", "values": after},
         {"address": "aws_nat_gateway.n", "mode": "managed", "type": "aws_nat_gateway", "name": "n", "values": {}}],
        [{"address": "aws_route_table.t", "change": {"actions": ["create"], "after": after,
                                                      "after_unknown": {"route": [{}, {"nat_gateway_id": True}]}}}],
        [{"address": "aws_route_table.t", "mode": "managed", "type": "aws_route_table", "name": "t",
          "expressions": {"route": [
              {"cidr_block": {"constant_value": "0.0.0.0/0"},
               "nat_gateway_id": {"references": ["aws_nat_gateway.n.id", "aws_nat_gateway.n"]}},
              {"cidr_block": {"constant_value": "10.9.0.0/16"},
               "vpc_peering_connection_id": {"constant_value": "pcx-1"}}]}}])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    table = resource(load_terraform_plan(path), "aws_route_table.t")
    assert table.attributes["routes"] == [
        {"destination": "10.9.0.0/16", "target_type": "vpc_peering", "target": "pcx-1"},
        {"destination": "0.0.0.0/0", "target_type": "nat_gateway", "target": "aws_nat_gateway.n"}]


def test_for_each_instances_and_module_instances_are_resolved(tmp_path: Path) -> None:
    subnet = {"mode": "managed", "type": "aws_subnet", "name": "s", "values": {}}
    plan = _plan(
        [{**subnet, "address": 'aws_subnet.s["a"]', "index": "a"}, {**subnet, "address": 'aws_subnet.s["b"]'},
         {"address": "aws_lb.l", "mode": "managed", "type": "aws_lb", "name": "l", "values": {}}],
        [{"address": "aws_lb.l", "change": {"actions": ["create"], "after": {}, "after_unknown": {"subnets": True}}}],
        [{"address": "aws_lb.l", "mode": "managed", "type": "aws_lb", "name": "l",
          "expressions": {"subnets": {"references": ['aws_subnet.s["b"].id', 'aws_subnet.s["b"]', "aws_subnet.s"]}}}])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    assert [(r.kind, r.dst) for r in load_terraform_plan(path).relations if r.src == "aws_lb.l"] == [
        ("in_subnet", 'aws_subnet.s["b"]')]


def test_separate_rules_fold_into_a_new_group_whose_inline_rules_are_computed(tmp_path: Path) -> None:
    rule = {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}
    plan = _plan(
        [{"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
          "values": {"name": "web"}},
         {"address": "aws_vpc_security_group_ingress_rule.r", "mode": "managed", "name": "r",
          "type": "aws_vpc_security_group_ingress_rule", "values": rule},
         {"address": "aws_autoscaling_group.a", "mode": "managed", "type": "aws_autoscaling_group", "name": "a",
          "values": {"min_size": 2, "max_size": 4}}],
        [{"address": "aws_security_group.g", "change": {"actions": ["create"], "after": {"name": "web"},
                                                         "after_unknown": {"ingress": True, "egress": True}}},
         {"address": "aws_vpc_security_group_ingress_rule.r",
          "change": {"actions": ["create"], "after": rule, "after_unknown": {"security_group_id": True}}},
         {"address": "aws_autoscaling_group.a", "change": {"actions": ["create"], "after": {"min_size": 2},
                                                           "after_unknown": {"availability_zones": True}}}],
        [{"address": "aws_vpc_security_group_ingress_rule.r", "mode": "managed", "name": "r",
          "type": "aws_vpc_security_group_ingress_rule",
          "expressions": {"security_group_id": {"references": ["aws_security_group.g.id", "aws_security_group.g"]}}},
         {"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
          "expressions": {"name": {"constant_value": "web"}}},
         {"address": "aws_autoscaling_group.a", "mode": "managed", "type": "aws_autoscaling_group", "name": "a"}])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    snapshot = load_terraform_plan(path)
    group = resource(snapshot, "aws_security_group.g")
    assert group.unknown == {"group_id": "AWS assigns the group id when it creates the group"}
    assert group.attributes["egress"] == []
    assert [(i["protocol"], i["from_port"], i["cidr"]) for i in group.attributes["ingress"]] == [
        ("tcp", 443, "0.0.0.0/0")]
    assert resource(snapshot, "aws_autoscaling_group.a").unknown == {}


@pytest.mark.parametrize("planned", [{"root_module": {"resources": "x"}}, {"root_module": {"resources": [1]}},
                                     {"root_module": {"child_modules": "x"}}])
def test_malformed_plan_parts_are_input_errors(tmp_path: Path, planned: dict) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "planned_values": planned}))
    with pytest.raises(InputError, match="malformed Terraform plan"):
        load_terraform_plan(path)
