"""Per-type mapping of CloudFormation properties onto the normalised vocabulary.

``SCALARS`` and ``REFERENCES`` cover the plain property -> attribute and property -> relation cases;
``CUSTOM`` holds the types whose attributes need more than one property (security-group rules,
ElastiCache node groups, load-balancer attributes...). Omitted properties are left out so that the
vocabulary's AWS defaults apply; values the template cannot determine go to ``Resource.unknown``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .cfn_intrinsics import ResourceRef, Unknown
from .cfn_reader import MISSING, BadValue, Reader, UnknownValue

Spec = tuple[str, str, str]

SCALARS: dict[str, list[Spec]] = {
    "AWS::EC2::VPC": [("cidr_block", "CidrBlock", "str")],
    "AWS::EC2::Subnet": [
        ("availability_zone", "AvailabilityZone", "str"), ("availability_zone_id", "AvailabilityZoneId", "str"),
        ("cidr_block", "CidrBlock", "str"), ("map_public_ip_on_launch", "MapPublicIpOnLaunch", "bool"),
    ],
    "AWS::EC2::NatGateway": [("connectivity_type", "ConnectivityType", "str")],
    "AWS::EC2::SecurityGroup": [("group_name", "GroupName", "str")],
    "AWS::EC2::Instance": [
        ("instance_type", "InstanceType", "str"), ("availability_zone", "AvailabilityZone", "str"),
        ("detailed_monitoring", "Monitoring", "bool"),
    ],
    "AWS::EC2::VPCEndpoint": [("endpoint_type", "VpcEndpointType", "str"), ("service_name", "ServiceName", "str")],
    "AWS::ElasticLoadBalancingV2::LoadBalancer": [("lb_type", "Type", "str"), ("scheme", "Scheme", "str")],
    "AWS::ElasticLoadBalancingV2::TargetGroup": [
        ("protocol", "Protocol", "str"), ("port", "Port", "int"), ("target_type", "TargetType", "str"),
        ("health_check_enabled", "HealthCheckEnabled", "bool"),
        ("health_check_protocol", "HealthCheckProtocol", "str"), ("health_check_path", "HealthCheckPath", "str"),
        ("health_check_interval_seconds", "HealthCheckIntervalSeconds", "int"),
        ("healthy_threshold", "HealthyThresholdCount", "int"),
        ("unhealthy_threshold", "UnhealthyThresholdCount", "int"),
    ],
    "AWS::ElasticLoadBalancing::LoadBalancer": [
        ("scheme", "Scheme", "str"), ("availability_zones", "AvailabilityZones", "strs"),
        ("cross_zone_enabled", "CrossZone", "bool"),
        ("connection_draining", "ConnectionDrainingPolicy.Enabled", "bool"),
    ],
    "AWS::AutoScaling::AutoScalingGroup": [
        ("min_size", "MinSize", "int"), ("max_size", "MaxSize", "int"), ("desired_capacity", "DesiredCapacity", "int"),
        ("health_check_type", "HealthCheckType", "str"),
        ("health_check_grace_period_seconds", "HealthCheckGracePeriod", "int"),
        ("availability_zones", "AvailabilityZones", "strs"),
    ],
    "AWS::AutoScaling::ScalingPolicy": [
        ("policy_type", "PolicyType", "str"),
        ("predefined_metric_type",
         "TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType", "str"),
        ("target_value", "TargetTrackingConfiguration.TargetValue", "float"),
    ],
    "AWS::RDS::DBInstance": [
        ("engine", "Engine", "str"), ("engine_version", "EngineVersion", "str"),
        ("instance_class", "DBInstanceClass", "str"), ("multi_az", "MultiAZ", "bool"),
        ("availability_zone", "AvailabilityZone", "str"), ("backup_retention_days", "BackupRetentionPeriod", "int"),
        ("publicly_accessible", "PubliclyAccessible", "bool"), ("storage_encrypted", "StorageEncrypted", "bool"),
        ("deletion_protection", "DeletionProtection", "bool"), ("allocated_storage_gb", "AllocatedStorage", "int"),
        ("max_allocated_storage_gb", "MaxAllocatedStorage", "int"),
        ("monitoring_interval_seconds", "MonitoringInterval", "int"),
    ],
    "AWS::RDS::DBCluster": [
        ("engine", "Engine", "str"), ("engine_version", "EngineVersion", "str"),
        ("backup_retention_days", "BackupRetentionPeriod", "int"),
        ("deletion_protection", "DeletionProtection", "bool"), ("storage_encrypted", "StorageEncrypted", "bool"),
        ("availability_zones", "AvailabilityZones", "strs"),
    ],
    "AWS::RDS::GlobalCluster": [("engine", "Engine", "str"), ("deletion_protection", "DeletionProtection", "bool")],
    "AWS::RDS::DBSubnetGroup": [("description", "DBSubnetGroupDescription", "str")],
    "AWS::ElastiCache::ReplicationGroup": [
        ("engine", "Engine", "str"), ("multi_az", "MultiAZEnabled", "bool"),
        ("automatic_failover", "AutomaticFailoverEnabled", "bool"),
        ("snapshot_retention_days", "SnapshotRetentionLimit", "int"), ("snapshot_window", "SnapshotWindow", "str"),
        ("transit_encryption", "TransitEncryptionEnabled", "bool"),
        ("at_rest_encryption", "AtRestEncryptionEnabled", "bool"),
    ],
    "AWS::ElastiCache::SubnetGroup": [("description", "Description", "str")],
    "AWS::DynamoDB::Table": [
        ("billing_mode", "BillingMode", "str"),
        ("pitr_enabled", "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "bool"),
        ("pitr_recovery_period_days", "PointInTimeRecoverySpecification.RecoveryPeriodInDays", "int"),
        ("deletion_protection", "DeletionProtectionEnabled", "bool"),
    ],
    "AWS::DynamoDB::GlobalTable": [("billing_mode", "BillingMode", "str")],
    "AWS::S3::Bucket": [("versioning", "VersioningConfiguration.Status", "str")],
    "AWS::CloudWatch::Alarm": [
        ("namespace", "Namespace", "str"), ("metric_name", "MetricName", "str"), ("statistic", "Statistic", "str"),
        ("period_seconds", "Period", "int"), ("evaluation_periods", "EvaluationPeriods", "int"),
        ("threshold", "Threshold", "float"), ("comparison_operator", "ComparisonOperator", "str"),
        ("actions_enabled", "ActionsEnabled", "bool"), ("alarm_actions", "AlarmActions", "strs"),
    ],
    "AWS::EFS::FileSystem": [
        ("one_zone_availability_zone", "AvailabilityZoneName", "str"), ("encrypted", "Encrypted", "bool"),
    ],
    "AWS::ECS::Service": [
        ("launch_type", "LaunchType", "str"), ("desired_count", "DesiredCount", "int"),
        ("circuit_breaker", "DeploymentConfiguration.DeploymentCircuitBreaker.Enable", "bool"),
    ],
    "AWS::EKS::Nodegroup": [
        ("min_size", "ScalingConfig.MinSize", "int"), ("max_size", "ScalingConfig.MaxSize", "int"),
        ("desired_size", "ScalingConfig.DesiredSize", "int"),
    ],
    "AWS::CloudFront::Distribution": [("enabled", "DistributionConfig.Enabled", "bool")],
    "AWS::Route53::HealthCheck": [
        ("check_type", "HealthCheckConfig.Type", "str"),
        ("failure_threshold", "HealthCheckConfig.FailureThreshold", "int"),
        ("request_interval_seconds", "HealthCheckConfig.RequestInterval", "int"),
    ],
}

_SG = "uses_security_group"
REFERENCES: dict[str, list[tuple[str, str]]] = {
    "AWS::EC2::Subnet": [("in_vpc", "VpcId")],
    "AWS::EC2::RouteTable": [("in_vpc", "VpcId")],
    "AWS::EC2::SecurityGroup": [("in_vpc", "VpcId")],
    "AWS::EC2::NetworkAcl": [("in_vpc", "VpcId")],
    "AWS::EC2::NatGateway": [("in_subnet", "SubnetId")],
    "AWS::EC2::Instance": [("in_subnet", "SubnetId"), (_SG, "SecurityGroupIds"), (_SG, "SecurityGroups")],
    "AWS::EC2::VPCEndpoint": [("in_vpc", "VpcId"), ("in_subnet", "SubnetIds"), (_SG, "SecurityGroupIds")],
    "AWS::ElasticLoadBalancingV2::LoadBalancer": [("in_subnet", "Subnets"), (_SG, "SecurityGroups")],
    "AWS::ElasticLoadBalancingV2::TargetGroup": [("in_vpc", "VpcId")],
    "AWS::ElasticLoadBalancing::LoadBalancer": [
        ("in_subnet", "Subnets"), (_SG, "SecurityGroups"), ("targets", "Instances"),
    ],
    "AWS::AutoScaling::AutoScalingGroup": [("in_subnet", "VPCZoneIdentifier")],
    "AWS::AutoScaling::ScalingPolicy": [("scales", "AutoScalingGroupName")],
    "AWS::RDS::DBInstance": [
        ("in_subnet_group", "DBSubnetGroupName"), (_SG, "VPCSecurityGroups"), (_SG, "VpcSecurityGroupIds"),
        ("member_of", "DBClusterIdentifier"),
    ],
    "AWS::RDS::DBCluster": [
        ("in_subnet_group", "DBSubnetGroupName"), (_SG, "VpcSecurityGroupIds"),
        ("member_of", "GlobalClusterIdentifier"), ("replica_of", "ReplicationSourceIdentifier"),
    ],
    "AWS::RDS::DBSubnetGroup": [("in_subnet", "SubnetIds")],
    "AWS::ElastiCache::ReplicationGroup": [
        ("in_subnet_group", "CacheSubnetGroupName"), (_SG, "SecurityGroupIds"),
    ],
    "AWS::ElastiCache::SubnetGroup": [("in_subnet", "SubnetIds")],
    "AWS::ECS::Service": [
        ("in_subnet", "NetworkConfiguration.AwsvpcConfiguration.Subnets"),
        (_SG, "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups"),
    ],
    "AWS::EKS::Nodegroup": [("in_subnet", "Subnets")],
    "AWS::Backup::BackupSelection": [("member_of", "BackupPlanId")],
}


def _convert(reader: Reader, kind: str) -> Callable[[Any], Any]:
    return {"bool": reader.boolean, "int": reader.integer, "float": reader.number, "str": reader.text,
            "strs": reader.texts}[kind]


def map_resource(reader: Reader) -> None:
    """Fill ``reader.out`` from the resource's properties."""
    cfn_type = reader.cfn_type
    tag_path = {"AWS::Backup::BackupPlan": "BackupPlanTags"}.get(cfn_type, "Tags")
    reader.set("tags", tag_path, reader.tags)
    for attr, path, kind in SCALARS.get(cfn_type, []):
        reader.set(attr, path, _convert(reader, kind))
    for kind, path in REFERENCES.get(cfn_type, []):
        reader.relate(kind, path)
    custom = CUSTOM.get(cfn_type)
    if custom:
        custom(reader)


