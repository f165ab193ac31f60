"""The live side of the mapping engine: a boto3 response item -> a vocabulary ``Resource`` and relations.

A collector's ``parse`` hands each response item (plus, under their own keys, what per-resource calls
returned, or an ``Unknown`` where such a call failed) to ``build``; the type's declarations say which
fields become which attributes and relations. What remains in a collector is its API calls and the
named hooks for structure the declarations cannot express.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from ..model.mapping import Mapped, map_declared, walk
from ..model.values import MISSING, Unknown
from ..model.vocabulary import RESOURCE_TYPES, Rel, live_uid
from .base import Collected


class LiveAdapter:
    """Plain boto3 data: literal ids in relations become the target type's ARN in this account and Region."""

    source = "live"
    source_type = ""
    unwrap_blocks = False

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region

    def node(self, value: Any) -> Any:
        return value

    def literal_target(self, value: str, relation: Rel) -> str:
        target = relation.to[0]
        return live_uid(target, value, self.account, self.region) if target in RESOURCE_TYPES else value

    def bad_value(self, attribute: str, path: str, message: str) -> str:
        return f"{path}: {message}"


def build(out: Collected, type_name: str, item: dict[str, Any], account: str, region: str, *,
          uid: str | None = None, name: str | None = None, resource_region: str | None = None,
          mapped: Mapped | None = None) -> Resource:
    """Map ``item`` as a ``type_name`` resource, append it and its relations to ``out``, return it.

    ``uid``/``name`` override the declared identity; ``mapped`` carries what hooks already filled.
    """
    model = RESOURCE_TYPES[type_name]
    live = model.live
    assert live is not None, f"{type_name} declares no live identity"
    adapter = LiveAdapter(account, region)
    result = map_declared(model, item, adapter, operation=live.operation.split(":")[-1], out=mapped)
    if uid is None:
        found = walk(item, live.arn_path, adapter) if live.arn_path else MISSING
        if not isinstance(found, str):
            found = live_uid(type_name, str(walk(item, live.id, adapter)), account, region)
        uid = found
    if name is None:
        found_name = walk(item, live.name, adapter) if live.name else MISSING
        tags = result.attributes.get("tags") or {}
        name = found_name if isinstance(found_name, str) else tags.get("Name") or _id(item, live.id, adapter)
    resource = Resource(uid=uid, type=type_name, name=name, account=account, region=resource_region or region,
                        attributes=result.attributes, unknown=result.unknown,
                        unknown_relations=result.unknown_relations)
    out.resources.append(resource)
    for kind, target, reverse in result.relations:
        out.relations.append(Relation(src=target, kind=kind, dst=uid) if reverse
                             else Relation(src=uid, kind=kind, dst=target))
    return resource


def _id(item: dict[str, Any], path: str, adapter: LiveAdapter) -> str | None:
    found = walk(item, path, adapter)
    return str(found) if found not in (MISSING, None) and not isinstance(found, Unknown) else None


def failed(reason: str | None, what: str) -> Unknown:
    """The value a collector puts where a per-resource call failed (its attributes become unknown)."""
    return Unknown(reason or f"{what} not read")


__all__ = ["LiveAdapter", "build", "failed"]
