"""The one vocabulary: resource types, their normalised attributes, and relation kinds.

Every source (boto3 collectors, CloudFormation, Terraform) produces resources of these types with
these attribute names, so that each policy is written once. ``RESOURCE_TYPES`` maps a type name
(``aws.rds.db_instance``) to its pydantic attribute model; ``RELATIONS`` lists which relation kinds
join which types; ``META_ATTRIBUTES`` are resource fields policies may read like attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from . import (
    autoscaling,
    backup,
    cloudformation,
    compute,
    dynamodb,
    ec2,
    edge,
    elasticache,
    loadbalancing,
    monitoring,
    rds,
    s3,
)
from ._base import Attributes, Item

RESOURCE_TYPES: dict[str, type[Attributes]] = {
    model.type_name: model
    for module in (ec2, loadbalancing, autoscaling, rds, elasticache, dynamodb, s3, backup, monitoring,
                   compute, edge, cloudformation)
    for model in module.MODELS
}

META_ATTRIBUTES: dict[str, str] = {
    "uid": "The resource's unique id (ARN, or IaC address).",
    "name": "The resource's name.",
    "type": "The vocabulary type name.",
    "account": "The AWS account id.",
    "region": "The AWS Region.",
}

RELATION_KINDS: dict[str, str] = {
    "in_vpc": "resource -> the VPC it belongs to",
    "in_subnet": "resource -> each subnet it is placed in",
    "in_subnet_group": "DB instance / cluster / cache replication group -> its subnet group",
    "uses_route_table": "subnet -> its effective route table (explicit association, else the VPC's main "
    "table, added by the graph)",
    "uses_network_acl": "subnet -> its network ACL",
    "uses_security_group": "resource -> each security group attached to it",
    "routes_to": "route table -> gateway or target of a route (edge attribute `destination`)",
    "default_route": "subnet -> target of its effective 0.0.0.0/0 or ::/0 route (derived by the graph)",
    "attached_to": "gateway -> VPC",
    "replica_of": "replica -> its source (DB instance or cluster)",
    "member_of": "member -> group (DB instance -> cluster, cluster -> global cluster, selection -> plan)",
    "targets": "load balancer -> target group -> instance / Auto Scaling group",
    "scales": "scaling policy -> Auto Scaling group or service",
    "backs_up": "backup selection -> protected resource",
    "alarms_on": "alarm -> watched resource",
    "serves": "distribution -> origin",
}

_PLACED = [t for t, m in RESOURCE_TYPES.items() if "availability_zones" in m.derived]
_STATEFUL = ["aws.rds.db_instance", "aws.rds.db_cluster", "aws.dynamodb.table", "aws.efs.file_system",
             "aws.s3.bucket", "aws.elasticache.replication_group"]
_NETWORKED = ["aws.ec2.subnet", "aws.ec2.route_table", "aws.ec2.security_group", "aws.ec2.network_acl",
              "aws.rds.db_subnet_group", "aws.elasticache.subnet_group", "aws.ec2.vpc_endpoint",
              "aws.elbv2.load_balancer", "aws.elbv2.target_group", "aws.ec2.instance"]
_WITH_SG = ["aws.ec2.instance", "aws.elbv2.load_balancer", "aws.elb.load_balancer", "aws.rds.db_instance",
            "aws.rds.db_cluster", "aws.elasticache.replication_group", "aws.ecs.service", "aws.ec2.vpc_endpoint",
            "aws.efs.file_system"]
_GATEWAYS = ["aws.ec2.internet_gateway", "aws.ec2.nat_gateway", "aws.ec2.instance", "aws.ec2.vpc_endpoint"]

RELATIONS: list[tuple[str, str, str]] = [
    *((t, "in_vpc", "aws.ec2.vpc") for t in _NETWORKED),
    *((t, "in_subnet", "aws.ec2.subnet") for t in _PLACED if t != "aws.ec2.subnet"),
    ("aws.rds.db_instance", "in_subnet_group", "aws.rds.db_subnet_group"),
    ("aws.rds.db_cluster", "in_subnet_group", "aws.rds.db_subnet_group"),
    ("aws.elasticache.replication_group", "in_subnet_group", "aws.elasticache.subnet_group"),
    ("aws.ec2.subnet", "uses_route_table", "aws.ec2.route_table"),
    ("aws.ec2.subnet", "uses_network_acl", "aws.ec2.network_acl"),
    *((t, "uses_security_group", "aws.ec2.security_group") for t in _WITH_SG),
    *(("aws.ec2.route_table", "routes_to", t) for t in _GATEWAYS),
    *(("aws.ec2.subnet", "default_route", t) for t in _GATEWAYS),
    ("aws.ec2.internet_gateway", "attached_to", "aws.ec2.vpc"),
    ("aws.rds.db_instance", "replica_of", "aws.rds.db_instance"),
    ("aws.rds.db_cluster", "replica_of", "aws.rds.db_cluster"),
    ("aws.rds.db_instance", "member_of", "aws.rds.db_cluster"),
    ("aws.rds.db_cluster", "member_of", "aws.rds.global_cluster"),
    ("aws.backup.selection", "member_of", "aws.backup.plan"),
    ("aws.elbv2.load_balancer", "targets", "aws.elbv2.target_group"),
    ("aws.elbv2.target_group", "targets", "aws.ec2.instance"),
    ("aws.elbv2.target_group", "targets", "aws.autoscaling.group"),
    ("aws.elb.load_balancer", "targets", "aws.ec2.instance"),
    ("aws.elb.load_balancer", "targets", "aws.autoscaling.group"),
    ("aws.autoscaling.policy", "scales", "aws.autoscaling.group"),
    *(("aws.backup.selection", "backs_up", t) for t in _STATEFUL),
    *(("aws.cloudwatch.alarm", "alarms_on", t) for t in RESOURCE_TYPES if t != "aws.cloudwatch.alarm"),
    ("aws.cloudfront.distribution", "serves", "aws.s3.bucket"),
    ("aws.cloudfront.distribution", "serves", "aws.elbv2.load_balancer"),
    ("aws.cloudfront.distribution", "serves", "aws.elb.load_balancer"),
]


EVIDENCE_CONTEXT: dict[str, dict[str, tuple[str, ...]]] = {
    name: dict(model.evidence_context) for name, model in RESOURCE_TYPES.items() if model.evidence_context
}
"""Per type: attribute -> attributes shown beside it in evidence."""


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
    "META_ATTRIBUTES",
    "RELATIONS",
    "RELATION_KINDS",
    "RESOURCE_TYPES",
    "Attributes",
    "Item",
    "normalise_attributes",
    "related_types",
    "type_for_cfn",
    "type_for_terraform",
]
