"""Live collector for EC2 Auto Scaling: groups and scaling policies.

A group is ``in_subnet`` each subnet of its ``VPCZoneIdentifier``; the target groups and classic load
balancers it is attached to (``TargetGroupARNs``, ``LoadBalancerNames`` and ``TrafficSources``) get a
``targets`` edge to it. A policy ``scales`` its group (joined by group name, since policies do not
carry the group's ARN).
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from ..model.vocabulary import live_uid
from .base import CallContext, Collected
from .engine import build

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


def traffic_sources(resource: Resource, group: dict[str, Any], account: str, region: str, out: Collected) -> None:
    """Hook ``traffic_sources``: ``TrafficSources`` of type elbv2/elb send traffic to the group."""
    for source in group.get("TrafficSources") or []:
        identifier = source.get("Identifier")
        if not identifier or source.get("Type") not in ("elbv2", "elb"):
            continue
        lb = identifier if source["Type"] == "elbv2" else live_uid("aws.elb.load_balancer", identifier, account, region)
        relation = Relation(src=lb, kind="targets", dst=resource.uid)
        if relation not in out.relations:
            out.relations.append(relation)


def mixed_instances(resource: Resource, group: dict[str, Any]) -> None:
    """Hook ``mixed_instances``: the group runs a Spot/On-Demand mix."""
    resource.attributes["mixed_instances"] = bool(group.get("MixedInstancesPolicy"))


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from ``fetch``'s raw responses (pure; no AWS calls)."""
    out = Collected()
    arns_by_name: dict[str, str] = {}
    for group in raw.get("groups") or []:
        resource = build(out, "aws.autoscaling.group", group, account, region)
        arns_by_name[group["AutoScalingGroupName"]] = resource.uid
        traffic_sources(resource, group, account, region, out)
        mixed_instances(resource, group)
    groups_error = (raw.get("errors") or {}).get("groups")
    for policy in raw.get("policies") or []:
        resource = build(out, "aws.autoscaling.policy", policy, account, region)
        group_by_name(resource, policy.get("AutoScalingGroupName"), arns_by_name, groups_error, out)
    return out


def group_by_name(resource: Resource, group_name: str | None, arns_by_name: dict[str, str],
                  groups_error: str | None, out: Collected) -> None:
    """Hook ``group_by_name``: a policy names its group, whose ARN (with a UUID) only the group listing gives."""
    group_uid = arns_by_name.get(group_name or "")
    if group_uid is None:
        resource.unknown_relations["scales"] = groups_error or f"Auto Scaling group {group_name!r} not found"
    else:
        out.relations.append(Relation(src=resource.uid, kind="scales", dst=group_uid))
