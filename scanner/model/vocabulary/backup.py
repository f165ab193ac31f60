"""AWS Backup: plans with their rules, selections, and vaults."""

from __future__ import annotations

from typing import ClassVar

from ._base import Attributes, Item
from ._fields import Hook, Live, attr, rel

PLAN = "aws.backup.plan"
STATEFUL = ("aws.rds.db_instance", "aws.rds.db_cluster", "aws.dynamodb.table", "aws.efs.file_system",
            "aws.s3.bucket", "aws.elasticache.replication_group")


class BackupRule(Item):
    """One rule of a backup plan."""

    name: str | None = attr(None, "`RuleName`.", cfn="RuleName", tf="rule_name", live="RuleName")
    schedule: str | None = attr(None, "`ScheduleExpression` (cron/rate); AWS default daily at 05:00 UTC.",
                                cfn="ScheduleExpression", tf="schedule", live="ScheduleExpression")
    delete_after_days: int | None = attr(None, "`Lifecycle.DeleteAfterDays`; unset = keep.",
                                         cfn="Lifecycle.DeleteAfterDays", tf="lifecycle.delete_after",
                                         live="Lifecycle.DeleteAfterDays")
    move_to_cold_after_days: int | None = attr(None, "`Lifecycle.MoveToColdStorageAfterDays`; unset = stay warm.",
                                               cfn="Lifecycle.MoveToColdStorageAfterDays",
                                               tf="lifecycle.cold_storage_after",
                                               live="Lifecycle.MoveToColdStorageAfterDays")
    continuous: bool = attr(False, "`EnableContinuousBackup` (point-in-time recovery); default false.",
                            cfn="EnableContinuousBackup", tf="enable_continuous_backup", live="EnableContinuousBackup")
    target_vault: str | None = attr(None, "The vault recovery points go to.", cfn="TargetBackupVault",
                                    tf="target_vault_name", live="TargetBackupVaultName", ref=True)
    copy_destinations: list[str] = attr([], "Copy-action destination vault ARNs.",
                                        cfn="CopyActions[*].DestinationBackupVaultArn",
                                        tf="copy_action[*].destination_vault_arn",
                                        live="CopyActions[*].DestinationBackupVaultArn", ref=True)


class BackupPlan(Attributes):
    """A backup plan; selections are ``member_of`` it.

    The live collector hands over the ``ListBackupPlans`` summary with ``BackupPlan`` (the
    ``GetBackupPlan`` response's plan, or an ``Unknown``).
    """

    type_name: ClassVar[str] = PLAN
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Backup::BackupPlan",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_backup_plan",)
    live: ClassVar[Live] = Live("backup:ListBackupPlans", "{id}", id="BackupPlanArn", arn_path="BackupPlanArn",
                                name="BackupPlanName|BackupPlan.BackupPlanName")

    tags: dict[str, str] = attr({}, "Plan tags.", cfn="BackupPlanTags", tf="tags",
                                why="plan tags need one ListTags call per plan; not collected live")
    rules: list[BackupRule] = attr([], "The plan's rules.", cfn="BackupPlan.BackupPlanRule", tf="rule",
                                   live="BackupPlan.Rules")


class BackupSelection(Attributes):
    """A backup selection; ``backs_up`` each resource it selects by ARN."""

    type_name: ClassVar[str] = "aws.backup.selection"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Backup::BackupSelection",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_backup_selection",)
    live: ClassVar[Live] = Live("backup:GetBackupSelection", "{id}", id="SelectionUid", arn_path="SelectionUid",
                                name="SelectionName")
    relations = (
        rel("member_of", PLAN, cfn="BackupPlanId", tf="plan_id", live="BackupPlanArn"),
        rel("backs_up", STATEFUL, cfn=Hook("selected"), tf=Hook("selected"), live=Hook("selected")),
    )

    tags: dict[str, str] = attr({}, "Selections carry no tags.", why="AWS Backup selections cannot be tagged")
    resources: list[str] = attr([], "Selected ARNs or ARN patterns.", cfn="BackupSelection.Resources",
                                tf="resources", live="Resources", ref=True)
    not_resources: list[str] = attr([], "Excluded ARNs or ARN patterns.", cfn="BackupSelection.NotResources",
                                    tf="not_resources", live="NotResources", ref=True)
    tag_conditions: dict[str, str] = attr({}, "Tag conditions (`ListOfTags`, `Conditions.StringEquals`) key -> value.",
                                          cfn=Hook("tag_conditions"), tf=Hook("tag_conditions"),
                                          live=Hook("tag_conditions"))


class BackupVault(Attributes):
    """A backup vault: where recovery points live, and whether Vault Lock makes them immutable."""

    type_name: ClassVar[str] = "aws.backup.vault"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Backup::BackupVault",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_backup_vault",)
    live: ClassVar[Live] = Live("backup:ListBackupVaults", "arn:aws:backup:{region}:{account}:backup-vault:{id}",
                                id="BackupVaultName", arn_path="BackupVaultArn", name="BackupVaultName")

    tags: dict[str, str] = attr({}, "Vault tags.", cfn="BackupVaultTags", tf="tags",
                                why="vault tags need one ListTags call per vault; not collected live")
    locked: bool = attr(False, "Vault Lock applied (`Locked`): recovery points cannot be deleted early.",
                        cfn=Hook("vault_lock"), tf=Hook("vault_lock"), live="Locked")
    min_retention_days: int | None = attr(None, "Vault Lock `MinRetentionDays`.",
                                          cfn="LockConfiguration.MinRetentionDays", tf=Hook("vault_lock"),
                                          live="MinRetentionDays")
    max_retention_days: int | None = attr(None, "Vault Lock `MaxRetentionDays`.",
                                          cfn="LockConfiguration.MaxRetentionDays", tf=Hook("vault_lock"),
                                          live="MaxRetentionDays")


MODELS: tuple[type[Attributes], ...] = (BackupPlan, BackupSelection, BackupVault)