# -- EC2 ----------------------------------------------------------------------------------------

_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp", "1": "icmp",
              "icmp": "icmp", "58": "icmpv6", "icmpv6": "icmpv6"}


def protocol(reader: Reader, value: Any) -> str:
    """Normalised protocol name (``all`` for ``-1``)."""
    text = reader.text(value).lower()
    return _PROTOCOLS.get(text, text)


def sg_rule(reader: Reader, rule: Any, egress: bool) -> dict[str, Any]:
    """One CloudFormation ingress/egress rule as a flattened vocabulary rule."""
    rule = reader.mapping(rule)
    if "IpProtocol" not in rule:
        raise BadValue("IpProtocol is required")
    proto = protocol(reader, rule["IpProtocol"])
    if proto == "all":
        low, high = 0, 65535
    else:
        low = reader.integer(rule["FromPort"]) if "FromPort" in rule else -1
        high = reader.integer(rule["ToPort"]) if "ToPort" in rule else -1
        low, high = (0 if low < 0 else low), (65535 if high < 0 else high)
    out: dict[str, Any] = {"protocol": proto, "from_port": low, "to_port": high}
    peer_group = "DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"
    prefix = "DestinationPrefixListId" if egress else "SourcePrefixListId"
    for key, attr in (("CidrIp", "cidr"), ("CidrIpv6", "cidr"), (peer_group, "source_security_group"),
                      ("SourceSecurityGroupName", "source_security_group"), (prefix, "prefix_list"),
                      ("Description", "description")):
        if key in rule:
            out[attr] = reader.text(rule[key])
    return out


