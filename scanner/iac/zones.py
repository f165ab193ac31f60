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
