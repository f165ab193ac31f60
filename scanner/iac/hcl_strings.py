"""Terraform's string, number and encoding functions (``format``, ``join``, ``split``, ``replace``, ``max``,
``jsonencode``, ``yamlencode``...); ``replace`` with a regular expression is not evaluated (a user's pattern is
never run). Functions building text keep the references of their arguments, as interpolated strings do."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from typing import Any

import yaml

from ..model.values import Unknown
from .hcl_builtins import FUNCTIONS, arity, as_int, as_list, register, sized
from .hcl_values import (
    Env,
    EvalError,
    finalise,
    number,
    to_bool,
    to_number,
    to_string,
)


def _string_function(name: str, count: int, function: Callable[..., Any]) -> None:
    def call(env: Env, *args: Any) -> Any:
        arity(name, args, count)
        result = function(*[to_string(a) if i == 0 or isinstance(a, str) else a for i, a in enumerate(args)])
        if isinstance(result, str):
            env.limits.string(len(result))
        return result

    register(name, unknowns="text")(call)


for _name, _arity_count, _function in (
        ("upper", 1, str.upper), ("lower", 1, str.lower),
        ("title", 1, lambda t: re.sub(r"\b\w", lambda m: m.group(0).upper(), t)),
        ("trimspace", 1, str.strip), ("chomp", 1, lambda t: t.rstrip("\r\n")), ("strrev", 1, lambda t: t[::-1]),
        ("trimprefix", 2, lambda t, p: t.removeprefix(to_string(p))),
        ("trimsuffix", 2, lambda t, p: t.removesuffix(to_string(p))),
        ("trim", 2, lambda t, c: t.strip(to_string(c))),
        ("startswith", 2, lambda t, p: t.startswith(to_string(p))),
        ("endswith", 2, lambda t, p: t.endswith(to_string(p))),
        ("strcontains", 2, lambda t, p: to_string(p) in t)):
    _string_function(_name, _arity_count, _function)


@register("tostring")
def _tostring(env: Env, *args: Any) -> Any:
    arity("tostring", args, 1)
    return None if args[0] is None else to_string(args[0])


@register("tonumber")
def _tonumber(env: Env, *args: Any) -> Any:
    arity("tonumber", args, 1)
    return None if args[0] is None else to_number(args[0])


@register("tobool")
def _tobool(env: Env, *args: Any) -> Any:
    arity("tobool", args, 1)
    return None if args[0] is None else to_bool(args[0])


@register("join", unknowns="text")
def _join(env: Env, *args: Any) -> Any:
    if len(args) < 2:
        raise EvalError("join() needs a separator and at least one list")
    separator = to_string(args[0])
    parts = [to_string(v) for a in args[1:] for v in as_list(a, "join")]
    env.limits.string(sum(len(p) for p in parts) + len(separator) * len(parts))
    return separator.join(parts)


@register("split")
def _split(env: Env, *args: Any) -> Any:
    arity("split", args, 2)
    separator, text = to_string(args[0]), to_string(args[1])
    if separator == "":
        return sized(env, list(text), "split")
    return sized(env, text.split(separator), "split")


@register("replace", unknowns="text")
def _replace(env: Env, *args: Any) -> Any:
    arity("replace", args, 3)
    text, search, replacement = (to_string(a) for a in args)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return Unknown("replace() with a regular expression is not evaluated")
    if search == "":
        return text
    env.limits.string(len(text) + text.count(search) * max(0, len(replacement) - len(search)))
    return text.replace(search, replacement)


@register("substr", unknowns="text")
def _substr(env: Env, *args: Any) -> Any:
    arity("substr", args, 3)
    text, offset, length = to_string(args[0]), as_int(args[1], "substr"), as_int(args[2], "substr")
    if offset < 0:
        offset = max(0, len(text) + offset)
    return text[offset:] if length < 0 else text[offset:offset + length]


@register("indent", unknowns="text")
def _indent(env: Env, *args: Any) -> Any:
    arity("indent", args, 2)
    spaces, text = as_int(args[0], "indent"), to_string(args[1])
    env.limits.string(len(text) + max(spaces, 0) * (text.count("\n") + 1))
    return text.replace("\n", "\n" + " " * max(spaces, 0))


_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])")


def _format_value(verb: str, flags: str, width: str, precision: str | None, value: Any) -> str:
    value = finalise(value)
    if (verb == "v" and "#" in flags) or (verb == "q" and not isinstance(value, str)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if verb == "q":
        return json.dumps(value)
    if verb == "v":
        return to_string(value) if isinstance(value, str | int | float | bool) else json.dumps(
            value, sort_keys=True, separators=(",", ":"))
    if verb == "s":
        text = to_string(value)
        return text[:int(precision)] if precision else text
    if verb == "t":
        return "true" if to_bool(value) else "false"
    numeric = to_number(value)
    spec = ("<" if "-" in flags else "") + ("+" if "+" in flags else " " if " " in flags else "")
    spec += "#" if "#" in flags and verb in "oxXb" else ""
    spec += ("0" if "0" in flags and "-" not in flags else "") + width
    if verb in "doxXb":
        if isinstance(numeric, float) and not numeric.is_integer():
            raise EvalError(f"%{verb} needs a whole number, not {numeric}")
        return format(int(numeric), spec + verb)
    if verb in "eEfFgG":
        return format(float(numeric), spec + (f".{precision or 0}" if precision is not None else "") + verb)
    raise EvalError(f"format verb %{verb} is not supported")


@register("format", unknowns="text")
def _format(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("format() needs a format string")
    spec, values = to_string(args[0]), list(args[1:])
    out: list[str] = []
    position = 0
    next_arg = 0
    for match in _VERB.finditer(spec):
        out.append(spec[position:match.start()])
        position = match.end()
        explicit, flags, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if int(width or 0) > 10_000 or int(precision or 0) > 10_000:
            raise EvalError("format() width or precision is too large")
        index = int(explicit) - 1 if explicit else next_arg
        if not 0 <= index < len(values):
            raise EvalError("format() has too few arguments")
        next_arg = index + 1
        text = _format_value(verb, flags, width, precision, values[index])
        if verb in "vstq" and width:
            text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
        out.append(text)
        env.limits.string(sum(len(t) for t in out))
    out.append(spec[position:])
    return "".join(out)


@register("formatlist")
def _formatlist(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("formatlist() needs a format string")
    lengths = {len(a) for a in args[1:] if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist() lists have different lengths")
    size = lengths.pop() if lengths else 1
    sized(env, [None] * size, "formatlist")
    return [_format(env, args[0], *[a[i] if isinstance(a, list) else a for a in args[1:]]) for i in range(size)]


# -- numbers -------------------------------------------------------------------------------------------


def _numeric(name: str, counts: tuple[int, int | None], function: Callable[..., Any]) -> None:
    def call(env: Env, *args: Any) -> Any:
        if counts[1] is not None:
            arity(name, args, counts[0], counts[1])
        if not args:
            raise EvalError(f"{name}() needs arguments")
        try:
            return number(function(*[to_number(a) for a in args]))
        except (ValueError, TypeError, OverflowError, ZeroDivisionError) as exc:
            raise EvalError(f"{name}(): {exc}") from None

    register(name)(call)


for _name, _arity_range, _function in (
        ("abs", (1, 1), abs), ("ceil", (1, 1), math.ceil), ("floor", (1, 1), math.floor),
        ("signum", (1, 1), lambda n: (n > 0) - (n < 0)), ("max", (1, None), lambda *n: max(n)),
        ("min", (1, None), lambda *n: min(n)),
        ("log", (2, 2), math.log),
        ("pow", (2, 2), lambda a, b: math.pow(a, b))):
    _numeric(_name, _arity_range, _function)


@register("parseint")
def _parseint(env: Env, *args: Any) -> Any:
    arity("parseint", args, 2)
    try:
        return int(to_string(args[0]), as_int(args[1], "parseint"))
    except ValueError as exc:
        raise EvalError(f"parseint(): {exc}") from None


# -- encodings and identity -----------------------------------------------------------------------------


def _encode(env: Env, value: Any, dump: Callable[[Any], str]) -> str:
    """``value`` (references already replaced by their values) encoded as text."""
    try:
        text = dump(finalise(value))
    except (TypeError, ValueError, RecursionError, yaml.YAMLError) as exc:
        raise EvalError(f"the value cannot be encoded: {type(exc).__name__}") from None
    env.limits.string(len(text))
    return text


@register("jsonencode", unknowns="text")
def _jsonencode(env: Env, *args: Any) -> Any:
    arity("jsonencode", args, 1)
    return _encode(env, args[0], lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False))


@register("yamlencode", unknowns="text")
def _yamlencode(env: Env, *args: Any) -> Any:
    arity("yamlencode", args, 1)
    return _encode(env, args[0], lambda v: yaml.safe_dump(v, sort_keys=True, default_flow_style=False,
                                                          allow_unicode=True))


@register("jsondecode")
def _jsondecode(env: Env, *args: Any) -> Any:
    arity("jsondecode", args, 1)
    try:
        return json.loads(to_string(args[0]))
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"jsondecode(): {type(exc).__name__}") from None


@register("base64encode")
def _base64encode(env: Env, *args: Any) -> Any:
    arity("base64encode", args, 1)
    return base64.b64encode(to_string(args[0]).encode()).decode()


@register("base64decode")
def _base64decode(env: Env, *args: Any) -> Any:
    arity("base64decode", args, 1)
    try:
        return base64.b64decode(to_string(args[0]), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise EvalError("base64decode() of a value that is not base64 UTF-8 text") from None


def _identity(env: Env, *args: Any) -> Any:
    arity("sensitive", args, 1)
    return args[0]


FUNCTIONS["sensitive"] = FUNCTIONS["nonsensitive"] = _identity