def _security_group(reader: Reader) -> None:
    for attr, path in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
        value = reader.get(path)
        if value is not MISSING:
            reader.build(attr, path, lambda v=value, e=attr == "egress": [
                sg_rule(reader, rule, e) for rule in reader.items(v)])
        elif attr == "egress":
            reader.out.attributes["egress"] = [{"protocol": "all", "from_port": 0, "to_port": 65535,
                                                "cidr": "0.0.0.0/0"}]


def _subnet(reader: Reader) -> None:
    if reader.get("AvailabilityZone") is MISSING and reader.get("AvailabilityZoneId") is MISSING:
        reader.unknown("availability_zone", "AvailabilityZone omitted: AWS picks the zone at creation")


def _route_table(reader: Reader) -> None:
    reader.out.attributes["routes"] = []


def _instance(reader: Reader) -> None:
    reader.relate_each("in_subnet", "NetworkInterfaces", "SubnetId")
    reader.relate_each(_SG, "NetworkInterfaces", "GroupSet")


# -- load balancing -----------------------------------------------------------------------------

def _key_values(reader: Reader, path: str) -> dict[str, Any] | Unknown:
    """``[{Key, Value}]`` attributes as a dict (values unconverted), or ``Unknown``."""
    value = reader.get(path)
    if value is MISSING:
        return {}
    try:
        return {reader.text(item.get("Key")): item.get("Value") for item in map(reader.mapping, reader.items(value))}
    except UnknownValue as exc:
        return Unknown(exc.reason)
    except BadValue as exc:
        raise reader.fail(path, exc.message) from None


