"""A tiny RDS collector following ``scanner/collectors/base.py`` (tests only)."""

from __future__ import annotations

from typing import Any

from scanner.collectors.base import CallContext, Collected
from scanner.model import Resource

SERVICE = "rds"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "DescribeDBInstances": ("aws.rds.db_instance",),
    "DescribeDBClusters": ("aws.rds.db_cluster",),
    "DescribeGlobalClusters": ("aws.rds.global_cluster",),
    "DescribeDBSubnetGroups": ("aws.rds.db_subnet_group",),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Raw items of the four RDS list operations (None when the call failed)."""
    return {"instances": ctx.paginate("rds", "DescribeDBInstances", "DBInstances"),
            "clusters": ctx.paginate("rds", "DescribeDBClusters", "DBClusters"),
            "globals": ctx.paginate("rds", "DescribeGlobalClusters", "GlobalClusters"),
            "groups": ctx.paginate("rds", "DescribeDBSubnetGroups", "DBSubnetGroups")}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """DB instance resources (the other types are only fetched, to exercise coverage)."""
    out = Collected()
    for db in raw.get("instances") or []:
        out.resources.append(Resource(
            uid=db["DBInstanceArn"], type="aws.rds.db_instance", name=db["DBInstanceIdentifier"], account=account,
            region=region, attributes={"engine": db["Engine"], "multi_az": db.get("MultiAZ", False),
                                       "backup_retention_days": db.get("BackupRetentionPeriod", 1),
                                       "tags": {t["Key"]: t["Value"] for t in db.get("TagList", [])}}))
    return out
