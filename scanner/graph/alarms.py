"""Alarm facts: a lag alarm's threshold in seconds, whatever unit its metric is published in."""

from __future__ import annotations

from .model import Graph

ALARM = "aws.cloudwatch.alarm"

# (namespace, metric) -> (unit CloudWatch publishes it in, seconds per unit), from the services' metric tables.
LAG_METRIC_UNITS: dict[tuple[str, str], tuple[str, float]] = {
    ("AWS/RDS", "ReplicaLag"): ("Seconds", 1.0),
    ("AWS/RDS", "AuroraBinlogReplicaLag"): ("Seconds", 1.0),
    ("AWS/RDS", "AuroraReplicaLag"): ("Milliseconds", 0.001),
    ("AWS/RDS", "AuroraReplicaLagMaximum"): ("Milliseconds", 0.001),
    ("AWS/RDS", "AuroraGlobalDBReplicationLag"): ("Milliseconds", 0.001),
    ("AWS/RDS", "AuroraGlobalDBRPOLag"): ("Milliseconds", 0.001),
    ("AWS/DynamoDB", "ReplicationLatency"): ("Milliseconds", 0.001),
    ("AWS/ElastiCache", "ReplicationLag"): ("Seconds", 1.0),
    ("AWS/ElastiCache", "GlobalDatastoreReplicationLag"): ("Seconds", 1.0),
    ("AWS/S3", "ReplicationLatency"): ("Seconds", 1.0),
}


def derive_alarm_facts(graph: Graph) -> None:
    """``threshold_seconds`` of alarms on a replication-lag metric (``LAG_METRIC_UNITS``).

    Unknown when the namespace, metric or threshold is, or when the alarm asks for another unit than the
    metric's (CloudWatch does not convert units: such an alarm gets no datapoints)."""
    for uid in graph.of_type(ALARM):
        resource = graph.resources[uid]
        missing = [a for a in ("namespace", "metric_name", "threshold", "unit") if a in resource.unknown]
        if missing:
            graph.derived_unknown[uid]["threshold_seconds"] = resource.unknown[missing[0]]
            continue
        attrs = resource.attributes
        known = LAG_METRIC_UNITS.get((attrs.get("namespace"), attrs.get("metric_name")))
        threshold = attrs.get("threshold")
        if known is None or threshold is None:
            continue
        unit, seconds = known
        if attrs.get("unit") not in (None, unit):
            graph.derived_unknown[uid]["threshold_seconds"] = (
                f"the alarm reads {attrs['metric_name']} in {attrs['unit']}, but CloudWatch publishes it in {unit} "
                "and does not convert: the alarm gets no data")
            continue
        graph.derived[uid]["threshold_seconds"] = threshold * seconds


__all__ = ["LAG_METRIC_UNITS", "derive_alarm_facts"]
