"""The plan of the services the parity architecture adds to the e2e seed's network and data tier: the
blocks of ``data/hcl/{security,compute}.tf`` after the e2e part, ``containers.tf``, ``storage.tf`` and
``edge.tf`` (see ``build_plan``)."""

from __future__ import annotations

import json

from plan_model import Expr, Planned, Ref

ZONE_A = "us-east-1a"
VPC_CIDR = Expr(("var.vpc_cidr",), "10.0.0.0/16")
ACCOUNT = "123456789012"

# attributes the added types compute (known after apply), besides those they reference
COMPUTED_SERVICES: dict[str, tuple[str, ...]] = {
    "aws_security_group_rule": ("security_group_rule_id",),
    "aws_network_acl": ("arn", "owner_id", "ingress", "egress"),
    "aws_cloudwatch_log_group": ("arn",),
    "aws_flow_log": ("arn",),
    "aws_lb_target_group": ("arn", "arn_suffix", "stickiness"),
    "aws_lb_listener": ("arn",),
    "aws_autoscaling_policy": ("arn",),
    "aws_ecs_cluster": ("arn",),
    "aws_ecs_task_definition": ("arn", "arn_without_revision", "revision"),
    "aws_appautoscaling_target": ("arn", "role_arn"),
    "aws_appautoscaling_policy": ("arn", "alarm_arns"),
    "aws_eks_cluster": ("arn", "endpoint", "certificate_authority", "identity", "platform_version", "status"),
    "aws_eks_node_group": ("arn", "resources", "status"),
    "aws_elasticache_cluster": ("arn", "cache_nodes", "configuration_endpoint", "engine_version_actual"),
    "aws_s3_bucket": ("arn", "bucket_domain_name", "bucket_regional_domain_name", "hosted_zone_id", "region",
                      "versioning"),
    "aws_efs_file_system": ("arn", "dns_name", "availability_zone_id", "number_of_mount_targets", "owner_id",
                            "size_in_bytes"),
    "aws_efs_mount_target": ("dns_name", "ip_address", "network_interface_id", "availability_zone_name"),
    "aws_backup_vault": ("arn", "recovery_points"),
    "aws_backup_vault_lock_configuration": ("backup_vault_arn",),
    "aws_backup_plan": ("arn", "version"),
    "aws_route53_zone": ("arn", "zone_id", "name_servers"),
    "aws_route53_health_check": ("arn",),
    "aws_route53_record": ("fqdn",),
    "aws_cloudfront_origin_access_control": ("etag",),
    "aws_cloudfront_distribution": ("arn", "domain_name", "etag", "hosted_zone_id", "status"),
}

STACK_TEMPLATE = json.dumps({"Resources": {"Ready": {"Type": "AWS::SNS::Topic",
                                           "Properties": {"TopicName": "shared-ready"}}}},
                            separators=(",", ":"))
