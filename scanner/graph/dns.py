"""DNS failover facts: each failover record's partner, and how long a health check takes to decide."""

from __future__ import annotations

from .model import Graph

RECORD = "aws.route53.record_set"
HEALTH_CHECK = "aws.route53.health_check"


_KEYS = ("hosted_zone", "record_name", "record_type")


def derive_dns(graph: Graph) -> None:
    """``failover_partner`` / ``partner_health_check_differs`` on failover records, ``detection_seconds`` on checks.

    A record whose zone, name, type or failover role the source could not give may be any record's
    partner: such a record's facts are unknown, and so are those of records left without a partner.
    """
    by_name: dict[tuple[object, object, object], list[str]] = {}
    unreadable: list[str] = []
    for uid in graph.of_type(RECORD):
        resource = graph.resources[uid]
        attrs = resource.attributes
        missing = [k for k in ("failover", *_KEYS) if k in resource.unknown]
        if missing and (missing[0] == "failover" or attrs.get("failover")):  # a simple record is nobody's partner
            unreadable.append(uid)
            reason = f"{missing[0]} not known: {resource.unknown[missing[0]]}"
            for fact in ("failover_partner", "partner_health_check_differs"):
                graph.derived_unknown[uid][fact] = reason
        elif attrs.get("failover"):
            key = (attrs.get("hosted_zone"), str(attrs.get("record_name") or "").lower(), attrs.get("record_type"))
            by_name.setdefault(key, []).append(uid)
    for uids in by_name.values():
        for uid in uids:
            _pair(graph, uid, uids, unreadable)
    for uid in graph.of_type(HEALTH_CHECK):
        resource = graph.resources[uid]
        missing = [a for a in ("failure_threshold", "request_interval_seconds") if a in resource.unknown]
        if missing:
            graph.derived_unknown[uid]["detection_seconds"] = resource.unknown[missing[0]]
        else:
            attrs = resource.attributes
            graph.derived[uid]["detection_seconds"] = attrs.get("failure_threshold", 3) * attrs.get(
                "request_interval_seconds", 30)


def _pair(graph: Graph, uid: str, uids: list[str], unreadable: list[str]) -> None:
    resource = graph.resources[uid]
    role = resource.attributes.get("failover")
    partners = [u for u in uids if graph.resources[u].attributes.get("failover") not in (None, role)]
    facts = graph.derived[uid]
    if not partners:
        if unreadable:
            reason = f"record {unreadable[0]} may be the partner: its zone, name, type or role is not known"
            graph.derived_unknown[uid]["failover_partner"] = graph.derived_unknown[uid][
                "partner_health_check_differs"] = reason
        else:
            facts["failover_partner"] = None
        return
    facts["failover_partner"] = partners[0]
    mine = {d for d, _ in graph.neighbours(uid, "checked_by")}
    theirs = {d for d, _ in graph.neighbours(partners[0], "checked_by")}
    if "checked_by" in resource.unknown_relations or "checked_by" in graph.resources[partners[0]].unknown_relations:
        graph.derived_unknown[uid]["partner_health_check_differs"] = "a record's health check is unknown"
    else:
        facts["partner_health_check_differs"] = bool(mine or theirs) and mine != theirs


__all__ = ["derive_dns"]
