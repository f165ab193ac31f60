"""Elastic Load Balancing: ELBv2 load balancers and target groups, classic ELBs."""


from typing import ClassVar

from pydantic import model_validator

from .. import normalise
from ._base import IAC_PLACED, LIVE_ONLY, PLACED, Attributes, Item
from ._fields import Hook, Live, attr, rel

LB_V2 = "aws.elbv2.load_balancer"
TARGET_GROUP = "aws.elbv2.target_group"
_ELB_ARN = "arn:aws:elasticloadbalancing:{region}:{account}:"
_TARGETS = ("aws.ec2.instance", "aws.autoscaling.group")


def _lb_attribute(key: str) -> str:
    return f"Attributes[Key={key}].Value"


class LoadBalancerV2(Attributes):
    """An ALB/NLB/GWLB; ``in_subnet`` its subnets, ``targets`` its target groups."""

    type_name: ClassVar[str] = LB_V2
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElasticLoadBalancingV2::LoadBalancer",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_lb", "aws_alb")
    live: ClassVar[Live] = Live("elbv2:DescribeLoadBalancers", _ELB_ARN + "loadbalancer/{id}", id="LoadBalancerName",
                                arn_path="LoadBalancerArn", name="LoadBalancerName")
    relations = (
        rel("in_vpc", "aws.ec2.vpc", live="VpcId", why=IAC_PLACED),
        # subnets and subnet mappings are two spellings of the same set
        rel("in_subnet", "aws.ec2.subnet", cfn="Subnets|SubnetMappings[*].SubnetId",
            tf="subnets|subnet_mapping[*].subnet_id", live="AvailabilityZones[*].SubnetId"),
        rel("uses_security_group", "aws.ec2.security_group", cfn="SecurityGroups", tf="security_groups",
            live="SecurityGroups"),
        rel("targets", TARGET_GROUP, cfn=Hook("listeners"), tf=Hook("listeners"), live=Hook("target_groups")),
    )
    derived: ClassVar[dict[str, str]] = {
        **PLACED,
        "zones_without_healthy_targets": "Sorted AZs enabled on the load balancer (`availability_zones`) in "
        "which none of its instance or ip target groups has a healthy target (live: target health). A "
        "target's zone is the one DescribeTargetHealth gives, else its instance's zone, else the zone of the "
        "subnet whose CIDR holds its IP; unknown when a target's zone or its group's health is.",
        "max_zone_target_share": "The share (0-1) of the load balancer's distinct healthy targets that sit in "
        "its most loaded AZ; unknown when it has no healthy target or a zone is unknown (live).",
    }

    lb_type: str = attr("application", "`Type`: application (default), network, gateway.",
                        cfn="Type", tf="load_balancer_type", live="Type")
    scheme: str = attr("internet-facing", "`Scheme`; AWS default internet-facing.",
                       cfn="Scheme", tf="internal", live="Scheme", conv=normalise.scheme)
    availability_zones: list[str] = attr(
        [], "`AvailabilityZones[].ZoneName` when the source gives them.",
        live="AvailabilityZones[*].ZoneName", why=IAC_PLACED, as_set=True)
    cross_zone_enabled: bool = attr(
        False, "`load_balancing.cross_zone.enabled`; always on for ALBs (hook `cross_zone_by_type`), default "
        "false for NLB/GWLB.", cfn="LoadBalancerAttributes[Key=load_balancing.cross_zone.enabled].Value",
        tf="enable_cross_zone_load_balancing", live=_lb_attribute("load_balancing.cross_zone.enabled"))
    deletion_protection: bool = attr(
        False, "`deletion_protection.enabled`; default false.",
        cfn="LoadBalancerAttributes[Key=deletion_protection.enabled].Value", tf="enable_deletion_protection",
        live=_lb_attribute("deletion_protection.enabled"))
    access_logs_enabled: bool = attr(
        False, "`access_logs.s3.enabled`: access logs to S3; default false (Terraform: `access_logs.enabled`, "
        "false even with a bucket).", cfn="LoadBalancerAttributes[Key=access_logs.s3.enabled].Value",
        tf="access_logs.enabled", live=_lb_attribute("access_logs.s3.enabled"))


