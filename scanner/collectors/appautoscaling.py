"""Application Auto Scaling collector: scalable targets (ECS services, DynamoDB tables) and their policies.

A scalable target has no ARN in older responses: its uid is ``ScalableTargetARN`` when AWS returns it,
else one built from namespace, resource id and dimension. Its ``ResourceId`` names what it scales
(``service/CLUSTER/SERVICE``, ``table/NAME``), whose ARN is built in the scanned account and Region.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from ..model.vocabulary import live_uid
from ..model.vocabulary.scaling import SCALABLE_TARGET
from .base import CallContext, Collected
from .engine import build

SERVICE = "application-autoscaling"
NAMESPACES = ("ecs", "dynamodb")
OPERATIONS: dict[str, tuple[str, ...]] = {
    "application-autoscaling:DescribeScalableTargets": (SCALABLE_TARGET,),
    "application-autoscaling:DescribeScalingPolicies": ("aws.appautoscaling.policy",),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Targets and policies of the namespaces haguard models (the API requires a namespace)."""
    raw: dict[str, Any] = {"targets": [], "policies": []}
    for namespace in NAMESPACES:
        raw["targets"] += ctx.paginate(SERVICE, "DescribeScalableTargets", "ScalableTargets",
                                       unknown_types=OPERATIONS[f"{SERVICE}:DescribeScalableTargets"],
                                       ServiceNamespace=namespace) or []
        raw["policies"] += ctx.paginate(SERVICE, "DescribeScalingPolicies", "ScalingPolicies",
                                        unknown_types=OPERATIONS[f"{SERVICE}:DescribeScalingPolicies"],
                                        ServiceNamespace=namespace) or []
    return raw


def target_key(item: dict[str, Any]) -> tuple[str, str, str]:
    """What identifies a scalable target: namespace, resource id, dimension."""
    return (str(item.get("ServiceNamespace")), str(item.get("ResourceId")), str(item.get("ScalableDimension")))


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    targets: dict[tuple[str, str, str], str] = {}
    for item in raw.get("targets") or []:
        namespace, resource_id, dimension = target_key(item)
        uid = item.get("ScalableTargetARN") or (
            f"arn:aws:application-autoscaling:{region}:{account}:scalable-target/{namespace}/{resource_id}/{dimension}")
        resource = build(out, SCALABLE_TARGET, {**item, "TargetUid": uid}, account, region)
        targets[target_key(item)] = resource.uid
        scaled_resource(resource, namespace, resource_id, account, region, out)
    for item in raw.get("policies") or []:
        resource = build(out, "aws.appautoscaling.policy", item, account, region)
        target = targets.get(target_key(item))
        if target is None:
            resource.unknown_relations["scales"] = f"scalable target {'/'.join(target_key(item))} not listed"
        else:
            out.relations.append(Relation(src=resource.uid, kind="scales", dst=target))
    return out


def scaled_resource(resource: Resource, namespace: str, resource_id: str, account: str, region: str,
                    out: Collected) -> None:
    """Hook ``scaled_resource``: the ECS service or DynamoDB table a ``ResourceId`` names."""
    kind, _, rest = resource_id.partition("/")
    if namespace == "ecs" and kind == "service":
        out.relations.append(Relation(src=resource.uid, kind="scales",
                                      dst=live_uid("aws.ecs.service", rest, account, region)))
    elif namespace == "dynamodb" and kind == "table":
        out.relations.append(Relation(src=resource.uid, kind="scales",
                                      dst=live_uid("aws.dynamodb.table", rest.split("/", 1)[0], account, region)))
