"""The example's web tier: an internet-facing ALB, its target group and the Auto Scaling groups."""

from __future__ import annotations

from typing import Any

from .builder import ACCOUNT, PRIMARY, Network, SnapshotBuilder, hex_id, uuid
from .violations import violation

ZONES = [f"{PRIMARY}{zone}" for zone in "abc"]


def _auto_scaling_group(b: SnapshotBuilder, name: str, attributes: dict[str, Any],
                        tags: dict[str, str] | None = None) -> str:
    uid = f"arn:aws:autoscaling:{PRIMARY}:{ACCOUNT}:autoScalingGroup:{uuid(name)}:autoScalingGroupName/{name}"
    return b.add(uid, "aws.autoscaling.group", name, PRIMARY, attributes, tags)


def _target_tracking(b: SnapshotBuilder, group: str, group_name: str, name: str, target: float,
                     metric: dict[str, str]) -> None:
    """A target-tracking policy on ``group``: ``metric`` is the predefined or customised metric's fields."""
    uid = b.add(f"arn:aws:autoscaling:{PRIMARY}:{ACCOUNT}:scalingPolicy:{uuid(name)}:"
                f"autoScalingGroupName/{group_name}:policyName/{name}", "aws.autoscaling.policy", name, PRIMARY,
                {"policy_type": "TargetTrackingScaling", "target_value": target, **metric})
    b.relate(uid, "scales", group)


def _scale_on_cpu_and_memory(b: SnapshotBuilder, group: str, group_name: str) -> None:
    """The architecture's thresholds: scale out at CPU > 70 % and memory > 80 %."""
    _target_tracking(b, group, group_name, f"{group_name}-cpu-70", 70.0,
                     {"predefined_metric_type": "ASGAverageCPUUtilization"})
    _target_tracking(b, group, group_name, f"{group_name}-mem-80", 80.0,
                     {"customized_metric_name": "mem_used_percent", "customized_metric_namespace": "CWAgent"})


def web_tier(b: SnapshotBuilder, net: Network) -> str:
    """Internet-facing ALB -> target group -> Auto Scaling group, plus a single-AZ batch group; the ALB's uid."""
    alb_id = hex_id("alb", 16)
    alb = b.add(f"arn:aws:elasticloadbalancing:{PRIMARY}:{ACCOUNT}:loadbalancer/app/web-alb/{alb_id}",
                "aws.elbv2.load_balancer", "web-alb", PRIMARY, {
                    "lb_type": "application", "scheme": "internet-facing", "availability_zones": ZONES,
                    "cross_zone_enabled": True, "deletion_protection": True})
    b.relate(alb, "in_subnet", *(net.subnets[f"public-{zone}"] for zone in "abc"))
    b.relate(alb, "in_vpc", net.vpc)
    b.relate(alb, "uses_security_group", net.security_groups["alb-sg"])
    instances = [f"i-{hex_id('web' + zone)}" for zone in "abc"]
    tg = b.add(f"arn:aws:elasticloadbalancing:{PRIMARY}:{ACCOUNT}:targetgroup/web-tg/{hex_id('tg', 16)}",
               "aws.elbv2.target_group", "web-tg", PRIMARY, {
                   "protocol": "HTTP", "port": 8080, "target_type": "instance", "health_check_protocol": "HTTP",
                   "health_check_path": "/healthz", "health_check_interval_seconds": 15, "healthy_threshold": 3,
                   "deregistration_delay_seconds": 60,
                   "target_health": [{"target": instance, "port": 8080, "state": "healthy", "availability_zone": zone}
                                     for instance, zone in zip(instances, ZONES, strict=True)]})
    b.relate(tg, "in_vpc", net.vpc)
    asg = _auto_scaling_group(b, "web-asg", {"min_size": 3, "max_size": 12, "desired_capacity": 3,
                                             "health_check_type": "ELB", "health_check_grace_period_seconds": 300,
                                             "availability_zones": ZONES})
    b.relate(asg, "in_subnet", *(net.subnets[f"private-{zone}"] for zone in "abc"))
    b.relate(alb, "targets", tg)
    b.relate(tg, "targets", asg)
    _scale_on_cpu_and_memory(b, asg, "web-asg")
    batch = _auto_scaling_group(b, "batch-workers", {"min_size": 1, "max_size": 4, "desired_capacity": 1,
                                                     "availability_zones": [f"{PRIMARY}a"]},
                                violation("batch-workers", "launches into a single subnet (one AZ), minimum 1."))
    b.relate(batch, "in_subnet", net.subnets["private-a"])
    _scale_on_cpu_and_memory(b, batch, "batch-workers")
    b.alarm(PRIMARY, "web-alb-5xx", alb, {
        "namespace": "AWS/ApplicationELB", "metric_name": "HTTPCode_Target_5XX_Count", "statistic": "Sum",
        "dimensions": {"LoadBalancer": f"app/web-alb/{alb_id}"}, "threshold": 50.0})
    return alb
