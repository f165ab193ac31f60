"""A tiny lag-metrics enrichment following ``scanner.collectors.metrics`` (tests only)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scanner.collectors.base import CallContext
from scanner.model import Resource

SERVICE = "cloudwatch"
OPERATIONS: dict[str, tuple[str, ...]] = {"cloudwatch:GetMetricData": ()}


def enrich_with_lag_metrics(ctx: CallContext, resources: list[Resource], *, window_seconds: int,
                            period_seconds: int = 60) -> None:
    """Set ``replica_lag_max_seconds`` on DB instances from ``AWS/RDS ReplicaLag`` (Maximum)."""
    dbs = [r for r in resources if r.type == "aws.rds.db_instance"]
    if not dbs:
        return
    end = datetime.now(timezone.utc)
    queries = [{"Id": f"m{i}", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": "AWS/RDS", "MetricName": "ReplicaLag",
                   "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": db.name or ""}]},
        "Period": period_seconds, "Stat": "Maximum"}} for i, db in enumerate(dbs)]
    response = ctx.call("cloudwatch", "GetMetricData", unknown_types=(), MetricDataQueries=queries,
                        StartTime=end - timedelta(seconds=window_seconds), EndTime=end)
    for i, db in enumerate(dbs):
        values = next((r["Values"] for r in (response or {}).get("MetricDataResults", []) if r["Id"] == f"m{i}"), [])
        if response is None:
            db.unknown["replica_lag_max_seconds"] = ctx.last_error or "metrics unavailable"
        elif values:
            db.attributes["replica_lag_max_seconds"] = max(values)
