"""The mapping engine: reads a type's declarations (``vocabulary._fields``) and one source's value tree.

Every source hands over a *value tree* per resource: plain JSON-like data whose leaves may be
``Unknown`` or ``Reference`` (``scanner.model.values``), or source-specific leaves its ``Adapter``
turns into those. ``map_declared`` walks each declared path, converts the value by the attribute's
annotation (or its declared normaliser), and collects attributes, unknown attributes with their
reasons, and relations. Omitted values are left out so that the vocabulary's AWS defaults apply.
What a declaration marks as a ``Hook`` is left to the source's named hook.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from pydantic import BaseModel

from . import normalise
from .values import MISSING, Reference, Unknown
from .vocabulary._fields import From, Rel, SourceName, declarations


class Adapter(Protocol):
    """What the engine needs from a source."""

    source: SourceName
    source_type: str
    unwrap_blocks: bool
    """Terraform: a list of one mapping (a nested block) is entered without an index."""

    def node(self, value: Any) -> Any:
        """A tree node with source-specific leaves turned into ``Unknown``/``Reference``/plain values."""

    def literal_target(self, value: str, relation: Rel) -> str:
        """The uid a literal id in a relation stands for (live: the ARN; IaC: the id as written)."""

    def bad_value(self, attribute: str, path: str, message: str) -> str:
        """A value of the wrong type: raise (CloudFormation) or return the reason it is unknown."""


@dataclass
class Mapped:
    """The declarative part of one resource in vocabulary terms."""

    attributes: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    unknown_relations: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[str, str, bool]] = field(default_factory=list)
    """(kind, target uid, reverse): ``reverse`` means the edge is target -kind-> this resource."""

    def relate(self, kind: str, uid: str, reverse: bool = False) -> None:
        """Add a relation once."""
        entry = (kind, uid, reverse)
        if entry not in self.relations:
            self.relations.append(entry)


class _UnknownInside(Exception):
    """Part of a value is unknown: the whole attribute is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- paths -------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]|(\.)")


@cache
def parse_path(path: str) -> tuple[tuple[str, ...], ...]:
    """``A.B[*].C|D`` -> alternatives, each a tuple of steps.

    Steps: ``name``; ``*`` (every element); ``#0`` (an index); ``=Key=value`` (the first mapping whose
    ``Key`` reads ``value``); ``?Key`` (the first mapping that has ``Key``).
    """
    alternatives = []
    for alternative in path.split("|"):
        steps: list[str] = []
        for match in _SEGMENT.finditer(alternative.strip()):
            name, bracket, _dot = match.groups()
            if name is not None:
                steps.append(f"#{name}" if name.isdigit() else name)
            elif bracket is not None:
                steps.append("*" if bracket == "*" else f"#{bracket}" if bracket.isdigit()
                             else f"={bracket}" if "=" in bracket else f"?{bracket}")
        alternatives.append(tuple(steps))
    return tuple(alternatives)


def walk(tree: Any, path: str, adapter: Adapter) -> Any:
    """The value at ``path``, ``MISSING``, or the ``Unknown`` covering it.

    Of alternatives (``A|B``, two spellings of one setting), the first with a known, non-empty value
    wins; an empty list, then an unknown value, only when no alternative has more.
    """
    alternatives = parse_path(path)
    if len(alternatives) == 1:
        return _walk(tree, alternatives[0], 0, adapter)
    empty: Any = MISSING
    unknown: Any = MISSING
    for steps in alternatives:
        found = _walk(tree, steps, 0, adapter)
        if found is MISSING:
            continue
        if isinstance(found, Unknown):
            unknown = found if unknown is MISSING else unknown
        elif found == [] or found == {}:
            empty = found if empty is MISSING else empty
        else:
            return found
    return empty if empty is not MISSING else unknown


