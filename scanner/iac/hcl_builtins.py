"""The registry of Terraform's built-in functions and what their implementations share.

Each function is registered with how it treats unknown arguments: ``deep`` (any unknown part makes
the result unknown), ``shallow`` (only an unknown argument itself: ``concat`` or ``element`` keep
the references inside their lists), ``text`` (a function building a string: the references among its
arguments are kept as a reference, like an interpolated string) or ``none`` (the function decides).
Misuse Terraform rejects raises ``EvalError``; results beyond the evaluation limits raise ``LimitError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..model.values import Reference, Unknown
from .hcl_syntax import MAX_DEPTH
from .hcl_values import (
    Env,
    EvalError,
    Lazy,
    Many,
    finalise,
    first_unknown,
    plain,
    to_number,
    type_name,
)

Function = Callable[..., Any]
FUNCTIONS: dict[str, Function] = {}


def register(name: str, unknowns: str = "deep") -> Callable[[Function], Function]:
    def wrap(function: Function) -> Function:
        def call(env: Env, *args: Any) -> Any:
            if unknowns == "none":
                return function(env, *args)
            if unknowns == "text":
                return _text_call(name, function, env, args)
            values = [plain(a) for a in args]
            for value in values:
                found = first_unknown(value) if unknowns == "deep" else (
                    value if isinstance(value, Unknown) else None)
                if found is not None:
                    return Unknown(f"{name}() of an unknown value: {found.reason}")
                if isinstance(value, Many):
                    return Unknown(f"{name}() of {value.describe()}")
            return function(env, *values)

        FUNCTIONS[name] = call
        return function

    return wrap


def _text_call(name: str, function: Function, env: Env, args: tuple[Any, ...]) -> Any:
    """A function building text from its arguments (``format``, ``join``...): the references among them are
    kept as a reference to what the text names, whose value is the text when every reference's is known."""
    targets: list[str] = []
    pending: Reference | None = None
    values = []
    for arg in args:
        unknown, value = _unwrap(arg, targets)
        pending = pending or unknown
        if isinstance(value, Unknown):
            return Unknown(f"{name}() of an unknown value: {value.reason}")
        if isinstance(value, Many):
            return Unknown(f"{name}() of {value.describe()}")
        values.append(value)
    if pending is not None:
        return Reference(tuple(targets), identity=False,
                         note=f"{name}() of a value not known before apply ({pending.describe()})")
    result = function(env, *values)
    if targets and isinstance(result, str):
        return Reference(tuple(targets), result, True, identity=False)
    return result


def _unwrap(value: Any, targets: list[str], depth: int = 0) -> tuple[Reference | None, Any]:
    """(the first unknown reference inside ``value``, ``value`` with known references replaced by their values);
    the references' targets go to ``targets``. A plain unknown part makes the whole value that ``Unknown``."""
    if isinstance(value, Lazy) and not isinstance(value, Many):
        value = value.final()  # a whole resource is a reference to it; a namespace is not a value
    if isinstance(value, Reference):
        targets.extend(t for t in value.targets if t not in targets)
        return (None, value.value) if value.known else (value, None)
    if depth > MAX_DEPTH * 2:
        return None, Unknown("a value nested too deeply")
    if not isinstance(value, dict | list):
        return None, value
    pending: Reference | None = None
    out: dict[Any, Any] = {}
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        unknown, inner = _unwrap(item, targets, depth + 1)
        if isinstance(inner, Unknown | Many):
            return unknown, inner
        pending = pending or unknown
        out[key] = inner
    return pending, out if isinstance(value, dict) else type(value)(out.values())


def arity(name: str, args: tuple[Any, ...], low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        raise EvalError(f"{name}() takes {low}{'' if high == low else f' to {high}'} arguments, got {len(args)}")


def as_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise EvalError(f"{name}() needs a list, not {type_name(value)}")


def as_map(value: Any, name: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise EvalError(f"{name}() needs a map, not {type_name(value)}")


def as_int(value: Any, name: str) -> int:
    result = to_number(value)
    if isinstance(result, float):
        if not result.is_integer():
            raise EvalError(f"{name}() needs a whole number, not {result}")
        result = int(result)
    return result


def canonical(value: Any) -> str:
    """A canonical text of a value, for sets and ``distinct``."""
    value = finalise(value)
    if isinstance(value, Reference):
        return "ref:" + ",".join(value.targets) + ":" + repr(value.value)
    if isinstance(value, str):
        return "s:" + value
    try:
        return "j:" + json.dumps(value, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return "r:" + repr(value)


def unique(values: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(canonical(value), value)
    return list(seen.values())


def sized(env: Env, values: list[Any], name: str) -> list[Any]:
    env.limits.collection(len(values), f"the result of {name}()")
    return values
