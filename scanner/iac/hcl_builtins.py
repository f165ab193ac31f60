"""The registry of Terraform's built-in functions and what their implementations share.

Each function is registered with how it treats unknown arguments: ``deep`` (any unknown part makes
the result unknown), ``shallow`` (only an unknown argument itself: ``concat`` or ``element`` keep
the references inside their lists) or ``none`` (the function decides). Misuse Terraform rejects
raises ``EvalError``; results beyond the evaluation limits raise ``LimitError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..model.values import Reference, Unknown
from .hcl_values import (
    Env,
    EvalError,
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
