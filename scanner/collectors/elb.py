"""Live collector for Elastic Load Balancing: ELBv2 load balancers and target groups, classic ELBs.

Batch calls list the load balancers and target groups; tags come 20 resources per ``DescribeTags``.
Attributes (cross-zone, deletion protection, stickiness, draining) have no batch call, so they are
read per resource; a failed per-resource call marks only those attributes unknown on that resource.
``DescribeTargetHealth`` is called once per *instance* target group: it is the only source of the
target group -> instance edges (edges to Auto Scaling groups come from the autoscaling collector,
which reads each group's ``TargetGroupARNs``).
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected
from .ec2 import ec2_arn, tags_dict

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
_LB_ATTRIBUTES = ("cross_zone_enabled", "deletion_protection")
_TG_ATTRIBUTES = ("stickiness_enabled", "stickiness_type", "deregistration_delay_seconds")
_CLASSIC_ATTRIBUTES = ("cross_zone_enabled", "connection_draining")


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
        for tg in groups if tg.get("TargetType", "instance") == "instance"}
    arns = [lb["LoadBalancerArn"] for lb in lbs] + [tg["TargetGroupArn"] for tg in groups]
    raw["tags"] = _tags(ctx, "elbv2", "ResourceArns", arns)

    classic = listing("elb", "DescribeLoadBalancers", "LoadBalancerDescriptions", "classic")
    names = [lb["LoadBalancerName"] for lb in classic]
    raw["classic_attributes"] = {name: _per_resource(
        ctx, "elb", "DescribeLoadBalancerAttributes", LoadBalancerName=name) for name in names}
    raw["classic_tags"] = _tags(ctx, "elb", "LoadBalancerNames", names)
    return raw


def _is_true(value: Any) -> bool:
    return str(value).lower() == "true"


def _apply_tags(entry: dict[str, Any] | None, attributes: dict[str, Any], unknown: dict[str, str]) -> None:
    if entry is None:
        unknown["tags"] = "tags were not read"
    elif "Error" in entry:
        unknown["tags"] = entry["Error"]
    else:
        attributes["tags"] = tags_dict(entry.get("Tags"))


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from ``fetch``'s raw responses (pure; no AWS calls)."""
    out = Collected()
    errors: dict[str, str] = raw.get("errors") or {}
    tags: dict[str, Any] = raw.get("tags") or {}

    def subnet(subnet_id: str) -> str:
        return ec2_arn(account, region, "subnet", subnet_id)

    def relate(src: str, kind: str, dst: str) -> None:
        out.relations.append(Relation(src=src, kind=kind, dst=dst))

    for lb in raw.get("load_balancers") or []:
        uid = lb["LoadBalancerArn"]
        attributes, unknown = _lb_attributes(lb, (raw.get("lb_attributes") or {}).get(uid))
        _apply_tags(tags.get(uid), attributes, unknown)
        missing = {"targets": errors["target_groups"]} if "target_groups" in errors else {}
        out.resources.append(Resource(uid=uid, type="aws.elbv2.load_balancer", name=lb.get("LoadBalancerName"),
                                      account=account, region=region, attributes=attributes, unknown=unknown,
                                      unknown_relations=missing))
        if lb.get("VpcId"):
            relate(uid, "in_vpc", ec2_arn(account, region, "vpc", lb["VpcId"]))
        for zone in lb.get("AvailabilityZones") or []:
            if zone.get("SubnetId"):
                relate(uid, "in_subnet", subnet(zone["SubnetId"]))
        for group in lb.get("SecurityGroups") or []:
            relate(uid, "uses_security_group", ec2_arn(account, region, "security-group", group))

    for tg in raw.get("target_groups") or []:
        uid = tg["TargetGroupArn"]
        attributes, unknown = _tg_attributes(tg, (raw.get("tg_attributes") or {}).get(uid))
        _apply_tags(tags.get(uid), attributes, unknown)
        health = (raw.get("target_health") or {}).get(uid)
        unresolved = {"targets": health["Error"]} if health is not None and "Error" in health else {}
        out.resources.append(Resource(uid=uid, type="aws.elbv2.target_group", name=tg.get("TargetGroupName"),
                                      account=account, region=region, attributes=attributes, unknown=unknown,
                                      unknown_relations=unresolved))
        if tg.get("VpcId"):
            relate(uid, "in_vpc", ec2_arn(account, region, "vpc", tg["VpcId"]))
        for lb_arn in tg.get("LoadBalancerArns") or []:
            relate(lb_arn, "targets", uid)
        instances = dict.fromkeys(d["Target"]["Id"] for d in (health or {}).get("TargetHealthDescriptions") or [])
        for instance in instances:
            relate(uid, "targets", ec2_arn(account, region, "instance", instance))

    for lb in raw.get("classic") or []:
        _classic(out, lb, raw, account, region)
    return out


