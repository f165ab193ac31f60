"""Regression tests for the mapping differences the four-source attribute parity test found.

Each test pins one fix at its root (the engine, a declaration, a named hook), on a minimal input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.collectors import cloudfront
from scanner.iac.cloudformation import load_cloudformation
from scanner.iac.terraform_hcl import load_terraform_hcl
from scanner.iac.tf_mapping import TfResource, build_snapshot, map_resource
from scanner.model import Snapshot
from scanner.model.values import Reference, Unknown
from scanner.model.vocabulary import normalise_attributes

ACCOUNT, REGION = "123456789012", "us-east-1"


def _template(tmp_path: Path, resources: str) -> Snapshot:
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n" + resources)
    return load_cloudformation(path)


def _named(snapshot: Snapshot, name: str) -> Any:
    return next(r for r in snapshot.resources if r.name == name)


def _plan(*items: tuple[str, str, dict[str, Any]]) -> Snapshot:
    """A snapshot of Terraform resources (address, type, values) through the shared mapping."""
    return build_snapshot("terraform-plan", [], [
        TfResource(address, tf_type, address.split(".", 1)[1], map_resource(tf_type, values, address=address))
        for address, tf_type, values in items])


# -- the engine --------------------------------------------------------------------------------------

def test_selector_path_picks_among_several_terraform_blocks() -> None:
    """``lifecycle_policy[transition_to_ia]`` over two blocks (was: "2 blocks where one is expected")."""
    efs = map_resource("aws_efs_file_system", {"lifecycle_policy": [
        {"transition_to_ia": "AFTER_30_DAYS"}, {"transition_to_archive": "AFTER_90_DAYS"}]})
    assert efs.unknown == {}
    assert (efs.attributes["lifecycle_transition_to_ia"], efs.attributes["lifecycle_transition_to_archive"]) == (
        "AFTER_30_DAYS", "AFTER_90_DAYS")


@pytest.mark.parametrize("settings", [
    [{"name": "containerInsights", "value": "enabled"}],  # one block: was read as a mapping, so never matched
    [{"name": "other", "value": "x"}, {"name": "containerInsights", "value": "enabled"}],
])
def test_key_selector_matches_terraform_blocks(settings: list[dict[str, str]]) -> None:
    assert map_resource("aws_ecs_cluster", {"setting": settings}).attributes["container_insights"] is True


def test_reference_in_a_ref_attribute_names_the_resource_even_when_its_value_is_known() -> None:
    """``target_vault_name = aws_backup_vault.v.name`` names the vault (was: its name, unlike ``!Ref``)."""
    plan = map_resource("aws_backup_plan", {"rule": [{
        "rule_name": "daily", "target_vault_name": Reference(("aws_backup_vault.v",), "primary", True)}]})
    assert plan.attributes["rules"][0]["target_vault"] == "aws_backup_vault.v"


def test_list_of_references_in_one_expression_names_every_resource() -> None:
    """A plan records ``[aws_db_instance.a.arn, aws_efs_file_system.b.arn]`` as one expression naming both
    (was: only the first)."""
    selection = map_resource("aws_backup_selection", {
        "resources": Reference(("aws_db_instance.a", "aws_efs_file_system.b"))})
    assert selection.attributes["resources"] == ["aws_db_instance.a", "aws_efs_file_system.b"]


def test_presence_of_a_setting_is_known_though_its_value_is_a_reference(tmp_path: Path) -> None:
    """CloudFront logging to ``!GetAtt Logs.DomainName`` is on (was: unknown)."""
    snapshot = _template(tmp_path, """  Logs: {Type: AWS::S3::Bucket}
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Logging: {Bucket: !GetAtt Logs.DomainName}
        Origins: [{Id: a, DomainName: a.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
""")
    assert _named(snapshot, "Cdn").attributes["logging_enabled"] is True
    for block, expected in (([{"bucket": Unknown("known after apply")}], True), ([], False)):
        assert map_resource("aws_cloudfront_distribution", {"logging_config": block}).attributes[
            "logging_enabled"] is expected
    assert "logging_enabled" in map_resource("aws_cloudfront_distribution", {
        "logging_config": Unknown("dynamic block")}).unknown


def test_unknown_part_an_item_does_not_read_leaves_the_items_known(tmp_path: Path) -> None:
    """A container's ``awslogs-group: !Ref Logs`` (not read) left every container unknown."""
    snapshot = _template(tmp_path, """  Logs: {Type: AWS::Logs::LogGroup}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          HealthCheck: {Command: [CMD, ok]}
          LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: !Ref Logs}}
""")
    task = _named(snapshot, "Task")
    assert task.unknown == {}
    assert task.attributes["containers"][0]["log_driver"] == "awslogs"


# -- declarations ------------------------------------------------------------------------------------

def test_settings_aws_chooses_are_unknown_in_iac_when_omitted() -> None:
    instance = map_resource("aws_db_instance", {"engine": "postgres"})
    assert "picks the engine's default version" in instance.unknown["engine_version"]
    assert "places the instance in a zone" in instance.unknown["availability_zone"]
    chosen = map_resource("aws_db_instance", {"engine": "postgres", "engine_version": "16.3",
                                              "availability_zone": "us-east-1a"})
    assert (chosen.attributes["engine_version"], chosen.attributes["availability_zone"]) == ("16.3", "us-east-1a")
    assert "snapshot window" in map_resource("aws_elasticache_replication_group", {}).unknown["snapshot_window"]
    assert "zone ids" in map_resource("aws_subnet", {"availability_zone": "us-east-1a"}).unknown[
        "availability_zone_id"]


def test_plan_keeps_zones_aws_picks_for_a_cluster_unknown(tmp_path: Path) -> None:
    """A plan shows an Aurora cluster's omitted zones as known after apply: no longer replaced by []."""
    from scanner.iac.terraform_plan import load_terraform_plan

    plan = tmp_path / "plan.json"
    change = {"actions": ["create"], "before": None, "after": {"engine": "aurora-postgresql"},
              "after_unknown": {"availability_zones": True, "encrypted": True}}
    plan.write_text(__import__("json").dumps({
        "format_version": "1.2", "planned_values": {"root_module": {"resources": [
            {"address": "aws_rds_cluster.c", "mode": "managed", "type": "aws_rds_cluster", "name": "c",
             "values": change["after"]},
            {"address": "aws_efs_file_system.f", "mode": "managed", "type": "aws_efs_file_system", "name": "f",
             "values": {}}]}},
        "resource_changes": [{"address": "aws_rds_cluster.c", "change": change},
                             {"address": "aws_efs_file_system.f", "change": {**change, "after": {}}}],
        "configuration": {"root_module": {"resources": [
            {"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n, "expressions": {}}
            for t, n in (("aws_rds_cluster", "c"), ("aws_efs_file_system", "f"))]}}}))
    snapshot = load_terraform_plan(plan)
    assert snapshot.resources[0].unknown["availability_zones"].startswith("known after apply")
    file_system = next(r for r in snapshot.resources if r.type == "aws.efs.file_system")
    assert file_system.attributes["encrypted"] is False  # computed by the provider, AWS's default is off


def test_pitr_period_is_aws_default_only_when_pitr_is_on() -> None:
    assert normalise_attributes("aws.dynamodb.table", {"pitr_enabled": True})["pitr_recovery_period_days"] == 35
    assert normalise_attributes("aws.dynamodb.table", {"pitr_enabled": True, "pitr_recovery_period_days": 7})[
        "pitr_recovery_period_days"] == 7
    assert normalise_attributes("aws.dynamodb.table", {})["pitr_recovery_period_days"] is None
    assert "pitr_recovery_period_days" not in normalise_attributes(
        "aws.dynamodb.table", {"pitr_enabled": True}, ["pitr_recovery_period_days"])


@pytest.mark.parametrize(("protocol", "expected"), [
    ("HTTP", ("HTTP", "/", "lb_cookie")), ("HTTPS", ("HTTP", "/", "lb_cookie")),
    ("TCP", ("TCP", None, "source_ip")), ("GENEVE", ("TCP", None, "source_ip_dest_ip_proto")),
])
def test_target_group_defaults_follow_the_protocol(protocol: str, expected: tuple[Any, ...]) -> None:
    found = normalise_attributes("aws.elbv2.target_group", {"protocol": protocol})
    assert (found["health_check_protocol"], found["health_check_path"], found["stickiness_type"]) == expected
    stated = normalise_attributes("aws.elbv2.target_group", {"protocol": protocol, "health_check_protocol": "HTTPS",
                                                              "health_check_path": "/ok", "stickiness_type": "x"})
    assert (stated["health_check_protocol"], stated["health_check_path"], stated["stickiness_type"]) == (
        "HTTPS", "/ok", "x")


# -- hooks -------------------------------------------------------------------------------------------

def test_declared_group_id_is_unknown_an_outside_groups_is_named(tmp_path: Path) -> None:
    snapshot = _template(tmp_path, """  Group: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: g}}
  Outside:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: sg-0123, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
""")
    assert "AWS assigns the group id" in _named(snapshot, "Group").unknown["group_id"]
    assert _named(snapshot, "Outside").attributes["group_id"] == "sg-0123"
    assert "AWS assigns the group id" in map_resource("aws_security_group", {}).unknown["group_id"]
    outside = _plan(("aws_security_group_rule.r", "aws_security_group_rule", {
        "type": "ingress", "security_group_id": "sg-0123", "protocol": "tcp", "from_port": 22, "to_port": 22,
        "cidr_blocks": ["0.0.0.0/0"]}))
    assert outside.resources[0].attributes["group_id"] == "sg-0123"


def test_iac_replication_group_members_are_named_as_elasticache_names_them(tmp_path: Path) -> None:
    group = map_resource("aws_elasticache_replication_group", {"replication_group_id": "s",
                                                               "replicas_per_node_group": 1})
    assert [m["cluster_id"] for m in group.attributes["node_groups"][0]["members"]] == ["s-001", "s-002"]
    sharded = map_resource("aws_elasticache_replication_group", {"replication_group_id": "s", "num_node_groups": 2,
                                                                 "replicas_per_node_group": 1})
    assert [m["cluster_id"] for g in sharded.attributes["node_groups"] for m in g["members"]] == [
        "s-0001-001", "s-0001-002", "s-0002-001", "s-0002-002"]
    snapshot = _template(tmp_path, """  G:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupId: s, ReplicationGroupDescription: s, NumCacheClusters: 2}
  Unnamed:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupDescription: s, NumCacheClusters: 1}
""")
    assert [m["cluster_id"] for m in _named(snapshot, "G").attributes["node_groups"][0]["members"]] == [
        "s-001", "s-002"]
    assert _named(snapshot, "Unnamed").attributes["node_groups"][0]["members"][0]["cluster_id"] is None


def test_cloudformation_cluster_member_takes_the_clusters_settings(tmp_path: Path) -> None:
    snapshot = _template(tmp_path, """  C: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-postgresql}}
  Member: {Type: AWS::RDS::DBInstance, Properties: {DBClusterIdentifier: !Ref C, DBInstanceClass: db.r6g.large}}
  Alone: {Type: AWS::RDS::DBInstance, Properties: {Engine: postgres, DBInstanceClass: db.t3.micro}}
""")
    member = _named(snapshot, "Member")
    assert {"backup_retention_days", "storage_encrypted", "allocated_storage_gb"} <= set(member.unknown)
    assert _named(snapshot, "Alone").attributes["backup_retention_days"] == 1


def test_network_acl_rule_resources_add_their_entries() -> None:
    """``aws_network_acl_rule`` was unmodelled: its ACL claimed no entries."""
    acl = "aws_network_acl.a"
    snapshot = _plan((acl, "aws_network_acl", {}),
                     ("aws_network_acl_rule.ping", "aws_network_acl_rule", {
                         "network_acl_id": Reference((acl,)), "rule_number": 110, "protocol": "icmp",
                         "rule_action": "allow", "cidr_block": "10.0.0.0/16", "icmp_type": 8, "icmp_code": -1}),
                     ("aws_network_acl_rule.out", "aws_network_acl_rule", {
                         "network_acl_id": Reference((acl,)), "rule_number": 100, "egress": True, "protocol": "-1",
                         "rule_action": "allow", "cidr_block": "0.0.0.0/0"}))
    entries = {e["rule_number"]: e for e in snapshot.resources[0].attributes["entries"]}
    assert (entries[110]["protocol"], entries[110]["icmp_type"], entries[110]["icmp_code"], entries[110]["egress"]) == (
        "icmp", 8, -1, False)
    assert (entries[100]["protocol"], entries[100]["from_port"], entries[100]["to_port"], entries[100]["egress"]) == (
        "all", 0, 65535, True)
    unknown = _plan((acl, "aws_network_acl", {}), ("aws_network_acl_rule.r", "aws_network_acl_rule", {
        "network_acl_id": Reference((acl,)), "rule_number": 1, "protocol": "tcp", "rule_action": "deny",
        "from_port": Unknown("var"), "to_port": 22}))
    assert "entries" in unknown.resources[0].unknown


def test_efs_mount_target_places_the_file_system_behind_its_groups() -> None:
    snapshot = _plan(("aws_efs_file_system.f", "aws_efs_file_system", {}),
                     ("aws_security_group.g", "aws_security_group", {}),
                     ("aws_efs_mount_target.m", "aws_efs_mount_target", {
                         "file_system_id": Reference(("aws_efs_file_system.f",)), "subnet_id": "subnet-1",
                         "security_groups": [Reference(("aws_security_group.g",))]}))
    assert ("aws_efs_file_system.f", "uses_security_group", "aws_security_group.g") in {
        (r.src, r.kind, r.dst) for r in snapshot.relations}


def test_terraform_origin_without_custom_config_is_an_s3_origin() -> None:
    mapped = map_resource("aws_cloudfront_distribution", {"origin": [
        {"origin_id": "lb", "domain_name": "lb.example.com", "custom_origin_config": [{"http_port": 80}]},
        {"origin_id": "bucket", "domain_name": "b.s3.amazonaws.com", "origin_access_control_id": "E1"},
        {"origin_id": "legacy", "domain_name": "c.s3.amazonaws.com", "custom_origin_config": [],
         "s3_origin_config": [{"origin_access_identity": "x"}]}]})
    assert [o["s3_origin"] for o in mapped.attributes["origins"]] == [False, True, True]


def test_hcl_scalable_target_with_a_literal_resource_id_says_its_relation_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
resource "aws_ecs_service" "api" {
  name = "api"
}
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/apps/api"
}
resource "aws_appautoscaling_target" "interpolated" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/apps/${aws_ecs_service.api.name}"
}
''')
    snapshot = load_terraform_hcl(tmp_path)
    target = next(r for r in snapshot.resources if r.uid == "aws_appautoscaling_target.t")
    assert target.attributes["resource_id"] == "service/apps/api"
    assert "names what it scales literally" in target.unknown_relations["scales"]
    # an interpolated reference is a relation, as in the plan
    interpolated = next(r for r in snapshot.resources if r.uid == "aws_appautoscaling_target.interpolated")
    assert interpolated.attributes["resource_id"] == "service/apps/api"
    assert "scales" not in interpolated.unknown_relations
    assert any(r.src == interpolated.uid and r.kind == "scales" and r.dst == "aws_ecs_service.api"
               for r in snapshot.relations)


# -- live hooks --------------------------------------------------------------------------------------

def test_live_distribution_serves_its_s3_origin_and_says_which_origins_it_cannot_resolve() -> None:
    config = {"Enabled": True, "DefaultCacheBehavior": {"TargetOriginId": "b"}, "Origins": {"Items": [
        {"Id": "b", "DomainName": "assets.s3.us-east-1.amazonaws.com", "S3OriginConfig": {}},
        {"Id": "old", "DomainName": "logs.s3.amazonaws.com", "S3OriginConfig": {}},
        {"Id": "lb", "DomainName": "web-1.us-east-1.elb.amazonaws.com", "CustomOriginConfig": {}}]}}
    out = cloudfront.parse({"distributions": [{"Id": "E1", "ARN": "arn:aws:cloudfront::1:distribution/E1",
                                               "DistributionConfig": config}]}, ACCOUNT, REGION)
    assert {r.dst for r in out.relations if r.kind == "serves"} == {"arn:aws:s3:::assets", "arn:aws:s3:::logs"}
    assert "web-1.us-east-1.elb.amazonaws.com" in out.resources[0].unknown_relations["serves"]


def test_cloudformation_alarm_dimension_from_a_reference_is_unknown_not_the_template_uid(tmp_path: Path) -> None:
    snapshot = _template(tmp_path, """  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro}
  Cpu:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/RDS
      MetricName: CPUUtilization
      Dimensions: [{Name: DBInstanceIdentifier, Value: !Ref Db}]
  Literal:
    Type: AWS::CloudWatch::Alarm
    Properties: {Namespace: AWS/RDS, MetricName: CPUUtilization, Dimensions: [{Name: DBInstanceIdentifier, Value: db}]}
""")
    alarm = _named(snapshot, "Cpu")
    assert "known only after deployment" in alarm.unknown["dimensions"]
    assert ("alarms_on", f"{tmp_path / 't.yaml'}#Db") in {(r.kind, r.dst) for r in snapshot.relations
                                                          if r.src == alarm.uid}
    assert _named(snapshot, "Literal").attributes["dimensions"] == {"DBInstanceIdentifier": "db"}


def test_terraform_auto_scaling_group_tags_come_from_tag_blocks() -> None:
    group = map_resource("aws_autoscaling_group", {"tag": [
        {"key": "workload-class", "value": "batch", "propagate_at_launch": True}]})
    assert group.attributes["tags"] == {"workload-class": "batch"}


def test_global_cluster_engine_comes_from_its_source_cluster() -> None:
    assert "source cluster's engine" in map_resource("aws_rds_global_cluster", {
        "source_db_cluster_identifier": Reference(("aws_rds_cluster.c",))}).unknown["engine"]


def test_replication_rule_to_a_bucket_of_unknown_region_is_an_unknown_recovery() -> None:
    """IaC cannot say where the destination bucket lives: the Region-loss recovery is unknown, not none."""
    from scanner.graph import build_graph

    snapshot = _plan(("aws_s3_bucket.b", "aws_s3_bucket", {"bucket": "b"}),
                     ("aws_s3_bucket_replication_configuration.r", "aws_s3_bucket_replication_configuration", {
                         "bucket": Reference(("aws_s3_bucket.b",)), "rule": [{
                             "status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::elsewhere"}]}]}))
    graph = build_graph(snapshot)
    assert "destination Region unknown" in graph.derived_unknown["aws_s3_bucket.b"]["rpo_region_seconds"]
