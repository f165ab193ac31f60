"""What a condition is evaluated on: a resource uid or a list item, and how an attribute path is read from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..graph import Graph
from ..model.vocabulary import META_ATTRIBUTES

ITEM_ITSELF = "@"
"""The attribute name of a scalar list item itself (``{items: public_access_cidrs, each: {attr: "@", ...}}``)."""
MISSING = object()


@dataclass(slots=True)
class Item:
    """A member of a list attribute (a route, a rule, a node group...), evaluated as a subject."""

    value: Any
    label: str


Subject = str | Item


def lookup(graph: Graph, subject: Subject, attr: str, keys: Sequence[str] | None = None) -> tuple[Any, str | None]:
    """``(value, None)`` for a known value (``None`` = not set), or ``(MISSING, reason)`` when unknown.

    ``keys``, when given, are the path's parts after its head, taken whole (a key from a param may hold dots).
    """
    head, _, rest_text = attr.partition(".")
    return lookup_split(graph, subject, attr, head, rest_text if keys is None else keys)


def lookup_split(graph: Graph, subject: Subject, attr: str, head: str, rest: str | Sequence[str]
                 ) -> tuple[Any, str | None]:
    """``lookup`` with ``attr`` already split at its first dot (compiled tests split it once)."""
    if type(subject) is Item:
        if attr == ITEM_ITSELF:
            return subject.value, None
        value = subject.value.get(head) if isinstance(subject.value, dict) else None
        return (walk_path(value, rest) if rest else value), None
    resource = graph.resources.get(subject)
    if resource is None:
        return MISSING, f"{subject} is not in the snapshot"
    if head in META_ATTRIBUTES:
        value = getattr(resource, head)
        if value is None and head in ("account", "region"):
            return MISSING, f"the source does not say which {head} {subject} is in"
        return value, None
    unknown = resource.unknown
    if unknown:
        reason = unknown.get(attr) or unknown.get(head)
        if reason:
            return MISSING, reason
    derived_unknown = graph.derived_unknown.get(subject)
    if derived_unknown and head in derived_unknown:
        return MISSING, derived_unknown[head]
    derived = graph.derived.get(subject)
    value = derived[head] if derived and head in derived else resource.attributes.get(head)
    return (walk_path(value, rest) if rest else value), None


def walk_path(value: Any, rest: str | Sequence[str]) -> Any:
    """Follow a dotted path into mappings; a number indexes a list (``placement_strategies.0.type``)."""
    for part in (rest.split(".") if rest else ()) if isinstance(rest, str) else rest:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        else:
            value = None
    return value


def label_of(subject: Subject) -> str:
    return subject.label if isinstance(subject, Item) else subject
