"""Subnet tiers per VPC: the zones where a VPC has one tier of subnet but not the other.

A subnet is public when the graph derived ``is_public`` (its effective route table sends a default
route to an internet gateway), private otherwise. Runs after ``derive_subnet_facts``.
"""

from __future__ import annotations

from .model import Graph

VPC = "aws.ec2.vpc"
SUBNET = "aws.ec2.subnet"
FACTS = ("zones_without_public_subnet", "zones_without_private_subnet")


def _tier_zones(graph: Graph, vpc: str) -> tuple[set[str], set[str], str | None]:
    """(zones with a public subnet, zones with a private subnet, reason when a subnet's tier or zone is unknown)."""
    public: set[str] = set()
    private: set[str] = set()
    for subnet, _ in graph.neighbours(vpc, "in_vpc", "in"):
        resource = graph.resources.get(subnet)
        if resource is None or resource.type != SUBNET:
            continue
        zone = resource.attributes.get("availability_zone")
        if zone is None or "availability_zone" in resource.unknown:
            return public, private, f"availability zone of subnet {subnet} unknown"
        if "is_public" in graph.derived_unknown.get(subnet, {}):
            return public, private, f"tier of subnet {subnet} unknown: {graph.derived_unknown[subnet]['is_public']}"
        (public if graph.derived[subnet].get("is_public") else private).add(zone)
    return public, private, None


def derive_vpc_tiers(graph: Graph) -> None:
    """``zones_without_public_subnet`` and ``zones_without_private_subnet`` of every VPC."""
    for vpc in graph.of_type(VPC):
        public, private, reason = _tier_zones(graph, vpc)
        if reason is not None:
            for fact in FACTS:
                graph.derived_unknown[vpc][fact] = reason
            continue
        graph.derived[vpc]["zones_without_public_subnet"] = sorted(private - public)
        graph.derived[vpc]["zones_without_private_subnet"] = sorted(public - private)
