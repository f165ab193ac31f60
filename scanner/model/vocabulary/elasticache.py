"""ElastiCache (Redis/Valkey) replication groups and cache subnet groups."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import PLACED, Attributes, Item


class NodeGroupMember(Item):
    """One node of a shard."""

    cluster_id: str | None = None
    availability_zone: str | None = Field(None, description="`PreferredAvailabilityZone`.")
    role: str | None = Field(None, description="`CurrentRole`: primary or replica.")


class NodeGroup(Item):
    """One shard (node group) of a replication group."""

    id: str
    primary_availability_zone: str | None = None
    members: list[NodeGroupMember] = Field(default_factory=list)


class ReplicationGroup(Attributes):
    """A replication group; ``in_subnet_group`` its cache subnet group."""

    type_name: ClassVar[str] = "aws.elasticache.replication_group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElastiCache::ReplicationGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elasticache_replication_group",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {"replication_lag_max_seconds": ("lag_window_seconds",)}

    engine: str = Field("redis", description="`Engine`; default redis.")
    multi_az: bool = Field(False, description="`MultiAZ == enabled`; default disabled.")
    automatic_failover: bool = Field(
        False, description="`AutomaticFailover == enabled`; CloudFormation/Terraform default false."
    )
    cluster_mode: bool = Field(False, description="`ClusterEnabled`; default false.")
    node_groups: list[NodeGroup] = Field(default_factory=list, description="`NodeGroups` with members.")
    snapshot_retention_days: int = Field(0, description="`SnapshotRetentionLimit`; default 0 (off).")
    snapshot_window: str | None = None
    transit_encryption: bool = False
    at_rest_encryption: bool = False
    replication_lag_max_seconds: float | None = Field(
        None, description="Maximum CloudWatch `ReplicationLag` of replica nodes over the window (live)."
    )
    lag_window_seconds: int | None = Field(
        None, description="Window (seconds) over which the lag maximum was read from CloudWatch (live)."
    )


class CacheSubnetGroup(Attributes):
    """A cache subnet group; ``in_subnet`` each subnet."""

    type_name: ClassVar[str] = "aws.elasticache.subnet_group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElastiCache::SubnetGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elasticache_subnet_group",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    description: str | None = None


MODELS: tuple[type[Attributes], ...] = (ReplicationGroup, CacheSubnetGroup)