def _walk(node: Any, steps: tuple[str, ...], index: int, adapter: Adapter) -> Any:
    while True:
        node = adapter.node(node)
        if node is MISSING or node is None:
            return MISSING
        if isinstance(node, Unknown) or index == len(steps):
            return node
        if isinstance(node, Reference):
            return Unknown(f"{node.describe()}: its attributes are not known before deployment")
        step = steps[index]
        if step == "*":
            if isinstance(node, Mapping) and adapter.unwrap_blocks:
                node = [node]
            if not isinstance(node, list):
                return MISSING
            results = []
            for element in node:
                found = _walk(element, steps, index + 1, adapter)
                if isinstance(found, Unknown):
                    return found
                if found is not MISSING:
                    results.append(found)
            return results
        if isinstance(node, list) and adapter.unwrap_blocks and not step.startswith(("#", "=", "?")):
            if not node:
                return MISSING
            if len(node) > 1:
                return Unknown(f"{len(node)} {steps[index - 1] if index else 'blocks'} blocks where one is expected")
            node = adapter.node(node[0])
            continue
        if step.startswith("#"):
            position = int(step[1:])
            if not isinstance(node, list) or position >= len(node):
                return MISSING
            node = node[position]
        elif step.startswith("="):
            key, _, wanted = step[1:].partition("=")
            if isinstance(node, Mapping):
                node = [node]
            if not isinstance(node, list):
                return MISSING
            node = next((e for e in map(adapter.node, node) if isinstance(e, Mapping)
                         and _reads(adapter.node(e.get(key)), wanted)), MISSING)
        elif step.startswith("?"):
            if isinstance(node, Mapping):
                node = [node]
            if not isinstance(node, list):
                return MISSING
            node = next((e for e in map(adapter.node, node) if isinstance(e, Mapping)
                         and e.get(step[1:]) not in (None, MISSING)), MISSING)
        elif isinstance(node, Mapping):
            node = node.get(step, MISSING)
        else:
            return MISSING
        index += 1


def _reads(value: Any, wanted: str) -> bool:
    """A selector value matches: strings exactly, booleans and numbers as they are spelled."""
    if isinstance(value, bool | int | float):
        return normalise.text(value) == wanted
    return value == wanted


# -- conversion --------------------------------------------------------------------------------

_SCALARS: dict[type, Callable[[Any], Any]] = {
    bool: normalise.boolean, int: normalise.integer, float: normalise.number, str: normalise.text,
}


@dataclass(frozen=True)
class _Shape:
    kind: str  # scalar | list | dict | item | items
    convert: Callable[[Any], Any] | None = None
    model: type[BaseModel] | None = None


@cache
def _shape(model: type[BaseModel], name: str) -> _Shape:
    annotation = model.model_fields[name].annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
        origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return _Shape("items", model=inner)
        return _Shape("list", convert=_SCALARS.get(inner, normalise.text))
    if origin is dict:
        return _Shape("dict", convert=normalise.text)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Shape("item", model=annotation)
    return _Shape("scalar", convert=_SCALARS.get(annotation, lambda v: v))


def _scalar(value: Any, decl: From, convert: Callable[[Any], Any]) -> Any:
    if isinstance(value, Unknown):
        raise _UnknownInside(value.reason)
    if isinstance(value, Reference):
        if decl.ref and value.targets:
            return value.targets[0]  # the attribute names the referenced resource, whatever it reads of it
        if not value.known:
            raise _UnknownInside(value.describe())
        value = value.value
    return convert(value)


