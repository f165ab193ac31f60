"""The values intrinsic functions produce besides plain data, and the conversions between them.

``Unknown(reason)`` is a value the template does not determine; ``ResourceRef`` a ``Ref``/``GetAtt``
to a resource of the template (its value known when the template names the resource, else after
deployment); ``RefText`` a string built from known reference values; ``AzList`` the result of ``Fn::GetAZs``.
``opaque`` is the one rule every function follows: an argument that is one of these (or an unknown
YAML tag) makes the function's result unknown, with the reason, instead of an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .cfn_yaml import UnknownTag
from .zones import ZONE_LETTERS, symbolic_zone


@dataclass(frozen=True)
class Unknown:
    """A value the template does not determine, with the reason."""

    reason: str


@dataclass(frozen=True)
class ResourceRef:
    """``Ref`` (``attribute`` None) or ``GetAtt`` to a resource of the template; ``value`` is what it returns
    when the template sets it (the resource's name, ``cfn_names``), else None (known after deployment)."""

    logical_id: str
    attribute: str | None = None
    value: str | None = None

    def show(self) -> str:
        return f"!GetAtt {self.logical_id}.{self.attribute}" if self.attribute else f"!Ref {self.logical_id}"


class RefText(str):
    """A string built from known reference values (``!Sub service/${Cluster}``): still names the resources."""

    logical_ids: tuple[str, ...]

    def __new__(cls, text: str, logical_ids: tuple[str, ...]) -> RefText:
        made = super().__new__(cls, text)
        made.logical_ids = logical_ids
        return made


def join_texts(pieces: list[str], separator: str = "") -> str:
    """``separator.join(pieces)``, a ``RefText`` naming every piece's resources when some name any."""
    ids: list[str] = []
    for piece in [separator, *pieces]:
        if isinstance(piece, RefText):
            ids.extend(i for i in piece.logical_ids if i not in ids)
    text = str(separator).join(str(p) for p in pieces)
    return RefText(text, tuple(ids)) if ids else text


@dataclass(frozen=True)
class AzList:
    """The result of ``Fn::GetAZs``: ``region`` None means the deploy Region (symbolic zones)."""

    region: str | None

    def zone(self, index: int) -> str:
        if self.region is None:
            return symbolic_zone(index)
        if not 0 <= index < len(ZONE_LETTERS):
            raise IndexError(index)
        return self.region + ZONE_LETTERS[index]


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
AZ_LIST_UNKNOWN = "Fn::GetAZs: the Region's zone list is known only at deploy time"


def tag_unknown(tag: UnknownTag) -> Unknown:
    return Unknown(f"{tag.tag} (line {tag.line}) is not a CloudFormation function: its value is unknown")


def opaque(value: Any, where: str) -> Unknown | None:
    """The ``Unknown`` a function returns when ``value`` (one of its arguments) is not plain data."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, UnknownTag):
        return tag_unknown(value)
    if isinstance(value, ResourceRef):
        return Unknown(f"{where}: {value.show()} is known only after deployment")
    if isinstance(value, AzList):
        return Unknown(f"{where}: {AZ_LIST_UNKNOWN}")
    return None


def scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return scalar_text(value)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def to_text(value: Any, where: str) -> str | Unknown:
    """``value`` as the string a function needs, or ``Unknown`` when it is not known to be one."""
    if isinstance(value, RefText):
        return value
    if isinstance(value, ResourceRef) and value.value is not None:
        return RefText(value.value, (value.logical_id,))
    unknown = opaque(value, where)
    if unknown:
        return unknown
    if isinstance(value, (dict, list)):
        return Unknown(f"{where}: not a string")
    return scalar_text(value)


def first_unknown(value: Any) -> Unknown | None:
    """The first value inside ``value`` that is not plain data, as ``Unknown`` (iteratively)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, ResourceRef):
            return Unknown(f"resource {item.logical_id} is known only after deployment")
        found = opaque(item, "value")
        if found:
            return found
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def has_ref(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, ResourceRef):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


__all__ = ["AZ_LIST_UNKNOWN", "NO_VALUE", "AzList", "RefText", "ResourceRef", "Unknown", "as_int", "comparable",
           "first_unknown", "has_ref", "join_texts", "opaque", "scalar_text", "tag_unknown", "to_text"]
