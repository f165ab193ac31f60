"""Attribute- and relation-level comparison of the parity sources, driven by the vocabulary's declarations.

A source *can give* an attribute when the declaration has a path (or a hook) for it, for the IaC type
the resource was declared as: an attribute whose path is ``None`` for a source (with its ``why``) is
skipped there, and one that fewer than two sources can give (a runtime value) is not compared. A
relation ``src -kind-> dst`` can be given by a source when one of the two types declares it with a
path for that source; relations no type declares come from structural hooks, which every source has.

Values are compared after ``Source.translate`` (uids and ids as parity names) and ``canonical``
(lists of items in a canonical order: the order of rules or transitions is not a setting).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parity_sources import Source
from pydantic import BaseModel

from scanner.model import Resource
from scanner.model.vocabulary import HOOK_RELATIONS, RESOURCE_TYPES, declarations

Key = tuple[str, str]


@dataclass(frozen=True)
class Unknown:
    """A value the source says it cannot know, with its reason."""

    reason: str


def canonical(value: Any) -> Any:
    """Mappings recursively; a list of mappings sorted by its canonical JSON."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        if items and all(isinstance(v, dict) for v in items):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
        return items
    return value


def item_model(model: type[BaseModel], attribute: str) -> type[BaseModel] | None:
    """The item model of a list (or single item) attribute, if it is one."""
    annotation = model.model_fields[attribute].annotation
    args = typing.get_args(annotation)
    inner = args[0] if typing.get_origin(annotation) is list and args else annotation
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def fields_not_given(resource_type: str, attribute: str, sources: list[Source]) -> set[str]:
    """Item fields that one of ``sources`` declares it cannot give (no path, and a ``why``)."""
    item = item_model(RESOURCE_TYPES[resource_type], attribute)
    if item is None:
        return set()
    return {name for name, decl in declarations(item).items() if decl.why and any(
        decl.path(s.vocabulary_source) is None for s in sources)}  # type: ignore[arg-type]


def without_fields(value: Any, fields: set[str]) -> Any:
    """``value`` (an item or a list of items) without ``fields``."""
    if not fields or isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        return [without_fields(v, fields) for v in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in fields}
    return value


def can_give_attribute(source: Source, resource: Resource, attribute: str) -> bool:
    """Whether the declarations let ``source`` give the attribute; every source has the graph's derived facts."""
    if attribute in RESOURCE_TYPES[resource.type].derived:
        return True
    decl = declarations(RESOURCE_TYPES[resource.type])[attribute]
    return decl.path(source.vocabulary_source, source.source_types.get(resource.uid, "")) is not None  # type: ignore[arg-type]


def attribute_value(source: Source, resource: Resource, attribute: str) -> Any:
    """The canonical value, or ``Unknown`` when the source marks the attribute (or part of it) unknown.

    An attribute the type also lists as ``derived`` (a placed resource's ``availability_zones``: its own
    zones and its subnets') is compared as the graph derives it, the fact policies read: AWS reports a
    subnet-placed group's zones where a template gives only its subnets.
    """
    if attribute in RESOURCE_TYPES[resource.type].derived:
        unknown = source.graph.derived_unknown.get(resource.uid, {}).get(attribute)
        if unknown is not None:
            return Unknown(unknown)
        return canonical(source.translate(source.graph.derived.get(resource.uid, {}).get(attribute)))
    for key, reason in resource.unknown.items():
        if key == attribute or key.startswith(attribute + "."):
            return Unknown(reason if key == attribute else f"{key}: {reason}")
    return canonical(source.translate(resource.attributes.get(attribute)))


def can_give_relation(source: Source, src: Resource, kind: str, dst: Resource) -> bool:
    """Whether a declaration of ``src``'s or ``dst``'s type lets ``source`` find this relation."""
    declared = False
    for model, other, reverse, uid in ((RESOURCE_TYPES[src.type], dst.type, False, src.uid),
                                       (RESOURCE_TYPES[dst.type], src.type, True, dst.uid)):
        for relation in model.relations:
            if relation.kind != kind or relation.reverse != reverse or (
                    other not in relation.to and relation.to != ("*",)):
                continue
            declared = True
            if relation.path(source.vocabulary_source, source.source_types.get(uid, "")) is not None:  # type: ignore[arg-type]
                return True
    return not declared or (src.type, kind, dst.type) in HOOK_RELATIONS


def relations(source: Source, keys: set[Key]) -> dict[tuple[Key, str, Key], tuple[Resource, Resource]]:
    """The source's relations between architecture resources, keyed by parity names."""
    by_uid = {r.uid: r for r in source.snapshot.resources}
    found: dict[tuple[Key, str, Key], tuple[Resource, Resource]] = {}
    for relation in source.snapshot.relations:
        src, dst = by_uid.get(relation.src), by_uid.get(relation.dst)
        if src is None or dst is None:
            continue
        src_key, dst_key = source.key(src), source.key(dst)
        if src_key in keys and dst_key in keys:
            found[(src_key, relation.kind, dst_key)] = (src, dst)
    return found


@dataclass(frozen=True)
class Difference:
    """One attribute or relation on which the sources disagree."""

    what: str
    values: Mapping[str, Any]
    note: str = ""

    def __str__(self) -> str:
        cells = "; ".join(f"{source}: {value!r}" for source, value in self.values.items())
        return f"{self.what}: {cells}{' (' + self.note + ')' if self.note else ''}"
