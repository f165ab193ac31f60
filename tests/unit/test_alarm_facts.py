"""``threshold_seconds``: a lag alarm's threshold in seconds, from the unit CloudWatch publishes its metric in."""

from __future__ import annotations

import pytest

from scanner.graph import build_graph
from tests.snapshot_factory import snapshot


def _facts(attributes: dict, unknown: dict | None = None) -> tuple[dict, dict]:
    graph = build_graph(snapshot([{"uid": "a", "type": "aws.cloudwatch.alarm", "attributes": attributes,
                                   "unknown": unknown or {}}]))
    return graph.derived.get("a", {}), graph.derived_unknown.get("a", {})


@pytest.mark.parametrize(("namespace", "metric", "threshold", "seconds"), [
    ("AWS/RDS", "ReplicaLag", 300, 300),
    ("AWS/RDS", "AuroraGlobalDBRPOLag", 300000, 300),
    ("AWS/DynamoDB", "ReplicationLatency", 60000, 60),
    ("AWS/ElastiCache", "ReplicationLag", 30, 30),
    ("AWS/S3", "ReplicationLatency", 900, 900),
])
def test_thresholds_convert_from_the_metric_unit(namespace: str, metric: str, threshold: float,
                                                 seconds: float) -> None:
    facts, unknown = _facts({"namespace": namespace, "metric_name": metric, "threshold": threshold})
    assert facts["threshold_seconds"] == pytest.approx(seconds)
    assert "threshold_seconds" not in unknown


def test_the_same_metric_name_in_another_namespace_is_not_a_lag_metric() -> None:
    facts, unknown = _facts({"namespace": "Custom/App", "metric_name": "ReplicationLatency", "threshold": 5})
    assert "threshold_seconds" not in facts and "threshold_seconds" not in unknown


def test_a_unit_cloudwatch_would_not_convert_is_unknown_with_the_reason() -> None:
    facts, unknown = _facts({"namespace": "AWS/DynamoDB", "metric_name": "ReplicationLatency", "threshold": 300,
                             "unit": "Seconds"})
    assert "threshold_seconds" not in facts
    assert "publishes it in Milliseconds" in unknown["threshold_seconds"]


def test_a_matching_unit_is_fine() -> None:
    facts, _ = _facts({"namespace": "AWS/RDS", "metric_name": "ReplicaLag", "threshold": 60, "unit": "Seconds"})
    assert facts["threshold_seconds"] == 60


def test_an_unresolved_threshold_is_unknown() -> None:
    _, unknown = _facts({"namespace": "AWS/RDS", "metric_name": "ReplicaLag"},
                        {"threshold": "unresolved !Ref LagThreshold"})
    assert unknown["threshold_seconds"] == "unresolved !Ref LagThreshold"
