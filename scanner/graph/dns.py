"""DNS failover facts: each failover record's partner, and how long a health check takes to decide."""

from __future__ import annotations

from .model import Graph

RECORD = "aws.route53.record_set"
HEALTH_CHECK = "aws.route53.health_check"


def derive_dns(graph: Graph) -> None:
    """``failover_partner`` / ``partner_health_check_differs`` on failover records, ``detection_seconds`` on checks."""
    by_name: dict[tuple[object, object, object], list[str]] = {}
    for uid in graph.of_type(RECORD):
        attrs = graph.resources[uid].attributes
        if attrs.get("failover"):
            key = (attrs.get("hosted_zone"), str(attrs.get("record_name") or "").lower(), attrs.get("record_type"))
            by_name.setdefault(key, []).append(uid)
    for uids in by_name.values():
        for uid in uids:
            resource = graph.resources[uid]
            role = resource.attributes.get("failover")
            partners = [u for u in uids if graph.resources[u].attributes.get("failover") not in (None, role)]
            facts = graph.derived[uid]
            facts["failover_partner"] = partners[0] if partners else None
            if not partners:
                continue
            mine = {d for d, _ in graph.neighbours(uid, "checked_by")}
            theirs = {d for d, _ in graph.neighbours(partners[0], "checked_by")}
            if "checked_by" in resource.unknown_relations or "checked_by" in graph.resources[
                    partners[0]].unknown_relations:
                graph.derived_unknown[uid]["partner_health_check_differs"] = "a record's health check is unknown"
            else:
                facts["partner_health_check_differs"] = bool(mine or theirs) and mine != theirs
    for uid in graph.of_type(HEALTH_CHECK):
        resource = graph.resources[uid]
        missing = [a for a in ("failure_threshold", "request_interval_seconds") if a in resource.unknown]
        if missing:
            graph.derived_unknown[uid]["detection_seconds"] = resource.unknown[missing[0]]
        else:
            attrs = resource.attributes
            graph.derived[uid]["detection_seconds"] = attrs.get("failure_threshold", 3) * attrs.get(
                "request_interval_seconds", 30)


__all__ = ["derive_dns"]
