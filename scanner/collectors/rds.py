"""RDS collector: DB instances, DB clusters, Aurora global clusters and DB subnet groups.

Uids are ARNs. A read replica's ``ReadReplicaSourceDBInstanceIdentifier`` is an ARN for a
cross-Region source and a bare identifier for a same-Region one; both become the source's ARN.
Subnets and security groups use the EC2 collector's scheme (``arn:aws:ec2:{region}:{account}:subnet/{id}``).
Secrets (``MasterUserPassword``, ``MasterUserSecret``) are never read into the output.

A global cluster is listed by ``DescribeGlobalClusters`` in every Region; it is emitted only in the
Region of its writer member (else of its first member) so that merged Regions hold it once.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected
from .ec2 import ec2_arn
from .subnet_groups import add_subnet_group

SERVICE = "rds"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "rds:DescribeDBInstances": ("aws.rds.db_instance",),
    "rds:DescribeDBClusters": ("aws.rds.db_cluster",),
    "rds:DescribeGlobalClusters": ("aws.rds.global_cluster",),
    "rds:DescribeDBSubnetGroups": ("aws.rds.db_subnet_group",),
}

_INSTANCE = "aws.rds.db_instance"
_CLUSTER = "aws.rds.db_cluster"
_GLOBAL = "aws.rds.global_cluster"
_SUBNET_GROUP = "aws.rds.db_subnet_group"


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Call the four Describe operations; a failed one is ``None`` (and a coverage gap)."""
    raw: dict[str, Any] = {}
    for key, operation, result_key in (
        ("db_instances", "DescribeDBInstances", "DBInstances"),
        ("db_clusters", "DescribeDBClusters", "DBClusters"),
        ("global_clusters", "DescribeGlobalClusters", "GlobalClusters"),
        ("db_subnet_groups", "DescribeDBSubnetGroups", "DBSubnetGroups"),
    ):
        raw[key] = ctx.paginate(SERVICE, operation, result_key,
                                unknown_types=OPERATIONS[f"{SERVICE}:{operation}"])
        if raw[key] is None:
            raw.setdefault("errors", {})[key] = ctx.last_error
    return raw


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    errors: dict[str, str] = raw.get("errors") or {}
    groups: dict[str, dict[str, Any]] = {g["DBSubnetGroupName"]: g for g in raw.get("db_subnet_groups") or []}
    for item in raw.get("db_instances") or []:
        embedded = item.get("DBSubnetGroup")
        if embedded and embedded.get("DBSubnetGroupName") and raw.get("db_subnet_groups") is None:
            groups.setdefault(embedded["DBSubnetGroupName"], embedded)
        _instance(item, account, region, out)
    global_members = _global_membership(raw.get("global_clusters"))
    for item in raw.get("db_clusters") or []:
        _cluster(item, account, region, global_members, errors.get("global_clusters"), out)
    for item in raw.get("global_clusters") or []:
        _global_cluster(item, account, region, out)
    for group in groups.values():
        _subnet_group(group, account, region, out)
    return out


def subnet_uid(account: str, region: str, subnet_id: str) -> str:
    """The EC2 collector's uid for a subnet."""
    return ec2_arn(account, region, "subnet", subnet_id)


def security_group_uid(account: str, region: str, group_id: str) -> str:
    """The EC2 collector's uid for a security group."""
    return ec2_arn(account, region, "security-group", group_id)


def instance_uid(account: str, region: str, identifier: str) -> str:
    """A DB instance ARN from its identifier (an ARN is returned unchanged)."""
    return identifier if identifier.startswith("arn:") else f"arn:aws:rds:{region}:{account}:db:{identifier}"


def cluster_uid(account: str, region: str, identifier: str) -> str:
    """A DB cluster ARN from its identifier (an ARN is returned unchanged)."""
    return identifier if identifier.startswith("arn:") else f"arn:aws:rds:{region}:{account}:cluster:{identifier}"


def subnet_group_uid(account: str, region: str, name: str) -> str:
    """A DB subnet group ARN from its name."""
    return f"arn:aws:rds:{region}:{account}:subgrp:{name}"


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in item.get("TagList") or []}


def _set(attrs: dict[str, Any], unknown: dict[str, str], name: str, value: Any, field: str, operation: str) -> None:
    """Set a value AWS always returns; its absence makes the attribute unknown, never defaulted."""
    if value is None:
        unknown[name] = f"{field} not returned by {operation}"
    else:
        attrs[name] = value


