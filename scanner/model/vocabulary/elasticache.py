"""ElastiCache: replication groups (Redis/Valkey), standalone cache clusters, cache subnet groups."""


from typing import Any, ClassVar

from .. import normalise
from ._base import PLACED, RECOVERY, Attributes, Item
from ._fields import Hook, Live, attr, rel

REPLICATION_GROUP = "aws.elasticache.replication_group"
CACHE_CLUSTER = "aws.elasticache.cache_cluster"
CACHE_SUBNET_GROUP = "aws.elasticache.subnet_group"
_CACHE_ARN = "arn:aws:elasticache:{region}:{account}:"
_METRICS_ONLY = "read from CloudWatch metrics over the lag window (live only)"
WINDOW_CHOSEN = "omitted: ElastiCache chooses the daily snapshot window at creation"


def member_cluster_id(group_id: str, shard: int, node: int, cluster_mode: bool) -> str:
    """The cache cluster id ElastiCache gives a replication group's node (1-based shard and node):
    ``sessions-002``, or ``orders-0002-001`` in cluster mode."""
    return f"{group_id}-{shard:04d}-{node:03d}" if cluster_mode else f"{group_id}-{node:03d}"


def name_members(groups: list[dict[str, Any]], group_id: Any, cluster_mode: bool) -> None:
    """Give the members of IaC node groups the cluster ids ElastiCache will (when the group's id is set)."""
    if not isinstance(group_id, str) or not group_id:
        return
    for shard, group in enumerate(groups, start=1):
        for node, member in enumerate(group.get("members") or [], start=1):
            member.setdefault("cluster_id", member_cluster_id(group_id, shard, node, cluster_mode))


class NodeGroupMember(Item):
    """One node of a shard."""

    cluster_id: str | None = attr(None, "`CacheClusterId` of the node.")
    availability_zone: str | None = attr(None, "`PreferredAvailabilityZone`.")
    role: str | None = attr(None, "`CurrentRole`: primary or replica.")


class NodeGroup(Item):
    """One shard (node group) of a replication group."""

    id: str = attr(..., "`NodeGroupId`.")
    primary_availability_zone: str | None = attr(None, "The zone of the shard's primary.")
    members: list[NodeGroupMember] = attr([], "The shard's nodes.")