def convert(model: type[BaseModel], name: str, decl: From, raw: Any, adapter: Adapter) -> Any:
    """``raw`` as attribute ``name`` of ``model``; raises ``_UnknownInside`` or ``ValueError``."""
    shape = _shape(model, name)
    raw = adapter.node(raw)
    if getattr(decl.conv, "presence", False):
        # a converter that asks only whether a setting is there: references and unknown parts inside are
        # there; only an unknown value as a whole is unknown
        if isinstance(raw, Unknown):
            raise _UnknownInside(raw.reason)
        return decl.conv(True if isinstance(raw, Reference) else raw)
    if decl.conv is not None and shape.kind in ("scalar", "list", "dict"):
        if isinstance(raw, list | tuple) and shape.kind == "list":
            return [_scalar(adapter.node(v), decl, decl.conv) for v in raw]
        if isinstance(raw, Mapping | list) and shape.kind != "list":
            _raise_unknown_leaves(raw, adapter)
            return decl.conv(_plain(raw, adapter))
        return _scalar(raw, decl, decl.conv)
    if shape.kind == "scalar":
        assert shape.convert is not None
        return _scalar(raw, decl, shape.convert)
    if shape.kind == "list":
        assert shape.convert is not None
        if isinstance(raw, Reference) and decl.ref and raw.targets:
            return list(raw.targets)  # one expression naming several resources (a list of references)
        if isinstance(raw, Unknown | Reference):
            raw = _scalar(raw, decl, lambda v: v)
        if isinstance(raw, str):
            return normalise.texts(raw)
        if not isinstance(raw, list | tuple):
            raise ValueError(f"expected a list, got {type(raw).__name__}")
        return [_scalar(adapter.node(v), decl, shape.convert) for v in raw]
    if shape.kind == "dict":
        if isinstance(raw, Unknown):
            raise _UnknownInside(raw.reason)
        if not isinstance(raw, Mapping):
            raise ValueError(f"expected a mapping, got {type(raw).__name__}")
        return {str(k): _scalar(adapter.node(v), decl, normalise.text) for k, v in raw.items()}
    assert shape.model is not None
    if decl.conv is not None:
        # the converter reshapes the value (Terraform's JSON document -> items); unknown leaves stay for
        # the item fields that read them
        if isinstance(raw, Unknown):
            raise _UnknownInside(raw.reason)
        if isinstance(raw, Reference):
            raw = _scalar(raw, From(), lambda v: v)
        raw = decl.conv(raw)
    if shape.kind == "item":
        return map_item(shape.model, raw, adapter)
    if isinstance(raw, Unknown):
        raise _UnknownInside(raw.reason)
    if isinstance(raw, Mapping) and adapter.unwrap_blocks:
        raw = [raw]
    if not isinstance(raw, list):
        raise ValueError(f"expected a list, got {type(raw).__name__}")
    return [map_item(shape.model, element, adapter) for element in raw]


def _raise_unknown_leaves(value: Any, adapter: Adapter) -> None:
    value = adapter.node(value)
    if isinstance(value, Unknown):
        raise _UnknownInside(value.reason)
    if isinstance(value, Reference) and not value.known:
        raise _UnknownInside(value.describe())
    if isinstance(value, Mapping):
        for item in value.values():
            _raise_unknown_leaves(item, adapter)
    elif isinstance(value, list):
        for item in value:
            _raise_unknown_leaves(item, adapter)


def _plain(value: Any, adapter: Adapter) -> Any:
    value = adapter.node(value)
    if isinstance(value, Reference):
        return value.value
    if isinstance(value, Mapping):
        return {k: _plain(v, adapter) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, adapter) for v in value]
    return value


def map_item(model: type[BaseModel], element: Any, adapter: Adapter) -> dict[str, Any]:
    """One nested item (a rule, a transition...) from its element of the source's list."""
    element = adapter.node(element)
    if isinstance(element, Unknown):
        raise _UnknownInside(element.reason)
    if not isinstance(element, Mapping):
        raise ValueError(f"expected a mapping, got {type(element).__name__}")
    result: dict[str, Any] = {}
    for name, decl in declarations(model).items():
        path = decl.path(adapter.source, adapter.source_type)
        if not isinstance(path, str):
            continue
        raw = walk(element, path, adapter)
        if raw is MISSING:
            continue
        if isinstance(raw, Unknown):
            raise _UnknownInside(raw.reason)
        value = convert(model, name, decl, raw, adapter)
        if value is not None:
            result[name] = value
    missing = [n for n, info in model.model_fields.items() if info.is_required() and n not in result]
    if missing:
        raise ValueError(f"{', '.join(missing)} not set")
    return result


def item_or_unknown(model: type[BaseModel], element: Any, adapter: Adapter) -> dict[str, Any] | Unknown:
    """``map_item``, with an unknown or ill-typed part making the whole item ``Unknown``."""
    try:
        return map_item(model, element, adapter)
    except _UnknownInside as exc:
        return Unknown(exc.reason)
    except (ValueError, TypeError) as exc:
        return Unknown(adapter.bad_value(model.__name__, "", str(exc)))


# -- resources ---------------------------------------------------------------------------------

