"""AWS Backup plans and selections."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import Attributes, Item


class BackupRule(Item):
    """One rule of a backup plan."""

    name: str | None = None
    schedule: str | None = Field(None, description="`ScheduleExpression` (cron/rate); AWS default daily.")
    delete_after_days: int | None = Field(None, description="`Lifecycle.DeleteAfterDays`; unset = keep.")
    move_to_cold_after_days: int | None = None
    continuous: bool = Field(False, description="`EnableContinuousBackup`; default false.")
    copy_destinations: list[str] = Field(default_factory=list, description="Copy-action vault ARNs.")


class BackupPlan(Attributes):
    """A backup plan; selections are ``member_of`` it."""

    type_name: ClassVar[str] = "aws.backup.plan"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Backup::BackupPlan",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_backup_plan",)

    rules: list[BackupRule] = Field(default_factory=list)


class BackupSelection(Attributes):
    """A backup selection; ``backs_up`` each resource it selects by ARN."""

    type_name: ClassVar[str] = "aws.backup.selection"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Backup::BackupSelection",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_backup_selection",)

    resources: list[str] = Field(default_factory=list, description="Selected ARNs or ARN patterns.")
    tag_conditions: dict[str, str] = Field(default_factory=dict, description="`ListOfTags` key -> value.")


MODELS: tuple[type[Attributes], ...] = (BackupPlan, BackupSelection)
