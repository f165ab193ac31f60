"""The one vocabulary: resource types, their normalised attributes, where each source finds them, relations.

Every source (boto3 collectors, CloudFormation, Terraform) produces resources of these types with
these attribute names, so that each policy is written once. ``RESOURCE_TYPES`` maps a type name
(``aws.rds.db_instance``) to its pydantic attribute model, whose fields declare their source paths
(``_fields``); ``RELATIONS`` lists which relation kinds join which types (the types' declarations
plus the relations that structural hooks and the graph add); ``META_ATTRIBUTES`` are resource fields
policies may read like attributes.

The type modules do not use ``from __future__ import annotations``: with real annotations pydantic
evaluates no strings when it creates the ~90 classes (a quarter of the vocabulary's import time, on
every ``haguard`` run); a model referring to itself quotes its name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ValidationError

from ..normalise import format_uid
from . import (
    autoscaling,
    backup,
    cloudformation,
    containers,
    dynamodb,
    ec2,
    edge,
    efs,
    elasticache,
    loadbalancing,
    monitoring,
    rds,
    s3,
    scaling,
)
from ._base import Attributes, Item
from ._fields import SOURCES, From, Hook, Live, Rel, SourceName, declarations

RESOURCE_TYPES: dict[str, type[Attributes]] = {
    model.type_name: model
    for module in (ec2, loadbalancing, autoscaling, scaling, rds, elasticache, dynamodb, s3, efs, backup,
                   monitoring, containers, edge, cloudformation)
    for model in module.MODELS
}

META_ATTRIBUTES: dict[str, str] = {
    "uid": "The resource's unique id (ARN, or IaC address).",
    "name": "The resource's name.",
    "type": "The vocabulary type name.",
    "account": "The AWS account id.",
    "region": "The AWS Region.",
}

RelationKind = Literal[
    "in_vpc", "in_subnet", "in_subnet_group", "uses_route_table", "uses_network_acl", "uses_security_group",
    "routes_to", "default_route", "attached_to", "replica_of", "member_of", "targets", "scales", "backs_up",
    "alarms_on", "serves", "runs", "logs", "checked_by",
]

RELATION_KINDS: dict[str, str] = {
    "in_vpc": "resource -> the VPC it belongs to",
    "in_subnet": "resource -> each subnet it is placed in",
    "in_subnet_group": "DB instance / cluster / cache -> its subnet group",
    "uses_route_table": "subnet -> its effective route table (explicit association, else the VPC's main "
    "table, added by the graph)",
    "uses_network_acl": "subnet -> its network ACL",
    "uses_security_group": "resource -> each security group attached to it",
    "routes_to": "route table -> gateway or target of a route (edge attribute `destination`)",
    "default_route": "subnet -> target of each default route of its effective route table (derived by the graph)",
    "attached_to": "gateway -> VPC",
    "replica_of": "replica -> its source (DB instance or cluster)",
    "member_of": "member -> group (DB instance -> cluster, cluster -> global cluster, selection -> plan, "
    "ECS service -> cluster, node group -> EKS cluster, cache cluster -> replication group)",
    "targets": "load balancer -> target group -> instance / Auto Scaling group / ECS service",
    "scales": "scaling policy -> Auto Scaling group or scalable target; scalable target -> service or table",
    "backs_up": "backup selection -> protected resource",
    "alarms_on": "alarm -> watched resource",
    "serves": "distribution -> origin",
    "runs": "ECS service -> its task definition",
    "logs": "flow log -> the VPC or subnet whose traffic it records",
    "checked_by": "Route 53 record set -> its health check",
}

_GATEWAYS = ["aws.ec2.internet_gateway", "aws.ec2.nat_gateway", "aws.ec2.instance", "aws.ec2.vpc_endpoint"]
HOOK_RELATIONS: list[tuple[str, str, str]] = [
    ("aws.ec2.subnet", "uses_route_table", "aws.ec2.route_table"),
    *(("aws.ec2.route_table", "routes_to", t) for t in _GATEWAYS),
    *(("aws.ec2.subnet", "default_route", t) for t in _GATEWAYS),
    ("aws.elbv2.target_group", "targets", "aws.ecs.service"),
]
"""Relations made by structural hooks and the graph rather than by a type's declarations."""


