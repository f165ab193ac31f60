"""Seed one moto Region with at least one resource of every service the real collectors read (tests only)."""

from __future__ import annotations

import json

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
    rds = boto3.client("rds", region_name=region)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="orders-replica",
                                        SourceDBInstanceIdentifier=f"orders-{region}")
    boto3.client("cloudformation", region_name=region).create_stack(StackName="queues", TemplateBody=json.dumps(
        {"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}}}}))
