"""RDS: DB instances, clusters, global clusters and DB subnet groups."""


from typing import ClassVar

from .. import normalise
from ._base import LIVE_ONLY, PLACED, RECOVERY, Attributes, Item
from ._fields import Hook, Live, attr, rel
from .backup import BACKUP_FACT_ITEMS, BACKUP_FACTS

DB_INSTANCE = "aws.rds.db_instance"
DB_CLUSTER = "aws.rds.db_cluster"
GLOBAL_CLUSTER = "aws.rds.global_cluster"
DB_SUBNET_GROUP = "aws.rds.db_subnet_group"
_RDS_ARN = "arn:aws:rds:{region}:{account}:"
_MEMBER = "aws_rds_cluster_instance"
_INSTANCE = "aws_db_instance"
_MEMBER_NOT = "an aws_rds_cluster_instance takes this from its cluster"
METRICS_ONLY = "read from CloudWatch metrics over the lag window (live only)"
VERSION_CHOSEN = "omitted: RDS picks the engine's default version at creation"


class DbInstance(Attributes):
    """A DB instance. ``member_of`` its cluster, ``replica_of`` its source, ``in_subnet_group``."""

    type_name: ClassVar[str] = DB_INSTANCE
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::DBInstance",)
    tf_types: ClassVar[tuple[str, ...]] = (_INSTANCE, _MEMBER)
    live: ClassVar[Live] = Live("rds:DescribeDBInstances", _RDS_ARN + "db:{id}", id="DBInstanceIdentifier",
                                arn_path="DBInstanceArn", name="DBInstanceIdentifier")
    relations = (
        rel("in_subnet_group", DB_SUBNET_GROUP, cfn="DBSubnetGroupName", tf="db_subnet_group_name",
            live="DBSubnetGroup.DBSubnetGroupName"),
        rel("uses_security_group", "aws.ec2.security_group", cfn="VPCSecurityGroups|VpcSecurityGroupIds",
            tf={_INSTANCE: "vpc_security_group_ids"}, live="VpcSecurityGroups[*].VpcSecurityGroupId",
            why=_MEMBER_NOT),
        rel("member_of", DB_CLUSTER, cfn="DBClusterIdentifier", tf={_MEMBER: "cluster_identifier"},
            live="DBClusterIdentifier", why="an aws_db_instance is never a cluster member"),
        rel("replica_of", DB_INSTANCE, cfn="SourceDBInstanceIdentifier", tf={_INSTANCE: "replicate_source_db"},
            live="ReadReplicaSourceDBInstanceIdentifier", why="cluster members replicate through the cluster"),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **RECOVERY, **BACKUP_FACTS}
    derived_items: ClassVar[dict[str, type[Item]]] = dict(BACKUP_FACT_ITEMS)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {
        "replica_lag_max_seconds": ("lag_window_seconds",),
        "multi_az": ("is_read_replica", "replica_of"),  # a replica's standby finding names its source
    }

    engine: str | None = attr(None, "`Engine` (postgres, mysql, aurora-postgresql...).",
                              cfn="Engine", tf="engine", live="Engine")
    engine_version: str | None = attr(None, "`EngineVersion`.", cfn="EngineVersion", tf="engine_version",
                                      live="EngineVersion", chosen_by_aws=VERSION_CHOSEN)
    instance_class: str | None = attr(None, "`DBInstanceClass`.", cfn="DBInstanceClass", tf="instance_class",
                                      live="DBInstanceClass")
    multi_az: bool = attr(False, "`MultiAZ`; AWS default false.", cfn="MultiAZ", tf={_INSTANCE: "multi_az"},
                          live="MultiAZ", required=True, why=_MEMBER_NOT)
    availability_zone: str | None = attr(None, "`AvailabilityZone` of the primary.", cfn="AvailabilityZone",
                                         tf="availability_zone", live="AvailabilityZone",
                                         chosen_by_aws="omitted: RDS places the instance in a zone at creation")
    secondary_availability_zone: str | None = attr(
        None, "`SecondaryAvailabilityZone` of a Multi-AZ standby.", live=Hook("standby_zone"),
        why="AWS picks the standby's zone at creation (live only)")
    backup_retention_days: int = attr(
        1, "`BackupRetentionPeriod`; API and CloudFormation default 1 (0 disables backups; read replicas start "
        "at 0).", cfn="BackupRetentionPeriod", tf={_INSTANCE: "backup_retention_period"},
        live="BackupRetentionPeriod", required=True, why=_MEMBER_NOT)
    publicly_accessible: bool = attr(
        False, "`PubliclyAccessible`; false when omitted with a DB subnet group of private subnets.",
        cfn="PubliclyAccessible", tf="publicly_accessible", live="PubliclyAccessible", required=True)
    storage_encrypted: bool = attr(False, "`StorageEncrypted`; default false.", cfn="StorageEncrypted",
                                   tf={_INSTANCE: "storage_encrypted"}, live="StorageEncrypted", required=True,
                                   why=_MEMBER_NOT)
    deletion_protection: bool = attr(False, "`DeletionProtection`; default false.", cfn="DeletionProtection",
                                     tf={_INSTANCE: "deletion_protection"}, live="DeletionProtection",
                                     why=_MEMBER_NOT)
    is_read_replica: bool = attr(False, "True when the instance replicates a source instance.",
                                 cfn=Hook("replica_source"), tf=Hook("replica_source"), live=Hook("replica_source"))
    allocated_storage_gb: int | None = attr(None, "`AllocatedStorage` (GiB).", cfn="AllocatedStorage",
                                            tf={_INSTANCE: "allocated_storage"}, live="AllocatedStorage",
                                            why=_MEMBER_NOT)
    max_allocated_storage_gb: int | None = attr(
        None, "`MaxAllocatedStorage`; unset = no storage autoscaling.", cfn="MaxAllocatedStorage",
        tf={_INSTANCE: "max_allocated_storage"}, live="MaxAllocatedStorage", why=_MEMBER_NOT)
    monitoring_interval_seconds: int = attr(0, "`MonitoringInterval` (Enhanced Monitoring); default 0 (off).",
                                            cfn="MonitoringInterval", tf="monitoring_interval",
                                            live="MonitoringInterval")
    backup_replication_regions: list[str] = attr(
        [], "Regions that receive the instance's automated backups (cross-Region automated-backup replication).",
        cfn="AutomaticBackupReplicationRegion", tf=Hook("automated_backups_replication"),
        live="DBInstanceAutomatedBackupsReplications[*].DBInstanceAutomatedBackupsArn", conv=normalise.region_of,
        as_set=True)
    pitr_lag_seconds: float | None = attr(
        None, "Seconds between the scan and `LatestRestorableTime` (the point-in-time-recovery gap).",
        live=Hook("pitr_lag"), why=LIVE_ONLY, volatile=True)
    replica_lag_max_seconds: float | None = attr(
        None, "Maximum CloudWatch `ReplicaLag` over the configured window (live, replicas).",
        live=Hook("metrics"), why=METRICS_ONLY, volatile=True)
    lag_window_seconds: int | None = attr(
        None, "Window (seconds) over which lag maxima were read from CloudWatch (live).",
        live=Hook("metrics"), why=METRICS_ONLY, volatile=True)


