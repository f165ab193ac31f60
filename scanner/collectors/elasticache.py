"""ElastiCache collector: replication groups (shards, members, AZs) and cache subnet groups.

``DescribeReplicationGroups`` gives Multi-AZ, failover, cluster mode and the members' AZs and roles.
The subnet group and security groups of a replication group are only on its member cache clusters,
so one ``DescribeCacheClusters(ShowCacheNodeInfo=True)`` call (paginated) covers every group; if it
fails, only those relations are marked unknown on each group (no coverage gap).
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected
from .subnet_groups import add_subnet_group

SERVICE = "elasticache"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "elasticache:DescribeReplicationGroups": ("aws.elasticache.replication_group",),
    "elasticache:DescribeCacheClusters": ("aws.elasticache.replication_group",),
    "elasticache:DescribeCacheSubnetGroups": ("aws.elasticache.subnet_group",),
}

_GROUP = "aws.elasticache.replication_group"
_SUBNET_GROUP = "aws.elasticache.subnet_group"


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Replication groups, their member cache clusters and the cache subnet groups."""
    raw: dict[str, Any] = {"errors": {}}
    raw["replication_groups"] = ctx.paginate(SERVICE, "DescribeReplicationGroups", "ReplicationGroups",
                                             unknown_types=OPERATIONS["elasticache:DescribeReplicationGroups"])
    raw["cache_clusters"] = ctx.paginate(SERVICE, "DescribeCacheClusters", "CacheClusters", unknown_types=(),
                                         ShowCacheNodeInfo=True)
    if raw["cache_clusters"] is None:
        raw["errors"]["cache_clusters"] = ctx.last_error
    raw["subnet_groups"] = ctx.paginate(SERVICE, "DescribeCacheSubnetGroups", "CacheSubnetGroups",
                                        unknown_types=OPERATIONS["elasticache:DescribeCacheSubnetGroups"])
    return raw


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    clusters: dict[str, list[dict[str, Any]]] = {}
    for cluster in raw.get("cache_clusters") or []:
        if cluster.get("ReplicationGroupId"):
            clusters.setdefault(cluster["ReplicationGroupId"], []).append(cluster)
    cluster_error = (raw.get("errors") or {}).get("cache_clusters")
    for group in raw.get("replication_groups") or []:
        _replication_group(group, clusters.get(group["ReplicationGroupId"], []), cluster_error, account, region, out)
    for group in raw.get("subnet_groups") or []:
        _subnet_group(group, account, region, out)
    return out


def replication_group_uid(account: str, region: str, group_id: str) -> str:
    """A replication group's ARN."""
    return f"arn:aws:elasticache:{region}:{account}:replicationgroup:{group_id}"


def subnet_group_uid(account: str, region: str, name: str) -> str:
    """A cache subnet group's ARN."""
    return f"arn:aws:elasticache:{region}:{account}:subnetgroup:{name}"


def _node_groups(group: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for node_group in group.get("NodeGroups") or []:
        members = [{k: v for k, v in (("cluster_id", m.get("CacheClusterId")),
                                      ("availability_zone", m.get("PreferredAvailabilityZone")),
                                      ("role", m.get("CurrentRole"))) if v is not None}
                   for m in node_group.get("NodeGroupMembers") or []]
        item: dict[str, Any] = {"id": node_group.get("NodeGroupId", ""), "members": members}
        primary = next((m.get("availability_zone") for m in members if m.get("role") == "primary"), None)
        if primary:
            item["primary_availability_zone"] = primary
        result.append(item)
    return result


def _replication_group(group: dict[str, Any], members: list[dict[str, Any]], cluster_error: str | None,
                       account: str, region: str, out: Collected) -> None:
    group_id = group["ReplicationGroupId"]
    uid = replication_group_uid(account, region, group_id)
    attrs: dict[str, Any] = {
        "multi_az": group.get("MultiAZ") == "enabled",
        "automatic_failover": group.get("AutomaticFailover") == "enabled",
        "cluster_mode": bool(group.get("ClusterEnabled")),
        "node_groups": _node_groups(group),
        "snapshot_retention_days": group.get("SnapshotRetentionLimit") or 0,
        "transit_encryption": bool(group.get("TransitEncryptionEnabled")),
        "at_rest_encryption": bool(group.get("AtRestEncryptionEnabled")),
    }
    engine = group.get("Engine") or next((m["Engine"] for m in members if m.get("Engine")), None)
    if engine:
        attrs["engine"] = engine
    if group.get("SnapshotWindow"):
        attrs["snapshot_window"] = group["SnapshotWindow"]
    unknown_relations: dict[str, str] = {}
    if cluster_error:
        reason = f"member cache clusters not read: {cluster_error}"
        unknown_relations = {"in_subnet_group": reason, "uses_security_group": reason}
    out.resources.append(Resource(uid=uid, type=_GROUP, name=group_id, account=account, region=region,
                                  attributes=attrs, unknown_relations=unknown_relations))
    subnet_groups = {m["CacheSubnetGroupName"] for m in members if m.get("CacheSubnetGroupName")}
    security_groups = {sg["SecurityGroupId"] for m in members for sg in m.get("SecurityGroups") or []
                       if sg.get("SecurityGroupId")}
    out.relations.extend(Relation(src=uid, kind="in_subnet_group", dst=subnet_group_uid(account, region, name))
                         for name in sorted(subnet_groups))
    out.relations.extend(Relation(src=uid, kind="uses_security_group",
                                  dst=f"arn:aws:ec2:{region}:{account}:security-group/{sg}")
                         for sg in sorted(security_groups))


def _subnet_group(group: dict[str, Any], account: str, region: str, out: Collected) -> None:
    name = group["CacheSubnetGroupName"]
    add_subnet_group(out, uid=subnet_group_uid(account, region, name), type_name=_SUBNET_GROUP, name=name,
                     description=group.get("CacheSubnetGroupDescription"), vpc_id=group.get("VpcId"),
                     subnets=group.get("Subnets") or [], account=account, region=region)
