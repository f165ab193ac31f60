"""Seed one moto Region with at least one resource of every service the real collectors read (tests only)."""

from __future__ import annotations

import json
from typing import Any

import boto3
from live_seed import seed_account

REGION = "us-east-1"


def seed_services(region: str = REGION) -> None:
    """VPC, subnets, RDS and metrics (``seed_account``) plus ELB, ASG, DynamoDB, S3, Backup, EFS, ECS, EKS, alarms."""
    seed_account((region,))
    ec2 = boto3.client("ec2", region_name=region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["app"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    elbv2 = boto3.client("elbv2", region_name=region)
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets, SecurityGroups=[group])["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
    boto3.client("elb", region_name=region).create_load_balancer(
        LoadBalancerName="classic", Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=[f"{region}a"])
    asg = boto3.client("autoscaling", region_name=region)
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": ami,
                                                                              "InstanceType": "t3.micro"})
    asg.create_auto_scaling_group(AutoScalingGroupName="web", MinSize=2, MaxSize=4,
                                  LaunchTemplate={"LaunchTemplateName": "web"}, VPCZoneIdentifier=",".join(subnets),
                                  TargetGroupARNs=[tg["TargetGroupArn"]])
    asg.put_scaling_policy(AutoScalingGroupName="web", PolicyName="cpu", PolicyType="TargetTrackingScaling",
                           TargetTrackingConfiguration={"TargetValue": 70.0, "PredefinedMetricSpecification": {
                               "PredefinedMetricType": "ASGAverageCPUUtilization"}})
    cache = boto3.client("elasticache", region_name=region)
    cache.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="c",
                                    SubnetIds=subnets)
    cache.create_replication_group(ReplicationGroupId="sessions", ReplicationGroupDescription="s",
                                   Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=2,
                                   AutomaticFailoverEnabled=True, CacheSubnetGroupName="cache")
    boto3.client("dynamodb", region_name=region).create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket="haguard-orders")
    s3.put_bucket_versioning(Bucket="haguard-orders", VersioningConfiguration={"Status": "Enabled"})
    backup = boto3.client("backup", region_name=region)
    backup.create_backup_vault(BackupVaultName="vault")
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "vault", "ScheduleExpression": "cron(0 5 ? * * *)"}]})
    efs = boto3.client("efs", region_name=region)
    fs = efs.create_file_system(CreationToken="shared")["FileSystemId"]
    efs.create_mount_target(FileSystemId=fs, SubnetId=subnets[0], SecurityGroups=[group])
    ecs = boto3.client("ecs", region_name=region)
    ecs.create_cluster(clusterName="apps")
    ecs.register_task_definition(family="api", containerDefinitions=[{"name": "api", "image": "nginx",
                                                                        "memory": 128}])
    ecs.create_service(cluster="apps", serviceName="api", taskDefinition="api", desiredCount=2)
    eks = boto3.client("eks", region_name=region)
    role = boto3.client("iam").create_role(RoleName="eks", AssumeRolePolicyDocument=json.dumps({}))["Role"]["Arn"]
    eks.create_cluster(name="k8s", roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
    eks.create_nodegroup(clusterName="k8s", nodegroupName="workers", nodeRole=role, subnets=subnets)
    boto3.client("cloudwatch", region_name=region).put_metric_alarm(
        AlarmName="cpu", MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average", Period=60,
        EvaluationPeriods=1, Threshold=80.0, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "AutoScalingGroupName", "Value": "web"}])
    _seed_newer_types(region, vpc, s3)
    rds = boto3.client("rds", region_name=region)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="orders-replica",
                                        SourceDBInstanceIdentifier=f"orders-{region}")


def _seed_newer_types(region: str, vpc: str, s3: Any) -> None:
    """Log groups, flow logs, scaling targets, a standalone cache, DNS failover and a CDN distribution."""
    boto3.client("logs", region_name=region).create_log_group(logGroupName="/apps/api")
    s3.create_bucket(Bucket="haguard-flow-logs")
    boto3.client("ec2", region_name=region).create_flow_logs(
        ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
        LogDestination="arn:aws:s3:::haguard-flow-logs")
    scaling = boto3.client("application-autoscaling", region_name=region)
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/apps/api",
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=6)
    scaling.put_scaling_policy(PolicyName="cpu", ServiceNamespace="ecs", ResourceId="service/apps/api",
                               ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration={
                                   "TargetValue": 70.0, "PredefinedMetricSpecification": {
                                       "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    boto3.client("elasticache", region_name=region).create_cache_cluster(
        CacheClusterId="single", Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1)
    dns = boto3.client("route53", region_name=region)
    zone = dns.create_hosted_zone(Name="example.com", CallerReference="z")["HostedZone"]["Id"].split("/")[-1]
    check = dns.create_health_check(CallerReference="c", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.example.com"})["HealthCheck"]["Id"]
    record = {"Name": "api.example.com", "Type": "A", "SetIdentifier": "primary", "Failover": "PRIMARY", "TTL": 60,
              "HealthCheckId": check, "ResourceRecords": [{"Value": "203.0.113.1"}]}
    dns.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": record}]})
    origin = {"Id": "site", "DomainName": "haguard-orders.s3.amazonaws.com",
              "S3OriginConfig": {"OriginAccessIdentity": ""}}
    boto3.client("cloudfront", region_name=region).create_distribution(DistributionConfig={
        "CallerReference": "d", "Comment": "", "Enabled": True, "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    boto3.client("cloudformation", region_name=region).create_stack(StackName="queues", TemplateBody=json.dumps(
        {"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}}}}))