CONTAINERS = [{
    "name": "api", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True,
    "portMappings": [{"containerPort": 8080}],
    "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], "interval": 30},
    "logConfiguration": {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/api", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "api"}},
}]


def subnet(key: str) -> Ref:
    return Ref("aws_subnet.this", key=key)


def group(key: str) -> Ref:
    return Ref("aws_security_group.this", key=key)


def network() -> list[Planned]:
    """The app group's rules, the data subnets' ACL and the VPC flow log (security.tf)."""
    acl = Ref("aws_network_acl.data_acl")
    rules = [("data_postgres", 100, False, "tcp", "allow", VPC_CIDR, {"from_port": 5432, "to_port": 5432}),
             ("data_ping", 110, False, "icmp", "allow", VPC_CIDR, {"icmp_type": 8, "icmp_code": -1}),
             ("data_deny_rest", 200, False, "-1", "deny", "0.0.0.0/0", {}),
             ("data_egress", 100, True, "-1", "allow", VPC_CIDR, {})]
    return [
        Planned("aws_security_group_rule", "app_from_web", {
            "type": "ingress", "security_group_id": group("app"), "protocol": "tcp", "from_port": 8080,
            "to_port": 8080, "source_security_group_id": group("web")}),
        Planned("aws_vpc_security_group_ingress_rule", "app_ping", {
            "security_group_id": group("app"), "ip_protocol": "icmp", "from_port": 8, "to_port": -1,
            "cidr_ipv4": VPC_CIDR}),
        Planned("aws_network_acl", "data_acl", {
            "vpc_id": Ref("aws_vpc.main"), "subnet_ids": [subnet("data-a"), subnet("data-b")],
            "tags": {"Name": "data-acl"}}),
        *(Planned("aws_network_acl_rule", name, {
            "network_acl_id": acl, "rule_number": number, "egress": egress, "protocol": protocol,
            "rule_action": action, "cidr_block": cidr, **ports}) for name, number, egress, protocol, action, cidr, ports
          in rules),
        Planned("aws_cloudwatch_log_group", "flow_logs", {
            "name": "flow-logs", "retention_in_days": 90,
            "kms_key_id": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0b3c5e1e-6f7a-4d55-9e0f-2a1c3d4e5f60"}),
        Planned("aws_flow_log", "vpc_flow", {
            "vpc_id": Ref("aws_vpc.main"), "traffic_type": "ALL", "log_destination_type": "cloud-watch-logs",
            "log_destination": Ref("aws_cloudwatch_log_group.flow_logs", "arn"),
            "iam_role_arn": f"arn:aws:iam::{ACCOUNT}:role/flow-logs", "tags": {"Name": "vpc-flow"}}),
    ]


def compute() -> list[Planned]:
    """Target groups, listeners, the Spot group and the web group's policies (compute.tf)."""
    web_group = Ref("aws_autoscaling_group.web", "name", "web")
    out = [
        Planned("aws_lb_target_group", "web", {
            "name": "web", "port": 8080, "protocol": "HTTP", "vpc_id": Ref("aws_vpc.main"), "target_type": "instance",
            "deregistration_delay": "30",
            "health_check": [{"enabled": True, "protocol": "HTTP", "path": "/health", "interval": 15,
                              "healthy_threshold": 3, "unhealthy_threshold": 2}],
            "stickiness": [{"enabled": True, "type": "lb_cookie"}]}),
        Planned("aws_lb_listener", "web_http", {
            "load_balancer_arn": Ref("aws_lb.web", "arn"), "port": 80, "protocol": "HTTP",
            "default_action": [{"type": "forward", "target_group_arn": Ref("aws_lb_target_group.web", "arn")}]}),
        Planned("aws_lb_target_group", "api", {
            "name": "api", "port": 8080, "protocol": "HTTP", "vpc_id": Ref("aws_vpc.main"), "target_type": "ip",
            "health_check": [{"path": "/health", "healthy_threshold": 5, "unhealthy_threshold": 2}]}),
        Planned("aws_lb_listener", "api", {
            "load_balancer_arn": Ref("aws_lb.web", "arn"), "port": 8080, "protocol": "HTTP",
            "default_action": [{"type": "forward", "target_group_arn": Ref("aws_lb_target_group.api", "arn")}]}),
        Planned("aws_autoscaling_group", "spot_batch", {
            "name": "spot-batch", "min_size": 0, "max_size": 6, "desired_capacity": 0, "health_check_type": "EC2",
            "health_check_grace_period": 300, "vpc_zone_identifier": [subnet("app-a"), subnet("app-b")],
            "mixed_instances_policy": [{
                "instances_distribution": [{"on_demand_base_capacity": 0,
                                            "on_demand_percentage_above_base_capacity": 25,
                                            "spot_allocation_strategy": "price-capacity-optimized"}],
                "launch_template": [{
                    "launch_template_specification": [{"launch_template_id": Ref("aws_launch_template.app"),
                                                       "version": "$Latest"}],
                    "override": [{"instance_type": "t3.micro"}, {"instance_type": "t3a.micro"}]}]}],
            "tag": [{"key": "workload-class", "value": "batch", "propagate_at_launch": True}]}),
        Planned("aws_autoscaling_policy", "web_cpu", {
            "name": "web-cpu", "autoscaling_group_name": web_group, "policy_type": "TargetTrackingScaling",
            "target_tracking_configuration": [{
                "predefined_metric_specification": [{"predefined_metric_type": "ASGAverageCPUUtilization"}],
                "target_value": 70}]}),
        Planned("aws_autoscaling_policy", "web_memory", {
            "name": "web-memory", "autoscaling_group_name": web_group, "policy_type": "TargetTrackingScaling",
            "target_tracking_configuration": [{
                "customized_metric_specification": [{
                    "metric_dimension": [{"name": "AutoScalingGroupName", "value": web_group}],
                    "metric_name": "mem_used_percent", "namespace": "CWAgent", "statistic": "Average"}],
                "target_value": 80}]}),
    ]
    return out


def containers() -> list[Planned]:
    """ECS and its Application Auto Scaling, EKS (containers.tf)."""
    target = "aws_appautoscaling_target.api_target"
    app_subnets = [subnet("app-a"), subnet("app-b")]
    policy_target = {"service_namespace": Ref(target, "service_namespace", "ecs"),
                     "scalable_dimension": Ref(target, "scalable_dimension", "ecs:service:DesiredCount"),
                     "resource_id": Ref(target, "resource_id", "service/apps/api")}
    return [
        Planned("aws_ecs_cluster", "apps", {"name": "apps",
                                            "setting": [{"name": "containerInsights", "value": "enabled"}]}),
        Planned("aws_cloudwatch_log_group", "ecs_api", {"name": "/ecs/api", "retention_in_days": 30}),
        Planned("aws_ecs_task_definition", "api", {
            "family": "api", "cpu": "256", "memory": "512", "network_mode": "awsvpc",
            "requires_compatibilities": ["EC2"],
            "container_definitions": Expr(("var.region",), json.dumps(CONTAINERS, separators=(",", ":")))}),
        Planned("aws_ecs_service", "api", {
            "name": "api", "cluster": Ref("aws_ecs_cluster.apps"),
            "task_definition": Ref("aws_ecs_task_definition.api", "arn"),
            "desired_count": Expr(("var.api_desired_count",), 2), "launch_type": "EC2",
            "scheduling_strategy": "REPLICA", "health_check_grace_period_seconds": 60,
            "deployment_minimum_healthy_percent": 100, "deployment_maximum_percent": 200,
            "deployment_circuit_breaker": [{"enable": True, "rollback": True}],
            "network_configuration": [{"subnets": app_subnets, "security_groups": [group("app")],
                                       "assign_public_ip": False}],
            "ordered_placement_strategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                                           {"type": "binpack", "field": "memory"}],
            "load_balancer": [{"target_group_arn": Ref("aws_lb_target_group.api", "arn"), "container_name": "api",
                               "container_port": 8080}]}),
        Planned("aws_appautoscaling_target", "api_target", {
            "service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount",
            "resource_id": Expr(("aws_ecs_cluster.apps.name", "aws_ecs_cluster.apps", "aws_ecs_service.api.name",
                                 "aws_ecs_service.api"), "service/apps/api"),
            "min_capacity": 2, "max_capacity": 6}),
        *(Planned("aws_appautoscaling_policy", name, {
            "name": name.replace("_", "-"), "policy_type": "TargetTrackingScaling", **policy_target,
            "target_tracking_scaling_policy_configuration": [{
                "predefined_metric_specification": [{"predefined_metric_type": metric}], "target_value": value}]})
          for name, metric, value in (("api_cpu", "ECSServiceAverageCPUUtilization", 70),
                                      ("api_memory", "ECSServiceAverageMemoryUtilization", 80))),
        Planned("aws_eks_cluster", "platform", {
            "name": "platform", "version": "1.30", "role_arn": f"arn:aws:iam::{ACCOUNT}:role/eks-cluster",
            "enabled_cluster_log_types": ["api", "audit"],
            "vpc_config": [{"subnet_ids": app_subnets, "security_group_ids": [group("app")],
                            "endpoint_public_access": True, "endpoint_private_access": True,
                            "public_access_cidrs": ["203.0.113.0/24"]}],
            "tags": {"team": "platform"}}),
        Planned("aws_eks_node_group", "workers", {
            "cluster_name": Ref("aws_eks_cluster.platform", "name", "platform"), "node_group_name": "workers",
            "node_role_arn": f"arn:aws:iam::{ACCOUNT}:role/eks-nodes", "subnet_ids": app_subnets,
            "capacity_type": "ON_DEMAND", "instance_types": ["m6i.large"],
            "scaling_config": [{"min_size": 2, "max_size": 6, "desired_size": 3}], "tags": {"team": "platform"}}),
    ]


def storage() -> list[Planned]:
    """The single-node Redis, S3, EFS and AWS Backup (storage.tf)."""
    assets = Ref("aws_s3_bucket.assets")
    vault_name = Ref("aws_backup_vault.primary_vault", "name", "primary-vault")
    cold = [{"cold_storage_after": 30, "delete_after": 120}]
    return [
        Planned("aws_elasticache_cluster", "single_redis", {
            "cluster_id": "single-redis", "engine": "redis", "node_type": "cache.t3.micro", "num_cache_nodes": 1,
            "availability_zone": Expr(("local.zones[0]", "local.zones"), ZONE_A),
            "subnet_group_name": Ref("aws_elasticache_subnet_group.cache", "name", "cache"),
            "security_group_ids": [group("db")], "snapshot_retention_limit": 3, "snapshot_window": "03:00-04:00"}),
        Planned("aws_s3_bucket", "assets", {"bucket": "assets", "tags": {"Name": "assets"}}),
        Planned("aws_s3_bucket_versioning", "assets", {
            "bucket": assets, "versioning_configuration": [{"status": "Enabled"}]}),
        Planned("aws_s3_bucket_replication_configuration", "assets", {
            "bucket": assets, "role": f"arn:aws:iam::{ACCOUNT}:role/s3-replication",
            "rule": [{"id": "to-dr", "priority": 1, "status": "Enabled", "filter": [{}],
                      "delete_marker_replication": [{"status": "Disabled"}],
                      "destination": [{"bucket": "arn:aws:s3:::assets-dr",
                                       "replication_time": [{"status": "Enabled", "time": [{"minutes": 15}]}],
                                       "metrics": [{"status": "Enabled", "event_threshold": [{"minutes": 15}]}]}]}]}),
        Planned("aws_s3_bucket_lifecycle_configuration", "assets", {
            "bucket": assets,
            "rule": [{"id": "tiering", "status": "Enabled", "filter": [{}],
                      "transition": [{"days": 30, "storage_class": "STANDARD_IA"},
                                     {"days": 90, "storage_class": "GLACIER"}],
                      "noncurrent_version_transition": [{"noncurrent_days": 30, "storage_class": "GLACIER"}],
                      "noncurrent_version_expiration": [{"noncurrent_days": 365}],
                      "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}]}]}),
        Planned("aws_s3_bucket", "cdn_logs", {"bucket": "cdn-logs", "tags": {"Name": "cdn-logs"}}),
        Planned("aws_efs_file_system", "shared", {
            "encrypted": True, "throughput_mode": "elastic",
            "lifecycle_policy": [{"transition_to_ia": "AFTER_30_DAYS"}, {"transition_to_archive": "AFTER_90_DAYS"}],
            "tags": {"Name": "shared"}}),
        *(Planned("aws_efs_mount_target", "shared", {
            "file_system_id": Ref("aws_efs_file_system.shared"),
            "subnet_id": Expr(("aws_subnet.this", "each.key"), subnet(key)), "security_groups": [group("app")]},
            key=key) for key in ("app-a", "app-b")),
        Planned("aws_efs_file_system", "scratch_fs", {
            "availability_zone_name": Expr(("local.zones[0]", "local.zones"), ZONE_A), "tags": {"Name": "scratch-fs"}},
            extra_unknown=("encrypted",)),
        Planned("aws_efs_mount_target", "scratch_fs_a", {
            "file_system_id": Ref("aws_efs_file_system.scratch_fs"), "subnet_id": subnet("app-a"),
            "security_groups": [group("app")]}),
        Planned("aws_backup_vault", "primary_vault", {"name": "primary-vault"}),
        Planned("aws_backup_vault_lock_configuration", "primary_vault", {
            "backup_vault_name": vault_name, "min_retention_days": 7, "max_retention_days": 365}),
        Planned("aws_backup_plan", "daily", {"name": "daily", "rule": [
            {"rule_name": "daily", "target_vault_name": vault_name, "schedule": "cron(0 5 ? * * *)",
             "lifecycle": cold, "copy_action": [{
                 "destination_vault_arn": f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:dr-vault",
                 "lifecycle": cold}]},
            {"rule_name": "continuous", "target_vault_name": vault_name, "schedule": "cron(0 * ? * * *)",
             "enable_continuous_backup": True, "lifecycle": [{"delete_after": 35}]}]}),
    ]


def edge() -> list[Planned]:
    """Route 53 failover records and CloudFront (edge.tf)."""
    zone = Ref("aws_route53_zone.zone", "zone_id")
    record = {"zone_id": zone, "name": "app.example.com", "type": "CNAME", "ttl": 60}
    return [
        Planned("aws_route53_zone", "zone", {"name": "example.com"}),
        Planned("aws_route53_health_check", "primary_check", {
            "type": "HTTPS", "fqdn": "web.example.com", "resource_path": "/health", "port": 443,
            "request_interval": 10, "failure_threshold": 2}),
        Planned("aws_route53_record", "app_primary", {
            **record, "records": ["web.example.com"], "set_identifier": "primary",
            "health_check_id": Ref("aws_route53_health_check.primary_check"),
            "failover_routing_policy": [{"type": "PRIMARY"}]}),
        Planned("aws_route53_record", "app_secondary", {
            **record, "records": ["dr.example.com"], "set_identifier": "secondary",
            "failover_routing_policy": [{"type": "SECONDARY"}]}),
        Planned("aws_cloudfront_origin_access_control", "assets_oac", {
            "name": "assets-oac", "origin_access_control_origin_type": "s3", "signing_behavior": "always",
            "signing_protocol": "sigv4"}),
        Planned("aws_cloudfront_distribution", "cdn", {
            "enabled": True,
            "origin": [
                {"origin_id": "web-alb", "domain_name": Ref("aws_lb.web", "dns_name"),
                 "custom_origin_config": [{"http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only",
                                           "origin_ssl_protocols": ["TLSv1.2"]}]},
                {"origin_id": "assets", "domain_name": Ref("aws_s3_bucket.assets", "bucket_regional_domain_name"),
                 "origin_access_control_id": Ref("aws_cloudfront_origin_access_control.assets_oac")}],
            "origin_group": [{"origin_id": "failover", "failover_criteria": [{"status_codes": [500, 502, 503, 504]}],
                              "member": [{"origin_id": "web-alb"}, {"origin_id": "assets"}]}],
            "default_cache_behavior": [{"target_origin_id": "failover", "viewer_protocol_policy": "redirect-to-https",
                                        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                                        "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"]}],
            "logging_config": [{"bucket": Ref("aws_s3_bucket.cdn_logs", "bucket_domain_name"), "prefix": "cdn/"}],
            "restrictions": [{"geo_restriction": [{"restriction_type": "none"}]}],
            "viewer_certificate": [{"cloudfront_default_certificate": True}],
            "tags": {"Name": "cdn"}}),
    ]


def others() -> list[Planned]:
    """An instance behind a classic load balancer, an interface endpoint (compute.tf); an alarm and the
    global cluster (data.tf); the backup selection (storage.tf)."""
    app = [Ref("aws_subnet.this", key="app-a"), Ref("aws_subnet.this", key="app-b")]
    return [
        Planned("aws_instance", "app_1", {
            "ami": "ami-12c6146b", "instance_type": "t3.micro", "subnet_id": subnet("app-a"),
            "vpc_security_group_ids": [group("app")], "monitoring": True, "associate_public_ip_address": False,
            "tags": {"Name": "app-1"}},
            extra_unknown=("availability_zone", "private_ip", "public_ip")),
        Planned("aws_elb", "legacy", {
            "name": "legacy", "internal": False, "subnets": [subnet("pub-a"), subnet("pub-b")],
            "security_groups": [group("web")], "instances": [Ref("aws_instance.app_1")],
            "cross_zone_load_balancing": True, "connection_draining": True, "connection_draining_timeout": 60,
            "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 8080, "instance_protocol": "http"}],
            "tags": {"Name": "legacy"}}, extra_unknown=("arn", "dns_name", "zone_id", "availability_zones")),
        Planned("aws_vpc_endpoint", "ecr_api", {
            "vpc_id": Ref("aws_vpc.main"), "vpc_endpoint_type": "Interface",
            "service_name": "com.amazonaws.us-east-1.ecr.api", "subnet_ids": app,
            "security_group_ids": [group("app")], "private_dns_enabled": True, "tags": {"Name": "ecr-api"}},
            extra_unknown=("arn", "dns_entry", "network_interface_ids", "owner_id")),
        Planned("aws_cloudwatch_metric_alarm", "orders_cpu", {
            "alarm_name": "orders-cpu", "namespace": "AWS/RDS", "metric_name": "CPUUtilization",
            "statistic": "Average", "period": 60, "evaluation_periods": 3, "threshold": 80,
            "comparison_operator": "GreaterThanThreshold",
            "alarm_actions": [f"arn:aws:sns:us-east-1:{ACCOUNT}:oncall"],
            "dimensions": {"DBInstanceIdentifier": Ref("aws_db_instance.orders", "identifier", "orders")}},
            extra_unknown=("arn",)),
        Planned("aws_rds_global_cluster", "ledger_global", {
            "global_cluster_identifier": "ledger-global",
            "source_db_cluster_identifier": Ref("aws_rds_cluster.ledger", "arn"), "deletion_protection": False},
            extra_unknown=("arn", "engine", "engine_version", "global_cluster_members")),
        Planned("aws_backup_selection", "stateful", {
            "name": "stateful", "plan_id": Ref("aws_backup_plan.daily"),
            "iam_role_arn": f"arn:aws:iam::{ACCOUNT}:role/backup",
            "resources": [Ref("aws_db_instance.orders", "arn"), Ref("aws_efs_file_system.shared", "arn")]}),
        Planned("aws_cloudformation_stack", "shared_params", {
            "name": "shared-params", "template_body": STACK_TEMPLATE, "tags": {"team": "platform"}},
            extra_unknown=("outputs", "parameters", "policy_body")),
    ]


def services() -> list[Planned]:
    """The added resource instances, in the order of the .tf files."""
    return [*network(), *compute(), *containers(), *storage(), *edge(), *others()]
