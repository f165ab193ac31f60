"""ElastiCache collector: replication groups (shards, members, AZs), standalone cache clusters, subnet groups.

``DescribeReplicationGroups`` gives Multi-AZ, failover, cluster mode and the members' AZs and roles.
The subnet group and security groups of a replication group are only on its member cache clusters,
so one ``DescribeCacheClusters(ShowCacheNodeInfo=True)`` call (paginated) covers every group and
lists the clusters outside any group (single-node Redis/Valkey, Memcached); if it fails, the
standalone clusters are a coverage gap and the groups' relations are marked unknown.
"""

from __future__ import annotations

from typing import Any

from ..model import Resource
from ..model.mapping import Mapped
from ..model.vocabulary.elasticache import CACHE_CLUSTER, CACHE_SUBNET_GROUP, REPLICATION_GROUP
from .base import CallContext, Collected
from .engine import build, failed

SERVICE = "elasticache"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "elasticache:DescribeReplicationGroups": ("aws.elasticache.replication_group",),
    "elasticache:DescribeCacheClusters": ("aws.elasticache.cache_cluster", "aws.elasticache.replication_group"),
    "elasticache:DescribeCacheSubnetGroups": ("aws.elasticache.subnet_group",),
}



def fetch(ctx: CallContext) -> dict[str, Any]:
    """Replication groups, their member cache clusters and the cache subnet groups."""
    raw: dict[str, Any] = {"errors": {}}
    raw["replication_groups"] = ctx.paginate(SERVICE, "DescribeReplicationGroups", "ReplicationGroups",
                                             unknown_types=OPERATIONS["elasticache:DescribeReplicationGroups"])
    raw["cache_clusters"] = ctx.paginate(SERVICE, "DescribeCacheClusters", "CacheClusters",
                                         unknown_types=(CACHE_CLUSTER,), ShowCacheNodeInfo=True)
    if raw["cache_clusters"] is None:
        raw["errors"]["cache_clusters"] = ctx.last_error
    raw["subnet_groups"] = ctx.paginate(SERVICE, "DescribeCacheSubnetGroups", "CacheSubnetGroups",
                                        unknown_types=OPERATIONS["elasticache:DescribeCacheSubnetGroups"])
    return raw


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    members: dict[str, list[dict[str, Any]]] = {}
    for cluster in raw.get("cache_clusters") or []:
        if cluster.get("ReplicationGroupId"):
            members.setdefault(cluster["ReplicationGroupId"], []).append(cluster)
        else:
            cache_node_zones(build(out, CACHE_CLUSTER, cluster, account, region), cluster)
    cluster_error = (raw.get("errors") or {}).get("cache_clusters")
    for group in raw.get("replication_groups") or []:
        details: Any = members.get(group["ReplicationGroupId"], [])
        if cluster_error:
            details = failed(f"member cache clusters not read: {cluster_error}", "member cache clusters")
        build(out, REPLICATION_GROUP, {**group, "MemberClusterDetails": details}, account, region,
              mapped=Mapped(attributes={"node_groups": node_groups(group)}))
    for group in raw.get("subnet_groups") or []:
        build(out, CACHE_SUBNET_GROUP, group, account, region)
    return out


def node_groups(group: dict[str, Any]) -> list[dict[str, Any]]:
    """Hook ``node_groups``: shards with their members' zones and roles."""
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


def cache_node_zones(resource: Resource, cluster: dict[str, Any]) -> None:
    """Hook ``cache_node_zones``: a cluster whose nodes sit in two or more zones is cross-az."""
    zones = {node.get("CustomerAvailabilityZone") for node in cluster.get("CacheNodes") or []} - {None}
    resource.attributes["az_mode"] = "cross-az" if len(zones) > 1 else "single-az"
