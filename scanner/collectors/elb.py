"""Live collector for Elastic Load Balancing: ELBv2 load balancers and target groups, classic ELBs.

Batch calls list the load balancers and target groups; tags come 20 resources per ``DescribeTags``.
Attributes (cross-zone, deletion protection, stickiness, draining) have no batch call, so they are
read per resource; a failed per-resource call marks only those attributes unknown on that resource.
``DescribeTargetHealth`` is called once per *instance* or *ip* target group: it gives each target's zone
and health state (``target_health``), and for instance groups it is the only source of the target
group -> instance edges (edges to Auto Scaling groups come from the autoscaling collector, which reads
each group's ``TargetGroupARNs``; ip targets are addresses, not resources).
"""

from __future__ import annotations

from typing import Any

from ..model import Resource
from ..model.mapping import Mapped
from .base import CallContext, Collected
from .engine import build, failed

SERVICE = "elbv2"

OPERATIONS: dict[str, tuple[str, ...]] = {
    "elbv2:DescribeLoadBalancers": ("aws.elbv2.load_balancer",),
    "elbv2:DescribeLoadBalancerAttributes": ("aws.elbv2.load_balancer",),
    "elbv2:DescribeTargetGroups": ("aws.elbv2.target_group",),
    "elbv2:DescribeTargetGroupAttributes": ("aws.elbv2.target_group",),
    "elbv2:DescribeTargetHealth": ("aws.elbv2.target_group",),
    "elbv2:DescribeTags": ("aws.elbv2.load_balancer", "aws.elbv2.target_group"),
    "elb:DescribeLoadBalancers": ("aws.elb.load_balancer",),
    "elb:DescribeLoadBalancerAttributes": ("aws.elb.load_balancer",),
    "elb:DescribeTags": ("aws.elb.load_balancer",),
}

TAG_BATCH = 20
ZONAL_TARGET_TYPES = ("instance", "ip")
"""Target types whose targets sit in an Availability Zone (target health is read for these)."""


def classic_elb_arn(account: str, region: str, name: str) -> str:
    """The uid of a classic load balancer (its ARN, built from its name)."""
    return f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{name}"


def _per_resource(ctx: CallContext, service: str, operation: str, **params: Any) -> dict[str, Any]:
    """One per-resource call: the response, or ``{"Error": reason}`` (no type-wide coverage gap)."""
    response = ctx.call(service, operation, unknown_types=(), **params)
    if response is None:
        return {"Error": ctx.last_error or f"{operation} failed"}
    response.pop("ResponseMetadata", None)
    return response


