"""Terraform attribute -> vocabulary mapping shared by the plan and HCL loaders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scanner.iac.tf_mapping import (
    Ref,
    TfResource,
    Unknown,
    build_snapshot,
    is_supported,
    map_resource,
    resource_type_of,
    with_unknowns,
)
from scanner.model.vocabulary import RESOURCE_TYPES


@pytest.mark.parametrize("tf_type", sorted(t for m in RESOURCE_TYPES.values() for t in m.tf_types))
def test_every_vocabulary_terraform_type_is_mapped_and_validates(tf_type: str) -> None:
    assert is_supported(tf_type)
    mapped = map_resource(tf_type, {}, address=f"{tf_type}.x")
    snapshot = build_snapshot("terraform-plan", [], [TfResource(f"{tf_type}.x", tf_type, "x", mapped)])
    assert snapshot.resources[0].type == mapped.type


def test_unknown_paths_reach_nested_blocks() -> None:
    tree = with_unknowns({"route": [{"cidr_block": "0.0.0.0/0"}], "a": 1}, {"route.0.gateway_id", "b"})
    assert tree == {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": Unknown("known after apply")}], "a": 1,
                    "b": Unknown("known after apply")}


def test_known_after_apply_attribute_is_unknown_never_defaulted() -> None:
    mapped = map_resource("aws_db_instance", {"engine": "mysql", "engine_version": "8.0", "availability_zone": "a"},
                          {"multi_az"}, address="aws_db_instance.d")
    assert mapped.unknown == {"multi_az": "known after apply"}
    assert "multi_az" not in mapped.attributes
    snapshot = build_snapshot("terraform-plan", [], [TfResource("aws_db_instance.d", "aws_db_instance", "d", mapped)])
    assert "multi_az" not in snapshot.resources[0].attributes
    assert snapshot.resources[0].attributes["backup_retention_days"] == 1


def test_rule_with_several_peers_becomes_one_item_per_peer() -> None:
    mapped = map_resource("aws_security_group", {"ingress": [{
        "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8", "192.168.0.0/16"],
        "ipv6_cidr_blocks": ["::/0"], "prefix_list_ids": ["pl-1"], "security_groups": [Ref(("aws_security_group.b",))],
        "self": True}]}, address="aws_security_group.a")
    rules = mapped.attributes["ingress"]
    peers = [(i.get("cidr"), i.get("prefix_list"), i.get("source_security_group")) for i in rules]
    assert peers == [("10.0.0.0/8", None, None), ("192.168.0.0/16", None, None), ("::/0", None, None),
                     (None, "pl-1", None), (None, None, "aws_security_group.b"), (None, None, "aws_security_group.a")]
    assert {(i["from_port"], i["to_port"]) for i in mapped.attributes["ingress"]} == {(22, 22)}


def test_rule_with_unknown_peers_makes_the_direction_unknown() -> None:
    mapped = map_resource("aws_security_group", {"ingress": [{"protocol": "-1", "cidr_blocks": Unknown("why")}]},
                          address="aws_security_group.a")
    assert mapped.unknown == {"ingress": "cidr_blocks: why",
                              "group_id": "AWS assigns the group id when it creates the group"}
    rule = map_resource("aws_vpc_security_group_ingress_rule", {
        "security_group_id": Ref(("aws_security_group.a",)), "ip_protocol": "tcp", "from_port": 80, "to_port": 80,
        "cidr_ipv4": Unknown("var")}, address="r")
    target, attr, value, append = rule.patches[0]
    assert (target, attr, append) == ("aws_security_group.a", "ingress", True)
    assert isinstance(value, Unknown)


def test_folded_unknown_rule_makes_the_group_direction_unknown() -> None:
    group = map_resource("aws_security_group", {"name": "g"}, address="aws_security_group.g")
    rule = map_resource("aws_security_group_rule", {
        "type": "egress", "security_group_id": Ref(("aws_security_group.g",)), "protocol": "-1",
        "cidr_blocks": Unknown("variable cidrs has no value")}, address="aws_security_group_rule.r")
    snapshot = build_snapshot("terraform-hcl", [], [
        TfResource("aws_security_group.g", "aws_security_group", "g", group),
        TfResource("aws_security_group_rule.r", "aws_security_group_rule", "r", rule)])
    assert "egress" not in snapshot.resources[0].attributes
    assert snapshot.resources[0].unknown["egress"].endswith("variable cidrs has no value")


def test_route_target_types() -> None:
    mapped = map_resource("aws_route_table", {"route": [
        {"cidr_block": "0.0.0.0/0", "gateway_id": "igw-123"},
        {"ipv6_cidr_block": "::/0", "egress_only_gateway_id": Ref(("aws_egress_only_internet_gateway.e",))},
        {"cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": "pcx-1", "gateway_id": ""},
        {"cidr_block": "10.2.0.0/16", "gateway_id": Ref(("aws_vpn_gateway.v",))},
        {"cidr_block": "10.3.0.0/16", "transit_gateway_id": Unknown("known after apply")},
    ]}, address="aws_route_table.t")
    assert [(r["destination"], r["target_type"], r.get("target")) for r in mapped.attributes["routes"]] == [
        ("0.0.0.0/0", "internet_gateway", "igw-123"),
        ("::/0", "egress_only_internet_gateway", "aws_egress_only_internet_gateway.e"),
        ("10.1.0.0/16", "vpc_peering", "pcx-1"),
        ("10.2.0.0/16", "vpn_gateway", "aws_vpn_gateway.v"),
        ("10.3.0.0/16", "unknown", None),
    ]


def test_cluster_mode_replication_group_node_groups() -> None:
    mapped = map_resource("aws_elasticache_replication_group", {
        "num_node_groups": 2, "replicas_per_node_group": 1, "multi_az_enabled": True}, address="g")
    assert mapped.attributes["cluster_mode"] is True
    assert mapped.attributes["multi_az"] is True
    assert [(g["id"], [m["role"] for m in g["members"]]) for g in mapped.attributes["node_groups"]] == [
        ("0001", ["primary", "replica"]), ("0002", ["primary", "replica"])]


def test_provider_defaults_that_differ_from_the_api() -> None:
    target_group = map_resource("aws_lb_target_group", {"port": 80}, address="tg")
    assert (target_group.attributes["healthy_threshold"], target_group.attributes["unhealthy_threshold"]) == (3, 3)
    classic = map_resource("aws_elb", {}, address="elb")
    assert classic.attributes["cross_zone_enabled"] is True
    alb = map_resource("aws_lb", {}, address="lb")
    assert alb.attributes["cross_zone_enabled"] is True


def test_associations_attachments_and_alarm_dimensions() -> None:
    attachment = map_resource("aws_lb_target_group_attachment", {
        "target_group_arn": Ref(("aws_lb_target_group.t",)), "target_id": Ref(("aws_instance.i",))}, address="a")
    assert attachment.type is None
    assert attachment.edges == [("aws_lb_target_group.t", "targets", "aws_instance.i")]
    asg = map_resource("aws_autoscaling_group", {"target_group_arns": [Ref(("aws_lb_target_group.t",))]},
                       address="aws_autoscaling_group.g")
    assert asg.edges == [("aws_lb_target_group.t", "targets", "aws_autoscaling_group.g")]
    alarm = map_resource("aws_cloudwatch_metric_alarm", {
        "dimensions": {"AutoScalingGroupName": Ref(("aws_autoscaling_group.g",), "web", True)}}, address="al")
    assert alarm.refs == [("alarms_on", "aws_autoscaling_group.g")]
    assert alarm.attributes["dimensions"] == {"AutoScalingGroupName": "web"}


def test_backup_selection_and_dynamodb() -> None:
    selection = map_resource("aws_backup_selection", {
        "plan_id": Ref(("aws_backup_plan.p",)), "resources": [Ref(("aws_dynamodb_table.t",)), "arn:aws:s3:::b"]},
        address="s")
    assert selection.refs == [("member_of", "aws_backup_plan.p"), ("backs_up", "aws_dynamodb_table.t"),
                              ("backs_up", "arn:aws:s3:::b")]  # a literal ARN is selected too, as live and CFN say
    assert selection.attributes["resources"] == ["aws_dynamodb_table.t", "arn:aws:s3:::b"]
    table = map_resource("aws_dynamodb_table", {
        "point_in_time_recovery": [{"enabled": True}], "replica": [{"region_name": "us-west-2"}]}, address="t")
    assert table.attributes["pitr_enabled"] is True
    assert table.attributes["replica_regions"] == ["us-west-2"]


def test_scalar_that_is_a_reference_without_value_is_unknown() -> None:
    mapped = map_resource("aws_subnet", {"availability_zone": Ref(("aws_subnet.other",)), "availability_zone_id": "z"},
                          address="s")
    assert mapped.unknown == {"availability_zone": "refers to aws_subnet.other"}


def test_relation_to_a_type_the_vocabulary_does_not_allow_is_dropped() -> None:
    subnet = map_resource("aws_subnet", {"vpc_id": Ref(("aws_subnet.b",))}, address="aws_subnet.a")
    other = map_resource("aws_subnet", {}, address="aws_subnet.b")
    snapshot = build_snapshot("terraform-hcl", [], [TfResource("aws_subnet.a", "aws_subnet", "a", subnet),
                                                    TfResource("aws_subnet.b", "aws_subnet", "b", other)])
    assert snapshot.relations == []


def test_resource_type_of_address() -> None:
    assert resource_type_of('module.a["x"].aws_subnet.b[0]') == "aws_subnet"
    assert resource_type_of("data.aws_vpc.main") == "aws_vpc"
    assert resource_type_of("igw-123") is None


def test_importing_the_terraform_loaders_imports_neither_boto3_nor_networkx_nor_hcl2() -> None:
    code = ("import sys, scanner.iac.terraform_plan, scanner.iac.terraform_hcl, scanner.iac.tf_mapping; "
            "print(sorted(m for m in ('boto3', 'botocore', 'networkx', 'hcl2') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "[]"