def _declared_relations() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for name, model in RESOURCE_TYPES.items():
        for relation in model.relations:
            targets = [t for t in RESOURCE_TYPES if t != name] if relation.to == ("*",) else relation.to
            for other in targets:
                found.append((other, relation.kind, name) if relation.reverse else (name, relation.kind, other))
    return found


RELATIONS: list[tuple[str, str, str]] = list(dict.fromkeys([*_declared_relations(), *HOOK_RELATIONS]))
_ALLOWED = frozenset(RELATIONS)
_KINDS_FROM = frozenset((src, kind) for src, kind, _ in RELATIONS)


def relation_allowed(src_type: str, kind: str, dst_type: str | None) -> bool:
    """True when ``RELATIONS`` allows ``src_type -kind-> dst_type`` (any target type when it is unknown)."""
    if dst_type is None:
        return (src_type, kind) in _KINDS_FROM
    return (src_type, kind, dst_type) in _ALLOWED


EVIDENCE_CONTEXT: dict[str, dict[str, tuple[str, ...]]] = {
    name: dict(model.evidence_context) for name, model in RESOURCE_TYPES.items() if model.evidence_context
}
"""Per type: attribute -> attributes shown beside it in evidence."""


VOLATILE: dict[str, frozenset[str]] = {
    name: frozenset(a for a, decl in declarations(model).items() if decl.volatile)
    for name, model in RESOURCE_TYPES.items()
}
"""Per type: runtime readings that change between scans by themselves (drift does not list them)."""


def related_types(src_types: set[str], kind: str, direction: str) -> set[str]:
    """Types reachable from ``src_types`` over ``kind`` edges in ``direction`` (``out`` or ``in``)."""
    if direction == "out":
        return {dst for src, k, dst in RELATIONS if k == kind and src in src_types}
    return {src for src, k, dst in RELATIONS if k == kind and dst in src_types}


def type_for_cfn(cfn_type: str) -> str | None:
    """The vocabulary type for a CloudFormation type, if haguard models it."""
    return _CFN.get(cfn_type)


def type_for_terraform(tf_type: str) -> str | None:
    """The vocabulary type for a Terraform resource type, if haguard models it."""
    return _TF.get(tf_type)


def live_uid(type_name: str, resource_id: str, account: str, region: str) -> str:
    """The uid a live collector gives a resource of ``type_name`` with this id (an ARN is kept)."""
    live = RESOURCE_TYPES[type_name].live
    template = live.arn if live is not None else "{id}"
    return format_uid(template, resource_id, account, region)


_CFN = {cfn: name for name, model in RESOURCE_TYPES.items() for cfn in model.cfn_types}
_TF = {tf: name for name, model in RESOURCE_TYPES.items() for tf in model.tf_types}


def normalise_attributes(type_name: str, given: dict[str, Any], unknown: Iterable[str] = ()) -> dict[str, Any]:
    """Validate ``given`` against the type's model and apply AWS defaults for omitted attributes.

    Attributes named in ``unknown`` are left out (an unknown value is never defaulted). Raises
    ``ValueError`` with a readable message when the type is unknown or a value has the wrong type.
    """
    model = RESOURCE_TYPES.get(type_name)
    if model is None:
        raise ValueError(f"unknown resource type {type_name!r}")
    try:
        # The model's core validator and serializer directly: the same result as
        # ``model_validate(given).model_dump()`` without the per-call wrappers (hot at 100k resources).
        validated = model.__pydantic_validator__.validate_python(given)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"attribute {where}: {err['msg']}") from None
    data: dict[str, Any] = model.__pydantic_serializer__.to_python(validated)
    for name in unknown:
        if "." not in name:
            data.pop(name, None)
    return data


__all__ = [
    "EVIDENCE_CONTEXT",
    "HOOK_RELATIONS",
    "META_ATTRIBUTES",
    "RELATIONS",
    "RELATION_KINDS",
    "RESOURCE_TYPES",
    "SOURCES",
    "VOLATILE",
    "Attributes",
    "From",
    "Hook",
    "Item",
    "Live",
    "Rel",
    "RelationKind",
    "SourceName",
    "declarations",
    "live_uid",
    "normalise_attributes",
    "related_types",
    "relation_allowed",
    "type_for_cfn",
    "type_for_terraform",
]
