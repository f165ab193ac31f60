"""EC2 Auto Scaling groups and scaling policies."""


from typing import ClassVar

from ._base import CAPACITY, PLACED, Attributes
from ._fields import Hook, Live, attr, rel

ASG = "aws.autoscaling.group"
_ASG_ARN = "arn:aws:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/{id}"
_MIXED = "MixedInstancesPolicy.InstancesDistribution."
_TF_MIXED = "mixed_instances_policy.instances_distribution."
_TRACKING = "TargetTrackingConfiguration."
_TF_TRACKING = "target_tracking_configuration."


class AutoScalingGroup(Attributes):
    """An Auto Scaling group; ``in_subnet`` its VPCZoneIdentifier subnets."""

    type_name: ClassVar[str] = ASG
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::AutoScaling::AutoScalingGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_autoscaling_group",)
    live: ClassVar[Live] = Live("autoscaling:DescribeAutoScalingGroups", _ASG_ARN, id="AutoScalingGroupName",
                                arn_path="AutoScalingGroupARN", name="AutoScalingGroupName")
    relations = (
        rel("in_subnet", "aws.ec2.subnet", cfn="VPCZoneIdentifier", tf="vpc_zone_identifier",
            live="VPCZoneIdentifier"),
        rel("targets", "aws.elbv2.target_group", cfn="TargetGroupARNs", tf="target_group_arns",
            live="TargetGroupARNs", reverse=True),
        rel("targets", "aws.elb.load_balancer", cfn="LoadBalancerNames", tf="load_balancers",
            live="LoadBalancerNames", reverse=True),
        rel("targets", ("aws.elbv2.target_group", "aws.elb.load_balancer"), cfn=Hook("attachments"),
            tf=Hook("attachments"), live=Hook("traffic_sources"), reverse=True),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **CAPACITY}

    tags: dict[str, str] = attr({}, "Resource tags. Default: none. Terraform gives a group's tags as `tag` blocks "
                                "(key, value, propagate_at_launch).", cfn="Tags", tf="tag", live="Tags")
    min_size: int | None = attr(None, "`MinSize` (required by AWS).", cfn="MinSize", tf="min_size", live="MinSize")
    max_size: int | None = attr(None, "`MaxSize` (required by AWS).", cfn="MaxSize", tf="max_size", live="MaxSize")
    desired_capacity: int | None = attr(None, "`DesiredCapacity`; AWS defaults it to MinSize.",
                                        cfn="DesiredCapacity", tf="desired_capacity", live="DesiredCapacity")
    health_check_type: str = attr("EC2", "`HealthCheckType`; AWS default EC2.", cfn="HealthCheckType",
                                  tf="health_check_type", live="HealthCheckType")
    health_check_grace_period_seconds: int = attr(
        0, "`HealthCheckGracePeriod`; API/CloudFormation default 0 (the Terraform provider's 300).",
        cfn="HealthCheckGracePeriod", tf="health_check_grace_period", live="HealthCheckGracePeriod",
        defaults={"tf": 300})
    availability_zones: list[str] = attr([], "`AvailabilityZones` given directly (without subnets).",
                                         cfn="AvailabilityZones", tf="availability_zones", live="AvailabilityZones",
                                         as_set=True)
    mixed_instances: bool = attr(False, "True when the group has a `MixedInstancesPolicy` (Spot and On-Demand).",
                                 cfn=Hook("mixed_instances"), tf=Hook("mixed_instances"),
                                 live=Hook("mixed_instances"))
    on_demand_base_capacity: int = attr(0, "`InstancesDistribution.OnDemandBaseCapacity`; default 0.",
                                        cfn=_MIXED + "OnDemandBaseCapacity", tf=_TF_MIXED + "on_demand_base_capacity",
                                        live=_MIXED + "OnDemandBaseCapacity")
    on_demand_percentage_above_base: int = attr(
        100, "`InstancesDistribution.OnDemandPercentageAboveBaseCapacity`; default 100 (no Spot).",
        cfn=_MIXED + "OnDemandPercentageAboveBaseCapacity", tf=_TF_MIXED + "on_demand_percentage_above_base_capacity",
        live=_MIXED + "OnDemandPercentageAboveBaseCapacity")
    spot_allocation_strategy: str | None = attr(
        None, "`InstancesDistribution.SpotAllocationStrategy`.", cfn=_MIXED + "SpotAllocationStrategy",
        tf=_TF_MIXED + "spot_allocation_strategy", live=_MIXED + "SpotAllocationStrategy")


class ScalingPolicy(Attributes):
    """An Auto Scaling policy; ``scales`` its group."""

    type_name: ClassVar[str] = "aws.autoscaling.policy"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::AutoScaling::ScalingPolicy",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_autoscaling_policy",)
    live: ClassVar[Live] = Live("autoscaling:DescribePolicies", "{id}", id="PolicyARN", arn_path="PolicyARN",
                                name="PolicyName")
    relations = (
        rel("scales", ASG, cfn="AutoScalingGroupName", tf="autoscaling_group_name", live=Hook("group_by_name")),
    )

    policy_type: str = attr("SimpleScaling", "`PolicyType`; AWS default SimpleScaling.", cfn="PolicyType",
                            tf="policy_type", live="PolicyType")
    predefined_metric_type: str | None = attr(
        None, "`TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType`.",
        cfn=_TRACKING + "PredefinedMetricSpecification.PredefinedMetricType",
        tf=_TF_TRACKING + "predefined_metric_specification.predefined_metric_type",
        live=_TRACKING + "PredefinedMetricSpecification.PredefinedMetricType")
    customized_metric_name: str | None = attr(
        None, "`CustomizedMetricSpecification.MetricName` (e.g. the CloudWatch agent's `mem_used_percent`).",
        cfn=_TRACKING + "CustomizedMetricSpecification.MetricName",
        tf=_TF_TRACKING + "customized_metric_specification.metric_name",
        live=_TRACKING + "CustomizedMetricSpecification.MetricName")
    customized_metric_namespace: str | None = attr(
        None, "`CustomizedMetricSpecification.Namespace` (e.g. `CWAgent`).",
        cfn=_TRACKING + "CustomizedMetricSpecification.Namespace",
        tf=_TF_TRACKING + "customized_metric_specification.namespace",
        live=_TRACKING + "CustomizedMetricSpecification.Namespace")
    target_value: float | None = attr(None, "`TargetTrackingConfiguration.TargetValue`.",
                                      cfn=_TRACKING + "TargetValue", tf=_TF_TRACKING + "target_value",
                                      live=_TRACKING + "TargetValue")


MODELS: tuple[type[Attributes], ...] = (AutoScalingGroup, ScalingPolicy)
