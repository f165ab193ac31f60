"""DynamoDB collector: tables with billing mode, PITR, deletion protection and global-table replicas.

AWS has no batch describe: ``DescribeTable`` and ``DescribeContinuousBackups`` are called per table.
A failed ``DescribeTable`` leaves the table's attributes unknown; a failed ``DescribeContinuousBackups``
leaves only the PITR attributes unknown (no coverage gap in either case, the reason is kept).
"""

from __future__ import annotations

from typing import Any

from ..model import Resource
from .base import CallContext, Collected

SERVICE = "dynamodb"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "dynamodb:ListTables": ("aws.dynamodb.table",),
    "dynamodb:DescribeTable": ("aws.dynamodb.table",),
    "dynamodb:DescribeContinuousBackups": ("aws.dynamodb.table",),
}

_TABLE = "aws.dynamodb.table"
_TABLE_ATTRIBUTES = ("billing_mode", "deletion_protection", "replica_regions")
_PITR_ATTRIBUTES = ("pitr_enabled", "pitr_recovery_period_days")
_PITR_DEFAULT_DAYS = 35  # AWS's recovery period when PITR is on and none was chosen


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Table names, then per table its description and continuous-backup settings."""
    names = ctx.paginate(SERVICE, "ListTables", "TableNames", unknown_types=OPERATIONS["dynamodb:ListTables"])

    def describe(name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": name}
        described, error = ctx.try_call(SERVICE, "DescribeTable", unknown_types=(), TableName=name)
        if described is None:
            entry["table_error"] = error
        else:
            entry["table"] = described.get("Table", {})
        backups, error = ctx.try_call(SERVICE, "DescribeContinuousBackups", unknown_types=(), TableName=name)
        if backups is None:
            entry["backups_error"] = error
        else:
            entry["backups"] = backups.get("ContinuousBackupsDescription", {})
        return entry

    return {"tables": ctx.map(describe, names or [])}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources from the raw ``fetch`` output (pure)."""
    out = Collected()
    for entry in raw.get("tables") or []:
        out.resources.append(_table(entry, account, region))
    return out


def table_uid(account: str, region: str, name: str) -> str:
    """A table's ARN."""
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def _table(entry: dict[str, Any], account: str, region: str) -> Resource:
    name = entry["name"]
    table = entry.get("table") or {}
    attrs: dict[str, Any] = {}
    unknown: dict[str, str] = {}
    if "table_error" in entry:
        unknown.update({attr: f"table not described: {entry['table_error']}" for attr in _TABLE_ATTRIBUTES})
    else:
        billing = (table.get("BillingModeSummary") or {}).get("BillingMode")
        if billing:
            attrs["billing_mode"] = billing
        attrs["deletion_protection"] = bool(table.get("DeletionProtectionEnabled"))
        attrs["replica_regions"] = sorted(r["RegionName"] for r in table.get("Replicas") or [] if r.get("RegionName"))
    if "backups_error" in entry:
        unknown.update({attr: f"continuous backups not read: {entry['backups_error']}" for attr in _PITR_ATTRIBUTES})
    else:
        pitr = (entry.get("backups") or {}).get("PointInTimeRecoveryDescription") or {}
        enabled = pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
        attrs["pitr_enabled"] = enabled
        if enabled:
            attrs["pitr_recovery_period_days"] = pitr.get("RecoveryPeriodInDays") or _PITR_DEFAULT_DAYS
    return Resource(uid=table.get("TableArn") or table_uid(account, region, name), type=_TABLE, name=name,
                    account=account, region=region, attributes=attrs, unknown=unknown)