class TargetHealthEntry(Item):
    """One registered target as ``DescribeTargetHealth`` reports it."""

    target: str | None = attr(None, "`Target.Id`: an instance id, an IP address, a Lambda or ALB ARN.",
                              live="Target.Id")
    port: int | None = attr(None, "`Target.Port`.", live="Target.Port")
    availability_zone: str | None = attr(None, "`Target.AvailabilityZone` (ip targets; `all` outside the VPC).",
                                         live="Target.AvailabilityZone")
    state: str | None = attr(None, "`TargetHealth.State`: healthy, unhealthy, initial, unused, draining, "
                             "unavailable.", live="TargetHealth.State")


class TargetGroup(Attributes):
    """An ELBv2 target group; ``targets`` its instances or Auto Scaling groups."""

    type_name: ClassVar[str] = TARGET_GROUP
    derived: ClassVar[dict[str, str]] = {
        "detection_seconds": "`unhealthy_threshold` x `health_check_interval_seconds`: how long the load balancer "
        "takes to declare a failed target unhealthy (derived by the graph)."}
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElasticLoadBalancingV2::TargetGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_lb_target_group", "aws_alb_target_group")
    live: ClassVar[Live] = Live("elbv2:DescribeTargetGroups", _ELB_ARN + "targetgroup/{id}", id="TargetGroupName",
                                arn_path="TargetGroupArn", name="TargetGroupName")
    relations = (
        rel("in_vpc", "aws.ec2.vpc", cfn="VpcId", tf="vpc_id", live="VpcId"),
        rel("targets", _TARGETS, cfn="Targets[*].Id", tf=Hook("target_attachments"),
            live="TargetHealth.TargetHealthDescriptions[*].Target.Id"),
        rel("targets", LB_V2, cfn=Hook("listeners"), tf=Hook("listeners"), live="LoadBalancerArns", reverse=True),
    )

    protocol: str | None = attr(None, "`Protocol`.", cfn="Protocol", tf="protocol", live="Protocol")
    port: int | None = attr(None, "`Port`.", cfn="Port", tf="port", live="Port")
    target_health: list[TargetHealthEntry] = attr(
        [], "Registered targets with their zone and health state (`DescribeTargetHealth`, instance and ip "
        "target groups).", live="Health.TargetHealthDescriptions", why=LIVE_ONLY)
    target_type: str = attr("instance", "`TargetType`; default instance.", cfn="TargetType", tf="target_type",
                            live="TargetType")
    health_check_enabled: bool = attr(True, "`HealthCheckEnabled`; default true.", cfn="HealthCheckEnabled",
                                      tf="health_check.enabled", live="HealthCheckEnabled")
    health_check_protocol: str | None = attr(None, "`HealthCheckProtocol`.", cfn="HealthCheckProtocol",
                                             tf="health_check.protocol", live="HealthCheckProtocol")
    health_check_path: str | None = attr(None, "`HealthCheckPath`; AWS default `/` for HTTP.", cfn="HealthCheckPath",
                                         tf="health_check.path", live="HealthCheckPath")
    health_check_interval_seconds: int = attr(30, "`HealthCheckIntervalSeconds`; default 30.",
                                              cfn="HealthCheckIntervalSeconds", tf="health_check.interval",
                                              live="HealthCheckIntervalSeconds")
    healthy_threshold: int = attr(5, "`HealthyThresholdCount`; API default 5 (the Terraform provider's 3).",
                                  cfn="HealthyThresholdCount", tf="health_check.healthy_threshold",
                                  live="HealthyThresholdCount", defaults={"tf": 3})
    unhealthy_threshold: int = attr(2, "`UnhealthyThresholdCount`; API default 2 (the Terraform provider's 3).",
                                    cfn="UnhealthyThresholdCount", tf="health_check.unhealthy_threshold",
                                    live="UnhealthyThresholdCount", defaults={"tf": 3})
    stickiness_enabled: bool = attr(False, "`stickiness.enabled`; default false.",
                                    cfn="TargetGroupAttributes[Key=stickiness.enabled].Value",
                                    tf="stickiness.enabled", live=_lb_attribute("stickiness.enabled"))
    stickiness_type: str | None = attr(None, "`stickiness.type` (lb_cookie, app_cookie, source_ip...).",
                                       cfn="TargetGroupAttributes[Key=stickiness.type].Value",
                                       tf="stickiness.type", live=_lb_attribute("stickiness.type"))
    stickiness_duration_seconds: int = attr(
        86400, "`stickiness.lb_cookie.duration_seconds`; default 86400 (one day).",
        cfn="TargetGroupAttributes[Key=stickiness.lb_cookie.duration_seconds].Value", tf="stickiness.cookie_duration",
        live=_lb_attribute("stickiness.lb_cookie.duration_seconds"))
    deregistration_delay_seconds: int = attr(
        300, "`deregistration_delay.timeout_seconds`; default 300.",
        cfn="TargetGroupAttributes[Key=deregistration_delay.timeout_seconds].Value", tf="deregistration_delay",
        live=_lb_attribute("deregistration_delay.timeout_seconds"))

    @model_validator(mode="after")
    def _defaults_by_protocol(self) -> "TargetGroup":
        """AWS's defaults that follow the target group's protocol (CreateTargetGroup, target group attributes):
        an HTTP/HTTPS group (ALB) checks health over HTTP on `/` and sticks with `lb_cookie`; a TCP, TLS or UDP
        group (NLB) checks over TCP and sticks by `source_ip`; a GENEVE group (GWLB) checks over TCP and sticks
        by `source_ip_dest_ip_proto`."""
        web = self.protocol in ("HTTP", "HTTPS")
        if self.protocol is None or self.target_type == "lambda":
            return self
        if self.health_check_protocol is None:
            self.health_check_protocol = "HTTP" if web else "TCP"
        if self.health_check_path is None and self.health_check_protocol in ("HTTP", "HTTPS"):
            self.health_check_path = "/"
        if self.stickiness_type is None:
            self.stickiness_type = "lb_cookie" if web else "source_ip_dest_ip_proto" if self.protocol == "GENEVE" \
                else "source_ip"
        return self


