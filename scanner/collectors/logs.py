"""CloudWatch Logs collector: log groups and their retention."""

from __future__ import annotations

from typing import Any

from .base import CallContext, Collected
from .engine import build

SERVICE = "logs"
OPERATIONS: dict[str, tuple[str, ...]] = {"logs:DescribeLogGroups": ("aws.logs.log_group",)}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Every log group of the Region (paginated)."""
    groups = ctx.paginate(SERVICE, "DescribeLogGroups", "logGroups", unknown_types=OPERATIONS["logs:DescribeLogGroups"])
    return {"log_groups": groups or []}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources from the raw ``fetch`` output (pure)."""
    out = Collected()
    for group in raw.get("log_groups") or []:
        resource = build(out, "aws.logs.log_group", group, account, region)
        resource.attributes["kms_encrypted"] = bool(group.get("kmsKeyId"))  # hook ``kms_key``
    return out