def _lb_v2(reader: Reader) -> None:
    reader.relate_each("in_subnet", "SubnetMappings", "SubnetId")
    attrs = _key_values(reader, "LoadBalancerAttributes")
    path = "LoadBalancerAttributes"
    if isinstance(attrs, Unknown):
        reader.unknown("cross_zone_enabled", attrs.reason)
        reader.unknown("deletion_protection", attrs.reason)
        return
    if "deletion_protection.enabled" in attrs:
        reader.build("deletion_protection", path, lambda: reader.boolean(attrs["deletion_protection.enabled"]))
    lb_type = reader.get("Type")
    if lb_type in (MISSING, "application"):
        reader.out.attributes["cross_zone_enabled"] = True  # always on for ALBs
    elif isinstance(lb_type, Unknown):
        reader.unknown("cross_zone_enabled", lb_type.reason)
    else:
        zone_attr = attrs.get("load_balancing.cross_zone.enabled", False)
        reader.build("cross_zone_enabled", path, lambda: reader.boolean(zone_attr))


def _target_group(reader: Reader) -> None:
    reader.relate_each("targets", "Targets", "Id")
    attrs = _key_values(reader, "TargetGroupAttributes")
    path = "TargetGroupAttributes"
    for key, attr, convert in (("stickiness.enabled", "stickiness_enabled", reader.boolean),
                               ("stickiness.type", "stickiness_type", reader.text),
                               ("deregistration_delay.timeout_seconds", "deregistration_delay_seconds",
                                reader.integer)):
        if isinstance(attrs, Unknown):
            reader.unknown(attr, attrs.reason)
        elif key in attrs:
            reader.build(attr, path, lambda c=convert, v=attrs[key]: c(v))


def _asg(reader: Reader) -> None:
    reader.relate("targets", "TargetGroupARNs", reverse=True)
    reader.relate("targets", "LoadBalancerNames", reverse=True)


