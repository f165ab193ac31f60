"""DynamoDB collector: tables with billing mode, PITR, deletion protection and global-table replicas.

AWS has no batch describe: ``DescribeTable`` and ``DescribeContinuousBackups`` are called per table.
A failed ``DescribeTable`` leaves the table's attributes unknown; a failed ``DescribeContinuousBackups``
leaves only the PITR attributes unknown (no coverage gap in either case, the reason is kept).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..model import Resource
from ..model.normalise import seconds_between
from ..model.vocabulary.dynamodb import TABLE
from .base import CallContext, Collected
from .engine import build, failed

SERVICE = "dynamodb"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "dynamodb:ListTables": ("aws.dynamodb.table",),
    "dynamodb:DescribeTable": ("aws.dynamodb.table",),
    "dynamodb:DescribeContinuousBackups": ("aws.dynamodb.table",),
}

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

    return {"tables": ctx.map(describe, names or []), "taken_at": datetime.now(timezone.utc).isoformat()}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources from the raw ``fetch`` output (pure)."""
    out = Collected()
    for entry in raw.get("tables") or []:
        item = {
            "TableName": entry["name"],
            "Table": failed(f"table not described: {entry['table_error']}", "table")
            if "table_error" in entry else entry.get("table") or {},
            "ContinuousBackups": failed(f"continuous backups not read: {entry['backups_error']}", "backups")
            if "backups_error" in entry else entry.get("backups") or {},
        }
        resource = build(out, TABLE, item, account, region)
        pitr_defaults(resource)
        pitr = (entry.get("backups") or {}).get("PointInTimeRecoveryDescription") or {}
        lag = seconds_between(pitr.get("LatestRestorableDateTime"), raw.get("taken_at"))
        if lag is not None:
            resource.attributes["pitr_lag_seconds"] = lag
    return out


def pitr_defaults(resource: Resource) -> None:
    """Hook ``pitr_lag``'s neighbour: AWS keeps 35 days when PITR is on and no period was chosen."""
    if resource.attributes.get("pitr_enabled") and "pitr_recovery_period_days" not in resource.attributes:
        resource.attributes["pitr_recovery_period_days"] = _PITR_DEFAULT_DAYS
