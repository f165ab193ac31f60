"""Elastic Load Balancing: ELBv2 load balancers and target groups, classic ELBs."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import PLACED, Attributes


class LoadBalancerV2(Attributes):
    """An ALB/NLB/GWLB; ``in_subnet`` its subnets, ``targets`` its target groups."""

    type_name: ClassVar[str] = "aws.elbv2.load_balancer"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElasticLoadBalancingV2::LoadBalancer",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_lb", "aws_alb")
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    lb_type: str = Field("application", description="`Type`: application (default), network, gateway.")
    scheme: str = Field("internet-facing", description="`Scheme`; AWS default internet-facing.")
    availability_zones: list[str] = Field(
        default_factory=list, description="`AvailabilityZones[].ZoneName` when the source gives them."
    )
    cross_zone_enabled: bool | None = Field(
        None,
        description="`load_balancing.cross_zone.enabled`; always on for ALBs, default false for "
        "NLB/GWLB. None when the source cannot say.",
    )
    deletion_protection: bool = Field(False, description="`deletion_protection.enabled`; default false.")


class TargetGroup(Attributes):
    """An ELBv2 target group; ``targets`` its instances or Auto Scaling groups."""

    type_name: ClassVar[str] = "aws.elbv2.target_group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElasticLoadBalancingV2::TargetGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_lb_target_group", "aws_alb_target_group")

    protocol: str | None = None
    port: int | None = None
    target_type: str = Field("instance", description="`TargetType`; default instance.")
    health_check_enabled: bool = Field(True, description="`HealthCheckEnabled`; default true.")
    health_check_protocol: str | None = None
    health_check_path: str | None = Field(None, description="`HealthCheckPath`; AWS default `/` for HTTP.")
    health_check_interval_seconds: int = Field(30, description="`HealthCheckIntervalSeconds`; default 30.")
    healthy_threshold: int = Field(5, description="`HealthyThresholdCount`; default 5.")
    unhealthy_threshold: int = Field(2, description="`UnhealthyThresholdCount`; default 2.")
    stickiness_enabled: bool = Field(False, description="`stickiness.enabled`; default false.")
    stickiness_type: str | None = None
    deregistration_delay_seconds: int = Field(300, description="`deregistration_delay.timeout_seconds`; 300.")


class ClassicLoadBalancer(Attributes):
    """A classic ELB."""

    type_name: ClassVar[str] = "aws.elb.load_balancer"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElasticLoadBalancing::LoadBalancer",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elb",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    scheme: str = Field("internet-facing", description="`Scheme`; default internet-facing.")
    availability_zones: list[str] = Field(default_factory=list, description="`AvailabilityZones`.")
    cross_zone_enabled: bool = Field(
        False, description="`CrossZoneLoadBalancing.Enabled`; API/CloudFormation default false."
    )
    connection_draining: bool = Field(False, description="`ConnectionDraining.Enabled`; default false.")


MODELS: tuple[type[Attributes], ...] = (LoadBalancerV2, TargetGroup, ClassicLoadBalancer)
