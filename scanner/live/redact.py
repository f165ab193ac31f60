"""The last pass before a live snapshot is built: no secret-looking tag value leaves the scanner."""

from __future__ import annotations

import re

from ..model import Resource

SECRET_KEY = re.compile(r"secret|password|token|private", re.IGNORECASE)
REDACTED = "***"


def redact_tags(tags: dict[str, str]) -> dict[str, str]:
    """``tags`` with the value of every key that looks secret replaced by ``***``."""
    return {key: REDACTED if SECRET_KEY.search(key) else value for key, value in tags.items()}


def redact_resources(resources: list[Resource]) -> list[Resource]:
    """Resources whose ``tags`` attribute carries no secret-looking value (copies; input unchanged)."""
    cleaned: list[Resource] = []
    for resource in resources:
        tags = resource.attributes.get("tags")
        if isinstance(tags, dict) and any(SECRET_KEY.search(str(k)) for k in tags):
            attributes = {**resource.attributes, "tags": redact_tags(tags)}
            resource = resource.model_copy(update={"attributes": attributes})
        cleaned.append(resource)
    return cleaned