def _tags(ctx: CallContext, service: str, key: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """``DescribeTags`` in batches of 20: id -> ``{"Tags": [...]}`` or ``{"Error": reason}``."""
    result: dict[str, dict[str, Any]] = {}
    id_field = "ResourceArn" if key == "ResourceArns" else "LoadBalancerName"
    for start in range(0, len(ids), TAG_BATCH):
        batch = ids[start:start + TAG_BATCH]
        response = _per_resource(ctx, service, "DescribeTags", **{key: batch})
        if "Error" in response:
            result.update({i: {"Error": response["Error"]} for i in batch})
            continue
        result.update({i: {"Tags": []} for i in batch})
        for description in response.get("TagDescriptions") or []:
            result[description[id_field]] = {"Tags": description.get("Tags") or []}
    return result


def fetch(ctx: CallContext) -> dict[str, Any]:
    """ELBv2 and classic ELB describe calls; a failed list call leaves ``None`` and its reason."""
    raw: dict[str, Any] = {"errors": {}}

    def listing(service: str, operation: str, result_key: str, key: str) -> list[dict[str, Any]]:
        raw[key] = ctx.paginate(service, operation, result_key, unknown_types=OPERATIONS[f"{service}:{operation}"])
        if raw[key] is None:
            raw["errors"][key] = ctx.last_error or f"{operation} failed"
        return raw[key] or []

    lbs = listing("elbv2", "DescribeLoadBalancers", "LoadBalancers", "load_balancers")
    raw["lb_attributes"] = {lb["LoadBalancerArn"]: _per_resource(
        ctx, "elbv2", "DescribeLoadBalancerAttributes", LoadBalancerArn=lb["LoadBalancerArn"]) for lb in lbs}
    groups = listing("elbv2", "DescribeTargetGroups", "TargetGroups", "target_groups")
    raw["tg_attributes"] = {tg["TargetGroupArn"]: _per_resource(
        ctx, "elbv2", "DescribeTargetGroupAttributes", TargetGroupArn=tg["TargetGroupArn"]) for tg in groups}
    raw["target_health"] = {tg["TargetGroupArn"]: _per_resource(
        ctx, "elbv2", "DescribeTargetHealth", TargetGroupArn=tg["TargetGroupArn"])
        for tg in groups if tg.get("TargetType", "instance") in ZONAL_TARGET_TYPES}
    arns = [lb["LoadBalancerArn"] for lb in lbs] + [tg["TargetGroupArn"] for tg in groups]
    raw["tags"] = _tags(ctx, "elbv2", "ResourceArns", arns)

    classic = listing("elb", "DescribeLoadBalancers", "LoadBalancerDescriptions", "classic")
    names = [lb["LoadBalancerName"] for lb in classic]
    raw["classic_attributes"] = {name: _per_resource(
        ctx, "elb", "DescribeLoadBalancerAttributes", LoadBalancerName=name) for name in names}
    raw["classic_tags"] = _tags(ctx, "elb", "LoadBalancerNames", names)
    return raw


def _response(entry: dict[str, Any] | None, key: str, what: str) -> Any:
    """A per-resource response's ``key``, or an ``Unknown`` when the call failed (its attributes unknown)."""
    if entry is None or "Error" in entry:
        return failed((entry or {}).get("Error"), what)
    return entry.get(key) or []


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from ``fetch``'s raw responses (pure; no AWS calls)."""
    out = Collected()
    errors: dict[str, str] = raw.get("errors") or {}
    tags: dict[str, Any] = raw.get("tags") or {}
    for lb in raw.get("load_balancers") or []:
        uid = lb["LoadBalancerArn"]
        item = {**lb, "Attributes": _response((raw.get("lb_attributes") or {}).get(uid), "Attributes",
                                              "load balancer attributes"),
                "Tags": _response(tags.get(uid), "Tags", "tags")}
        missing = {"targets": errors["target_groups"]} if "target_groups" in errors else {}
        cross_zone_by_type(build(out, "aws.elbv2.load_balancer", item, account, region,
                                 mapped=Mapped(unknown_relations=missing)))
    for tg in raw.get("target_groups") or []:
        uid = tg["TargetGroupArn"]
        health = (raw.get("target_health") or {}).get(uid)
        item = {**tg, "Attributes": _response((raw.get("tg_attributes") or {}).get(uid), "Attributes",
                                              "target group attributes"),
                "Tags": _response(tags.get(uid), "Tags", "tags")}
        if health is not None:
            read = failed(health["Error"], "target health") if "Error" in health else health
            item["Health"] = read
            if tg.get("TargetType", "instance") == "instance":
                item["TargetHealth"] = read  # the target group -> instance edges
        build(out, "aws.elbv2.target_group", item, account, region)
    for lb in raw.get("classic") or []:
        name = lb["LoadBalancerName"]
        item = {**lb, "Attributes": _response((raw.get("classic_attributes") or {}).get(name),
                                              "LoadBalancerAttributes", "load balancer attributes"),
                "Tags": _response((raw.get("classic_tags") or {}).get(name), "Tags", "tags")}
        build(out, "aws.elb.load_balancer", item, account, region)
    return out


def cross_zone_by_type(resource: Resource) -> None:
    """Hook ``cross_zone_by_type``: AWS balances an ALB across zones whatever the attribute reads; for
    NLB/GWLB the attribute (absent = false) decides."""
    if resource.attributes.get("lb_type", "application") == "application":
        resource.attributes["cross_zone_enabled"] = True
        resource.unknown.pop("cross_zone_enabled", None)
