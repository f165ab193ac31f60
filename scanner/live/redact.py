"""The last pass before a live snapshot is built: no secret value leaves the scanner.

A thin layer over the one redactor, ``scanner.redact`` (kept for the live scan and for callers such
as history that redact resources themselves).
"""

from __future__ import annotations

from ..model import Resource
from ..redact import REDACTED, redact_value

__all__ = ["REDACTED", "redact_resources", "redact_tags"]


def redact_tags(tags: dict[str, str]) -> dict[str, str]:
    """``tags`` with the value of every key that names a secret (and every secret-shaped value) masked."""
    cleaned: dict[str, str] = redact_value(tags)
    return cleaned


def redact_resources(resources: list[Resource]) -> list[Resource]:
    """Resources whose attributes carry no secret (copies where something changed; input unchanged)."""
    cleaned: list[Resource] = []
    for resource in resources:
        attributes = redact_value(resource.attributes)
        if attributes is not resource.attributes:
            resource = resource.model_copy(update={"attributes": attributes})
        cleaned.append(resource)
    return cleaned
