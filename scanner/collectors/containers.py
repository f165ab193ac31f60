"""Container collector: ECS clusters, services and their task definitions; EKS clusters and node groups.

This module calls two boto3 services (``ecs`` and ``eks``); ``SERVICE`` names the first, and the
``OPERATIONS`` keys carry each operation's service. ECS clusters and services are described in
batches (the API limits: 100 clusters, 10 services per call); a task definition is described once
however many services run it. EKS has no batch describe, so ``DescribeCluster`` and
``DescribeNodegroup`` are called per cluster and per node group.
"""

from __future__ import annotations

from typing import Any

from ..model.vocabulary.containers import ECS_CLUSTER, ECS_SERVICE, EKS_CLUSTER, TASK_DEFINITION
from .base import CallContext, Collected
from .engine import build

SERVICE = "ecs"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "ecs:ListClusters": ("aws.ecs.cluster", "aws.ecs.service", "aws.ecs.task_definition"),
    "ecs:DescribeClusters": ("aws.ecs.cluster",),
    "ecs:ListServices": ("aws.ecs.service", "aws.ecs.task_definition"),
    "ecs:DescribeServices": ("aws.ecs.service", "aws.ecs.task_definition"),
    "ecs:DescribeTaskDefinition": ("aws.ecs.task_definition",),
    "eks:ListClusters": ("aws.eks.cluster", "aws.eks.nodegroup"),
    "eks:DescribeCluster": ("aws.eks.cluster",),
    "eks:ListNodegroups": ("aws.eks.nodegroup",),
    "eks:DescribeNodegroup": ("aws.eks.nodegroup",),
}

_NODEGROUP = "aws.eks.nodegroup"
_SERVICE_BATCH = 10  # DescribeServices accepts at most 10 services per call
_CLUSTER_BATCH = 100  # DescribeClusters accepts at most 100 clusters per call


def _types(key: str) -> tuple[str, ...]:
    return OPERATIONS[key]


def fetch(ctx: CallContext) -> dict[str, Any]:
    """ECS clusters, services and task definitions; EKS clusters and node groups."""
    clusters: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    arns = ctx.paginate("ecs", "ListClusters", "clusterArns", unknown_types=_types("ecs:ListClusters")) or []
    for start in range(0, len(arns), _CLUSTER_BATCH):
        described = ctx.call("ecs", "DescribeClusters", unknown_types=_types("ecs:DescribeClusters"),
                             clusters=arns[start:start + _CLUSTER_BATCH], include=["SETTINGS", "TAGS"])
        clusters.extend((described or {}).get("clusters", []))
    for cluster in arns:
        service_arns = ctx.paginate("ecs", "ListServices", "serviceArns", unknown_types=_types("ecs:ListServices"),
                                    cluster=cluster) or []
        for start in range(0, len(service_arns), _SERVICE_BATCH):
            described = ctx.call("ecs", "DescribeServices", unknown_types=_types("ecs:DescribeServices"),
                                 cluster=cluster, services=service_arns[start:start + _SERVICE_BATCH], include=["TAGS"])
            services.extend((described or {}).get("services", []))
    families = sorted({s["taskDefinition"] for s in services if s.get("taskDefinition")})

    def task_definition(arn: str) -> dict[str, Any] | None:
        described = ctx.call("ecs", "DescribeTaskDefinition", unknown_types=_types("ecs:DescribeTaskDefinition"),
                             taskDefinition=arn, include=["TAGS"])
        if described is None:
            return None
        return {**described.get("taskDefinition", {}), "tags": described.get("tags", [])}

    task_definitions = [t for t in ctx.map(task_definition, families) if t is not None]
    eks_clusters: list[dict[str, Any]] = []
    nodegroups: list[dict[str, Any]] = []
    for name in ctx.paginate("eks", "ListClusters", "clusters", unknown_types=_types("eks:ListClusters")) or []:
        described = ctx.call("eks", "DescribeCluster", unknown_types=_types("eks:DescribeCluster"), name=name)
        if described is not None:
            eks_clusters.append(described.get("cluster", {}))
        for group in ctx.paginate("eks", "ListNodegroups", "nodegroups", unknown_types=_types("eks:ListNodegroups"),
                                  clusterName=name) or []:
            got = ctx.call("eks", "DescribeNodegroup", unknown_types=_types("eks:DescribeNodegroup"),
                           clusterName=name, nodegroupName=group)
            if got is not None:
                nodegroups.append(got.get("nodegroup", {}))
    return {"clusters": clusters, "services": services, "task_definitions": task_definitions,
            "eks_clusters": eks_clusters, "nodegroups": nodegroups}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for type_name, key in ((ECS_CLUSTER, "clusters"), (ECS_SERVICE, "services"), (TASK_DEFINITION, "task_definitions"),
                           (EKS_CLUSTER, "eks_clusters"), (_NODEGROUP, "nodegroups")):
        for item in raw.get(key) or []:
            build(out, type_name, item, account, region)
    return out
