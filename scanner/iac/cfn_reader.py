"""Typed access to resolved CloudFormation properties, and the state shared while mapping a template.

``Reader`` converts property values to the vocabulary's types (CloudFormation accepts ``"true"`` and
``"5"`` where a boolean or number is meant), records unknown values in ``Resource.unknown`` and turns
references into relations. A value of the wrong type is an ``InputError`` at the property's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .cfn_intrinsics import ResourceRef, Unknown
from .cfn_values import RefText

MISSING: Any = object()
IDENTITY_ATTRIBUTE = re.compile(r"(Arn|Id|Name|GroupId|FullName|AllocationId)$")


class UnknownValue(Exception):
    """Raised while building an attribute when part of its value is unknown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadValue(Exception):
    """Raised by a converter for a value of the wrong type; ``path`` names the property."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def need(value: Any) -> Any:
    """``value`` unless it is ``Unknown`` (raise ``UnknownValue``) or missing (raise ``BadValue``)."""
    if value is MISSING:
        raise BadValue("a required property is missing")
    if isinstance(value, Unknown):
        raise UnknownValue(value.reason)
    return value


@dataclass
class Mapped:
    """What the loader emits for one vocabulary resource."""

    uid: str
    type: str
    logical_id: str
    line: int | None
    attributes: dict[str, Any] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    unknown_relations: dict[str, str] = field(default_factory=dict)
    partial: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    """Per-template state: uids, CloudFormation types, mapped resources and relations."""

    file: str
    cfn_types: dict[str, str]
    mapped: dict[str, Mapped] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], None] = field(default_factory=dict)

    def uid(self, logical_id: str) -> str:
        return f"{self.file}#{logical_id}"

    def relate(self, src: str, kind: str, dst: str) -> None:
        self.relations[(src, kind, dst)] = None

    def unknown_relation(self, uid: str, kind: str, reason: str) -> None:
        target = self.mapped.get(uid)
        if target is not None:
            target.unknown_relations.setdefault(kind, reason)

    def ref_type(self, value: Any) -> str | None:
        """The CloudFormation type a ``ResourceRef`` points at."""
        return self.cfn_types.get(value.logical_id) if isinstance(value, ResourceRef) else None


class Reader:
    """One resource's resolved ``Properties`` with typed getters bound to its ``Mapped`` record."""

    def __init__(self, ctx: Context, out: Mapped, props: dict[str, Any], raw: Any, cfn_type: str) -> None:
        self.ctx = ctx
        self.out = out
        self.props = props
        self.raw = raw
        self.cfn_type = cfn_type

    # -- access ------------------------------------------------------------------------------

    def get(self, path: str, base: Any = MISSING) -> Any:
        """The value at a dotted ``path`` (``MISSING`` when absent, ``Unknown`` when a parent is)."""
        current = self.props if base is MISSING else base
        for part in path.split("."):
            if isinstance(current, Unknown):
                return current
            if not isinstance(current, dict) or part not in current:
                return MISSING
            current = current[part]
        return current

    def line(self, path: str) -> int | None:
        """The line of the deepest part of ``path`` found in the raw template, else the resource's."""
        current, line = self.raw, self.out.line
        for part in path.split(".") if path else []:
            if not isinstance(current, dict) or part not in current:
                break
            line = getattr(current, "key_lines", {}).get(part, line)
            current = current[part]
        return line

    def fail(self, path: str, message: str) -> InputError:
        where = f"{self.cfn_type} {self.out.logical_id}: " + (f"{path}: " if path else "")
        return InputError(where + message, self.ctx.file, self.line(path))

    # -- attributes ------------------------------------------------------------------------

    def build(self, attr: str, path: str, make: Callable[[], Any]) -> None:
        """Set ``attr`` to ``make()``; unknown parts make it unknown, bad types an ``InputError``."""
        try:
            value = make()
        except UnknownValue as exc:
            self.out.attributes.pop(attr, None)
            self.out.unknown.setdefault(attr, exc.reason)
            return
        except BadValue as exc:
            raise self.fail(".".join(p for p in (path, exc.path) if p), exc.message) from None
        if value is not MISSING:
            self.out.attributes[attr] = value

    def set(self, attr: str, path: str, convert: Callable[[Any], Any]) -> None:
        """Set ``attr`` from the property at ``path`` through ``convert`` when the property is present."""
        value = self.get(path)
        if value is not MISSING:
            self.build(attr, path, lambda: convert(value))

    def unknown(self, attr: str, reason: str) -> None:
        self.out.attributes.pop(attr, None)
        self.out.unknown[attr] = reason

    # -- converters ------------------------------------------------------------------------

    def boolean(self, value: Any) -> bool:
        value = need(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise BadValue(f"expected a boolean, got {_show(value)}")

    def integer(self, value: Any) -> int:
        value = need(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            return int(value)
        raise BadValue(f"expected an integer, got {_show(value)}")

    def number(self, value: Any) -> float:
        value = need(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise BadValue(f"expected a number, got {_show(value)}")

    def text(self, value: Any) -> str:
        value = need(value)
        if isinstance(value, ResourceRef):
            return self.ref_uid(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        raise BadValue(f"expected a string, got {_show(value)}")

    def texts(self, value: Any) -> list[str]:
        value = need(value)
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            raise BadValue(f"expected a list, got {_show(value)}")
        return [self.text(item) for item in value]

    def items(self, value: Any) -> list[Any]:
        value = need(value)
        if not isinstance(value, list):
            raise BadValue(f"expected a list, got {_show(value)}")
        return [need(item) for item in value]

    def mapping(self, value: Any) -> dict[str, Any]:
        value = need(value)
        if not isinstance(value, dict):
            raise BadValue(f"expected a mapping, got {_show(value)}")
        return value

    def tags(self, value: Any) -> dict[str, str]:
        """``[{Key, Value}]`` (or a plain mapping) as a dict; unknown values go to ``tags.<key>``."""
        pairs = [(k, v) for k, v in self.mapping(value).items()] if isinstance(value, dict) else [
            (self.text(tag.get("Key")), tag.get("Value", "")) for tag in map(self.mapping, self.items(value))
        ]
        result: dict[str, str] = {}
        for key, tag_value in pairs:
            try:
                result[key] = self.text(tag_value)
            except UnknownValue as exc:
                self.out.unknown[f"tags.{key}"] = exc.reason
        return result

    def ref_uid(self, ref: ResourceRef) -> str:
        """The uid a resource reference stands for (its id, ARN or name), else unknown."""
        if ref.attribute is None or IDENTITY_ATTRIBUTE.search(ref.attribute):
            return self.ctx.uid(ref.logical_id)
        raise UnknownValue(f"!GetAtt {ref.logical_id}.{ref.attribute} is known only after deployment")

    # -- relations -------------------------------------------------------------------------

    def targets(self, value: Any) -> tuple[list[str], str | None]:
        """The uids a reference value names, and the reason when some are unknown."""
        if isinstance(value, Unknown):
            return [], value.reason
        if isinstance(value, ResourceRef):
            return [self.ctx.uid(value.logical_id)], None
        if isinstance(value, RefText):
            return [self.ctx.uid(i) for i in value.logical_ids], None
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()], None
        if isinstance(value, list):
            uids: list[str] = []
            reason = None
            for item in value:
                found, why = self.targets(item)
                uids += found
                reason = reason or why
            return uids, reason
        raise BadValue(f"expected a resource reference, got {_show(value)}")

    def relate(self, kind: str, path: str, *, value: Any = MISSING, reverse: bool = False,
               src: str | None = None) -> list[str]:
        """Relations ``src -kind-> each referenced uid`` (``reverse``: uid -> src); returns the uids.

        ``src`` defaults to this resource; an unknown reference marks ``kind`` unknown on ``src``.
        """
        if value is MISSING:
            value = self.get(path)
            if value is MISSING:
                return []
        try:
            uids, reason = self.targets(value)
        except BadValue as exc:
            raise self.fail(path, exc.message) from None
        me = src or self.out.uid
        for uid in uids:
            self.ctx.relate(*((uid, kind, me) if reverse else (me, kind, uid)))
        if reason:
            self.ctx.unknown_relation(me, kind, reason)
        return uids


    def relate_each(self, kind: str, path: str, key: str, src: str | None = None) -> None:
        """Relations from ``key`` of each mapping in the list at ``path`` (e.g. ``SubnetMappings``)."""
        entries = self.get(path)
        if entries is MISSING:
            return
        if isinstance(entries, Unknown):
            self.ctx.unknown_relation(src or self.out.uid, kind, entries.reason)
            return
        if not isinstance(entries, list):
            raise self.fail(path, f"expected a list, got {_show(entries)}")
        for index, entry in enumerate(entries):
            if isinstance(entry, Unknown):
                self.ctx.unknown_relation(src or self.out.uid, kind, entry.reason)
            elif not isinstance(entry, dict):
                raise self.fail(f"{path}.{index}", f"expected a mapping, got {_show(entry)}")
            elif key in entry:
                self.relate(kind, f"{path}.{index}.{key}", value=entry[key], src=src)


def _show(value: Any) -> str:
    if isinstance(value, ResourceRef):
        return f"a reference to {value.logical_id}"
    text = repr(list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value)
    return text if len(text) <= 40 else text[:37] + "..."
