"""Collectors of the architecture's newer types against moto: log groups, flow logs, Application Auto Scaling,
Route 53 records and health checks, CloudFront distributions, standalone cache clusters, backup vaults."""

from __future__ import annotations

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, deny, edges, snapshot_of

from scanner.collectors import appautoscaling, backup, cloudfront, ec2, elasticache, logs, route53

pytestmark = pytest.mark.usefixtures("aws")


def test_log_groups_with_and_without_retention() -> None:
    client = boto3.client("logs", region_name=REGION)
    client.create_log_group(logGroupName="/app/api")
    client.put_retention_policy(logGroupName="/app/api", retentionInDays=400)
    client.create_log_group(logGroupName="/app/forever")
    res = {r.name: r for r in snapshot_of(*collect(logs)).resources}
    assert res["/app/api"].attributes["retention_days"] == 400
    assert res["/app/forever"].attributes["retention_days"] is None  # kept forever
    assert res["/app/api"].uid == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/api"


def test_flow_logs_log_their_vpc() -> None:
    client = boto3.client("ec2", region_name=REGION)
    vpc = client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="flow-logs")
    client.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                            LogDestination="arn:aws:s3:::flow-logs")
    collected, ctx = collect(ec2)
    [flow] = [r for r in snapshot_of(collected, ctx).resources if r.type == "aws.ec2.flow_log"]
    assert (flow.attributes["traffic_type"], flow.attributes["destination_type"]) == ("ALL", "s3")
    assert (flow.uid, f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc}") in edges(collected, "logs")


def test_scalable_targets_and_policies_scale_the_service_and_the_table() -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(family="api", containerDefinitions=[{"name": "api", "image": "nginx", "memory": 512}])
    ecs.create_service(cluster="prod", serviceName="api", taskDefinition="api", desiredCount=2)
    client = boto3.client("application-autoscaling", region_name=REGION)
    client.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/prod/api",
                                    ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=10)
    client.put_scaling_policy(PolicyName="cpu", ServiceNamespace="ecs", ResourceId="service/prod/api",
                              ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
                              TargetTrackingScalingPolicyConfiguration={
                                  "TargetValue": 70.0, "PredefinedMetricSpecification": {
                                      "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    client.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/orders",
                                    ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=5,
                                    MaxCapacity=100)
    collected, ctx = collect(appautoscaling)
    res = by_uid(snapshot_of(collected, ctx))
    target = next(r for r in res.values() if r.attributes.get("resource_id") == "service/prod/api")
    assert (target.attributes["min_capacity"], target.attributes["max_capacity"]) == (2, 10)
    [policy] = [r for r in res.values() if r.type == "aws.appautoscaling.policy"]
    assert (policy.attributes["predefined_metric_type"], policy.attributes["target_value"]) == (
        "ECSServiceAverageCPUUtilization", 70.0)
    scales = edges(collected, "scales")
    assert (policy.uid, target.uid) in scales
    assert (target.uid, f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/prod/api") in scales
    assert any(dst == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders" for _, dst in scales)
    assert not ctx.gaps


def test_failover_records_and_health_checks() -> None:
    client = boto3.client("route53", region_name=REGION)
    zone = client.create_hosted_zone(Name="example.com", CallerReference="1")["HostedZone"]["Id"].split("/")[-1]
    check = client.create_health_check(CallerReference="hc", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.example.com", "RequestInterval": 10,
        "FailureThreshold": 2})["HealthCheck"]["Id"]
    client.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "api.example.com", "Type": "A", "SetIdentifier": "primary", "Failover": "PRIMARY", "TTL": 60,
            "HealthCheckId": check, "ResourceRecords": [{"Value": "203.0.113.1"}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "api.example.com", "Type": "A", "SetIdentifier": "secondary", "Failover": "SECONDARY",
            "TTL": 300, "ResourceRecords": [{"Value": "203.0.113.2"}]}}]})
    collected, ctx = collect(route53)
    res = snapshot_of(collected, ctx).resources
    records = {r.attributes["set_identifier"]: r for r in res if r.type == "aws.route53.record_set"}
    assert (records["primary"].attributes["failover"], records["primary"].attributes["ttl_seconds"]) == ("PRIMARY", 60)
    assert records["secondary"].attributes["record_name"] == "api.example.com"
    [health] = [r for r in res if r.type == "aws.route53.health_check"]
    assert (health.attributes["failure_threshold"], health.attributes["request_interval_seconds"]) == (2, 10)
    assert (records["primary"].uid, health.uid) in edges(collected, "checked_by")
    assert "healthy" in health.attributes or "healthy" in health.unknown  # a status, or why there is none


