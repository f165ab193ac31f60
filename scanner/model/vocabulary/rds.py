"""RDS: DB instances, clusters, global clusters and DB subnet groups."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import PLACED, Attributes


class DbInstance(Attributes):
    """A DB instance. ``member_of`` its cluster, ``replica_of`` its source, ``in_subnet_group``."""

    type_name: ClassVar[str] = "aws.rds.db_instance"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::DBInstance",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_db_instance", "aws_rds_cluster_instance")
    derived: ClassVar[dict[str, str]] = dict(PLACED)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {"replica_lag_max_seconds": ("lag_window_seconds",)}

    engine: str | None = Field(None, description="`Engine` (postgres, mysql, aurora-postgresql...).")
    engine_version: str | None = None
    instance_class: str | None = None
    multi_az: bool = Field(False, description="`MultiAZ`; AWS default false.")
    availability_zone: str | None = Field(None, description="`AvailabilityZone` of the primary.")
    secondary_availability_zone: str | None = Field(None, description="`SecondaryAvailabilityZone`.")
    backup_retention_days: int = Field(
        1, description="`BackupRetentionPeriod`; API and CloudFormation default 1 (0 disables backups)."
    )
    publicly_accessible: bool = Field(
        False, description="`PubliclyAccessible`; false when omitted with a DB subnet group of private subnets."
    )
    storage_encrypted: bool = Field(False, description="`StorageEncrypted`; default false.")
    deletion_protection: bool = Field(False, description="`DeletionProtection`; default false.")
    is_read_replica: bool = Field(False, description="True when `ReadReplicaSourceDBInstanceIdentifier` is set.")
    allocated_storage_gb: int | None = None
    max_allocated_storage_gb: int | None = Field(None, description="`MaxAllocatedStorage`; unset = no autoscaling.")
    monitoring_interval_seconds: int = Field(0, description="`MonitoringInterval`; default 0 (off).")
    replica_lag_max_seconds: float | None = Field(
        None, description="Maximum CloudWatch `ReplicaLag` over the configured window (live, replicas)."
    )
    lag_window_seconds: int | None = Field(
        None, description="Window (seconds) over which the lag maximum was read from CloudWatch (live)."
    )


class DbCluster(Attributes):
    """An Aurora or Multi-AZ DB cluster; member instances point at it with ``member_of``."""

    type_name: ClassVar[str] = "aws.rds.db_cluster"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::DBCluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_rds_cluster",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    engine: str | None = None
    engine_version: str | None = None
    multi_az: bool = Field(False, description="`MultiAZ` as reported by DescribeDBClusters.")
    backup_retention_days: int = Field(1, description="`BackupRetentionPeriod`; default 1.")
    deletion_protection: bool = Field(False, description="`DeletionProtection`; default false.")
    storage_encrypted: bool = Field(False, description="`StorageEncrypted`; default false.")
    availability_zones: list[str] = Field(default_factory=list, description="`AvailabilityZones`.")


class GlobalCluster(Attributes):
    """An Aurora global database; regional clusters are ``member_of`` it."""

    type_name: ClassVar[str] = "aws.rds.global_cluster"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::GlobalCluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_rds_global_cluster",)

    engine: str | None = None
    deletion_protection: bool = False


class DbSubnetGroup(Attributes):
    """A DB subnet group; ``in_subnet`` each of its subnets."""

    type_name: ClassVar[str] = "aws.rds.db_subnet_group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::DBSubnetGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_db_subnet_group",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    description: str | None = None


MODELS: tuple[type[Attributes], ...] = (DbInstance, DbCluster, GlobalCluster, DbSubnetGroup)
