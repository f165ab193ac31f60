"""Symbolic Availability Zones: ``{region}#az<N>`` is the N-th zone of the Region an IaC stack deploys to.

CloudFormation's ``!Select [N, !GetAZs '']`` and Terraform's ``data.aws_availability_zones.x.names[N]``
name zones by index. Symbolic zones on different indexes count as different AZs; once the Region is
known they become concrete (``eu-west-1a`` for index 0, as ``GetAZs`` lists zones in name order), so
that they compare with zones written literally.
"""

from __future__ import annotations

import re
from typing import Any

ZONE_LETTERS = "abcdefghijklmnopqrstuvwxyz"
SYMBOLIC_ZONE = re.compile(r"^\{region\}#az(\d+)$")


def symbolic_zone(index: int) -> str:
    """The symbolic name of the zone at ``index`` (0-based)."""
    return f"{{region}}#az{index + 1}"


def concrete_zone(zone: str, region: str) -> str:
    """``zone`` in ``region`` when it is symbolic and in range; other values unchanged."""
    match = SYMBOLIC_ZONE.match(zone)
    if match is None:
        return zone
    index = int(match.group(1)) - 1
    return region + ZONE_LETTERS[index] if index < len(ZONE_LETTERS) else zone


def concretise(value: Any, region: str) -> Any:
    """``value`` with every symbolic zone in it (nested lists and mappings too) made concrete."""
    if isinstance(value, str):
        return concrete_zone(value, region)
    if isinstance(value, list):
        return [concretise(item, region) for item in value]
    if isinstance(value, dict):
        return {key: concretise(item, region) for key, item in value.items()}
    return value



LITERAL_ZONE = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)[a-z]$")


def zone_names(value: Any, in_zone_field: bool = False) -> list[str]:
    """Strings held under attribute keys naming zones (``availability_zone``, ``..._zones``), at any depth."""
    if isinstance(value, str):
        return [value] if in_zone_field else []
    if isinstance(value, list):
        return [zone for item in value for zone in zone_names(item, in_zone_field)]
    if isinstance(value, dict):
        return [zone for key, item in value.items() for zone in zone_names(item, "zone" in str(key))]
    return []


def pinned_region(attribute_sets: list[dict[str, Any]]) -> str | None:
    """The one Region that literal zone names (``us-east-1a``) pin a stack to, if exactly one."""
    regions = {match.group(1) for attributes in attribute_sets for zone in zone_names(attributes)
               if (match := LITERAL_ZONE.match(zone))}
    return regions.pop() if len(regions) == 1 else None