# -- databases ----------------------------------------------------------------------------------

def _db_instance(reader: Reader) -> None:
    if reader.relate("replica_of", "SourceDBInstanceIdentifier") or isinstance(
            reader.get("SourceDBInstanceIdentifier"), Unknown):
        reader.out.attributes["is_read_replica"] = True


AURORA_MULTI_AZ = "Aurora reports MultiAZ from where its instances run (known after deployment)"


def _db_cluster(reader: Reader) -> None:
    engine = reader.get("Engine")
    if reader.get("DBClusterInstanceClass") is not MISSING:
        reader.out.attributes["multi_az"] = True  # a Multi-AZ DB cluster: one writer and two readers
    elif isinstance(engine, Unknown):
        reader.unknown("multi_az", engine.reason)
    elif isinstance(engine, str) and engine.startswith("aurora"):
        reader.unknown("multi_az", AURORA_MULTI_AZ)


def _global_cluster(reader: Reader) -> None:
    reader.relate("member_of", "SourceDBClusterIdentifier", reverse=True)


def _node_groups(reader: Reader) -> list[dict[str, Any]]:
    config = reader.get("NodeGroupConfiguration")
    if config is not MISSING:
        groups = []
        for index, group in enumerate(reader.items(config)):
            group = reader.mapping(group)
            primary = reader.text(group["PrimaryAvailabilityZone"]) if "PrimaryAvailabilityZone" in group else None
            replica_zones = reader.texts(group["ReplicaAvailabilityZones"]) if "ReplicaAvailabilityZones" in group \
                else []
            if "ReplicaCount" in group:
                count = reader.integer(group["ReplicaCount"])
            elif replica_zones:
                count = len(replica_zones)
            elif reader.get("ReplicasPerNodeGroup") is not MISSING:
                count = reader.integer(reader.get("ReplicasPerNodeGroup"))
            else:
                raise UnknownValue(f"replica count of node group {index + 1} is not set")
            zones = replica_zones + [None] * max(0, count - len(replica_zones))
            group_id = reader.text(group["NodeGroupId"]) if "NodeGroupId" in group else f"{index + 1:04d}"
            groups.append(_group(group_id, primary, zones[:count]))
        return groups
    replicas_value, clusters_value = reader.get("ReplicasPerNodeGroup"), reader.get("NumCacheClusters")
    zones = reader.texts(reader.get("PreferredCacheClusterAZs")) if reader.get(
        "PreferredCacheClusterAZs") is not MISSING else []
    if replicas_value is not MISSING:
        replicas = reader.integer(replicas_value)
    elif clusters_value is not MISSING:
        replicas = reader.integer(clusters_value) - 1
    elif zones:
        replicas = len(zones) - 1  # PreferredCacheClusterAZs lists one zone per node
    else:
        raise UnknownValue("node count not set (NumCacheClusters, ReplicasPerNodeGroup or NodeGroupConfiguration)")
    groups_value = reader.get("NumNodeGroups")
    count = reader.integer(groups_value) if groups_value is not MISSING else 1
    if count == 1:
        padded = zones + [None] * max(0, replicas + 1 - len(zones))
        return [_group("0001", padded[0], padded[1:replicas + 1])]
    return [_group(f"{index + 1:04d}", None, [None] * replicas) for index in range(count)]


def _group(group_id: str, primary: str | None, replica_zones: list[str | None]) -> dict[str, Any]:
    members = [{"availability_zone": primary, "role": "primary"}]
    members += [{"availability_zone": zone, "role": "replica"} for zone in replica_zones]
    return {"id": group_id, "primary_availability_zone": primary, "members": members}


def _replication_group(reader: Reader) -> None:
    reader.build("node_groups", "", lambda: _node_groups(reader))
    mode = reader.get("ClusterMode")
    if mode is not MISSING:
        reader.build("cluster_mode", "ClusterMode", lambda: reader.text(mode).lower() == "enabled")
    elif reader.get("NumNodeGroups") is not MISSING or reader.get("NodeGroupConfiguration") is not MISSING:
        groups = reader.out.attributes.get("node_groups")
        if groups is not None and len(groups) > 1:
            reader.out.attributes["cluster_mode"] = True