def _lb_attributes(lb: dict[str, Any], response: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]]:
    lb_type = lb.get("Type", "application")
    attributes: dict[str, Any] = {
        "lb_type": lb_type,
        "availability_zones": sorted({z["ZoneName"] for z in lb.get("AvailabilityZones") or [] if z.get("ZoneName")}),
    }
    if lb.get("Scheme"):
        attributes["scheme"] = lb["Scheme"]
    unknown: dict[str, str] = {}
    if response is None or "Error" in response:
        reason = (response or {}).get("Error", "load balancer attributes were not read")
        unknown.update(dict.fromkeys(_LB_ATTRIBUTES, reason))
    else:
        values = {a["Key"]: a.get("Value") for a in response.get("Attributes") or []}
        attributes["deletion_protection"] = _is_true(values.get("deletion_protection.enabled", "false"))
        attributes["cross_zone_enabled"] = _is_true(values.get("load_balancing.cross_zone.enabled", "false"))
    if lb_type == "application":
        # AWS: cross-zone load balancing is always on at the ALB level, whatever the API reports.
        attributes["cross_zone_enabled"] = True
        unknown.pop("cross_zone_enabled", None)
    return attributes, unknown


def _tg_attributes(tg: dict[str, Any], response: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]]:
    fields = {"Protocol": "protocol", "Port": "port", "TargetType": "target_type",
              "HealthCheckEnabled": "health_check_enabled", "HealthCheckProtocol": "health_check_protocol",
              "HealthCheckPath": "health_check_path", "HealthCheckIntervalSeconds": "health_check_interval_seconds",
              "HealthyThresholdCount": "healthy_threshold", "UnhealthyThresholdCount": "unhealthy_threshold"}
    attributes: dict[str, Any] = {name: tg[key] for key, name in fields.items() if tg.get(key) is not None}
    unknown: dict[str, str] = {}
    if response is None or "Error" in response:
        reason = (response or {}).get("Error", "target group attributes were not read")
        unknown.update(dict.fromkeys(_TG_ATTRIBUTES, reason))
        return attributes, unknown
    values = {a["Key"]: a.get("Value") for a in response.get("Attributes") or []}
    attributes["stickiness_enabled"] = _is_true(values.get("stickiness.enabled", "false"))
    if values.get("stickiness.type"):
        attributes["stickiness_type"] = values["stickiness.type"]
    if values.get("deregistration_delay.timeout_seconds") is not None:
        attributes["deregistration_delay_seconds"] = int(values["deregistration_delay.timeout_seconds"])
    return attributes, unknown


def _classic(out: Collected, lb: dict[str, Any], raw: dict[str, Any], account: str, region: str) -> None:
    name = lb["LoadBalancerName"]
    uid = classic_elb_arn(account, region, name)
    attributes: dict[str, Any] = {"availability_zones": sorted(lb.get("AvailabilityZones") or [])}
    if lb.get("Scheme"):
        attributes["scheme"] = lb["Scheme"]
    unknown: dict[str, str] = {}
    response = (raw.get("classic_attributes") or {}).get(name)
    if response is None or "Error" in response:
        reason = (response or {}).get("Error", "load balancer attributes were not read")
        unknown.update(dict.fromkeys(_CLASSIC_ATTRIBUTES, reason))
    else:
        values = response.get("LoadBalancerAttributes") or {}
        attributes["cross_zone_enabled"] = bool((values.get("CrossZoneLoadBalancing") or {}).get("Enabled", False))
        attributes["connection_draining"] = bool((values.get("ConnectionDraining") or {}).get("Enabled", False))
    _apply_tags((raw.get("classic_tags") or {}).get(name), attributes, unknown)
    out.resources.append(Resource(uid=uid, type="aws.elb.load_balancer", name=name, account=account,
                                  region=region, attributes=attributes, unknown=unknown))
    for subnet_id in lb.get("Subnets") or []:
        out.relations.append(Relation(src=uid, kind="in_subnet", dst=ec2_arn(account, region, "subnet", subnet_id)))
    for group in lb.get("SecurityGroups") or []:
        out.relations.append(Relation(src=uid, kind="uses_security_group",
                                      dst=ec2_arn(account, region, "security-group", group)))
    for instance in lb.get("Instances") or []:
        out.relations.append(Relation(src=uid, kind="targets",
                                      dst=ec2_arn(account, region, "instance", instance["InstanceId"])))
