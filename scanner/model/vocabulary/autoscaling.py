"""EC2 Auto Scaling groups and scaling policies."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import PLACED, Attributes


class AutoScalingGroup(Attributes):
    """An Auto Scaling group; ``in_subnet`` its VPCZoneIdentifier subnets."""

    type_name: ClassVar[str] = "aws.autoscaling.group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::AutoScaling::AutoScalingGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_autoscaling_group",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    min_size: int | None = Field(None, description="`MinSize` (required by AWS).")
    max_size: int | None = Field(None, description="`MaxSize` (required by AWS).")
    desired_capacity: int | None = Field(None, description="`DesiredCapacity`; AWS defaults it to MinSize.")
    health_check_type: str = Field("EC2", description="`HealthCheckType`; AWS default EC2.")
    health_check_grace_period_seconds: int = Field(
        0, description="`HealthCheckGracePeriod`; API/CloudFormation default 0."
    )
    availability_zones: list[str] = Field(
        default_factory=list, description="`AvailabilityZones` given directly (without subnets)."
    )


class ScalingPolicy(Attributes):
    """An Auto Scaling policy; ``scales`` its group."""

    type_name: ClassVar[str] = "aws.autoscaling.policy"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::AutoScaling::ScalingPolicy",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_autoscaling_policy",)

    policy_type: str = Field("SimpleScaling", description="`PolicyType`; AWS default SimpleScaling.")
    predefined_metric_type: str | None = Field(
        None, description="`TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType`."
    )
    target_value: float | None = Field(None, description="`TargetTrackingConfiguration.TargetValue`.")


MODELS: tuple[type[Attributes], ...] = (AutoScalingGroup, ScalingPolicy)
