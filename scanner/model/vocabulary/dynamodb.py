"""DynamoDB tables (global-table replicas listed by Region)."""


from typing import ClassVar

from pydantic import model_validator

from .. import normalise
from ._base import LIVE_ONLY, RECOVERY, Attributes, Item
from ._fields import Hook, Live, attr
from .backup import BACKUP_FACT_ITEMS, BACKUP_FACTS

TABLE = "aws.dynamodb.table"
_CFN_TABLE = "AWS::DynamoDB::Table"
_CFN_GLOBAL = "AWS::DynamoDB::GlobalTable"
_PITR = "ContinuousBackups.PointInTimeRecoveryDescription."
_METRICS_ONLY = "read from CloudWatch metrics over the lag window (live only)"
PITR_DEFAULT_DAYS = 35


class Table(Attributes):
    """A DynamoDB table (``AWS::DynamoDB::Table`` or ``::GlobalTable``, ``aws_dynamodb_table``).

    The live collector hands over ``{"Table": DescribeTable.Table, "ContinuousBackups":
    DescribeContinuousBackups.ContinuousBackupsDescription}`` per table.
    """

    type_name: ClassVar[str] = TABLE
    cfn_types: ClassVar[tuple[str, ...]] = (_CFN_TABLE, _CFN_GLOBAL)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_dynamodb_table",)
    live: ClassVar[Live] = Live("dynamodb:DescribeTable", "arn:aws:dynamodb:{region}:{account}:table/{id}",
                                id="TableName", arn_path="Table.TableArn", name="TableName")
    derived: ClassVar[dict[str, str]] = {**RECOVERY, **BACKUP_FACTS}
    derived_items: ClassVar[dict[str, type[Item]]] = dict(BACKUP_FACT_ITEMS)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {"replication_latency_max_ms": ("lag_window_seconds",)}

    tags: dict[str, str] = attr({}, "Resource tags. Default: none.", cfn="Tags", tf="tags", live="Tags")
    billing_mode: str = attr("PROVISIONED", "`BillingModeSummary.BillingMode`; default PROVISIONED.",
                             cfn="BillingMode", tf="billing_mode", live="Table.BillingModeSummary.BillingMode",
                             conv=normalise.upper)
    pitr_enabled: bool = attr(
        False, "`PointInTimeRecoveryStatus == ENABLED`; default off.",
        cfn={_CFN_TABLE: "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
             _CFN_GLOBAL: Hook("global_table_replicas")},
        tf="point_in_time_recovery.enabled", live=_PITR + "PointInTimeRecoveryStatus", conv=normalise.enabled)
    pitr_recovery_period_days: int | None = attr(
        None, "`RecoveryPeriodInDays` (1-35); AWS uses 35 when PITR is on and it is omitted.",
        cfn={_CFN_TABLE: "PointInTimeRecoverySpecification.RecoveryPeriodInDays",
             _CFN_GLOBAL: "Replicas[0].PointInTimeRecoverySpecification.RecoveryPeriodInDays"},
        tf="point_in_time_recovery.recovery_period_in_days", live=_PITR + "RecoveryPeriodInDays")
    deletion_protection: bool = attr(
        False, "`DeletionProtectionEnabled`; default false.",
        cfn={_CFN_TABLE: "DeletionProtectionEnabled", _CFN_GLOBAL: Hook("global_table_replicas")},
        tf="deletion_protection_enabled", live="Table.DeletionProtectionEnabled")
    replica_regions: list[str] = attr(
        [], "Regions of the global table's replicas (`Replicas[].RegionName`).",
        cfn={_CFN_GLOBAL: "Replicas[*].Region|Replicas[*].RegionName"}, tf="replica[*].region_name",
        live="Table.Replicas[*].RegionName", why="a plain AWS::DynamoDB::Table has no replicas", as_set=True)
    pitr_lag_seconds: float | None = attr(
        None, "Seconds between the scan and `LatestRestorableDateTime` (AWS: typically about 5 minutes).",
        live=Hook("pitr_lag"), why=LIVE_ONLY, volatile=True)
    replication_latency_max_ms: float | None = attr(
        None, "Maximum CloudWatch `ReplicationLatency` over the window (live, global tables).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)
    lag_window_seconds: int | None = attr(
        None, "Window (seconds) over which the lag maximum was read from CloudWatch (live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)

    @model_validator(mode="after")
    def _recovery_period_default(self) -> "Table":
        """With PITR on and no period set, AWS keeps 35 days (DescribeContinuousBackups reports it)."""
        if self.pitr_enabled and self.pitr_recovery_period_days is None:
            self.pitr_recovery_period_days = PITR_DEFAULT_DAYS
        return self


MODELS: tuple[type[Attributes], ...] = (Table,)
