"""DynamoDB tables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import Attributes


class Table(Attributes):
    """A DynamoDB table (global-table replicas listed by Region)."""

    type_name: ClassVar[str] = "aws.dynamodb.table"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
    tf_types: ClassVar[tuple[str, ...]] = ("aws_dynamodb_table",)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {"replication_latency_max_ms": ("lag_window_seconds",)}

    billing_mode: str = Field("PROVISIONED", description="`BillingModeSummary.BillingMode`; default PROVISIONED.")
    pitr_enabled: bool = Field(False, description="`PointInTimeRecoveryStatus == ENABLED`; default off.")
    pitr_recovery_period_days: int | None = Field(
        None, description="`RecoveryPeriodInDays` (1-35); AWS uses 35 when PITR is on and it is omitted."
    )
    deletion_protection: bool = Field(False, description="`DeletionProtectionEnabled`; default false.")
    replica_regions: list[str] = Field(default_factory=list, description="`Replicas[].RegionName`.")
    replication_latency_max_ms: float | None = Field(
        None, description="Maximum CloudWatch `ReplicationLatency` over the window (live, global tables)."
    )
    lag_window_seconds: int | None = Field(
        None, description="Window (seconds) over which the lag maximum was read from CloudWatch (live)."
    )


MODELS: tuple[type[Attributes], ...] = (Table,)