def _instance(item: dict[str, Any], account: str, region: str, out: Collected) -> None:
    ident = item["DBInstanceIdentifier"]
    uid = item.get("DBInstanceArn") or instance_uid(account, region, ident)
    attrs: dict[str, Any] = {"tags": _tags(item)}
    unknown: dict[str, str] = {}
    op = "DescribeDBInstances"
    for name, field in (("multi_az", "MultiAZ"), ("backup_retention_days", "BackupRetentionPeriod"),
                        ("publicly_accessible", "PubliclyAccessible"), ("storage_encrypted", "StorageEncrypted")):
        _set(attrs, unknown, name, item.get(field), field, op)
    optional = {"engine": "Engine", "engine_version": "EngineVersion", "instance_class": "DBInstanceClass",
                "availability_zone": "AvailabilityZone", "secondary_availability_zone": "SecondaryAvailabilityZone",
                "deletion_protection": "DeletionProtection", "allocated_storage_gb": "AllocatedStorage",
                "max_allocated_storage_gb": "MaxAllocatedStorage", "monitoring_interval_seconds": "MonitoringInterval"}
    attrs.update({name: item[field] for name, field in optional.items() if item.get(field) is not None})
    if attrs.get("multi_az") and not item.get("DBClusterIdentifier") and "secondary_availability_zone" not in attrs:
        unknown["secondary_availability_zone"] = f"SecondaryAvailabilityZone not returned by {op} for a Multi-AZ DB"
    source = item.get("ReadReplicaSourceDBInstanceIdentifier")
    attrs["is_read_replica"] = bool(source)
    out.resources.append(Resource(uid=uid, type=_INSTANCE, name=ident, account=account, region=region,
                                  attributes=attrs, unknown=unknown))
    if source:
        out.relations.append(Relation(src=uid, kind="replica_of", dst=instance_uid(account, region, source)))
    if item.get("DBClusterIdentifier"):
        out.relations.append(Relation(src=uid, kind="member_of",
                                      dst=cluster_uid(account, region, item["DBClusterIdentifier"])))
    group = (item.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
    if group:
        out.relations.append(Relation(src=uid, kind="in_subnet_group", dst=subnet_group_uid(account, region, group)))
    _security_groups(uid, item, account, region, out)


def _security_groups(uid: str, item: dict[str, Any], account: str, region: str, out: Collected) -> None:
    for sg in item.get("VpcSecurityGroups") or []:
        if sg.get("VpcSecurityGroupId"):
            out.relations.append(Relation(src=uid, kind="uses_security_group",
                                          dst=security_group_uid(account, region, sg["VpcSecurityGroupId"])))


def _global_membership(global_clusters: list[dict[str, Any]] | None) -> dict[str, str]:
    """Member cluster ARN -> global cluster ARN."""
    return {m["DBClusterArn"]: g["GlobalClusterArn"]
            for g in global_clusters or [] if g.get("GlobalClusterArn")
            for m in g.get("GlobalClusterMembers") or [] if m.get("DBClusterArn")}


def _cluster(item: dict[str, Any], account: str, region: str, global_members: dict[str, str],
             global_error: str | None, out: Collected) -> None:
    ident = item["DBClusterIdentifier"]
    uid = item.get("DBClusterArn") or cluster_uid(account, region, ident)
    attrs: dict[str, Any] = {"tags": _tags(item), "availability_zones": sorted(item.get("AvailabilityZones") or [])}
    unknown: dict[str, str] = {}
    op = "DescribeDBClusters"
    for name, field in (("multi_az", "MultiAZ"), ("backup_retention_days", "BackupRetentionPeriod"),
                        ("storage_encrypted", "StorageEncrypted")):
        _set(attrs, unknown, name, item.get(field), field, op)
    optional = {"engine": "Engine", "engine_version": "EngineVersion", "deletion_protection": "DeletionProtection"}
    attrs.update({name: item[field] for name, field in optional.items() if item.get(field) is not None})
    unknown_relations: dict[str, str] = {}
    global_uid = global_members.get(uid)
    if global_uid is None and item.get("GlobalClusterIdentifier"):
        global_uid = f"arn:aws:rds::{account}:global-cluster:{item['GlobalClusterIdentifier']}"
    if global_uid:
        out.relations.append(Relation(src=uid, kind="member_of", dst=global_uid))
    elif global_error:
        unknown_relations["member_of"] = f"global cluster membership unknown: {global_error}"
    out.resources.append(Resource(uid=uid, type=_CLUSTER, name=ident, account=account, region=region,
                                  attributes=attrs, unknown=unknown, unknown_relations=unknown_relations))
    if item.get("ReplicationSourceIdentifier"):
        out.relations.append(Relation(src=uid, kind="replica_of",
                                      dst=cluster_uid(account, region, item["ReplicationSourceIdentifier"])))
    if item.get("DBSubnetGroup"):
        out.relations.append(Relation(src=uid, kind="in_subnet_group",
                                      dst=subnet_group_uid(account, region, item["DBSubnetGroup"])))
    _security_groups(uid, item, account, region, out)


def _arn_region(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def _global_cluster(item: dict[str, Any], account: str, region: str, out: Collected) -> None:
    members = item.get("GlobalClusterMembers") or []
    home = next((m for m in members if m.get("IsWriter")), members[0] if members else None)
    if home is not None and _arn_region(home.get("DBClusterArn", "")) != region:
        return
    ident = item.get("GlobalClusterIdentifier", "")
    uid = item.get("GlobalClusterArn") or f"arn:aws:rds::{account}:global-cluster:{ident}"
    attrs = {name: item[field] for name, field in (("engine", "Engine"), ("deletion_protection", "DeletionProtection"))
             if item.get(field) is not None}
    out.resources.append(Resource(uid=uid, type=_GLOBAL, name=ident, account=account, region=region,
                                  attributes=attrs))


def _subnet_group(group: dict[str, Any], account: str, region: str, out: Collected) -> None:
    name = group["DBSubnetGroupName"]
    add_subnet_group(out, uid=subnet_group_uid(account, region, name), type_name=_SUBNET_GROUP, name=name,
                     description=group.get("DBSubnetGroupDescription"), vpc_id=group.get("VpcId"),
                     subnets=group.get("Subnets") or [], account=account, region=region)
