"""CloudWatch alarm collector against moto: attributes and dimension -> resource uid mapping.

moto lists no member cache clusters for a replication group, so ``DescribeCacheClusters`` is
answered with a recorded response.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from _data_helpers import (
    ACCOUNT,
    REGION,
    by_uid,
    collect,
    count_calls,
    deny,
    edges,
    recorded,
    snapshot_of,
)

from scanner.collectors import cloudwatch

pytestmark = pytest.mark.usefixtures("aws")
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:oncall"
ALB = "app/web/50dc6c495c0c9188"
TG = "targetgroup/web/73e2d6bc24d8a067"


def _alarm(name: str) -> str:
    return f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"


def _put(name: str, namespace: str, metric: str, dims: dict[str, str], **extra: Any) -> None:
    boto3.client("cloudwatch", region_name=REGION).put_metric_alarm(
        AlarmName=name, Namespace=namespace, MetricName=metric, Statistic="Maximum", Period=60, EvaluationPeriods=3,
        Threshold=300.0, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()], **extra)


def _seed() -> str:
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    autoscaling.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12345678",
                                            InstanceType="t3.micro")
    autoscaling.create_auto_scaling_group(AutoScalingGroupName="web", LaunchConfigurationName="lc", MinSize=0,
                                          MaxSize=2, VPCZoneIdentifier=subnet)
    _put("rds-lag", "AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": "orders-ro"}, AlarmActions=[TOPIC])
    _put("alb-5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {"LoadBalancer": ALB, "TargetGroup": TG},
         ActionsEnabled=False)
    _put("asg-cpu", "AWS/EC2", "CPUUtilization", {"AutoScalingGroupName": "web"})
    _put("table-lag", "AWS/DynamoDB", "ReplicationLatency", {"TableName": "orders", "ReceivingRegion": "us-west-2"})
    _put("ecs-cpu", "AWS/ECS", "CPUUtilization", {"ClusterName": "prod", "ServiceName": "api"})
    return autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]["AutoScalingGroupARN"]


def test_alarm_attributes() -> None:
    _seed()
    collected, ctx = collect(cloudwatch)
    res = by_uid(snapshot_of(collected, ctx))
    lag = res[_alarm("rds-lag")].attributes
    assert (lag["namespace"], lag["metric_name"], lag["statistic"], lag["period_seconds"], lag["evaluation_periods"],
            lag["threshold"], lag["comparison_operator"]) == (
        "AWS/RDS", "ReplicaLag", "Maximum", 60, 3, 300.0, "GreaterThanThreshold")
    assert lag["dimensions"] == {"DBInstanceIdentifier": "orders-ro"}
    assert (lag["actions_enabled"], lag["alarm_actions"]) == (True, [TOPIC])
    assert res[_alarm("alb-5xx")].attributes["actions_enabled"] is False
    assert not ctx.gaps


def test_dimensions_map_to_the_uids_of_other_collectors() -> None:
    asg_arn = _seed()
    collected, _ = collect(cloudwatch)
    assert edges(collected, "alarms_on") == {
        (_alarm("rds-lag"), f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-ro"),
        (_alarm("alb-5xx"), f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{ALB}"),
        (_alarm("alb-5xx"), f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:{TG}"),
        (_alarm("asg-cpu"), asg_arn),
        (_alarm("table-lag"), f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"),
        (_alarm("ecs-cpu"), f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/prod/api"),
    }


def test_cache_cluster_dimension_maps_to_its_replication_group() -> None:
    _put("redis-cpu", "AWS/ElastiCache", "EngineCPUUtilization", {"CacheClusterId": "sessions-002",
                                                                    "CacheNodeId": "0001"})
    counter: dict[str, int] = {}
    listing = {"CacheClusters": [{"CacheClusterId": "sessions-002", "ReplicationGroupId": "sessions"}]}
    collected, _ = collect(cloudwatch, hooks=[recorded("DescribeCacheClusters", listing), count_calls(counter)])
    assert edges(collected, "alarms_on") == {
        (_alarm("redis-cpu"), f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:sessions")}
    assert "DescribeAutoScalingGroups" not in counter  # lookups only when an alarm needs them


def test_s3_replication_alarm_watches_the_source_bucket_only() -> None:
    _put("crr-lag", "AWS/S3", "ReplicationLatency", {"SourceBucket": "orders", "DestinationBucket": "orders-dr",
                                                      "RuleId": "all"})
    collected, _ = collect(cloudwatch)
    assert edges(collected, "alarms_on") == {(_alarm("crr-lag"), "arn:aws:s3:::orders")}


def test_failed_lookup_marks_alarms_on_incomplete() -> None:
    _seed()
    collected, ctx = collect(cloudwatch, hooks=[deny("DescribeAutoScalingGroups")])
    alarm = by_uid(snapshot_of(collected, ctx))[_alarm("asg-cpu")]
    assert "DescribeAutoScalingGroups: AccessDenied" in alarm.unknown_relations["alarms_on"]
    assert not any(src == _alarm("asg-cpu") for src, _ in edges(collected, "alarms_on"))
    assert ctx.gaps == []


def test_access_denied_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(cloudwatch, hooks=[deny("DescribeAlarms")])
    assert collected.resources == []
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("DescribeAlarms", "AccessDenied", ["aws.cloudwatch.alarm"])]