class ClassicLoadBalancer(Attributes):
    """A classic ELB."""

    type_name: ClassVar[str] = "aws.elb.load_balancer"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ElasticLoadBalancing::LoadBalancer",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_elb",)
    live: ClassVar[Live] = Live("elb:DescribeLoadBalancers", _ELB_ARN + "loadbalancer/{id}", id="LoadBalancerName",
                                name="LoadBalancerName")
    relations = (
        rel("in_subnet", "aws.ec2.subnet", cfn="Subnets", tf="subnets", live="Subnets"),
        rel("uses_security_group", "aws.ec2.security_group", cfn="SecurityGroups", tf="security_groups",
            live="SecurityGroups"),
        rel("targets", "aws.ec2.instance", cfn="Instances", tf="instances", live="Instances[*].InstanceId"),
    )
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    scheme: str = attr("internet-facing", "`Scheme`; default internet-facing.", cfn="Scheme", tf="internal",
                       live="Scheme", conv=normalise.scheme)
    availability_zones: list[str] = attr([], "`AvailabilityZones`.", cfn="AvailabilityZones",
                                         tf="availability_zones", live="AvailabilityZones", as_set=True)
    cross_zone_enabled: bool = attr(
        False, "`CrossZoneLoadBalancing.Enabled`; API/CloudFormation default false (the Terraform provider's true).",
        cfn="CrossZone", tf="cross_zone_load_balancing",
        live="Attributes.CrossZoneLoadBalancing.Enabled", defaults={"tf": True})
    connection_draining: bool = attr(
        False, "`ConnectionDraining.Enabled`; default false.", cfn="ConnectionDrainingPolicy.Enabled",
        tf="connection_draining", live="Attributes.ConnectionDraining.Enabled")


MODELS: tuple[type[Attributes], ...] = (LoadBalancerV2, TargetGroup, ClassicLoadBalancer)