class DbCluster(Attributes):
    """An Aurora or Multi-AZ DB cluster; member instances point at it with ``member_of``."""

    type_name: ClassVar[str] = DB_CLUSTER
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::DBCluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_rds_cluster",)
    live: ClassVar[Live] = Live("rds:DescribeDBClusters", _RDS_ARN + "cluster:{id}", id="DBClusterIdentifier",
                                arn_path="DBClusterArn", name="DBClusterIdentifier")
    relations = (
        rel("in_subnet_group", DB_SUBNET_GROUP, cfn="DBSubnetGroupName", tf="db_subnet_group_name",
            live="DBSubnetGroup"),
        rel("uses_security_group", "aws.ec2.security_group", cfn="VpcSecurityGroupIds", tf="vpc_security_group_ids",
            live="VpcSecurityGroups[*].VpcSecurityGroupId"),
        rel("member_of", GLOBAL_CLUSTER, cfn="GlobalClusterIdentifier", tf="global_cluster_identifier",
            live=Hook("global_membership")),
        rel("replica_of", DB_CLUSTER, cfn="ReplicationSourceIdentifier", tf="replication_source_identifier",
            live="ReplicationSourceIdentifier"),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **RECOVERY, **BACKUP_FACTS}
    derived_items: ClassVar[dict[str, type[Item]]] = dict(BACKUP_FACT_ITEMS)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {"global_rpo_lag_max_ms": ("lag_window_seconds",)}

    engine: str | None = attr(None, "`Engine`.", cfn="Engine", tf="engine", live="Engine")
    engine_version: str | None = attr(None, "`EngineVersion`.", cfn="EngineVersion", tf="engine_version",
                                      live="EngineVersion", chosen_by_aws=VERSION_CHOSEN)
    multi_az: bool = attr(
        False, "`MultiAZ` as DescribeDBClusters reports it (Aurora: instances in two or more zones).",
        cfn=Hook("aurora_multi_az"), live="MultiAZ", required=True,
        why="Terraform: RDS derives it from where the instances run; aurora-cluster-multi-az counts their zones")
    backup_retention_days: int = attr(1, "`BackupRetentionPeriod`; default 1.", cfn="BackupRetentionPeriod",
                                      tf="backup_retention_period", live="BackupRetentionPeriod", required=True)
    deletion_protection: bool = attr(False, "`DeletionProtection`; default false.", cfn="DeletionProtection",
                                     tf="deletion_protection", live="DeletionProtection")
    storage_encrypted: bool = attr(False, "`StorageEncrypted`; default false.", cfn="StorageEncrypted",
                                   tf="storage_encrypted", live="StorageEncrypted", required=True)
    availability_zones: list[str] = attr(
        [], "`AvailabilityZones` (Aurora: the zones its storage is replicated across).", cfn="AvailabilityZones",
        tf="availability_zones", live="AvailabilityZones", as_set=True,
        chosen_by_aws="omitted: RDS picks the cluster's zones at creation")
    pitr_lag_seconds: float | None = attr(
        None, "Seconds between the scan and `LatestRestorableTime` (the point-in-time-recovery gap).",
        live=Hook("pitr_lag"), why=LIVE_ONLY, volatile=True)
    global_rpo_lag_max_ms: float | None = attr(
        None, "Maximum CloudWatch `AuroraGlobalDBRPOLag` (ms) of a global-database secondary over the window "
        "(with `AuroraGlobalDBReplicationLag`, the only lag Aurora MySQL below 3.04 publishes: the larger of the two).",
        live=Hook("metrics"), why=METRICS_ONLY, volatile=True)
    lag_window_seconds: int | None = attr(
        None, "Window (seconds) over which lag maxima were read from CloudWatch (live).",
        live=Hook("metrics"), why=METRICS_ONLY, volatile=True)
    global_role: str | None = attr(
        None, "Role in an Aurora global database: `writer` (the primary cluster) or `secondary` (a read-only "
        "cluster in another Region, `IsWriter` false); null when not a member.", live=Hook("global_membership"),
        why="the writer is the member DescribeGlobalClusters reports `IsWriter` for; IaC only names the "
        "global cluster (live only)")


