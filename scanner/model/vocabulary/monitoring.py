"""CloudWatch metric alarms."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import Attributes


class MetricAlarm(Attributes):
    """A metric alarm; ``alarms_on`` the resources its dimensions name."""

    type_name: ClassVar[str] = "aws.cloudwatch.alarm"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::CloudWatch::Alarm",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_cloudwatch_metric_alarm",)

    namespace: str | None = None
    metric_name: str | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)
    statistic: str | None = None
    period_seconds: int | None = None
    evaluation_periods: int | None = None
    threshold: float | None = None
    comparison_operator: str | None = None
    actions_enabled: bool = Field(True, description="`ActionsEnabled`; default true.")
    alarm_actions: list[str] = Field(default_factory=list)


MODELS: tuple[type[Attributes], ...] = (MetricAlarm,)
