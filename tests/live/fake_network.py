"""A tiny collector following ``scanner/collectors/base.py``: VPCs and subnets (tests only)."""

from __future__ import annotations

from typing import Any

from scanner.collectors.base import CallContext, Collected
from scanner.model import Relation, Resource

SERVICE = "ec2"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "ec2:DescribeVpcs": ("aws.ec2.vpc",),
    "ec2:DescribeSubnets": ("aws.ec2.subnet",),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Raw DescribeVpcs and DescribeSubnets items (None when the call failed)."""
    return {"vpcs": ctx.paginate("ec2", "DescribeVpcs", "Vpcs"),
            "subnets": ctx.paginate("ec2", "DescribeSubnets", "Subnets")}


def _arn(account: str, region: str, kind: str, ident: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:{kind}/{ident}"


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """VPC and subnet resources with their ``in_vpc`` relations."""
    out = Collected()
    for vpc in raw.get("vpcs") or []:
        out.resources.append(Resource(
            uid=_arn(account, region, "vpc", vpc["VpcId"]), type="aws.ec2.vpc", name=vpc["VpcId"], account=account,
            region=region, attributes={"cidr_block": vpc.get("CidrBlock"), "is_default": vpc.get("IsDefault", False),
                                       "tags": {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}}))
    for subnet in raw.get("subnets") or []:
        uid = _arn(account, region, "subnet", subnet["SubnetId"])
        out.resources.append(Resource(
            uid=uid, type="aws.ec2.subnet", name=subnet["SubnetId"], account=account, region=region,
            attributes={"availability_zone": subnet["AvailabilityZone"], "cidr_block": subnet.get("CidrBlock")}))
        out.relations.append(Relation(src=uid, kind="in_vpc", dst=_arn(account, region, "vpc", subnet["VpcId"])))
    return out