class GlobalCluster(Attributes):
    """An Aurora global database; regional clusters are ``member_of`` it."""

    type_name: ClassVar[str] = GLOBAL_CLUSTER
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::GlobalCluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_rds_global_cluster",)
    live: ClassVar[Live] = Live("rds:DescribeGlobalClusters", "arn:aws:rds::{account}:global-cluster:{id}",
                                id="GlobalClusterIdentifier", arn_path="GlobalClusterArn",
                                name="GlobalClusterIdentifier")
    relations = (
        rel("member_of", DB_CLUSTER, cfn="SourceDBClusterIdentifier", tf="source_db_cluster_identifier",
            live=Hook("global_membership"), reverse=True),
    )

    engine: str | None = attr(None, "`Engine`.", cfn="Engine", tf="engine", live="Engine",
                              chosen_by_aws="omitted: a global cluster takes its source cluster's engine")
    deletion_protection: bool = attr(False, "`DeletionProtection`; default false.", cfn="DeletionProtection",
                                     tf="deletion_protection", live="DeletionProtection")


class DbSubnetGroup(Attributes):
    """A DB subnet group; ``in_subnet`` each of its subnets."""

    type_name: ClassVar[str] = DB_SUBNET_GROUP
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::RDS::DBSubnetGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_db_subnet_group",)
    live: ClassVar[Live] = Live("rds:DescribeDBSubnetGroups", _RDS_ARN + "subgrp:{id}", id="DBSubnetGroupName",
                                name="DBSubnetGroupName")
    relations = (
        rel("in_vpc", "aws.ec2.vpc", live="VpcId", why="IaC gives the group's subnets, whose VPC the graph joins"),
        rel("in_subnet", "aws.ec2.subnet", cfn="SubnetIds", tf="subnet_ids", live="Subnets[*].SubnetIdentifier"),
    )
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    description: str | None = attr(None, "`DBSubnetGroupDescription`.", cfn="DBSubnetGroupDescription",
                                   tf="description", live="DBSubnetGroupDescription")


MODELS: tuple[type[Attributes], ...] = (DbInstance, DbCluster, GlobalCluster, DbSubnetGroup)
