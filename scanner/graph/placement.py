"""Where a resource sits: its VPC, its subnets, its Availability Zones and its subnets' network tier.

Shared by the topology picture of the HTML report and the exporters of ``haguard graph``. Every
answer comes from the graph's relations and derived facts (``is_public``, ``has_default_route``,
``availability_zones``); nothing is guessed from names.
"""

from __future__ import annotations

from enum import Enum

from .model import Graph

SUBNET = "aws.ec2.subnet"
VPC = "aws.ec2.vpc"

#: Scalar attributes that name the zone(s) a resource actually runs in (primary, standby, one-zone).
_ZONE_ATTRIBUTES = ("availability_zone", "secondary_availability_zone", "one_zone_availability_zone")


class Tier(str, Enum):
    """The network tier of a subnet, from its effective default route."""

    PUBLIC = "public"
    """Default route to an internet gateway."""
    PRIVATE = "private"
    """Default route through something else (NAT gateway, instance, endpoint)."""
    ISOLATED = "isolated"
    """No default route at all."""
    UNKNOWN = "unknown"
    """The route table or its routes are not known."""

    @property
    def exposure(self) -> int:
        """Rank for a resource spanning tiers: public first, then unknown (never assumed private),
        private, isolated."""
        return _EXPOSURE.index(self)


_EXPOSURE = (Tier.PUBLIC, Tier.UNKNOWN, Tier.PRIVATE, Tier.ISOLATED)


def subnet_tier(graph: Graph, subnet: str) -> Tier:
    """The tier of ``subnet`` from the derived ``is_public`` and ``has_default_route`` facts."""
    facts = graph.derived.get(subnet, {})
    if facts.get("is_public") is True:
        return Tier.PUBLIC
    if facts.get("is_public") is False:
        return Tier.PRIVATE if facts.get("has_default_route") else Tier.ISOLATED
    return Tier.UNKNOWN


def subnets_of(graph: Graph, uid: str) -> list[str]:
    """The subnets ``uid`` is placed in: a subnet itself, its ``in_subnet`` ones, or its subnet group's."""
    resource = graph.resources.get(uid)
    if resource is not None and resource.type == SUBNET:
        return [uid]
    found = [dst for dst, _ in graph.neighbours(uid, "in_subnet")]
    for group, _ in graph.neighbours(uid, "in_subnet_group"):
        found.extend(dst for dst, _ in graph.neighbours(group, "in_subnet"))
    return list(dict.fromkeys(s for s in found if s in graph.resources))


def vpc_of(graph: Graph, uid: str) -> str | None:
    """The VPC of ``uid``: itself, its ``in_vpc``/``attached_to`` edge, or the VPC of its subnets or group."""
    resource = graph.resources.get(uid)
    if resource is not None and resource.type == VPC:
        return uid
    for kind in ("in_vpc", "attached_to"):
        for dst, _ in graph.neighbours(uid, kind):
            return dst
    for holder in (*subnets_of(graph, uid), *(g for g, _ in graph.neighbours(uid, "in_subnet_group"))):
        for dst, _ in graph.neighbours(holder, "in_vpc"):
            return dst
    return None


def _own_zones(attributes: dict) -> list[str]:
    zones = [attributes[name] for name in _ZONE_ATTRIBUTES if isinstance(attributes.get(name), str)]
    for group in attributes.get("node_groups") or []:
        for member in (group or {}).get("members") or []:
            if isinstance((member or {}).get("availability_zone"), str):
                zones.append(member["availability_zone"])
    return zones


def zones_of(graph: Graph, uid: str) -> list[str]:
    """Sorted AZs ``uid`` runs in: its own zone attributes (a DB's primary and standby, cache members)
    when the source gives them, else its subnets' AZs, else the derived ``availability_zones``."""
    resource = graph.resources.get(uid)
    if resource is None:
        return []
    zones = _own_zones(resource.attributes)
    if not zones:
        zones = [z for s in subnets_of(graph, uid)
                 if isinstance(z := graph.resources[s].attributes.get("availability_zone"), str)]
    if not zones:
        zones = list(graph.derived.get(uid, {}).get("availability_zones") or [])
    if not zones:
        zones = [z for z in resource.attributes.get("availability_zones") or [] if isinstance(z, str)]
    return sorted(set(zones))


def tier_of(graph: Graph, uid: str, zones: list[str] | None = None) -> Tier | None:
    """The most exposed tier among the subnets of ``uid`` (in ``zones`` when given); ``None`` without subnets."""
    subnets = subnets_of(graph, uid)
    if zones:
        in_zones = [s for s in subnets if graph.resources[s].attributes.get("availability_zone") in zones]
        subnets = in_zones or subnets
    tiers = [subnet_tier(graph, s) for s in subnets]
    return min(tiers, key=lambda t: t.exposure) if tiers else None


__all__ = ["Tier", "subnet_tier", "subnets_of", "tier_of", "vpc_of", "zones_of"]
