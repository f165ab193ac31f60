"""Live collector for EC2 Auto Scaling: groups and scaling policies.

A group is ``in_subnet`` each subnet of its ``VPCZoneIdentifier``; the target groups and classic load
balancers it is attached to (``TargetGroupARNs``, ``LoadBalancerNames`` and ``TrafficSources``) get a
``targets`` edge to it. A policy ``scales`` its group (joined by group name, since policies do not
carry the group's ARN).
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected
from .ec2 import ec2_arn, tags_dict
from .elb import classic_elb_arn

SERVICE = "autoscaling"

OPERATIONS: dict[str, tuple[str, ...]] = {
    "autoscaling:DescribeAutoScalingGroups": ("aws.autoscaling.group",),
    "autoscaling:DescribePolicies": ("aws.autoscaling.policy",),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Groups and policies; a failed call leaves ``None`` and its reason under ``errors``."""
    raw: dict[str, Any] = {"errors": {}}
    for key, operation, result_key in (("groups", "DescribeAutoScalingGroups", "AutoScalingGroups"),
                                       ("policies", "DescribePolicies", "ScalingPolicies")):
        raw[key] = ctx.paginate(SERVICE, operation, result_key, unknown_types=OPERATIONS[f"{SERVICE}:{operation}"])
        if raw[key] is None:
            raw["errors"][key] = ctx.last_error or f"{operation} failed"
    return raw


def _load_balancers(group: dict[str, Any], account: str, region: str) -> list[str]:
    """Uids of the target groups and classic load balancers that send traffic to the group."""
    uids = list(group.get("TargetGroupARNs") or [])
    uids += [classic_elb_arn(account, region, name) for name in group.get("LoadBalancerNames") or []]
    for source in group.get("TrafficSources") or []:
        identifier = source.get("Identifier")
        if source.get("Type") == "elbv2" and identifier:
            uids.append(identifier)
        elif source.get("Type") == "elb" and identifier:
            uids.append(classic_elb_arn(account, region, identifier))
    return list(dict.fromkeys(uids))


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from ``fetch``'s raw responses (pure; no AWS calls)."""
    out = Collected()
    arns_by_name: dict[str, str] = {}
    for group in raw.get("groups") or []:
        uid = group["AutoScalingGroupARN"]
        name = group["AutoScalingGroupName"]
        arns_by_name[name] = uid
        attributes: dict[str, Any] = {
            "min_size": group.get("MinSize"),
            "max_size": group.get("MaxSize"),
            "desired_capacity": group.get("DesiredCapacity"),
            "availability_zones": sorted(group.get("AvailabilityZones") or []),
            "tags": tags_dict(group.get("Tags")),
        }
        if group.get("HealthCheckType"):
            attributes["health_check_type"] = group["HealthCheckType"]
        if group.get("HealthCheckGracePeriod") is not None:
            attributes["health_check_grace_period_seconds"] = int(group["HealthCheckGracePeriod"])
        out.resources.append(Resource(uid=uid, type="aws.autoscaling.group", name=name, account=account,
                                      region=region, attributes=attributes))
        subnets = [s.strip() for s in (group.get("VPCZoneIdentifier") or "").split(",") if s.strip()]
        for subnet in dict.fromkeys(subnets):
            out.relations.append(Relation(src=uid, kind="in_subnet", dst=ec2_arn(account, region, "subnet", subnet)))
        for lb in _load_balancers(group, account, region):
            out.relations.append(Relation(src=lb, kind="targets", dst=uid))

    groups_error = (raw.get("errors") or {}).get("groups")
    for policy in raw.get("policies") or []:
        _policy(out, policy, arns_by_name, groups_error, account, region)
    return out


def _policy(out: Collected, policy: dict[str, Any], arns_by_name: dict[str, str], groups_error: str | None,
            account: str, region: str) -> None:
    uid = policy["PolicyARN"]
    attributes: dict[str, Any] = {}
    if policy.get("PolicyType"):
        attributes["policy_type"] = policy["PolicyType"]
    tracking = policy.get("TargetTrackingConfiguration") or {}
    metric = (tracking.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
    if metric:
        attributes["predefined_metric_type"] = metric
    if tracking.get("TargetValue") is not None:
        attributes["target_value"] = float(tracking["TargetValue"])
    group_name = policy.get("AutoScalingGroupName")
    unresolved: dict[str, str] = {}
    group_uid = arns_by_name.get(group_name or "")
    if group_uid is None:
        unresolved["scales"] = groups_error or f"Auto Scaling group {group_name!r} not found"
    out.resources.append(Resource(uid=uid, type="aws.autoscaling.policy", name=policy.get("PolicyName"),
                                  account=account, region=region, attributes=attributes,
                                  unknown_relations=unresolved))
    if group_uid is not None:
        out.relations.append(Relation(src=uid, kind="scales", dst=group_uid))