def _global_table(reader: Reader) -> None:
    def regions() -> list[str]:
        return [reader.text(reader.mapping(r).get("RegionName")) for r in reader.items(reader.get("Replicas"))]

    def all_replicas(path: str) -> bool:
        flags = [reader.get(path, reader.mapping(r)) for r in reader.items(reader.get("Replicas"))]
        return bool(flags) and all(f is not MISSING and reader.boolean(f) for f in flags)

    if reader.get("Replicas") is not MISSING:
        reader.build("replica_regions", "Replicas", regions)
        reader.build("pitr_enabled", "Replicas",
                     lambda: all_replicas("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"))
        reader.build("deletion_protection", "Replicas", lambda: all_replicas("DeletionProtectionEnabled"))


# -- storage, backup, monitoring, edge -------------------------------------------------------------

def _bucket(reader: Reader) -> None:
    def replication() -> list[dict[str, Any]]:
        rules = []
        for rule in reader.items(reader.get("ReplicationConfiguration.Rules")):
            rule = reader.mapping(rule)
            out: dict[str, Any] = {"status": reader.text(rule.get("Status", "Enabled"))}
            destination = reader.mapping(rule.get("Destination", {}))
            if "Bucket" in destination:
                out["destination_bucket"] = reader.text(destination["Bucket"])
            rtc = reader.get("ReplicationTime.Status", destination)
            if rtc is not MISSING:
                out["replication_time_enabled"] = reader.text(rtc) == "Enabled"
            rules.append(out)
        return rules

    def lifecycle() -> list[dict[str, Any]]:
        rules = []
        for rule in reader.items(reader.get("LifecycleConfiguration.Rules")):
            rule = reader.mapping(rule)
            transitions = reader.items(rule.get("Transitions", []))
            if "Transition" in rule:
                transitions.append(rule["Transition"])
            out: dict[str, Any] = {"status": reader.text(rule.get("Status", "Enabled")), "transitions": [
                {"days": reader.integer(t["TransitionInDays"]) if "TransitionInDays" in t else None,
                 "storage_class": reader.text(t.get("StorageClass"))} for t in map(reader.mapping, transitions)]}
            noncurrent = reader.get("NoncurrentVersionExpiration.NoncurrentDays", rule)
            if noncurrent is MISSING:
                noncurrent = rule.get("NoncurrentVersionExpirationInDays", MISSING)
            if noncurrent is not MISSING:
                out["noncurrent_expiration_days"] = reader.integer(noncurrent)
            abort = reader.get("AbortIncompleteMultipartUpload.DaysAfterInitiation", rule)
            if abort is not MISSING:
                out["abort_incomplete_upload_days"] = reader.integer(abort)
            rules.append(out)
        return rules

    if reader.get("ReplicationConfiguration.Rules") is not MISSING:
        reader.build("replication_rules", "ReplicationConfiguration.Rules", replication)
    if reader.get("LifecycleConfiguration.Rules") is not MISSING:
        reader.build("lifecycle_rules", "LifecycleConfiguration.Rules", lifecycle)


def _backup_plan(reader: Reader) -> None:
    def rules() -> list[dict[str, Any]]:
        out = []
        for rule in reader.items(reader.get("BackupPlan.BackupPlanRule")):
            rule = reader.mapping(rule)
            item: dict[str, Any] = {"name": reader.text(rule["RuleName"]) if "RuleName" in rule else None}
            for key, attr, convert in (("ScheduleExpression", "schedule", reader.text),
                                       ("Lifecycle.DeleteAfterDays", "delete_after_days", reader.integer),
                                       ("Lifecycle.MoveToColdStorageAfterDays", "move_to_cold_after_days",
                                        reader.integer),
                                       ("EnableContinuousBackup", "continuous", reader.boolean)):
                value = reader.get(key, rule)
                if value is not MISSING:
                    item[attr] = convert(value)
            copies = reader.items(rule.get("CopyActions", []))
            item["copy_destinations"] = [reader.text(reader.mapping(c).get("DestinationBackupVaultArn"))
                                         for c in copies]
            out.append(item)
        return out

    if reader.get("BackupPlan.BackupPlanRule") is not MISSING:
        reader.build("rules", "BackupPlan.BackupPlanRule", rules)


