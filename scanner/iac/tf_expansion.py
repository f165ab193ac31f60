"""``count`` and ``for_each`` as Terraform reads them: the instances an evaluated value gives a block.

Known values expand with instance keys (``x[0]``, ``x["a"]``); unknown ones give one representative
instance at the address without a key, with ``count.index``/``each`` unknown. Values Terraform
rejects (negative or fractional counts, ``for_each`` over a list or null) are ``InputError``;
more instances than ``--max-instances`` is a ``LimitError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..model.values import Unknown
from .hcl_values import EvalError, Lazy, LimitError, Many, TfSet, first_unknown, to_number, type_name

Where = tuple[str, int | None]


@dataclass
class Expansion:
    """The instances of a resource, data source or module call: (address, names bound in it)."""

    mode: str  # single, count, each, unknown
    instances: list[tuple[str, dict[str, Any]]]
    reason: str | None = None
    meta: str | None = None
    keys: list[Any] = field(default_factory=list)


def count_expansion(value: Any, base: str, where: Where, limit: int) -> Expansion:
    """The instances of ``count = value``."""
    if isinstance(value, Unknown | Lazy):
        return unknown_expansion(base, "count", value.reason if isinstance(value, Unknown) else value.describe())
    if value is None:
        raise InputError(f"count of {base} is null (Terraform rejects it)", *where)
    try:
        number = to_number(value)
    except EvalError as exc:
        raise InputError(f"count of {base}: {exc} (Terraform rejects it)", *where) from None
    if isinstance(number, float) and not number.is_integer():
        raise InputError(f"count of {base} is {number}, not a whole number (Terraform rejects it)", *where)
    number = int(number)
    if number < 0:
        raise InputError(f"count of {base} is {number}; Terraform rejects a negative count", *where)
    if number > limit:
        raise LimitError(f"count = {number} for {base} exceeds haguard's limit of {limit} instances "
                         "(raise it with --max-instances N)", *where)
    return Expansion("count", [(f"{base}[{i}]", {"count": {"index": i}}) for i in range(number)],
                     keys=list(range(number)))


def for_each_expansion(value: Any, base: str, where: Where, limit: int) -> Expansion:
    """The instances of ``for_each = value``: a map, or a set of strings."""
    if isinstance(value, Unknown | Many):
        return unknown_expansion(base, "for_each", value.reason)
    if value is None:
        raise InputError(f"for_each of {base} is null (Terraform rejects it)", *where)
    if isinstance(value, TfSet):
        unknown = first_unknown(value)
        if unknown is not None:
            return unknown_expansion(base, "for_each", unknown.reason)
        if any(isinstance(v, Lazy) for v in value):
            return unknown_expansion(base, "for_each", "a set of objects")
        if not all(isinstance(v, str) for v in value):
            kinds = " and ".join(sorted({f"{type_name(v)}s" for v in value}))
            raise InputError(f"for_each of {base} is a set of {kinds}; Terraform accepts a map or a set of strings",
                             *where)
        pairs: list[tuple[Any, Any]] = [(k, k) for k in value]
    elif isinstance(value, dict):
        pairs = sorted(value.items())
    elif isinstance(value, list):
        raise InputError(f"for_each of {base} is a list; Terraform accepts a map or a set of strings "
                         "(wrap it in toset())", *where)
    elif isinstance(value, Lazy):
        return unknown_expansion(base, "for_each", f"{value.describe()} is not a map")
    else:
        raise InputError(f"for_each of {base} is a {type_name(value)}; Terraform accepts a map or a set of strings",
                         *where)
    if len(pairs) > limit:
        raise LimitError(f"for_each over {len(pairs)} elements for {base} exceeds haguard's limit of {limit} "
                         "instances (raise it with --max-instances N)", *where)
    return Expansion("each", [(key_address(base, k), {"each": {"key": k, "value": v}}) for k, v in pairs],
                     keys=[k for k, _ in pairs])


def unknown_expansion(base: str, meta: str, reason: str) -> Expansion:
    """One representative instance, ``count.index``/``each`` unknown with the reason."""
    why = f"{meta} of {base} is unknown: {reason}"
    unknown = Unknown(why)
    bindings = {"count": {"index": unknown}} if meta == "count" else {"each": {"key": unknown, "value": unknown}}
    return Expansion("unknown", [(base, bindings)], why, meta)


def value_of(expansion: Expansion, make: Callable[[str, dict[str, Any]], Any]) -> Any:
    """What the block's name evaluates to: one object, a list (count), a map (for_each) or ``Many``."""
    objects = [make(address, bindings) for address, bindings in expansion.instances]
    if expansion.mode == "single":
        return objects[0]
    if expansion.mode == "count":
        return objects
    if expansion.mode == "each":
        return dict(zip(expansion.keys, objects, strict=True))
    return Many(objects[0], expansion.reason or "unknown")


def key_address(base: str, key: Any) -> str:
    """``base[0]`` or ``base["key"]``, as Terraform writes instance addresses."""
    return f"{base}[{key}]" if isinstance(key, int) else f"{base}[{json.dumps(key, ensure_ascii=False)}]"
