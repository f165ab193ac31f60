"""Container collector: ECS services (awsvpc subnets, security groups) and EKS managed node groups.

This module calls two boto3 services (``ecs`` and ``eks``); ``SERVICE`` names the first, and the
``OPERATIONS`` keys carry each operation's service. ECS services are described ten at a time (the
API limit); EKS node groups have no batch describe, so ``DescribeNodegroup`` is called per group.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected

SERVICE = "ecs"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "ecs:ListClusters": ("aws.ecs.service",),
    "ecs:ListServices": ("aws.ecs.service",),
    "ecs:DescribeServices": ("aws.ecs.service",),
    "eks:ListClusters": ("aws.eks.nodegroup",),
    "eks:ListNodegroups": ("aws.eks.nodegroup",),
    "eks:DescribeNodegroup": ("aws.eks.nodegroup",),
}

_SERVICE_TYPE = "aws.ecs.service"
_NODEGROUP = "aws.eks.nodegroup"
_DESCRIBE_BATCH = 10  # DescribeServices accepts at most 10 services per call


def _types(key: str) -> tuple[str, ...]:
    return OPERATIONS[key]


def fetch(ctx: CallContext) -> dict[str, Any]:
    """ECS services of every cluster and EKS node groups of every cluster."""
    services: list[dict[str, Any]] = []
    for cluster in ctx.paginate("ecs", "ListClusters", "clusterArns", unknown_types=_types("ecs:ListClusters")) or []:
        arns = ctx.paginate("ecs", "ListServices", "serviceArns", unknown_types=_types("ecs:ListServices"),
                            cluster=cluster) or []
        for start in range(0, len(arns), _DESCRIBE_BATCH):
            described = ctx.call("ecs", "DescribeServices", unknown_types=_types("ecs:DescribeServices"),
                                 cluster=cluster, services=arns[start:start + _DESCRIBE_BATCH], include=["TAGS"])
            services.extend((described or {}).get("services", []))
    nodegroups: list[dict[str, Any]] = []
    for cluster in ctx.paginate("eks", "ListClusters", "clusters", unknown_types=_types("eks:ListClusters")) or []:
        names = ctx.paginate("eks", "ListNodegroups", "nodegroups", unknown_types=_types("eks:ListNodegroups"),
                             clusterName=cluster) or []
        for name in names:
            described = ctx.call("eks", "DescribeNodegroup", unknown_types=_types("eks:DescribeNodegroup"),
                                 clusterName=cluster, nodegroupName=name)
            if described is not None:
                nodegroups.append(described.get("nodegroup", {}))
    return {"services": services, "nodegroups": nodegroups}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for service in raw.get("services") or []:
        _service(service, account, region, out)
    for nodegroup in raw.get("nodegroups") or []:
        _nodegroup(nodegroup, account, region, out)
    return out


def _subnet_relations(uid: str, subnets: list[str], account: str, region: str) -> list[Relation]:
    return [Relation(src=uid, kind="in_subnet", dst=f"arn:aws:ec2:{region}:{account}:subnet/{s}")
            for s in sorted(set(subnets))]


def _service(service: dict[str, Any], account: str, region: str, out: Collected) -> None:
    uid = service["serviceArn"]
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    breaker = ((service.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {})
    attrs: dict[str, Any] = {"assign_public_ip": vpc.get("assignPublicIp") == "ENABLED",
                             "circuit_breaker": bool(breaker.get("enable")),
                             "tags": {t["key"]: t.get("value", "") for t in service.get("tags") or []}}
    if service.get("launchType"):
        attrs["launch_type"] = service["launchType"]
    if service.get("desiredCount") is not None:
        attrs["desired_count"] = service["desiredCount"]
    out.resources.append(Resource(uid=uid, type=_SERVICE_TYPE, name=service.get("serviceName"), account=account,
                                  region=region, attributes=attrs))
    out.relations.extend(_subnet_relations(uid, vpc.get("subnets") or [], account, region))
    out.relations.extend(Relation(src=uid, kind="uses_security_group",
                                  dst=f"arn:aws:ec2:{region}:{account}:security-group/{g}")
                         for g in sorted(set(vpc.get("securityGroups") or [])))


def _nodegroup(nodegroup: dict[str, Any], account: str, region: str, out: Collected) -> None:
    uid = nodegroup["nodegroupArn"]
    scaling = nodegroup.get("scalingConfig") or {}
    attrs: dict[str, Any] = {"tags": dict(nodegroup.get("tags") or {})}
    for attr, field in (("min_size", "minSize"), ("max_size", "maxSize"), ("desired_size", "desiredSize")):
        if scaling.get(field) is not None:
            attrs[attr] = scaling[field]
    out.resources.append(Resource(uid=uid, type=_NODEGROUP, name=nodegroup.get("nodegroupName"), account=account,
                                  region=region, attributes=attrs))
    out.relations.extend(_subnet_relations(uid, nodegroup.get("subnets") or [], account, region))
