"""Health-check facts: how long a load balancer takes to declare a target unhealthy."""

from __future__ import annotations

from .model import Graph


def derive_health(graph: Graph) -> None:
    """``detection_seconds`` of target groups: ``unhealthy_threshold`` x ``health_check_interval_seconds``."""
    for uid in graph.of_type("aws.elbv2.target_group"):
        resource = graph.resources[uid]
        missing = [a for a in ("unhealthy_threshold", "health_check_interval_seconds") if a in resource.unknown]
        if missing:
            graph.derived_unknown[uid]["detection_seconds"] = resource.unknown[missing[0]]
            continue
        attrs = resource.attributes
        graph.derived[uid]["detection_seconds"] = attrs.get("unhealthy_threshold", 2) * attrs.get(
            "health_check_interval_seconds", 30)


__all__ = ["derive_health"]
