"""Application Auto Scaling: scalable targets (ECS services, DynamoDB capacity...) and their policies."""


from typing import ClassVar

from ._base import Attributes
from ._fields import Hook, Live, attr, rel

SCALABLE_TARGET = "aws.appautoscaling.scalable_target"
SCALED = ("aws.ecs.service", "aws.dynamodb.table")
_TRACKING = "TargetTrackingScalingPolicyConfiguration."
_TF_TRACKING = "target_tracking_scaling_policy_configuration."


class ScalableTarget(Attributes):
    """A scalable target; ``scales`` the service or table its ``resource_id`` names."""

    type_name: ClassVar[str] = SCALABLE_TARGET
    derived: ClassVar[dict[str, str]] = {
        "scaling_headroom": "`max_capacity` - `min_capacity`: how far the target may scale out (derived)."}
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ApplicationAutoScaling::ScalableTarget",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_appautoscaling_target",)
    live: ClassVar[Live] = Live("application-autoscaling:DescribeScalableTargets", "{id}", id="TargetUid",
                                arn_path="ScalableTargetARN|TargetUid", name="ResourceId")
    relations = (
        rel("scales", SCALED, cfn=Hook("scaled_resource"), tf="resource_id", live=Hook("scaled_resource")),
    )

    service_namespace: str | None = attr(None, "`ServiceNamespace` (ecs, dynamodb...).", cfn="ServiceNamespace",
                                         tf="service_namespace", live="ServiceNamespace")
    scalable_dimension: str | None = attr(None, "`ScalableDimension` (ecs:service:DesiredCount...).",
                                          cfn="ScalableDimension", tf="scalable_dimension", live="ScalableDimension")
    resource_id: str | None = attr(None, "`ResourceId` (service/CLUSTER/SERVICE, table/NAME...).",
                                   cfn="ResourceId", tf="resource_id", live="ResourceId")
    min_capacity: int | None = attr(None, "`MinCapacity`.", cfn="MinCapacity", tf="min_capacity", live="MinCapacity")
    max_capacity: int | None = attr(None, "`MaxCapacity`.", cfn="MaxCapacity", tf="max_capacity", live="MaxCapacity")


class ApplicationScalingPolicy(Attributes):
    """A target-tracking or step policy; ``scales`` its scalable target."""

    type_name: ClassVar[str] = "aws.appautoscaling.policy"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ApplicationAutoScaling::ScalingPolicy",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_appautoscaling_policy",)
    live: ClassVar[Live] = Live("application-autoscaling:DescribeScalingPolicies", "{id}", id="PolicyARN",
                                arn_path="PolicyARN", name="PolicyName")
    relations = (
        rel("scales", SCALABLE_TARGET, cfn="ScalingTargetId", tf=Hook("scalable_target"),
            live=Hook("scalable_target")),
    )

    policy_type: str | None = attr(None, "`PolicyType`: TargetTrackingScaling or StepScaling.", cfn="PolicyType",
                                   tf="policy_type", live="PolicyType")
    predefined_metric_type: str | None = attr(
        None, "`PredefinedMetricSpecification.PredefinedMetricType` (ECSServiceAverageCPUUtilization...).",
        cfn=_TRACKING + "PredefinedMetricSpecification.PredefinedMetricType",
        tf=_TF_TRACKING + "predefined_metric_specification.predefined_metric_type",
        live=_TRACKING + "PredefinedMetricSpecification.PredefinedMetricType")
    customized_metric_name: str | None = attr(
        None, "`CustomizedMetricSpecification.MetricName`.", cfn=_TRACKING + "CustomizedMetricSpecification.MetricName",
        tf=_TF_TRACKING + "customized_metric_specification.metric_name",
        live=_TRACKING + "CustomizedMetricSpecification.MetricName")
    target_value: float | None = attr(None, "`TargetValue`.", cfn=_TRACKING + "TargetValue",
                                      tf=_TF_TRACKING + "target_value", live=_TRACKING + "TargetValue")


MODELS: tuple[type[Attributes], ...] = (ScalableTarget, ApplicationScalingPolicy)
