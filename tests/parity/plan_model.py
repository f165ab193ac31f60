"""A small model of a Terraform plan of new resources, rendered as ``terraform show -json`` (format 1.2).

Each planned resource instance gives its configured arguments: literals, ``Ref`` (a reference to another
resource's attribute; known at plan time only when that attribute is configured), ``Expr`` (an
argument whose expression Terraform evaluates at plan time: the configuration records the
expression's references once per block, the instance its own value) and nested blocks (lists of
mappings). Like a real plan, a value that references a computed attribute is absent from ``after`` and
``true`` in ``after_unknown``; the ``configuration`` section records each expression's ``references``
(``aws_vpc.main.id``, ``aws_vpc.main``) or its constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROVIDER = "registry.terraform.io/hashicorp/aws"


@dataclass(frozen=True)
class Ref:
    """``<address>[key].<attribute>``; ``value`` when Terraform knows it at plan time."""

    address: str
    attribute: str = "id"
    value: Any = None
    key: str | int | None = None

    @property
    def instance(self) -> str:
        if self.key is None:
            return self.address
        return f'{self.address}["{self.key}"]' if isinstance(self.key, str) else f"{self.address}[{self.key}]"

    @property
    def references(self) -> list[str]:
        found = [f"{self.instance}.{self.attribute}", self.instance]
        return [*found, self.address] if self.key is not None else found


@dataclass(frozen=True)
class Expr:
    """An argument whose expression has references Terraform resolves at plan time (variables, locals,
    ``count.index``/``each``, configured attributes of other blocks): the block's expression references
    and this instance's value (a literal, or a ``Ref`` for a value known only after apply)."""

    references: tuple[str, ...]
    value: Any


@dataclass
class Planned:
    """One resource instance to create."""

    type: str
    name: str
    args: dict[str, Any]
    key: str | int | None = None
    extra_unknown: tuple[str, ...] = field(default_factory=tuple)

    @property
    def address(self) -> str:
        return Ref(f"{self.type}.{self.name}", key=self.key).instance


def _value(value: Any) -> Any:
    return value.value if isinstance(value, Expr) else value


def _is_unknown(value: Any) -> bool:
    value = _value(value)
    if isinstance(value, Ref):
        return value.value is None
    return isinstance(value, list) and any(_is_unknown(v) for v in value)


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def after(args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(after, after_unknown) of configured arguments: unknown references are left out of ``after``."""
    known: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for key, raw in args.items():
        value = _value(raw)
        if _is_unknown(value):
            unknown[key] = True
        elif isinstance(value, Ref):
            known[key] = value.value
        elif _is_blocks(value):
            pairs = [after(v) for v in value]
            known[key] = [p[0] for p in pairs]
            if any(p[1] for p in pairs):
                unknown[key] = [p[1] for p in pairs]
        elif isinstance(value, list):
            known[key] = [v.value if isinstance(v, Ref) else v for v in map(_value, value)]
        elif isinstance(value, dict):  # a map argument: an unknown element is left out and marked
            entries = {k: _value(v) for k, v in value.items()}
            known[key] = {k: v.value if isinstance(v, Ref) else v for k, v in entries.items() if not _is_unknown(v)}
            if any(_is_unknown(v) for v in entries.values()):
                unknown[key] = {k: True for k, v in entries.items() if _is_unknown(v)}
        else:
            known[key] = value
    return known, unknown


def _references(value: Any) -> list[str]:
    if isinstance(value, Expr):
        return list(value.references)
    if isinstance(value, Ref):
        return value.references
    if isinstance(value, list | tuple):
        return [r for v in value for r in _references(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _references(v)]
    return []


def expressions(args: dict[str, Any]) -> dict[str, Any]:
    """The configuration's expressions for a block's arguments."""
    found: dict[str, Any] = {}
    for key, value in args.items():
        if _is_blocks(value):
            found[key] = [expressions(v) for v in value]
            continue
        references = _references(value)
        if references:
            found[key] = {"references": list(dict.fromkeys(references))}
        else:
            found[key] = {"constant_value": value}
    return found


def render_plan(items: list[Planned], computed: dict[str, tuple[str, ...]], region: str,
                meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The plan JSON document. ``computed``: attributes a type computes; ``meta``: count/for_each expressions."""
    planned, changes, configured = [], [], {}
    for item in items:
        known, unknown = after(item.args)
        if "tags" in known:
            known["tags_all"] = dict(known["tags"])
        attributes = ("id", *computed.get(item.type, ()), *item.extra_unknown)
        unknown.update({key: True for key in attributes if key not in known})
        common: dict[str, Any] = {"address": item.address, "mode": "managed", "type": item.type, "name": item.name}
        if item.key is not None:
            common["index"] = item.key
        common["provider_name"] = PROVIDER
        planned.append({**common, "schema_version": 0, "values": known, "sensitive_values": {}})
        changes.append({**common, "change": {"actions": ["create"], "before": None, "after": known,
                                             "after_unknown": dict(sorted(unknown.items())),
                                             "before_sensitive": False, "after_sensitive": {}}})
        block = f"{item.type}.{item.name}"
        if block not in configured:
            configured[block] = {"address": block, "mode": "managed", "type": item.type, "name": item.name,
                                 "provider_config_key": "aws", "expressions": expressions(item.args),
                                 "schema_version": 0, **meta.get(block, {})}
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": {"region": {"value": region}},
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER,
                                        "expressions": {"region": {"references": ["var.region"]}}}},
            "root_module": {"resources": list(configured.values())},
        },
    }
