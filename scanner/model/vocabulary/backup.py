"""AWS Backup: plans with their rules, selections, and vaults."""


from typing import ClassVar

from ._base import LIVE_ONLY, Attributes, Item
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


class RuleSchedule(Item):
    """A backup rule as the graph reads it: how often it runs and how long it keeps what it makes."""

    name: str | None = attr(None, "`RuleName`.")
    interval_hours: float | None = attr(None, "The longest gap between two runs of the schedule, in hours "
                                        "(AWS's default schedule: daily); null when the expression is not understood.")
    retention_days: int | None = attr(None, "`DeleteAfterDays`; null = recovery points are kept until deleted.")
    move_to_cold_after_days: int | None = attr(None, "`MoveToColdStorageAfterDays`; null = they stay warm.")
    continuous: bool = attr(False, "`EnableContinuousBackup`.")
    deleted_after_cold_move: bool = attr(
        True, "False when the rule moves recovery points to cold storage on or after the day it deletes them "
        "(`DeleteAfterDays <= MoveToColdStorageAfterDays`).")


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

    derived: ClassVar[dict[str, str]] = {
        "rule_schedules": "Each rule with its schedule's longest gap in hours (`cron`/`rate`, AWS's default daily), "
        "its retention and whether its cold-storage move comes before deletion (derived by the graph)."}
    derived_items: ClassVar[dict[str, type[Item]]] = {"rule_schedules": RuleSchedule}


class TagCondition(Item):
    """One tag test of a backup selection."""

    key: str | None = attr(None, "`ConditionKey`: a tag key, possibly written `aws:ResourceTag/KEY`.",
                           cfn="ConditionKey", tf="key", live="ConditionKey")
    value: str | None = attr(None, "`ConditionValue` (`*` is a wildcard in the like tests).",
                             cfn="ConditionValue", tf="value", live="ConditionValue")


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
    list_of_tags: list[TagCondition] = attr(
        [], "`ListOfTags`: a resource carrying any of these tags is selected (OR, like `Resources`).",
        cfn="BackupSelection.ListOfTags", tf="selection_tag", live="ListOfTags")
    condition_string_equals: list[TagCondition] = attr(
        [], "`Conditions.StringEquals`: every condition must hold (AND) for a selected resource.",
        cfn="BackupSelection.Conditions.StringEquals", tf="condition.string_equals", live="Conditions.StringEquals")
    condition_string_not_equals: list[TagCondition] = attr(
        [], "`Conditions.StringNotEquals`.", cfn="BackupSelection.Conditions.StringNotEquals",
        tf="condition.string_not_equals", live="Conditions.StringNotEquals")
    condition_string_like: list[TagCondition] = attr(
        [], "`Conditions.StringLike` (`*` matches any characters).", cfn="BackupSelection.Conditions.StringLike",
        tf="condition.string_like", live="Conditions.StringLike")
    condition_string_not_like: list[TagCondition] = attr(
        [], "`Conditions.StringNotLike`.", cfn="BackupSelection.Conditions.StringNotLike",
        tf="condition.string_not_like", live="Conditions.StringNotLike")


class RecoveryPointSummary(Item):
    """The recovery points of one protected resource in a vault, as the scan found them."""

    resource_arn: str = attr(..., "`ResourceArn` of the protected resource.")
    resource_type: str | None = attr(None, "`ResourceType` (RDS, Aurora, DynamoDB, EFS, S3...).")
    latest_created_at: str | None = attr(None, "`CreationDate` of the newest completed recovery point (ISO 8601).")
    age_hours: float | None = attr(None, "Hours from that recovery point's creation to the scan.")
    completed: int = attr(0, "Completed (or available) snapshot recovery points of the resource in the vault.")
    continuous: bool = attr(False, "True when a continuous-backup rule keeps an available recovery point of the "
                            "resource in the vault (its freshness is the PITR gap, not its creation date).")