def _backup_selection(reader: Reader) -> None:
    selected = reader.get("BackupSelection.Resources")
    if selected is not MISSING:
        reader.build("resources", "BackupSelection.Resources", lambda: reader.texts(selected))
        items = selected if isinstance(selected, list) else [selected]
        for index, item in enumerate(items):
            if isinstance(item, str) and "*" in item:
                continue
            reader.relate("backs_up", f"BackupSelection.Resources.{index}", value=item)
    tags = reader.get("BackupSelection.ListOfTags")
    if tags is not MISSING:
        reader.build("tag_conditions", "BackupSelection.ListOfTags", lambda: {
            reader.text(t.get("ConditionKey")): reader.text(t.get("ConditionValue"))
            for t in map(reader.mapping, reader.items(tags))})


def _alarm(reader: Reader) -> None:
    dimensions = reader.get("Dimensions")
    if dimensions is MISSING:
        return
    reader.build("dimensions", "Dimensions", lambda: {
        reader.text(d.get("Name")): reader.text(d.get("Value")) for d in map(reader.mapping, reader.items(dimensions))})
    for index, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        value = dimension.get("Value") if isinstance(dimension, dict) else None
        if isinstance(value, (ResourceRef, Unknown)):
            reader.relate("alarms_on", f"Dimensions.{index}", value=value)


def _file_system(reader: Reader) -> None:
    policies = reader.get("LifecyclePolicies")
    if policies is not MISSING:
        reader.build("lifecycle_transition_to_ia", "LifecyclePolicies", lambda: next(
            (reader.text(p["TransitionToIA"]) for p in map(reader.mapping, reader.items(policies))
             if "TransitionToIA" in p), None))


def _ecs_service(reader: Reader) -> None:
    reader.set("assign_public_ip", "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
               lambda v: reader.text(v).upper() == "ENABLED")


def _distribution(reader: Reader) -> None:
    origins = reader.get("DistributionConfig.Origins")
    if origins is not MISSING:
        reader.build("origin_domains", "DistributionConfig.Origins", lambda: [
            reader.text(o.get("DomainName")) for o in map(reader.mapping, reader.items(origins))])
        for index, origin in enumerate(origins if isinstance(origins, list) else []):
            domain = origin.get("DomainName") if isinstance(origin, dict) else None
            if isinstance(domain, ResourceRef):
                reader.relate("serves", f"DistributionConfig.Origins.{index}", value=domain)
    groups = reader.get("DistributionConfig.OriginGroups.Items")
    if groups is not MISSING:
        reader.build("origin_group_count", "DistributionConfig.OriginGroups", lambda: len(reader.items(groups)))
        target = reader.get("DistributionConfig.DefaultCacheBehavior.TargetOriginId")
        reader.build("default_target_is_group", "DistributionConfig.DefaultCacheBehavior", lambda: reader.text(
            target) in {reader.text(reader.mapping(g).get("Id")) for g in reader.items(groups)})


CUSTOM: dict[str, Callable[[Reader], None]] = {
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::EC2::Subnet": _subnet,
    "AWS::EC2::RouteTable": _route_table,
    "AWS::EC2::Instance": _instance,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _lb_v2,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
    "AWS::AutoScaling::AutoScalingGroup": _asg,
    "AWS::RDS::DBInstance": _db_instance,
    "AWS::RDS::DBCluster": _db_cluster,
    "AWS::RDS::GlobalCluster": _global_cluster,
    "AWS::ElastiCache::ReplicationGroup": _replication_group,
    "AWS::DynamoDB::GlobalTable": _global_table,
    "AWS::S3::Bucket": _bucket,
    "AWS::Backup::BackupPlan": _backup_plan,
    "AWS::Backup::BackupSelection": _backup_selection,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::EFS::FileSystem": _file_system,
    "AWS::ECS::Service": _ecs_service,
    "AWS::CloudFront::Distribution": _distribution,
}
