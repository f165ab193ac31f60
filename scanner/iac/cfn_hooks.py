"""CloudFormation's structural hooks: what the vocabulary's declarations cannot say as a path.

Each hook is named after what it does and runs after the declarative mapping of its type
(``cfn_engine``): security-group rules, ElastiCache node groups, alarm dimensions, CloudFront
origins... ``HOOKS`` lists them per CloudFormation type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..model import normalise
from ..model.vocabulary.elasticache import name_members
from .cfn_intrinsics import ResourceRef, Unknown
from .cfn_reader import MISSING, BadValue, Reader, UnknownValue

AURORA_MULTI_AZ = "Aurora reports MultiAZ from where its instances run (known after deployment)"
ALL_EGRESS = {"protocol": "all", "from_port": 0, "to_port": 65535, "cidr": "0.0.0.0/0"}


def _normalised(reader: Reader, convert: Callable[[Any], Any], value: Any) -> Any:
    """``convert`` on a resolved value (unknown parts raise ``UnknownValue``, wrong types ``BadValue``)."""
    try:
        return convert(reader.text(value) if isinstance(value, ResourceRef) else value)
    except ValueError as exc:
        raise BadValue(str(exc)) from None


def protocol(reader: Reader, value: Any) -> str:
    """Normalised protocol name (``all`` for ``-1``)."""
    return normalise.protocol(reader.text(value))


def sg_rule(reader: Reader, rule: Any, egress: bool) -> dict[str, Any]:
    """One CloudFormation ingress/egress rule as a flattened vocabulary rule."""
    rule = reader.mapping(rule)
    if "IpProtocol" not in rule:
        raise BadValue("IpProtocol is required")
    proto = protocol(reader, rule["IpProtocol"])
    ports = [reader.integer(rule[key]) if key in rule else None for key in ("FromPort", "ToPort")]
    out: dict[str, Any] = {"protocol": proto, **_normalised(reader, lambda _: normalise.rule_ports(proto, *ports), 0)}
    peer_group = "DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"
    prefix = "DestinationPrefixListId" if egress else "SourcePrefixListId"
    for key, attr in (("CidrIp", "cidr"), ("CidrIpv6", "cidr"), (peer_group, "source_security_group"),
                      ("SourceSecurityGroupName", "source_security_group"), (prefix, "prefix_list"),
                      ("Description", "description")):
        if key in rule:
            out[attr] = reader.text(rule[key])
    return out


GROUP_ID_ASSIGNED = "AWS assigns the group id when it creates the group"


def security_group_rules(reader: Reader) -> None:
    """Hook ``rules``: inline ingress/egress rules; a group without egress rules allows all egress. The
    group's own id is AWS's to assign (hook ``standalone_rules`` names an outside group's)."""
    reader.unknown("group_id", GROUP_ID_ASSIGNED)
    for attr, path in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
        value = reader.get(path)
        if value is not MISSING:
            reader.build(attr, path, lambda v=value, e=attr == "egress": [
                sg_rule(reader, rule, e) for rule in reader.items(v)])
        elif attr == "egress":
            reader.out.attributes["egress"] = [dict(ALL_EGRESS)]


def zone_chosen_by_aws(reader: Reader) -> None:
    """A subnet without a zone gets the one AWS picks at creation: unknown."""
    if reader.get("AvailabilityZone") is MISSING and reader.get("AvailabilityZoneId") is MISSING:
        reader.unknown("availability_zone", "AvailabilityZone omitted: AWS picks the zone at creation")


def routes_from_route_resources(reader: Reader) -> None:
    """Hook ``routes``: a route table's routes are separate ``AWS::EC2::Route`` resources (folded in)."""
    reader.out.attributes["routes"] = []


def cross_zone_by_type(reader: Reader) -> None:
    """ALBs always balance across zones; NLB/GWLB follow ``load_balancing.cross_zone.enabled`` (default false)."""
    lb_type = reader.get("Type")
    if lb_type in (MISSING, "application"):
        reader.out.unknown.pop("cross_zone_enabled", None)
        reader.out.attributes["cross_zone_enabled"] = True
    elif isinstance(lb_type, Unknown):
        reader.unknown("cross_zone_enabled", lb_type.reason)


def replica_source(reader: Reader) -> None:
    """Hook ``replica_source``: an instance with a source instance is a read replica, even an unknown one."""
    source = reader.get("SourceDBInstanceIdentifier")
    if source is not MISSING:
        reader.out.attributes["is_read_replica"] = True


# attribute -> the DBInstance property that a cluster member would otherwise set
CLUSTER_DECIDES = {"backup_retention_days": "BackupRetentionPeriod", "storage_encrypted": "StorageEncrypted",
                   "allocated_storage_gb": "AllocatedStorage", "max_allocated_storage_gb": "MaxAllocatedStorage"}
TAKEN_FROM_CLUSTER = "a DB cluster member takes this from its cluster"


def cluster_member_settings(reader: Reader) -> None:
    """A DB instance in a cluster (``DBClusterIdentifier``) has the cluster's retention, encryption and
    storage: the instance's own defaults do not apply (Terraform's cluster instances have no such arguments)."""
    if reader.get("DBClusterIdentifier") is MISSING:
        return
    for attr, prop in CLUSTER_DECIDES.items():
        if reader.get(prop) is MISSING:
            reader.unknown(attr, TAKEN_FROM_CLUSTER)


def aurora_multi_az(reader: Reader) -> None:
    """Hook ``aurora_multi_az``: a Multi-AZ DB cluster (``DBClusterInstanceClass``) is Multi-AZ; Aurora's
    flag follows its instances (resolved after mapping, ``cloudformation._aurora_multi_az``)."""
    engine = reader.get("Engine")
    if reader.get("DBClusterInstanceClass") is not MISSING:
        reader.out.attributes["multi_az"] = True  # a Multi-AZ DB cluster: one writer and two readers
    elif isinstance(engine, Unknown):
        reader.unknown("multi_az", engine.reason)
    elif isinstance(engine, str) and engine.startswith("aurora"):
        reader.unknown("multi_az", AURORA_MULTI_AZ)


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


def node_groups(reader: Reader) -> None:
    """Hook ``node_groups``: shards and their members' zones from the several ways to size a group; the
    members' cluster ids as ElastiCache names them."""
    reader.build("node_groups", "", lambda: _node_groups(reader))
    mode = reader.get("ClusterMode")
    if mode is not MISSING:
        reader.build("cluster_mode", "ClusterMode", lambda: reader.text(mode).lower() == "enabled")
    elif reader.get("NumNodeGroups") is not MISSING or reader.get("NodeGroupConfiguration") is not MISSING:
        groups = reader.out.attributes.get("node_groups")
        if groups is not None and len(groups) > 1:
            reader.out.attributes["cluster_mode"] = True
    name_members(reader.out.attributes.get("node_groups") or [], reader.get("ReplicationGroupId"),
                 reader.out.attributes.get("cluster_mode") is True)


def global_table_replicas(reader: Reader) -> None:
    """Hook ``global_table_replicas``: PITR and deletion protection only when every replica has them."""
    def all_replicas(path: str) -> bool:
        flags = [reader.get(path, reader.mapping(r)) for r in reader.items(reader.get("Replicas"))]
        return bool(flags) and all(f is not MISSING and reader.boolean(f) for f in flags)

    if reader.get("Replicas") is not MISSING:
        reader.build("pitr_enabled", "Replicas",
                     lambda: all_replicas("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"))
        reader.build("deletion_protection", "Replicas", lambda: all_replicas("DeletionProtectionEnabled"))


def alarm_dimensions(reader: Reader) -> None:
    """Hook ``dimensions``: ``[{Name, Value}]`` as a mapping; a referenced resource is ``alarms_on``."""
    dimensions = reader.get("Dimensions")
    if dimensions is MISSING:
        return
    reader.build("dimensions", "Dimensions", lambda: {
        reader.text(d.get("Name")): _dimension_value(reader, d.get("Value"))
        for d in map(reader.mapping, reader.items(dimensions))})
    for index, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        value = dimension.get("Value") if isinstance(dimension, dict) else None
        if isinstance(value, (ResourceRef, Unknown)):
            reader.relate("alarms_on", f"Dimensions.{index}", value=value)


def _dimension_value(reader: Reader, value: Any) -> str:
    """A dimension's value: ``!Ref Orders`` is the instance's identifier (the reference itself becomes
    ``alarms_on``), not the template's uid: known when the template sets it, else only once it exists."""
    if isinstance(value, ResourceRef):
        if value.value is not None:
            return value.value  # the name the template gives the resource
        raise UnknownValue(f"!Ref {value.logical_id}: the value it stands for is known only after deployment")
    return reader.text(value)


def distribution_origins(reader: Reader) -> None:
    """Hook ``origins``: a referenced bucket or load balancer is ``served``; whether the default
    behaviour targets an origin group."""
    origins = reader.get("DistributionConfig.Origins")
    for index, origin in enumerate(origins if isinstance(origins, list) else []):
        domain = origin.get("DomainName") if isinstance(origin, dict) else None
        if isinstance(domain, ResourceRef):
            reader.relate("serves", f"DistributionConfig.Origins.{index}", value=domain)
    groups = reader.get("DistributionConfig.OriginGroups.Items")
    if groups is not MISSING:
        target = reader.get("DistributionConfig.DefaultCacheBehavior.TargetOriginId")
        reader.build("default_target_is_group", "DistributionConfig.DefaultCacheBehavior", lambda: reader.text(
            target) in {reader.text(reader.mapping(g).get("Id")) for g in reader.items(groups)})


def backup_selected(reader: Reader) -> None:
    """Hook ``selected``: literal ARNs and references are ``backs_up``; tag conditions kept as a mapping."""
    selected = reader.get("BackupSelection.Resources")
    if selected is not MISSING:
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


def vault_lock(reader: Reader) -> None:
    """Hook ``vault_lock``: a ``LockConfiguration`` locks the vault."""
    config = reader.get("LockConfiguration")
    if isinstance(config, Unknown):
        reader.unknown("locked", config.reason)
    elif config is not MISSING:
        reader.out.attributes["locked"] = True


def log_group_kms_key(reader: Reader) -> None:
    """Hook ``kms_key``: a ``KmsKeyId`` encrypts the log group."""
    reader.out.attributes["kms_encrypted"] = reader.get("KmsKeyId") is not MISSING


def mixed_instances(reader: Reader) -> None:
    """Hook ``mixed_instances``: the group declares a ``MixedInstancesPolicy``."""
    reader.out.attributes["mixed_instances"] = reader.get("MixedInstancesPolicy") is not MISSING


def scaled_resource(reader: Reader) -> None:
    """Hook ``scaled_resource``: the service or table a ``ResourceId`` names through its references
    (``!Join ["/", [service, !Ref Cluster, !GetAtt Service.Name]]``)."""
    raw = reader.raw.get("ResourceId") if isinstance(reader.raw, dict) else None
    found = [ref for ref in _references(raw) if reader.ctx.cfn_types.get(ref) in _SCALED]
    if found:
        for logical_id in found:
            reader.ctx.relate(reader.out.uid, "scales", reader.ctx.uid(logical_id))
    elif isinstance(reader.get("ResourceId"), Unknown):
        reader.ctx.unknown_relation(reader.out.uid, "scales", reader.get("ResourceId").reason)


_SCALED = {"AWS::ECS::Service", "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"}


def _references(node: Any) -> list[str]:
    """Logical ids that ``Ref``/``GetAtt``/``Sub`` name anywhere inside a raw template value."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.append(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) and value else str(value).split(".")[0]
                found.append(str(target))
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                found.extend(_sub_names(text))
                found.extend(_references(value))
            else:
                found.extend(_references(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_references(value))
    return found


def _sub_names(text: Any) -> list[str]:
    return [name.split(".")[0] for name in re.findall(r"\$\{([A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)\}", str(text))]


HOOKS: dict[str, tuple[Callable[[Reader], None], ...]] = {
    "AWS::EC2::SecurityGroup": (security_group_rules,),
    "AWS::EC2::Subnet": (zone_chosen_by_aws,),
    "AWS::EC2::RouteTable": (routes_from_route_resources,),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (cross_zone_by_type,),
    "AWS::AutoScaling::AutoScalingGroup": (mixed_instances,),
    "AWS::ApplicationAutoScaling::ScalableTarget": (scaled_resource,),
    "AWS::RDS::DBInstance": (replica_source, cluster_member_settings),
    "AWS::RDS::DBCluster": (aurora_multi_az,),
    "AWS::ElastiCache::ReplicationGroup": (node_groups,),
    "AWS::DynamoDB::GlobalTable": (global_table_replicas,),
    "AWS::CloudWatch::Alarm": (alarm_dimensions,),
    "AWS::CloudFront::Distribution": (distribution_origins,),
    "AWS::Backup::BackupSelection": (backup_selected,),
    "AWS::Backup::BackupVault": (vault_lock,),
    "AWS::Logs::LogGroup": (log_group_kms_key,),
}