class ReplicationGroup(Attributes):
    """A replication group; ``in_subnet_group`` its cache subnet group."""

    type_name: ClassVar[str] = REPLICATION_GROUP
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElastiCache::ReplicationGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elasticache_replication_group",)
    live: ClassVar[Live] = Live("elasticache:DescribeReplicationGroups", _CACHE_ARN + "replicationgroup:{id}",
                                id="ReplicationGroupId", name="ReplicationGroupId")
    relations = (
        rel("in_subnet_group", CACHE_SUBNET_GROUP, cfn="CacheSubnetGroupName", tf="subnet_group_name",
            live="MemberClusterDetails[*].CacheSubnetGroupName"),
        rel("uses_security_group", "aws.ec2.security_group", cfn="SecurityGroupIds", tf="security_group_ids",
            live="MemberClusterDetails[*].SecurityGroups[*].SecurityGroupId"),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **RECOVERY}
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {
        "replication_lag_max_seconds": ("lag_window_seconds",),
        "global_replication_lag_max_seconds": ("lag_window_seconds", "global_replication_group_id"),
    }

    engine: str = attr("redis", "`Engine`; default redis.", cfn="Engine", tf="engine",
                       live="Engine|MemberClusterDetails[0].Engine")
    multi_az: bool = attr(False, "`MultiAZ == enabled`; default disabled.", cfn="MultiAZEnabled",
                          tf="multi_az_enabled", live="MultiAZ", conv=normalise.enabled)
    automatic_failover: bool = attr(
        False, "`AutomaticFailover == enabled`; CloudFormation/Terraform default false.",
        cfn="AutomaticFailoverEnabled", tf="automatic_failover_enabled", live="AutomaticFailover",
        conv=normalise.enabled)
    cluster_mode: bool = attr(False, "`ClusterEnabled`; default false.", cfn=Hook("node_groups"),
                              tf=Hook("node_groups"), live="ClusterEnabled")
    node_groups: list[NodeGroup] = attr([], "`NodeGroups` with members.", cfn=Hook("node_groups"),
                                        tf=Hook("node_groups"), live=Hook("node_groups"))
    snapshot_retention_days: int = attr(0, "`SnapshotRetentionLimit`; default 0 (off).",
                                        cfn="SnapshotRetentionLimit", tf="snapshot_retention_limit",
                                        live="SnapshotRetentionLimit")
    snapshot_window: str | None = attr(None, "`SnapshotWindow` (daily backup window).", cfn="SnapshotWindow",
                                       tf="snapshot_window", live="SnapshotWindow", chosen_by_aws=WINDOW_CHOSEN)
    transit_encryption: bool = attr(False, "`TransitEncryptionEnabled`.", cfn="TransitEncryptionEnabled",
                                    tf="transit_encryption_enabled", live="TransitEncryptionEnabled")
    at_rest_encryption: bool = attr(False, "`AtRestEncryptionEnabled`.", cfn="AtRestEncryptionEnabled",
                                    tf="at_rest_encryption_enabled", live="AtRestEncryptionEnabled")
    global_replication_group_id: str | None = attr(
        None, "The Global Datastore the group belongs to.", cfn=None, tf="global_replication_group_id",
        live="GlobalReplicationGroupInfo.GlobalReplicationGroupId",
        why="CloudFormation declares membership on AWS::ElastiCache::GlobalReplicationGroup, not modelled")
    replication_lag_max_seconds: float | None = attr(
        None, "Maximum CloudWatch `ReplicationLag` of replica nodes over the window (live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)
    global_replication_role: str | None = attr(
        None, "Role in its Global Datastore: `primary` or `secondary` (`GlobalReplicationGroupMemberRole`); null "
        "when the group belongs to none.", live="GlobalReplicationGroupInfo.GlobalReplicationGroupMemberRole",
        conv=normalise.lower,
        why="IaC declares the roles on AWS::ElastiCache::GlobalReplicationGroup / "
        "aws_elasticache_global_replication_group, not modelled; the role is read live")
    global_replication_lag_max_seconds: float | None = attr(
        None, "Maximum CloudWatch `GlobalDatastoreReplicationLag` (s) of a Global Datastore secondary over the "
        "window: how far its primary node trails the primary Region's (live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)
    lag_window_seconds: int | None = attr(
        None, "Window (seconds) over which the lag maximum was read from CloudWatch (live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)


class CacheCluster(Attributes):
    """A cache cluster outside a replication group: a single-node Redis/Valkey or a Memcached cluster.

    Live, only clusters without a ``ReplicationGroupId`` are listed (members of a replication group
    are its nodes). A Terraform cluster that joins a replication group is ``member_of`` it.
    """

    type_name: ClassVar[str] = CACHE_CLUSTER
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElastiCache::CacheCluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elasticache_cluster",)
    live: ClassVar[Live] = Live("elasticache:DescribeCacheClusters", _CACHE_ARN + "cluster:{id}",
                                id="CacheClusterId", arn_path="ARN", name="CacheClusterId")
    relations = (
        rel("in_subnet_group", CACHE_SUBNET_GROUP, cfn="CacheSubnetGroupName", tf="subnet_group_name",
            live="CacheSubnetGroupName"),
        rel("uses_security_group", "aws.ec2.security_group", cfn="VpcSecurityGroupIds", tf="security_group_ids",
            live="SecurityGroups[*].SecurityGroupId"),
        rel("member_of", REPLICATION_GROUP, tf="replication_group_id", live="ReplicationGroupId",
            why="CloudFormation cache clusters cannot join a replication group"),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **RECOVERY}

    engine: str | None = attr(None, "`Engine` (redis, valkey, memcached).", cfn="Engine", tf="engine",
                              live="Engine")
    num_nodes: int = attr(1, "`NumCacheNodes`; Redis and Valkey clusters have one.", cfn="NumCacheNodes",
                          tf="num_cache_nodes", live="NumCacheNodes")
    availability_zone: str | None = attr(None, "`PreferredAvailabilityZone` of the (first) node.",
                                         cfn="PreferredAvailabilityZone", tf="availability_zone",
                                         live="PreferredAvailabilityZone")
    az_mode: str = attr("single-az", "`AZMode` (Memcached: single-az or cross-az); default single-az.",
                        cfn="AZMode", tf="az_mode", live=Hook("cache_node_zones"))
    snapshot_retention_days: int = attr(0, "`SnapshotRetentionLimit`; default 0 (off).",
                                        cfn="SnapshotRetentionLimit", tf="snapshot_retention_limit",
                                        live="SnapshotRetentionLimit")
    snapshot_window: str | None = attr(None, "`SnapshotWindow`.", cfn="SnapshotWindow", tf="snapshot_window",
                                       live="SnapshotWindow", chosen_by_aws=WINDOW_CHOSEN)


class CacheSubnetGroup(Attributes):
    """A cache subnet group; ``in_subnet`` each subnet."""

    type_name: ClassVar[str] = CACHE_SUBNET_GROUP
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElastiCache::SubnetGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elasticache_subnet_group",)
    live: ClassVar[Live] = Live("elasticache:DescribeCacheSubnetGroups", _CACHE_ARN + "subnetgroup:{id}",
                                id="CacheSubnetGroupName", name="CacheSubnetGroupName")
    relations = (
        rel("in_vpc", "aws.ec2.vpc", live="VpcId", why="IaC gives the group's subnets, whose VPC the graph joins"),
        rel("in_subnet", "aws.ec2.subnet", cfn="SubnetIds", tf="subnet_ids", live="Subnets[*].SubnetIdentifier"),
    )
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    description: str | None = attr(None, "`Description`.", cfn="Description", tf="description",
                                   live="CacheSubnetGroupDescription")


MODELS: tuple[type[Attributes], ...] = (ReplicationGroup, CacheCluster, CacheSubnetGroup)