class RestoreSummary(Item):
    """The latest completed restore job of a resource's recovery point held in a vault."""

    resource_arn: str = attr(..., "`SourceResourceArn`: the resource whose recovery point was restored.")
    restore_job_id: str | None = attr(None, "`RestoreJobId`.")
    completed_at: str | None = attr(None, "`CompletionDate` (ISO 8601).")
    minutes: float | None = attr(None, "Minutes from `CreationDate` to `CompletionDate`: how long the restore took.")
    age_days: float | None = attr(None, "Days from its completion to the scan.")
    restore_testing_plan: str | None = attr(None, "`CreatedBy.RestoreTestingPlanArn` when a restore test ran it.")


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
    number_of_recovery_points: int | None = attr(
        None, "`NumberOfRecoveryPoints` the vault holds.", live="NumberOfRecoveryPoints", why=LIVE_ONLY,
        volatile=True)
    recovery_points: list[RecoveryPointSummary] = attr(
        [], "Per protected resource, its newest completed recovery point in the vault "
        "(`ListRecoveryPointsByBackupVault`).", live=Hook("recovery_points"), why=LIVE_ONLY, volatile=True)
    restores: list[RestoreSummary] = attr(
        [], "Per resource, the latest completed restore job of a recovery point in the vault (`ListRestoreJobs`).",
        live=Hook("restores"), why=LIVE_ONLY, volatile=True)

    derived: ClassVar[dict[str, str]] = {
        "idle": "True for a live vault that holds no recovery point and that no backup plan rule of the scan writes "
        "(`TargetBackupVaultName`) or copies to, such as an untouched `Default` vault; IaC vaults are never idle "
        "(plans of other stacks may use them). Derived by the graph."}


class BackupCopy(Item):
    """A copy of a store's backups that the configuration sends to a Region."""

    region: str | None = attr(None, "The Region the copy lands in.")
    mechanism: str = attr("backup-copy", "`backup-copy` (a plan rule's copy action) or `automated-backup-replication` "
                          "(RDS cross-Region automated backups).")
    destination: str | None = attr(None, "The destination vault (ARN or IaC uid), or the replicated Region.")
    plan: str | None = attr(None, "The backup plan whose rule copies (backup-copy).")
    other_region: bool | None = attr(None, "True when the copy lands outside the store's own Region; null when "
                                     "the store's Region is not known.")


BACKUP_FACTS: dict[str, str] = {
    "in_backup_plan": "True when some AWS Backup selection selects the store: by ARN, ARN pattern (`*`), "
    "`ListOfTags` (any) and `Conditions` (all), minus `NotResources`, in the selection's own account and Region; "
    "unknown when a selection's test cannot be decided (an IaC store's ARN, unknown tags). Derived by the graph, "
    "which also draws `backs_up` from each selection that matches by pattern or tags.",
    "backup_copies": "The copies of the store's backups outside the plan's vault: copy actions of the rules of every "
    "plan selecting it, and (RDS instances) cross-Region automated-backup replication. Partial when a selection's "
    "match or a copy vault's Region is unknown.",
    "has_recovery_point": "True when a vault of the scan holds a completed recovery point of the store (live).",
    "recovery_point_age_hours": "Hours from the newest completed snapshot recovery point of the store to the scan "
    "(live).",
    "has_continuous_backup": "True when an AWS Backup continuous-backup recovery point of the store is available "
    "(live; how fresh it is is the PITR gap that pitr-freshness judges).",
    "has_restore_test": "True when a completed restore job of one of the store's recovery points was found (live).",
    "restore_minutes": "How long the latest completed restore of the store's recovery points took, in minutes (live).",
    "restore_age_days": "Days since that restore completed (live).",
}
"""Backup facts the graph derives for every data store AWS Backup protects (``scanner/graph/backups.py``)."""
BACKUP_FACT_ITEMS: dict[str, type[Item]] = {"backup_copies": BackupCopy}


MODELS: tuple[type[Attributes], ...] = (BackupPlan, BackupSelection, BackupVault)