def test_distribution_origins_and_groups() -> None:
    client = boto3.client("cloudfront", region_name=REGION)
    origin = {"Id": "site", "DomainName": "site.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
    created = client.create_distribution(DistributionConfig={
        "CallerReference": "1", "Comment": "", "Enabled": True, "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    collected, ctx = collect(cloudfront)
    [dist] = snapshot_of(collected, ctx).resources
    assert dist.uid == created["Distribution"]["ARN"]
    assert [o["domain_name"] for o in dist.attributes["origins"]] == ["site.s3.amazonaws.com"]
    assert dist.attributes["origin_groups"] == [] and dist.attributes["default_target_is_group"] is False


def test_recorded_distribution_with_an_origin_group_and_oac() -> None:
    """moto drops S3OriginConfig and rejects a default behaviour targeting an origin group: AWS's shapes."""
    arn = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1"
    config = {"Enabled": True, "Logging": {"Enabled": True, "Bucket": "logs.s3.amazonaws.com"},
              "Origins": {"Quantity": 2, "Items": [
                  {"Id": "east", "DomainName": "east.s3.amazonaws.com", "OriginAccessControlId": "E2OAC",
                   "S3OriginConfig": {"OriginAccessIdentity": ""}},
                  {"Id": "west", "DomainName": "west.s3.amazonaws.com",
                   "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
              "OriginGroups": {"Quantity": 1, "Items": [{"Id": "failover", "FailoverCriteria": {
                  "StatusCodes": {"Quantity": 4, "Items": [500, 502, 503, 504]}},
                  "Members": {"Quantity": 2, "Items": [{"OriginId": "east"}, {"OriginId": "west"}]}}]},
              "DefaultCacheBehavior": {"TargetOriginId": "failover"}}
    raw = {"distributions": [{"Id": "E1", "ARN": arn, "DistributionConfig": config},
                             {"Id": "E2", "ARN": arn + "x", "DistributionConfig": {"error": "AccessDenied"}}]}
    res = by_uid(snapshot_of(cloudfront.parse(raw, ACCOUNT, "us-east-1")))
    dist = res[arn].attributes
    assert [o["origin_access_control_id"] for o in dist["origins"]] == ["E2OAC", None]
    assert all(o["s3_origin"] for o in dist["origins"])
    assert dist["origin_groups"] == [{"id": "failover", "members": ["east", "west"],
                                      "failover_status_codes": [500, 502, 503, 504]}]
    assert (dist["default_target_is_group"], dist["logging_enabled"]) == (True, True)
    assert res[arn + "x"].unknown["origins"] == "AccessDenied"


def test_standalone_cache_clusters_are_listed_and_members_are_not() -> None:
    client = boto3.client("elasticache", region_name=REGION)
    client.create_cache_cluster(CacheClusterId="sessions", Engine="redis", CacheNodeType="cache.t3.micro",
                                NumCacheNodes=1, PreferredAvailabilityZone=f"{REGION}a", SnapshotRetentionLimit=3)
    collected, ctx = collect(elasticache)
    [cache] = [r for r in snapshot_of(collected, ctx).resources if r.type == "aws.elasticache.cache_cluster"]
    assert (cache.name, cache.attributes["engine"], cache.attributes["num_nodes"],
            cache.attributes["snapshot_retention_days"]) == ("sessions", "redis", 1, 3)


def test_standalone_cache_clusters_denied_are_a_gap() -> None:
    _, ctx = collect(elasticache, hooks=[deny("DescribeCacheClusters")])
    assert [(g.operation, g.resource_types) for g in ctx.gaps] == [
        ("DescribeCacheClusters", ["aws.elasticache.cache_cluster"])]


def test_backup_vaults_with_vault_lock() -> None:
    client = boto3.client("backup", region_name=REGION)
    client.create_backup_vault(BackupVaultName="locked")
    client.put_backup_vault_lock_configuration(BackupVaultName="locked", MinRetentionDays=7, MaxRetentionDays=365)
    client.create_backup_vault(BackupVaultName="open")
    res = {r.name: r for r in snapshot_of(*collect(backup)).resources if r.type == "aws.backup.vault"}
    assert (res["locked"].attributes["locked"], res["locked"].attributes["min_retention_days"]) == (True, 7)
    assert res["open"].attributes["locked"] is False
