"""Capacity facts of services that scale: the minimum they keep and what one AZ loss leaves of it."""

from __future__ import annotations

from .model import Graph

SCALING_TYPES = ("aws.autoscaling.group", "aws.ecs.service", "aws.eks.nodegroup")


def _minimum(graph: Graph, uid: str) -> tuple[int | None, str | None]:
    """The capacity a service keeps at least, or why it is not known."""
    resource = graph.resources[uid]
    if resource.type != "aws.ecs.service":
        if "min_size" in resource.unknown:
            return None, resource.unknown["min_size"]
        return resource.attributes.get("min_size"), None
    minimums = []
    for target_uid, _ in graph.neighbours(uid, "scales", "in"):
        target = graph.resources.get(target_uid)
        if target is None:
            continue
        if "min_capacity" in target.unknown:
            return None, target.unknown["min_capacity"]
        if target.attributes.get("min_capacity") is not None:
            minimums.append(target.attributes["min_capacity"])
    if minimums:
        return min(minimums), None
    if "desired_count" in resource.unknown:
        return None, resource.unknown["desired_count"]
    return resource.attributes.get("desired_count"), None


def derive_headroom(graph: Graph) -> None:
    """``scaling_headroom`` of scalable targets: how far above its minimum a target may scale."""
    for uid in graph.of_type("aws.appautoscaling.scalable_target"):
        resource = graph.resources[uid]
        missing = [a for a in ("min_capacity", "max_capacity") if a in resource.unknown]
        low, high = resource.attributes.get("min_capacity"), resource.attributes.get("max_capacity")
        if missing:
            graph.derived_unknown[uid]["scaling_headroom"] = resource.unknown[missing[0]]
        elif low is not None and high is not None:
            graph.derived[uid]["scaling_headroom"] = high - low


def derive_capacity(graph: Graph) -> None:
    """``min_capacity``, ``zone_count`` and ``capacity_after_az_loss`` (after ``derive_zones``)."""
    derive_headroom(graph)
    for type_name in SCALING_TYPES:
        for uid in graph.of_type(type_name):
            facts, unknown = graph.derived[uid], graph.derived_unknown[uid]
            minimum, why = _minimum(graph, uid)
            if why is not None:
                unknown["min_capacity"] = unknown["capacity_after_az_loss"] = why
            else:
                facts["min_capacity"] = minimum
            if "availability_zones" in unknown:
                unknown["zone_count"] = unknown["capacity_after_az_loss"] = unknown["availability_zones"]
                continue
            zones = len(facts.get("availability_zones") or graph.resources[uid].attributes.get(
                "availability_zones") or [])
            facts["zone_count"] = zones
            if why is None and minimum is not None:
                facts["capacity_after_az_loss"] = minimum * (zones - 1) // zones if zones > 1 else 0


__all__ = ["SCALING_TYPES", "derive_capacity", "derive_headroom"]
