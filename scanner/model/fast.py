"""Resources and relations built from parsed snapshot JSON without a pydantic round trip per item.

A snapshot holds hundreds of thousands of items; validating each through pydantic costs seconds and
gives every instance its own ``__pydantic_fields_set__``. ``fast_resource`` and ``fast_relation`` check
the same types pydantic would (exact JSON types only) and build the instance directly, reusing the
parsed dictionaries (no copies) and one shared fields set. Anything unusual returns ``None``, so the
caller leaves the item to pydantic, which reports the error with its JSON path.
"""

from __future__ import annotations

from typing import Any, get_args

from .resource import Location, Relation, Resource
from .vocabulary import RelationKind

_RESOURCE_FIELDS = tuple(Resource.model_fields)
_RESOURCE_KEYS = frozenset(_RESOURCE_FIELDS)
_RESOURCE_FIELDS_SET = set(_RESOURCE_FIELDS)
_RELATION_FIELDS = tuple(Relation.model_fields)
_RELATION_KEYS = frozenset(_RELATION_FIELDS)
_RELATION_FIELDS_SET = set(_RELATION_FIELDS)
_OPTIONAL_TEXT = ("name", "account", "region", "presumed")
_ABSENT = object()
_new_relation = Relation.__new__
_REASONS = ("unknown", "unknown_relations", "partial", "suppressions")
_RELATION_KINDS = frozenset(get_args(RelationKind))


def _text_map(value: Any) -> bool:
    return type(value) is dict and all(type(v) is str for v in value.values())


_set = object.__setattr__


def _build(cls: type[Any], fields: dict[str, Any], fields_set: set[str]) -> Any:
    instance = cls.__new__(cls)
    _set(instance, "__dict__", fields)
    _set(instance, "__pydantic_fields_set__", fields_set)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def fast_resource(raw: Any, strings: dict[str, str]) -> Resource | None:
    """A ``Resource`` equal to ``Resource.model_validate(raw)``, or ``None`` when ``raw`` needs pydantic.

    ``strings`` de-duplicates the short values every resource repeats (type, account, Region).
    """
    if type(raw) is not dict or not raw.keys() <= _RESOURCE_KEYS:
        return None
    uid, type_name = raw.get("uid"), raw.get("type")
    if type(uid) is not str or type(type_name) is not str:
        return None
    fields: dict[str, Any] = {"uid": uid, "type": strings.setdefault(type_name, type_name)}
    for name in _OPTIONAL_TEXT:
        value = raw.get(name)
        if value is not None:
            if type(value) is not str:
                return None
            if name in ("account", "region"):
                value = strings.setdefault(value, value)
        fields[name] = value
    location = raw.get("location")
    if location is not None:
        if type(location) is not dict or type(location.get("file")) is not str:
            return None
        line = location.get("line")
        if not location.keys() <= {"file", "line"} or (line is not None and type(line) is not int):
            return None
        location = Location(file=location["file"], line=line)
    fields["location"] = location
    attributes = raw.get("attributes")
    if attributes is None and "attributes" not in raw:
        attributes = {}
    if type(attributes) is not dict:
        return None
    fields["attributes"] = attributes
    for name in _REASONS:
        value = raw.get(name)
        if value is None and name not in raw:
            value = {}
        if not _text_map(value):
            return None
        fields[name] = value
    return _build(Resource, fields, _RESOURCE_FIELDS_SET)


def fast_relation(raw: Any, strings: dict[str, str]) -> Relation | None:
    """A ``Relation`` equal to ``Relation.model_validate(raw)``, or ``None`` when ``raw`` needs pydantic."""
    if type(raw) is not dict or not raw.keys() <= _RELATION_KEYS:
        return None
    src, kind, dst = raw.get("src"), raw.get("kind"), raw.get("dst")
    attributes = raw.get("attributes", _ABSENT)
    if attributes is _ABSENT:
        attributes = {}
    if type(src) is not str or type(kind) is not str or kind not in _RELATION_KINDS or type(dst) is not str \
            or type(attributes) is not dict:
        return None
    instance = _new_relation(Relation)
    _set(instance, "__dict__", {"src": src, "kind": strings.setdefault(kind, kind), "dst": dst,
                                "attributes": attributes})
    _set(instance, "__pydantic_fields_set__", _RELATION_FIELDS_SET)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance
