"""Monitoring: CloudWatch metric alarms and log groups."""


from typing import ClassVar

from ._base import Attributes
from ._fields import Hook, Live, attr, rel


class MetricAlarm(Attributes):
    """A metric alarm; ``alarms_on`` the resources its dimensions name."""

    type_name: ClassVar[str] = "aws.cloudwatch.alarm"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::CloudWatch::Alarm",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_cloudwatch_metric_alarm",)
    live: ClassVar[Live] = Live("cloudwatch:DescribeAlarms", "{id}", id="AlarmArn", arn_path="AlarmArn",
                                name="AlarmName")
    relations = (rel("alarms_on", ("*",), cfn=Hook("dimensions"), tf=Hook("dimensions"), live=Hook("dimensions")),)
    derived: ClassVar[dict[str, str]] = {
        "threshold_seconds": "`threshold` in seconds for an alarm on a replication-lag metric, converted from the "
        "unit CloudWatch publishes that metric in (ms: Aurora replica and global lag, DynamoDB ReplicationLatency; "
        "s: RDS ReplicaLag, ElastiCache ReplicationLag, S3 ReplicationLatency; `scanner/graph/alarms.py`). Unknown "
        "when the alarm asks for another unit (CloudWatch does not convert); not set for other metrics."}

    tags: dict[str, str] = attr({}, "Alarm tags.", cfn="Tags", tf="tags",
                                why="alarm tags need one ListTagsForResource call per alarm; not collected live")
    namespace: str | None = attr(None, "`Namespace` (AWS/RDS...).", cfn="Namespace", tf="namespace", live="Namespace")
    metric_name: str | None = attr(None, "`MetricName`.", cfn="MetricName", tf="metric_name", live="MetricName")
    dimensions: dict[str, str] = attr({}, "`Dimensions` name -> value.", cfn=Hook("dimensions"),
                                      tf=Hook("dimensions"), live=Hook("dimensions"))
    statistic: str | None = attr(None, "`Statistic` or `ExtendedStatistic`.", cfn="Statistic|ExtendedStatistic",
                                 tf="statistic|extended_statistic", live="Statistic|ExtendedStatistic")
    period_seconds: int | None = attr(None, "`Period`.", cfn="Period", tf="period", live="Period")
    evaluation_periods: int | None = attr(None, "`EvaluationPeriods`.", cfn="EvaluationPeriods",
                                          tf="evaluation_periods", live="EvaluationPeriods")
    threshold: float | None = attr(None, "`Threshold`, in the metric's own unit.", cfn="Threshold", tf="threshold",
                                   live="Threshold")
    comparison_operator: str | None = attr(None, "`ComparisonOperator`.", cfn="ComparisonOperator",
                                           tf="comparison_operator", live="ComparisonOperator")
    unit: str | None = attr(None, "`Unit` the alarm reads the metric in, when set.", cfn="Unit", tf="unit",
                            live="Unit")
    actions_enabled: bool = attr(True, "`ActionsEnabled`; default true.", cfn="ActionsEnabled",
                                 tf="actions_enabled", live="ActionsEnabled")
    alarm_actions: list[str] = attr([], "`AlarmActions` (SNS topics, Auto Scaling policies...).",
                                    cfn="AlarmActions", tf="alarm_actions", live="AlarmActions", ref=True)


class LogGroup(Attributes):
    """A CloudWatch Logs log group."""

    type_name: ClassVar[str] = "aws.logs.log_group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Logs::LogGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_cloudwatch_log_group",)
    live: ClassVar[Live] = Live("logs:DescribeLogGroups", "arn:aws:logs:{region}:{account}:log-group:{id}",
                                id="logGroupName", name="logGroupName")

    tags: dict[str, str] = attr({}, "Log group tags.", cfn="Tags", tf="tags",
                                why="log group tags need one ListTagsForResource call per group; not collected live")
    retention_days: int | None = attr(None, "`RetentionInDays`; unset = kept forever.", cfn="RetentionInDays",
                                      tf="retention_in_days", live="retentionInDays")
    kms_encrypted: bool = attr(False, "A KMS key encrypts the group (`KmsKeyId` set).", cfn=Hook("kms_key"),
                               tf=Hook("kms_key"), live=Hook("kms_key"))


MODELS: tuple[type[Attributes], ...] = (MetricAlarm, LogGroup)
