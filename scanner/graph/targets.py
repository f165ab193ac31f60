"""Healthy targets per zone of each ELBv2 load balancer (live target health).

For every load balancer, the distinct healthy targets of its instance and ip target groups are
placed in zones: the zone ``DescribeTargetHealth`` gives, else the zone of the instance the target
group ``targets``, else (ip targets) the zone of the subnet whose CIDR holds the address. From them the
graph derives ``zones_without_healthy_targets`` (enabled zones with none) and ``max_zone_target_share``.
A fact that cannot be established is recorded in ``derived_unknown`` with the reason. Runs after
``derive_zones``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .model import Graph

LOAD_BALANCER = "aws.elbv2.load_balancer"
TARGET_GROUP = "aws.elbv2.target_group"
INSTANCE = "aws.ec2.instance"
SUBNET = "aws.ec2.subnet"
ZONAL_TARGET_TYPES = ("instance", "ip")
FACTS = ("zones_without_healthy_targets", "max_zone_target_share")


class _Unknown(Exception):
    """A fact of the load balancer cannot be established; the message says why."""


def _instance_zones(graph: Graph, group: str) -> dict[str, str | None]:
    """Instance id -> zone for the instances the target group ``targets`` (by the uid's last part)."""
    zones: dict[str, str | None] = {}
    for uid, _ in graph.neighbours(group, "targets"):
        resource = graph.resources.get(uid)
        if resource is not None and resource.type == INSTANCE:
            zone = None if "availability_zone" in resource.unknown else resource.attributes.get("availability_zone")
            zones[uid.rsplit("/", 1)[-1]] = zone
    return zones


class _SubnetZones:
    """The zone of the subnet whose CIDR holds an address (built on first use)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.networks: list[tuple[Any, str]] | None = None

    def zone_of(self, address: str) -> str | None:
        if self.networks is None:
            self.networks = []
            for uid in self.graph.of_type(SUBNET):
                attributes = self.graph.resources[uid].attributes
                try:
                    network = ipaddress.ip_network(str(attributes.get("cidr_block")), strict=False)
                except ValueError:
                    continue
                if attributes.get("availability_zone"):
                    self.networks.append((network, attributes["availability_zone"]))
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        return next((zone for network, zone in self.networks if ip.version == network.version and ip in network),
                    None)


def _healthy_targets(graph: Graph, lb: str, subnets: _SubnetZones) -> dict[str, str]:
    """Distinct healthy target -> zone over the load balancer's zonal target groups."""
    resource = graph.resources[lb]
    if "targets" in resource.unknown_relations:
        raise _Unknown(f"target groups unknown: {resource.unknown_relations['targets']}")
    healthy: dict[str, str] = {}
    zonal = 0
    groups = graph.neighbours(lb, "targets")
    for group, _ in groups:
        tg = graph.resources.get(group)
        if tg is None:
            raise _Unknown(f"target group {group} is not in the snapshot")
        if tg.attributes.get("target_type", "instance") not in ZONAL_TARGET_TYPES:
            continue
        zonal += 1
        if "target_health" in tg.unknown:
            raise _Unknown(f"target health of {group} unknown: {tg.unknown['target_health']}")
        instances = _instance_zones(graph, group)
        for entry in tg.attributes.get("target_health") or []:
            if entry.get("state") != "healthy":
                continue
            target = str(entry.get("target"))
            zone = entry.get("availability_zone")
            if zone == "all":
                raise _Unknown(f"target {target} of {group} is outside the VPC (zone 'all')")
            zone = zone or instances.get(target) or subnets.zone_of(target)
            if not zone:
                raise _Unknown(f"zone of target {target} of {group} unknown")
            healthy[target] = zone
    if groups and not zonal:
        raise _Unknown("no instance or ip target group: Lambda and ALB targets have no zone")
    return healthy


def derive_target_facts(graph: Graph) -> None:
    """``zones_without_healthy_targets`` and ``max_zone_target_share`` of every ELBv2 load balancer."""
    subnets = _SubnetZones(graph)
    for lb in graph.of_type(LOAD_BALANCER):
        unknown = graph.derived_unknown.get(lb, {})
        if "availability_zones" in unknown:
            for fact in FACTS:
                graph.derived_unknown[lb][fact] = f"zones of the load balancer unknown: {unknown['availability_zones']}"
            continue
        try:
            healthy = _healthy_targets(graph, lb, subnets)
        except _Unknown as exc:
            for fact in FACTS:
                graph.derived_unknown[lb][fact] = str(exc)
            continue
        enabled = graph.derived[lb].get("availability_zones") or []
        per_zone: dict[str, int] = {}
        for zone in healthy.values():
            per_zone[zone] = per_zone.get(zone, 0) + 1
        graph.derived[lb]["zones_without_healthy_targets"] = sorted(z for z in enabled if not per_zone.get(z))
        if healthy:
            graph.derived[lb]["max_zone_target_share"] = round(max(per_zone.values()) / len(healthy), 4)
        else:
            graph.derived_unknown[lb]["max_zone_target_share"] = "no healthy target"