def map_declared(model: type[BaseModel], tree: Any, adapter: Adapter, *, operation: str = "",
                 out: Mapped | None = None) -> Mapped:
    """Every declared attribute and relation of ``model`` that ``adapter``'s source gives."""
    out = out if out is not None else Mapped()
    for name, decl in declarations(model).items():
        path = decl.path(adapter.source, adapter.source_type)
        if not isinstance(path, str):
            continue
        raw = walk(tree, path, adapter)
        if raw is MISSING:
            default = decl.default_for(adapter.source)
            if default is not MISSING:
                out.attributes[name] = default
            elif decl.chosen_by_aws and adapter.source != "live":
                out.unknown[name] = decl.chosen_by_aws
            elif decl.required and adapter.source == "live":
                out.unknown[name] = f"{path} not returned by {operation or 'the API'}"
            continue
        if isinstance(raw, Unknown):
            out.unknown[name] = raw.reason
            continue
        if _shape(model, name).kind == "dict" and decl.conv is None:
            _map_dict(name, raw, adapter, out)
            continue
        try:
            value = convert(model, name, decl, raw, adapter)
        except _UnknownInside as exc:
            out.unknown[name] = exc.reason
            continue
        except (ValueError, TypeError) as exc:
            out.unknown[name] = adapter.bad_value(name, path, str(exc))
            continue
        if value is not None:
            out.attributes[name] = sorted(dict.fromkeys(value)) if decl.as_set and isinstance(value, list) else value
    for relation in getattr(model, "relations", ()):
        map_relation(relation, tree, adapter, out)
    return out


def _map_dict(name: str, raw: Any, adapter: Adapter, out: Mapped) -> None:
    """A ``dict[str, str]`` (tags): a mapping or ``[{Key, Value}]``; an unknown value makes only its key
    unknown (``tags.Owner``)."""
    raw = adapter.node(raw)
    if isinstance(raw, list):
        pairs = []
        for entry in map(adapter.node, raw):
            if isinstance(entry, Unknown):
                out.unknown[name] = entry.reason
                return
            if not isinstance(entry, Mapping):
                out.unknown[name] = adapter.bad_value(name, name, f"expected a Key/Value mapping, got {entry!r}")
                return
            key = adapter.node(entry.get("Key", entry.get("key")))
            if isinstance(key, Unknown | Reference) or key is MISSING or key is None:
                out.unknown[name] = getattr(key, "reason", f"a key of {name} is not known")
                return
            pairs.append((str(key), entry.get("Value", entry.get("value", ""))))
    elif isinstance(raw, Mapping):
        pairs = [(str(k), v) for k, v in raw.items()]
    else:
        out.unknown[name] = adapter.bad_value(name, name, f"expected a mapping, got {type(raw).__name__}")
        return
    result: dict[str, str] = {}
    for key, value in pairs:
        value = adapter.node(value)
        if value is MISSING or value is None:
            result[key] = ""
            continue
        try:
            result[key] = _scalar(value, From(), normalise.text)
        except _UnknownInside as exc:
            out.unknown[f"{name}.{key}"] = exc.reason
        except ValueError as exc:
            out.unknown[f"{name}.{key}"] = adapter.bad_value(f"{name}.{key}", name, str(exc))
    out.attributes[name] = result


def map_relation(relation: Rel, tree: Any, adapter: Adapter, out: Mapped) -> list[str]:
    """The relation's targets at its path for ``adapter``'s source; returns their uids."""
    path = relation.path(adapter.source, adapter.source_type)
    if not isinstance(path, str):
        return []
    raw = walk(tree, path, adapter)
    if raw is MISSING:
        return []
    uids, reason = targets(raw, relation, adapter)
    for uid in uids:
        out.relate(relation.kind, uid, relation.reverse)
    if reason and not relation.reverse:
        out.unknown_relations.setdefault(relation.kind, reason)
    return uids


def targets(value: Any, relation: Rel, adapter: Adapter) -> tuple[list[str], str | None]:
    """The uids a reference value names, and the reason when some cannot be known."""
    value = adapter.node(value)
    if value is MISSING or value is None or value == "":
        return [], None
    if isinstance(value, Unknown):
        return [], value.reason
    if isinstance(value, Reference):
        return list(value.targets), None
    if isinstance(value, str):
        return [adapter.literal_target(part.strip(), relation) for part in value.split(",") if part.strip()], None
    if isinstance(value, int) and not isinstance(value, bool):
        return [adapter.literal_target(str(value), relation)], None
    if isinstance(value, list | tuple):
        found: list[str] = []
        reason = None
        for item in value:
            more, why = targets(item, relation, adapter)
            found.extend(uid for uid in more if uid not in found)
            reason = reason or why
        return found, reason
    return [], f"a {type(value).__name__} value is not a reference"


__all__ = ["Adapter", "Mapped", "convert", "item_or_unknown", "map_declared", "map_item", "map_relation", "parse_path",
           "targets", "walk"]
