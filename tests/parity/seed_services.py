"""The live side of the parity architecture: ``Seeder.primary`` plus the services this architecture adds.

``ParitySeeder.primary`` creates, through boto3 against moto, what ``data/architecture.yaml`` declares
on top of ``tests/e2e/seed.py``'s us-east-1 part, and records the ids AWS gives back for what has no
name of its own (``aliases``: id, ARN or DNS name -> the name the other sources use).

Where moto does not return a field AWS returns, ``MotoGaps`` completes moto's response as the AWS API
reference documents it (a botocore ``after-call`` handler on the scan's clients), with the values the
seeder asked for; ``moto_gaps.stale`` records a gap that moto no longer has, so that the test fails
and the completion can go.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parity_sources import REGION, seed_module

Seeder: Any = seed_module().Seeder
ACCOUNT = "123456789012"
LOG_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b3c5e1e-6f7a-4d55-9e0f-2a1c3d4e5f60"
DR_VAULT = f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:dr-vault"
BATCH_TAG = {"ResourceType": "auto-scaling-group", "Key": "workload-class", "Value": "batch",
             "PropagateAtLaunch": True}


@dataclass
class MotoGap:
    """A field moto drops from one operation's response; ``fill`` adds it, returning False if it was there."""

    service: str
    operation: str
    what: str
    fill: Callable[[dict[str, Any]], bool]


@dataclass
class MotoStub:
    """An operation moto does not implement: the response AWS documents for this account's state."""

    service: str
    operation: str
    what: str
    response: dict[str, Any]


@dataclass
class MotoGaps:
    """The completions of moto's responses, registered on every client the scan creates (``hook``)."""

    gaps: list[MotoGap] = field(default_factory=list)
    stubs: list[MotoStub] = field(default_factory=list)
    filled: set[str] = field(default_factory=set)
    stale: set[str] = field(default_factory=set)

    def add(self, service: str, operation: str, what: str, fill: Callable[[dict[str, Any]], bool]) -> None:
        self.gaps.append(MotoGap(service, operation, what, fill))

    def stub(self, service: str, operation: str, what: str, response: dict[str, Any]) -> None:
        self.stubs.append(MotoStub(service, operation, what, response))

    def hook(self, client: Any) -> None:
        """A ``client_hooks`` entry of ``collect_live``."""
        service = client.meta.service_model.service_name
        event_service = client.meta.service_model.service_id.hyphenize()
        for gap in self.gaps:
            if gap.service == service:
                client.meta.events.register(f"after-call.{event_service}.{gap.operation}", self._handler(gap))
        for stub in self.stubs:
            if stub.service == service:
                client.meta.events.register(f"before-call.{event_service}.{stub.operation}", self._responder(stub))

    def _responder(self, stub: MotoStub) -> Callable[..., tuple[Any, dict[str, Any]]]:
        from botocore.awsrequest import AWSResponse

        def respond(**_: Any) -> tuple[Any, dict[str, Any]]:
            self.filled.add(stub.what)
            return AWSResponse("https://stub.invalid/", 200, {}, None), copy.deepcopy(stub.response)

        return respond

    def _handler(self, gap: MotoGap) -> Callable[..., None]:
        def handle(parsed: dict[str, Any], **_: Any) -> None:
            (self.filled if gap.fill(parsed) else self.stale).add(gap.what)

        return handle


def _missing(item: dict[str, Any], key: str, value: Any) -> bool:
    """Set ``item[key]`` when moto left it out; False when moto returned it."""
    if key in item:
        return False
    item[key] = value
    return True


