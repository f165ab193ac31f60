"""RDS collector: DB instances, DB clusters, Aurora global clusters and DB subnet groups.

Uids are ARNs. A read replica's ``ReadReplicaSourceDBInstanceIdentifier`` is an ARN for a
cross-Region source and a bare identifier for a same-Region one; both become the source's ARN.
Subnets and security groups use the EC2 collector's scheme (``arn:aws:ec2:{region}:{account}:subnet/{id}``).
Secrets (``MasterUserPassword``, ``MasterUserSecret``) are never read into the output.

A global cluster is listed by ``DescribeGlobalClusters`` in every Region; it is emitted only in the
Region of its writer member (else of its first member) so that merged Regions hold it once.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..model import Relation, Resource
from ..model.normalise import arn_region, seconds_between
from ..model.vocabulary.rds import DB_CLUSTER, DB_INSTANCE, DB_SUBNET_GROUP, GLOBAL_CLUSTER
from .base import CallContext, Collected
from .engine import build

SERVICE = "rds"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "rds:DescribeDBInstances": ("aws.rds.db_instance",),
    "rds:DescribeDBClusters": ("aws.rds.db_cluster",),
    "rds:DescribeGlobalClusters": ("aws.rds.global_cluster",),
    "rds:DescribeDBSubnetGroups": ("aws.rds.db_subnet_group",),
}



def fetch(ctx: CallContext) -> dict[str, Any]:
    """Call the four Describe operations; a failed one is ``None`` (and a coverage gap)."""
    raw: dict[str, Any] = {"taken_at": datetime.now(timezone.utc).isoformat()}
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
    taken_at = raw.get("taken_at")
    groups: dict[str, dict[str, Any]] = {g["DBSubnetGroupName"]: g for g in raw.get("db_subnet_groups") or []}
    for item in raw.get("db_instances") or []:
        embedded = item.get("DBSubnetGroup")
        if embedded and embedded.get("DBSubnetGroupName") and raw.get("db_subnet_groups") is None:
            groups.setdefault(embedded["DBSubnetGroupName"], embedded)
        resource = build(out, DB_INSTANCE, item, account, region)
        replica_source(resource, item)
        standby_zone(resource, item)
        pitr_lag(resource, item.get("LatestRestorableTime"), taken_at)
    global_members = _global_membership(raw.get("global_clusters"))
    for item in raw.get("db_clusters") or []:
        resource = build(out, DB_CLUSTER, item, account, region)
        global_membership(resource, item, account, global_members, errors.get("global_clusters"), out)
        pitr_lag(resource, item.get("LatestRestorableTime"), taken_at)
    for item in raw.get("global_clusters") or []:
        members = item.get("GlobalClusterMembers") or []
        home = next((m for m in members if m.get("IsWriter")), members[0] if members else None)
        if home is None or arn_region(home.get("DBClusterArn", "")) == region:
            build(out, GLOBAL_CLUSTER, item, account, region)
    for group in groups.values():
        build(out, DB_SUBNET_GROUP, group, account, region)
    return out


def replica_source(resource: Resource, item: dict[str, Any]) -> None:
    """Hook ``replica_source``: an instance with a source instance is a read replica."""
    resource.attributes["is_read_replica"] = bool(item.get("ReadReplicaSourceDBInstanceIdentifier"))


def standby_zone(resource: Resource, item: dict[str, Any]) -> None:
    """Hook ``standby_zone``: a Multi-AZ instance's standby zone; unknown when AWS does not report it."""
    if item.get("SecondaryAvailabilityZone"):
        resource.attributes["secondary_availability_zone"] = item["SecondaryAvailabilityZone"]
    elif resource.attributes.get("multi_az") and not item.get("DBClusterIdentifier"):
        resource.unknown["secondary_availability_zone"] = (
            "SecondaryAvailabilityZone not returned by DescribeDBInstances for a Multi-AZ DB")


def pitr_lag(resource: Resource, latest: Any, taken_at: Any) -> None:
    """Hook ``pitr_lag``: seconds from ``LatestRestorableTime`` to the scan (point-in-time-recovery gap)."""
    lag = seconds_between(latest, taken_at)
    if lag is not None:
        resource.attributes["pitr_lag_seconds"] = lag


def _global_membership(global_clusters: list[dict[str, Any]] | None) -> dict[str, str]:
    """Member cluster ARN -> global cluster ARN."""
    return {m["DBClusterArn"]: g["GlobalClusterArn"]
            for g in global_clusters or [] if g.get("GlobalClusterArn")
            for m in g.get("GlobalClusterMembers") or [] if m.get("DBClusterArn")}


def global_membership(resource: Resource, item: dict[str, Any], account: str, members: dict[str, str],
                      global_error: str | None, out: Collected) -> None:
    """Hook ``global_membership``: the global cluster a regional cluster belongs to (from
    ``DescribeGlobalClusters``, else its ``GlobalClusterIdentifier``); unknown when that call failed."""
    global_uid = members.get(resource.uid)
    if global_uid is None and item.get("GlobalClusterIdentifier"):
        global_uid = f"arn:aws:rds::{account}:global-cluster:{item['GlobalClusterIdentifier']}"
    if global_uid:
        out.relations.append(Relation(src=resource.uid, kind="member_of", dst=global_uid))
    elif global_error:
        resource.unknown_relations["member_of"] = f"global cluster membership unknown: {global_error}"
