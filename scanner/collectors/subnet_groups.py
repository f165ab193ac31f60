"""Subnet groups (RDS, ElastiCache) share one shape: a named group in a VPC listing its subnets."""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import Collected
from .ec2 import ec2_arn


def add_subnet_group(out: Collected, *, uid: str, type_name: str, name: str, description: str | None,
                     vpc_id: str | None, subnets: list[dict[str, Any]], account: str, region: str) -> None:
    """The group resource, its ``in_vpc`` relation and an ``in_subnet`` relation per subnet."""
    attrs = {"description": description} if description else {}
    out.resources.append(Resource(uid=uid, type=type_name, name=name, account=account, region=region,
                                  attributes=attrs))
    if vpc_id:
        out.relations.append(Relation(src=uid, kind="in_vpc", dst=ec2_arn(account, region, "vpc", vpc_id)))
    for subnet in subnets:
        if subnet.get("SubnetIdentifier"):
            out.relations.append(Relation(src=uid, kind="in_subnet",
                                          dst=ec2_arn(account, region, "subnet", subnet["SubnetIdentifier"])))