class ParitySeeder(Seeder):  # type: ignore[misc, valid-type]
    """``Seeder.primary`` and the parity architecture's additions, in us-east-1."""

    def __init__(self, session: Any, endpoint_url: str | None = None) -> None:
        super().__init__(session, endpoint_url)
        self.aliases: dict[str, str] = {}
        self.moto_gaps = MotoGaps()
        self.acl_associations: dict[str, str] = {}
        self.plan_id = self.shared_arn = ""

    def primary(self) -> dict[str, str]:
        ids: dict[str, str] = super().primary()
        self.settle(ids)
        groups = self.network_services(ids)
        self.compute_services(ids, groups)
        self.containers(ids, groups)
        self.storage(ids, groups)
        self.edge()
        self.others(ids, groups)
        return ids

    def settle(self, ids: dict[str, str]) -> None:
        """Settings the architecture states on the e2e seed's resources."""
        rds = self.client("rds", REGION)
        # Aurora members: PubliclyAccessible omitted means false with a private subnet group in
        # CloudFormation but true in the Terraform state; the template states false, so does the account.
        for identifier in ("ledger-0", "ledger-1", "ledger-single-0"):
            rds.modify_db_instance(DBInstanceIdentifier=identifier, PubliclyAccessible=False, ApplyImmediately=True)
        rds.modify_db_instance(DBInstanceIdentifier="orders", MaxAllocatedStorage=100, DeletionProtection=True,
                               MonitoringInterval=60, MonitoringRoleArn=f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring",
                               ApplyImmediately=True)
        autoscaling = self.client("autoscaling", REGION)
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="batch", HealthCheckGracePeriod=300)
        autoscaling.create_or_update_tags(Tags=[{**BATCH_TAG, "ResourceId": "batch"}])
        ec2 = self.client("ec2", REGION)
        acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}])["NetworkAcls"]
        self.acl_associations = {a["SubnetId"]: a["NetworkAclAssociationId"] for acl in acls
                                 for a in acl["Associations"]}
        cache = self.client("elasticache", REGION)
        for group in cache.describe_replication_groups()["ReplicationGroups"]:
            self._member_clusters(group)

    def _member_clusters(self, group: dict[str, Any]) -> None:
        """moto's DescribeCacheClusters omits a replication group's member clusters, which AWS lists."""
        members = [{"CacheClusterId": m["CacheClusterId"], "ReplicationGroupId": group["ReplicationGroupId"],
                    "CacheClusterStatus": "available", "Engine": "redis", "CacheNodeType": group["CacheNodeType"],
                    "NumCacheNodes": 1, "PreferredAvailabilityZone": m["PreferredAvailabilityZone"],
                    "CacheSubnetGroupName": "cache", "SecurityGroups": [],
                    "ARN": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{m['CacheClusterId']}"}
                   for node_group in group["NodeGroups"] for m in node_group["NodeGroupMembers"]]

        def fill(parsed: dict[str, Any]) -> bool:
            listed = {c["CacheClusterId"] for c in parsed.get("CacheClusters", [])}
            missing = [m for m in members if m["CacheClusterId"] not in listed]
            parsed.setdefault("CacheClusters", []).extend(missing)
            return bool(missing)

        self.moto_gaps.add("elasticache", "DescribeCacheClusters",
                           f"member cache clusters of {group['ReplicationGroupId']}", fill)

    # -- network -----------------------------------------------------------------------------------

    def network_services(self, ids: dict[str, str]) -> dict[str, str]:
        """The app group and its standalone rules, the data subnets' ACL, the VPC flow log."""
        ec2 = self.client("ec2", REGION)
        groups = {g["GroupName"]: g["GroupId"] for g in ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}])["SecurityGroups"]}
        tags = [{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "app"}]}]
        groups["app"] = ec2.create_security_group(GroupName="app", Description="app", VpcId=ids["vpc"],
                                                  TagSpecifications=tags)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=groups["app"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": groups["web"]}]},
            {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
        tags = [{"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "data-acl"}]}]
        acl = ec2.create_network_acl(VpcId=ids["vpc"], TagSpecifications=tags)["NetworkAcl"]["NetworkAclId"]
        for number, protocol, action, cidr, egress, extra in (
                (100, "6", "allow", "10.0.0.0/16", False, {"PortRange": {"From": 5432, "To": 5432}}),
                (110, "1", "allow", "10.0.0.0/16", False, {"IcmpTypeCode": {"Type": 8, "Code": -1}}),
                (200, "-1", "deny", "0.0.0.0/0", False, {}),
                (100, "-1", "allow", "10.0.0.0/16", True, {})):
            ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=number, Protocol=protocol, RuleAction=action,
                                         CidrBlock=cidr, Egress=egress, **extra)
        for subnet in ("data-a", "data-b"):
            ec2.replace_network_acl_association(AssociationId=self.acl_associations[ids[subnet]], NetworkAclId=acl)

        def icmp(parsed: dict[str, Any]) -> bool:
            filled = False
            for item in parsed.get("NetworkAcls", []):
                for entry in item.get("Entries", []):
                    if item["NetworkAclId"] == acl and entry["Protocol"] == "1":
                        filled = _missing(entry, "IcmpTypeCode", {"Type": 8, "Code": -1}) or filled
            return filled

        self.moto_gaps.add("ec2", "DescribeNetworkAcls", "IcmpTypeCode of ICMP ACL entries", icmp)
        logs = self.client("logs", REGION)
        logs.create_log_group(logGroupName="flow-logs", kmsKeyId=LOG_KEY)
        logs.put_retention_policy(logGroupName="flow-logs", retentionInDays=90)
        ec2.create_flow_logs(ResourceIds=[ids["vpc"]], ResourceType="VPC", TrafficType="ALL",
                             LogDestinationType="cloud-watch-logs", LogGroupName="flow-logs",
                             DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow-logs",
                             TagSpecifications=[{"ResourceType": "vpc-flow-log",
                                                 "Tags": [{"Key": "Name", "Value": "vpc-flow"}]}])
        self.aliases["flow-logs"] = "flow-logs"  # DescribeFlowLogs names the log group
        return groups

    # -- compute -----------------------------------------------------------------------------------

    def compute_services(self, ids: dict[str, str], groups: dict[str, str]) -> None:
        """Target groups and listeners, the web group behind its target group, the Spot group, policies."""
        elbv2 = self.client("elbv2", REGION)
        web_lb = elbv2.describe_load_balancers(Names=["web"])["LoadBalancers"][0]
        self.aliases[web_lb["DNSName"]] = "web"
        targets = {}
        for name, target_type, health in (
                ("web", "instance", {"HealthCheckEnabled": True, "HealthCheckProtocol": "HTTP",
                                     "HealthCheckPath": "/health", "HealthCheckIntervalSeconds": 15,
                                     "HealthyThresholdCount": 3, "UnhealthyThresholdCount": 2}),
                ("api", "ip", {"HealthCheckPath": "/health"})):
            targets[name] = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=ids["vpc"],
                                                      TargetType=target_type, **health)["TargetGroups"][0][
                "TargetGroupArn"]
        elbv2.modify_target_group_attributes(TargetGroupArn=targets["web"], Attributes=[
            {"Key": "stickiness.enabled", "Value": "true"}, {"Key": "stickiness.type", "Value": "lb_cookie"},
            {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}])
        for port, target in ((80, targets["web"]), (8080, targets["api"])):
            elbv2.create_listener(LoadBalancerArn=web_lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
                                  DefaultActions=[{"Type": "forward", "TargetGroupArn": target}])
        ids["api-targets"] = targets["api"]
        autoscaling = self.client("autoscaling", REGION)
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="web", HealthCheckType="ELB",
                                              HealthCheckGracePeriod=120)
        autoscaling.attach_load_balancer_target_groups(AutoScalingGroupName="web", TargetGroupARNs=[targets["web"]])
        template = self.client("ec2", REGION).describe_launch_templates(LaunchTemplateNames=["app"])[
            "LaunchTemplates"][0]["LaunchTemplateId"]
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName="spot-batch", MinSize=0, MaxSize=6, DesiredCapacity=0, HealthCheckType="EC2",
            HealthCheckGracePeriod=300, VPCZoneIdentifier=f"{ids['app-a']},{ids['app-b']}",
            Tags=[{**BATCH_TAG, "ResourceId": "spot-batch"}],
            MixedInstancesPolicy={
                "LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
                                   "Overrides": [{"InstanceType": "t3.micro"}, {"InstanceType": "t3a.micro"}]},
                "InstancesDistribution": {"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 25,
                                          "SpotAllocationStrategy": "price-capacity-optimized"}})
        autoscaling.put_scaling_policy(
            AutoScalingGroupName="web", PolicyName="web-cpu", PolicyType="TargetTrackingScaling",
            TargetTrackingConfiguration={"PredefinedMetricSpecification": {
                "PredefinedMetricType": "ASGAverageCPUUtilization"}, "TargetValue": 70.0})
        autoscaling.put_scaling_policy(
            AutoScalingGroupName="web", PolicyName="web-memory", PolicyType="TargetTrackingScaling",
            TargetTrackingConfiguration={"CustomizedMetricSpecification": {
                "MetricName": "mem_used_percent", "Namespace": "CWAgent", "Statistic": "Average",
                "Dimensions": [{"Name": "AutoScalingGroupName", "Value": "web"}]}, "TargetValue": 80.0})

    # -- containers --------------------------------------------------------------------------------

    def containers(self, ids: dict[str, str], groups: dict[str, str]) -> None:
        """ECS cluster, task definition and service with its scaling; EKS cluster and node group."""
        logs = self.client("logs", REGION)
        logs.create_log_group(logGroupName="/ecs/api")
        logs.put_retention_policy(logGroupName="/ecs/api", retentionInDays=30)
        ecs = self.client("ecs", REGION)
        ecs.create_cluster(clusterName="apps", settings=[{"name": "containerInsights", "value": "enabled"}])
        ecs.register_task_definition(
            family="api", cpu="256", memory="512", networkMode="awsvpc", requiresCompatibilities=["EC2"],
            containerDefinitions=[{
                "name": "api", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True,
                "portMappings": [{"containerPort": 8080}],
                "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
                                "interval": 30},
                "logConfiguration": {"logDriver": "awslogs", "options": {
                    "awslogs-group": "/ecs/api", "awslogs-region": REGION, "awslogs-stream-prefix": "api"}}}])
        deployment = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200,
                      "minimumHealthyPercent": 100}
        placement = [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                     {"type": "binpack", "field": "memory"}]
        ecs.create_service(
            cluster="apps", serviceName="api", taskDefinition="api", desiredCount=2, launchType="EC2",
            schedulingStrategy="REPLICA", healthCheckGracePeriodSeconds=60, deploymentConfiguration=deployment,
            placementStrategy=placement,
            networkConfiguration={"awsvpcConfiguration": {"subnets": [ids["app-a"], ids["app-b"]],
                                                          "securityGroups": [groups["app"]],
                                                          "assignPublicIp": "DISABLED"}},
            loadBalancers=[{"targetGroupArn": ids["api-targets"], "containerName": "api", "containerPort": 8080}])

        def service(parsed: dict[str, Any]) -> bool:
            filled = False
            for item in parsed.get("services", []):
                if item.get("serviceName") == "api":
                    for key, value in (("deploymentConfiguration", deployment), ("placementStrategy", placement),
                                       ("healthCheckGracePeriodSeconds", 60)):
                        filled = _missing(item, key, value) or filled
            return filled

        self.moto_gaps.add("ecs", "DescribeServices",
                           "deploymentConfiguration, placementStrategy and healthCheckGracePeriodSeconds", service)
        scaling = self.client("application-autoscaling", REGION)
        target = {"ServiceNamespace": "ecs", "ResourceId": "service/apps/api",
                  "ScalableDimension": "ecs:service:DesiredCount"}
        scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=6)
        for name, metric, value in (("api-cpu", "ECSServiceAverageCPUUtilization", 70.0),
                                    ("api-memory", "ECSServiceAverageMemoryUtilization", 80.0)):
            scaling.put_scaling_policy(PolicyName=name, PolicyType="TargetTrackingScaling", **target,
                                       TargetTrackingScalingPolicyConfiguration={
                                           "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
                                           "TargetValue": value})
        eks = self.client("eks", REGION)
        eks.create_cluster(name="platform", version="1.30", roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks-cluster",
                           resourcesVpcConfig={"subnetIds": [ids["app-a"], ids["app-b"]],
                                               "securityGroupIds": [groups["app"]], "endpointPublicAccess": True,
                                               "endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
                           logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
                           tags={"team": "platform"})
        eks.create_nodegroup(clusterName="platform", nodegroupName="workers", subnets=[ids["app-a"], ids["app-b"]],
                             nodeRole=f"arn:aws:iam::{ACCOUNT}:role/eks-nodes", capacityType="ON_DEMAND",
                             scalingConfig={"minSize": 2, "maxSize": 6, "desiredSize": 3},
                             instanceTypes=["m6i.large"], tags={"team": "platform"})

    # -- storage -----------------------------------------------------------------------------------

    def storage(self, ids: dict[str, str], groups: dict[str, str]) -> None:
        """The single-node Redis, the buckets, the file systems, the backup vault and plan."""
        cache = self.client("elasticache", REGION)
        cache.create_cache_cluster(CacheClusterId="single-redis", Engine="redis", CacheNodeType="cache.t3.micro",
                                   NumCacheNodes=1, PreferredAvailabilityZone=REGION + "a",
                                   CacheSubnetGroupName="cache", SecurityGroupIds=[groups["db"]],
                                   SnapshotRetentionLimit=3, SnapshotWindow="03:00-04:00")

        def security_groups(parsed: dict[str, Any]) -> bool:
            found = [c for c in parsed.get("CacheClusters", []) if c["CacheClusterId"] == "single-redis"]
            return any([_missing(c, "SecurityGroups", [{"SecurityGroupId": groups["db"], "Status": "active"}])
                        for c in found])

        self.moto_gaps.add("elasticache", "DescribeCacheClusters", "SecurityGroups of a cache cluster",
                           security_groups)
        s3 = self.client("s3", REGION)
        for name in ("assets", "cdn-logs"):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "Name", "Value": name}]})
        self.client("s3", "us-west-2").create_bucket(
            Bucket="assets-dr", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        for name in ("assets", "assets-dr"):
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="assets", ReplicationConfiguration={
            "Role": f"arn:aws:iam::{ACCOUNT}:role/s3-replication",
            "Rules": [{"ID": "to-dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": "arn:aws:s3:::assets-dr",
                                       "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                                       "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}}]})
        s3.put_bucket_lifecycle_configuration(Bucket="assets", LifecycleConfiguration={"Rules": [{
            "ID": "tiering", "Status": "Enabled", "Filter": {"Prefix": ""},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
            "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
        self.aliases.update({"assets.s3.us-east-1.amazonaws.com": "assets", "cdn-logs.s3.amazonaws.com": "cdn-logs"})
        efs = self.client("efs", REGION)
        shared = efs.create_file_system(CreationToken="shared", Encrypted=True, ThroughputMode="elastic",
                                        Tags=[{"Key": "Name", "Value": "shared"}])["FileSystemId"]
        efs.put_lifecycle_configuration(FileSystemId=shared, LifecyclePolicies=[
            {"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToArchive": "AFTER_90_DAYS"}])
        scratch = efs.create_file_system(CreationToken="scratch-fs", AvailabilityZoneName=REGION + "a",
                                         Tags=[{"Key": "Name", "Value": "scratch-fs"}])["FileSystemId"]
        for system, subnet in ((shared, "app-a"), (shared, "app-b"), (scratch, "app-a")):
            efs.create_mount_target(FileSystemId=system, SubnetId=ids[subnet], SecurityGroups=[groups["app"]])
        backup = self.client("backup", REGION)
        backup.create_backup_vault(BackupVaultName="primary-vault")
        backup.put_backup_vault_lock_configuration(BackupVaultName="primary-vault", MinRetentionDays=7,
                                                   MaxRetentionDays=365)
        self.aliases["primary-vault"] = "primary-vault"
        cold = {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120}
        self.plan_id = backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
            {"RuleName": "daily", "TargetBackupVaultName": "primary-vault", "ScheduleExpression": "cron(0 5 ? * * *)",
             "Lifecycle": cold, "CopyActions": [{"DestinationBackupVaultArn": DR_VAULT, "Lifecycle": cold}]},
            {"RuleName": "continuous", "TargetBackupVaultName": "primary-vault",
             "ScheduleExpression": "cron(0 * ? * * *)", "EnableContinuousBackup": True,
             "Lifecycle": {"DeleteAfterDays": 35}}]})["BackupPlanId"]
        self.shared_arn = efs.describe_file_systems(FileSystemId=shared)["FileSystems"][0]["FileSystemArn"]

    # -- edge --------------------------------------------------------------------------------------

    def edge(self) -> None:
        """Route 53 failover records with a health check; CloudFront with an origin group."""
        route53 = self.client("route53", REGION)
        zone = route53.create_hosted_zone(Name="example.com", CallerReference="parity")["HostedZone"]["Id"]
        self.aliases[zone.rsplit("/", 1)[-1]] = "zone"
        check = route53.create_health_check(CallerReference="primary-check", HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": "web.example.com", "ResourcePath": "/health", "Port": 443,
            "RequestInterval": 10, "FailureThreshold": 2})["HealthCheck"]["Id"]
        self.aliases[f"arn:aws:route53:::healthcheck/{check}"] = "primary-check"
        record = {"Name": "app.example.com", "Type": "CNAME", "TTL": 60}
        route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {**record, "SetIdentifier": "primary", "Failover": "PRIMARY",
                                                       "HealthCheckId": check,
                                                       "ResourceRecords": [{"Value": "web.example.com"}]}},
            {"Action": "CREATE", "ResourceRecordSet": {**record, "SetIdentifier": "secondary",
                                                       "Failover": "SECONDARY",
                                                       "ResourceRecords": [{"Value": "dr.example.com"}]}}]})
        cloudfront = self.client("cloudfront", REGION)
        oac = cloudfront.create_origin_access_control(OriginAccessControlConfig={
            "Name": "assets-oac", "OriginAccessControlOriginType": "s3", "SigningBehavior": "always",
            "SigningProtocol": "sigv4"})["OriginAccessControl"]["Id"]
        self.aliases[oac] = "assets-oac"
        web_dns = next(dns for dns, name in self.aliases.items() if name == "web")
        origins = [{"Id": "web-alb", "DomainName": web_dns,
                    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}},
                   {"Id": "assets", "DomainName": "assets.s3.us-east-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": oac}]
        config = {
            "CallerReference": "cdn", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 2, "Items": origins},
            "OriginGroups": {"Quantity": 1, "Items": [{
                "Id": "failover", "FailoverCriteria": {"StatusCodes": {"Quantity": 4, "Items": [500, 502, 503, 504]}},
                "Members": {"Quantity": 2, "Items": [{"OriginId": "web-alb"}, {"OriginId": "assets"}]}}]},
            # moto rejects a default behaviour that targets an origin group: created on the first origin,
            # the response is completed below with the group, as AWS stores it
            "DefaultCacheBehavior": {"TargetOriginId": "web-alb", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
            "Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": "cdn-logs.s3.amazonaws.com",
                        "Prefix": "cdn/"}}
        distribution = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
        self.aliases[distribution["ARN"]] = "cdn"

        def origin_group_target(parsed: dict[str, Any]) -> bool:
            behaviour = parsed.get("DistributionConfig", {}).get("DefaultCacheBehavior", {})
            if behaviour.get("TargetOriginId") == "failover":
                return False
            behaviour["TargetOriginId"] = "failover"
            return True

        def s3_origin(parsed: dict[str, Any]) -> bool:
            items = parsed.get("DistributionConfig", {}).get("Origins", {}).get("Items", [])
            found = [o for o in items if o["Id"] == "assets"]
            return any([_missing(o, key, value) for o in found
                        for key, value in (("S3OriginConfig", {"OriginAccessIdentity": ""}),
                                           ("OriginAccessControlId", oac))])

        self.moto_gaps.add("cloudfront", "GetDistributionConfig", "a default behaviour targeting an origin group",
                           origin_group_target)
        self.moto_gaps.add("cloudfront", "GetDistributionConfig", "S3OriginConfig and OriginAccessControlId",
                           s3_origin)

    # -- the other types ---------------------------------------------------------------------------

    def others(self, ids: dict[str, str], groups: dict[str, str]) -> None:
        """An instance behind a classic load balancer, an interface endpoint, an alarm on ``orders``, a global
        cluster from ``ledger``, a backup selection, and a stack."""
        ec2 = self.client("ec2", REGION)
        instance = ec2.run_instances(
            ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1, Monitoring={"Enabled": True},
            NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": ids["app-a"], "Groups": [groups["app"]],
                                "AssociatePublicIpAddress": False}],
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-1"}]}],
        )["Instances"][0]["InstanceId"]
        elb = self.client("elb", REGION)
        elb.create_load_balancer(LoadBalancerName="legacy", Scheme="internet-facing",
                                 Subnets=[ids["pub-a"], ids["pub-b"]], SecurityGroups=[groups["web"]],
                                 Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
                                 Tags=[{"Key": "Name", "Value": "legacy"}])
        elb.modify_load_balancer_attributes(LoadBalancerName="legacy", LoadBalancerAttributes={
            "CrossZoneLoadBalancing": {"Enabled": True}, "ConnectionDraining": {"Enabled": True, "Timeout": 60}})
        elb.register_instances_with_load_balancer(LoadBalancerName="legacy", Instances=[{"InstanceId": instance}])
        ec2.create_vpc_endpoint(VpcId=ids["vpc"], VpcEndpointType="Interface",
                                ServiceName="com.amazonaws.us-east-1.ecr.api", SubnetIds=[ids["app-a"], ids["app-b"]],
                                SecurityGroupIds=[groups["app"]], PrivateDnsEnabled=True,
                                TagSpecifications=[{"ResourceType": "vpc-endpoint",
                                                    "Tags": [{"Key": "Name", "Value": "ecr-api"}]}])
        self.client("cloudwatch", REGION).put_metric_alarm(
            AlarmName="orders-cpu", Namespace="AWS/RDS", MetricName="CPUUtilization", Statistic="Average",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "orders"}], Period=60, EvaluationPeriods=3,
            Threshold=80.0, ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[f"arn:aws:sns:us-east-1:{ACCOUNT}:oncall"])
        rds = self.client("rds", REGION)
        ledger = rds.describe_db_clusters(DBClusterIdentifier="ledger")["DBClusters"][0]["DBClusterArn"]
        rds.create_global_cluster(GlobalClusterIdentifier="ledger-global", SourceDBClusterIdentifier=ledger,
                                  DeletionProtection=False)
        orders = rds.describe_db_instances(DBInstanceIdentifier="orders")["DBInstances"][0]["DBInstanceArn"]
        self._backup_selection([orders, self.shared_arn])
        self.client("cloudformation", REGION).create_stack(
            StackName="shared-params", Tags=[{"Key": "team", "Value": "platform"}],
            TemplateBody=json.dumps({"Resources": {"Ready": {"Type": "AWS::SNS::Topic",
                                                              "Properties": {"TopicName": "shared-ready"}}}}))

    def _backup_selection(self, resources: list[str]) -> None:
        """moto implements no backup selections: ListBackupSelections and GetBackupSelection answer as AWS
        does for the plan's one selection."""
        selection, role = "6f3e2a1b-0c4d-4e5f-8a9b-0c1d2e3f4a5b", f"arn:aws:iam::{ACCOUNT}:role/backup"
        self.moto_gaps.stub("backup", "ListBackupSelections", "ListBackupSelections", {"BackupSelectionsList": [
            {"SelectionId": selection, "SelectionName": "stateful", "BackupPlanId": self.plan_id,
             "IamRoleArn": role}]})
        self.moto_gaps.stub("backup", "GetBackupSelection", "GetBackupSelection", {
            "BackupSelection": {"SelectionName": "stateful", "IamRoleArn": role, "Resources": resources},
            "SelectionId": selection, "BackupPlanId": self.plan_id})
