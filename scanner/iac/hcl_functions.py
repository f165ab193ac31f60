"""Terraform's built-in functions, for ``hcl_eval``: each evaluates, or gives ``Unknown`` with the reason.

A function given an unknown argument is unknown (``deep``: any unknown part; ``shallow``: only an
unknown argument itself, so ``concat`` or ``element`` keep the references inside their lists).
Functions whose result depends on the machine or the moment (``file``, ``timestamp``, ``uuid``) or
that would run a user's regular expression are not evaluated: they are unknown. Misuse Terraform
rejects raises ``EvalError``; results beyond the evaluation limits raise ``LimitError``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import math
import re
from collections.abc import Callable
from typing import Any

from ..model.values import Reference, Unknown
from .hcl_values import (
    Env,
    EvalError,
    Lazy,
    Many,
    TfSet,
    equal,
    finalise,
    first_unknown,
    number,
    plain,
    to_bool,
    to_number,
    to_string,
    type_name,
)

Function = Callable[..., Any]
FUNCTIONS: dict[str, Function] = {}


def _register(name: str, unknowns: str = "deep") -> Callable[[Function], Function]:
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


def _arity(name: str, args: tuple[Any, ...], low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        raise EvalError(f"{name}() takes {low}{'' if high == low else f' to {high}'} arguments, got {len(args)}")


def _list(value: Any, name: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise EvalError(f"{name}() needs a list, not {type_name(value)}")


def _map(value: Any, name: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise EvalError(f"{name}() needs a map, not {type_name(value)}")


def _int(value: Any, name: str) -> int:
    result = to_number(value)
    if isinstance(result, float):
        if not result.is_integer():
            raise EvalError(f"{name}() needs a whole number, not {result}")
        result = int(result)
    return result


def _key(value: Any) -> str:
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


def _unique(values: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(_key(value), value)
    return list(seen.values())


def _sized(env: Env, values: list[Any], name: str) -> list[Any]:
    env.limits.collection(len(values), f"the result of {name}()")
    return values


# -- collections -------------------------------------------------------------------------------------


@_register("length", unknowns="shallow")
def _length(env: Env, *args: Any) -> Any:
    _arity("length", args, 1)
    value = args[0]
    if isinstance(value, TfSet) and first_unknown(value) is not None:
        return Unknown("length() of a set with unknown elements")
    if isinstance(value, str | list | dict):
        return len(value)
    if isinstance(value, Lazy):
        return Unknown(f"length() of {value.describe()}")
    raise EvalError(f"length() of {type_name(value)}")


@_register("element", unknowns="shallow")
def _element(env: Env, *args: Any) -> Any:
    _arity("element", args, 2)
    index = plain(args[1])
    if isinstance(index, Unknown):
        return index
    position = _int(index, "element")
    if isinstance(args[0], Lazy):
        return args[0].index(position)
    items = _list(args[0], "element")
    if not items:
        raise EvalError("element() of an empty list")
    if position < 0:
        raise EvalError("element() index must not be negative")
    return items[position % len(items)]


@_register("lookup", unknowns="shallow")
def _lookup(env: Env, *args: Any) -> Any:
    _arity("lookup", args, 2, 3)
    mapping = args[0]
    if isinstance(mapping, Lazy):
        try:
            return mapping.attr(to_string(args[1]))
        except EvalError:
            if len(args) == 3:
                return args[2]
            raise
    key = plain(args[1])
    if isinstance(key, Unknown):
        return key
    mapping = _map(mapping, "lookup")
    name = to_string(key)
    if name in mapping:
        return mapping[name]
    if len(args) == 3:
        return args[2]
    raise EvalError(f"lookup() found no key {name!r} and has no default")


@_register("merge", unknowns="shallow")
def _merge(env: Env, *args: Any) -> Any:
    result: dict[str, Any] = {}
    for arg in args:
        if arg is None:
            continue
        result.update(_map(arg, "merge"))
    return result


@_register("concat", unknowns="shallow")
def _concat(env: Env, *args: Any) -> Any:
    result: list[Any] = []
    for arg in args:
        result.extend(_list(arg, "concat"))
        _sized(env, result, "concat")
    return result


@_register("flatten", unknowns="shallow")
def _flatten(env: Env, *args: Any) -> Any:
    _arity("flatten", args, 1)
    result: list[Any] = []

    def walk(items: list[Any], depth: int) -> Unknown | None:
        if depth > 64:
            raise EvalError("flatten() of a list nested too deeply")
        for item in items:
            item = plain(item)
            if isinstance(item, Unknown):
                return item
            if isinstance(item, list):
                found = walk(item, depth + 1)
                if found is not None:
                    return found
            else:
                result.append(item)
                _sized(env, result, "flatten")
        return None

    unknown = walk(_list(args[0], "flatten"), 0)
    return Unknown(f"flatten() of a list with an unknown element: {unknown.reason}") if unknown else result


def _common_strings(values: list[Any]) -> list[Any]:
    """Terraform unifies a collection's element types: numbers and bools become strings among strings."""
    plain_values = [plain(v) for v in values]
    if any(isinstance(v, str) for v in plain_values):
        return [to_string(v) if isinstance(v, bool | int | float) else v for v in values]
    return values


@_register("toset", unknowns="shallow")
def _toset(env: Env, *args: Any) -> Any:
    _arity("toset", args, 1)
    value = args[0]
    if value is None:
        return None
    return TfSet(_unique(_common_strings(_list(value, "toset"))))


@_register("tolist", unknowns="shallow")
def _tolist(env: Env, *args: Any) -> Any:
    _arity("tolist", args, 1)
    return None if args[0] is None else list(_common_strings(_list(args[0], "tolist")))


@_register("tomap", unknowns="shallow")
def _tomap(env: Env, *args: Any) -> Any:
    _arity("tomap", args, 1)
    return None if args[0] is None else dict(_map(args[0], "tomap"))


@_register("keys", unknowns="shallow")
def _keys(env: Env, *args: Any) -> Any:
    _arity("keys", args, 1)
    return sorted(_map(args[0], "keys"))


@_register("values", unknowns="shallow")
def _values(env: Env, *args: Any) -> Any:
    _arity("values", args, 1)
    mapping = _map(args[0], "values")
    return [mapping[k] for k in sorted(mapping)]


@_register("coalesce", unknowns="none")
def _coalesce(env: Env, *args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown | Many):
            return Unknown(f"coalesce() of an unknown value: {first_unknown(arg).reason}")  # type: ignore[union-attr]
        if isinstance(arg, Reference) and not arg.known:
            return arg  # set at apply: Terraform's value is this one unless it turns out empty
        if arg is not None and arg != "":
            return arg
    raise EvalError("coalesce() found no non-null, non-empty argument")


@_register("coalescelist", unknowns="shallow")
def _coalescelist(env: Env, *args: Any) -> Any:
    for arg in args:
        if _list(arg, "coalescelist"):
            return arg
    raise EvalError("coalescelist() found no non-empty list")


@_register("compact", unknowns="deep")
def _compact(env: Env, *args: Any) -> Any:
    _arity("compact", args, 1)
    return [v for v in _list(args[0], "compact") if v is not None and v != ""]


@_register("contains")
def _contains(env: Env, *args: Any) -> Any:
    _arity("contains", args, 2)
    return any(equal(item, args[1]) for item in _list(args[0], "contains"))


@_register("distinct")
def _distinct(env: Env, *args: Any) -> Any:
    _arity("distinct", args, 1)
    return _unique(_list(args[0], "distinct"))


@_register("index")
def _index(env: Env, *args: Any) -> Any:
    _arity("index", args, 2)
    for position, item in enumerate(_list(args[0], "index")):
        if equal(item, args[1]):
            return position
    raise EvalError("index() found no such element")


@_register("slice", unknowns="shallow")
def _slice(env: Env, *args: Any) -> Any:
    _arity("slice", args, 3)
    start, end = _int(args[1], "slice"), _int(args[2], "slice")
    if isinstance(args[0], Lazy):
        return args[0].take(start, end)
    items = _list(args[0], "slice")
    if not 0 <= start <= end <= len(items):
        raise EvalError(f"slice() indexes {start}..{end} are out of range for a list of {len(items)}")
    return items[start:end]


@_register("reverse", unknowns="shallow")
def _reverse(env: Env, *args: Any) -> Any:
    _arity("reverse", args, 1)
    return list(reversed(_list(args[0], "reverse")))


@_register("sort")
def _sort(env: Env, *args: Any) -> Any:
    _arity("sort", args, 1)
    return sorted(to_string(v) for v in _list(args[0], "sort"))


@_register("one", unknowns="shallow")
def _one(env: Env, *args: Any) -> Any:
    _arity("one", args, 1)
    items = _list(args[0], "one")
    if len(items) > 1:
        raise EvalError(f"one() of a list of {len(items)} elements")
    return items[0] if items else None


@_register("range")
def _range(env: Env, *args: Any) -> Any:
    _arity("range", args, 1, 3)
    numbers = [to_number(a) for a in args]
    start, limit, step = (0, numbers[0], 1) if len(numbers) == 1 else (
        numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else (1 if numbers[1] >= numbers[0] else -1))
    if step == 0:
        raise EvalError("range() step must not be zero")
    size = max(0, math.ceil((limit - start) / step))
    env.limits.collection(size, "range()")
    return [number(start + i * step) for i in range(size)]


@_register("zipmap", unknowns="shallow")
def _zipmap(env: Env, *args: Any) -> Any:
    _arity("zipmap", args, 2)
    keys, values = _list(args[0], "zipmap"), _list(args[1], "zipmap")
    if len(keys) != len(values):
        raise EvalError("zipmap() needs as many values as keys")
    unknown = first_unknown(keys)
    if unknown is not None:
        return Unknown(f"zipmap() with an unknown key: {unknown.reason}")
    return {to_string(k): v for k, v in zip(keys, values, strict=True)}


@_register("chunklist", unknowns="shallow")
def _chunklist(env: Env, *args: Any) -> Any:
    _arity("chunklist", args, 2)
    items, size = _list(args[0], "chunklist"), _int(args[1], "chunklist")
    if size < 0:
        raise EvalError("chunklist() size must not be negative")
    return [items] if size == 0 else [items[i:i + size] for i in range(0, len(items), size)]


@_register("setunion")
def _setunion(env: Env, *args: Any) -> Any:
    return TfSet(_unique(_sized(env, [v for a in args for v in _list(a, "setunion")], "setunion")))


@_register("setintersection")
def _setintersection(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("setintersection() needs at least one set")
    keys = [{_key(v) for v in _list(a, "setintersection")} for a in args]
    return TfSet([v for v in _unique(_list(args[0], "setintersection")) if all(_key(v) in k for k in keys)])


@_register("setsubtract")
def _setsubtract(env: Env, *args: Any) -> Any:
    _arity("setsubtract", args, 2)
    removed = {_key(v) for v in _list(args[1], "setsubtract")}
    return TfSet([v for v in _unique(_list(args[0], "setsubtract")) if _key(v) not in removed])


@_register("setproduct")
def _setproduct(env: Env, *args: Any) -> Any:
    lists = [_list(a, "setproduct") for a in args]
    env.limits.collection(math.prod(len(x) for x in lists), "setproduct()")
    result: list[list[Any]] = [[]]
    for items in lists:
        result = [[*prefix, item] for prefix in result for item in items]
    return result


@_register("alltrue")
def _alltrue(env: Env, *args: Any) -> Any:
    _arity("alltrue", args, 1)
    return all(to_bool(v) for v in _list(args[0], "alltrue"))


@_register("anytrue")
def _anytrue(env: Env, *args: Any) -> Any:
    _arity("anytrue", args, 1)
    return any(to_bool(v) for v in _list(args[0], "anytrue"))


@_register("sum")
def _sum(env: Env, *args: Any) -> Any:
    _arity("sum", args, 1)
    items = _list(args[0], "sum")
    if not items:
        raise EvalError("sum() of an empty list")
    return number(sum(to_number(v) for v in items))


@_register("transpose")
def _transpose(env: Env, *args: Any) -> Any:
    _arity("transpose", args, 1)
    result: dict[str, list[str]] = {}
    for key, items in sorted(_map(args[0], "transpose").items()):
        for item in _list(items, "transpose"):
            result.setdefault(to_string(item), []).append(key)
    return result


# -- strings -------------------------------------------------------------------------------------------


def _string_function(name: str, arity: int, function: Callable[..., Any]) -> None:
    def call(env: Env, *args: Any) -> Any:
        _arity(name, args, arity)
        result = function(*[to_string(a) if i == 0 or isinstance(a, str) else a for i, a in enumerate(args)])
        if isinstance(result, str):
            env.limits.string(len(result))
        return result

    _register(name)(call)


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


@_register("tostring")
def _tostring(env: Env, *args: Any) -> Any:
    _arity("tostring", args, 1)
    return None if args[0] is None else to_string(args[0])


@_register("tonumber")
def _tonumber(env: Env, *args: Any) -> Any:
    _arity("tonumber", args, 1)
    return None if args[0] is None else to_number(args[0])


@_register("tobool")
def _tobool(env: Env, *args: Any) -> Any:
    _arity("tobool", args, 1)
    return None if args[0] is None else to_bool(args[0])


@_register("join")
def _join(env: Env, *args: Any) -> Any:
    if len(args) < 2:
        raise EvalError("join() needs a separator and at least one list")
    separator = to_string(args[0])
    parts = [to_string(v) for a in args[1:] for v in _list(a, "join")]
    env.limits.string(sum(len(p) for p in parts) + len(separator) * len(parts))
    return separator.join(parts)


@_register("split")
def _split(env: Env, *args: Any) -> Any:
    _arity("split", args, 2)
    separator, text = to_string(args[0]), to_string(args[1])
    if separator == "":
        return _sized(env, list(text), "split")
    return _sized(env, text.split(separator), "split")


@_register("replace")
def _replace(env: Env, *args: Any) -> Any:
    _arity("replace", args, 3)
    text, search, replacement = (to_string(a) for a in args)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return Unknown("replace() with a regular expression is not evaluated")
    if search == "":
        return text
    env.limits.string(len(text) + text.count(search) * max(0, len(replacement) - len(search)))
    return text.replace(search, replacement)


@_register("substr")
def _substr(env: Env, *args: Any) -> Any:
    _arity("substr", args, 3)
    text, offset, length = to_string(args[0]), _int(args[1], "substr"), _int(args[2], "substr")
    if offset < 0:
        offset = max(0, len(text) + offset)
    return text[offset:] if length < 0 else text[offset:offset + length]


@_register("indent")
def _indent(env: Env, *args: Any) -> Any:
    _arity("indent", args, 2)
    spaces, text = _int(args[0], "indent"), to_string(args[1])
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


@_register("format")
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


@_register("formatlist")
def _formatlist(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("formatlist() needs a format string")
    lengths = {len(a) for a in args[1:] if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist() lists have different lengths")
    size = lengths.pop() if lengths else 1
    _sized(env, [None] * size, "formatlist")
    return [_format(env, args[0], *[a[i] if isinstance(a, list) else a for a in args[1:]]) for i in range(size)]


# -- numbers -------------------------------------------------------------------------------------------


def _numeric(name: str, arity: tuple[int, int | None], function: Callable[..., Any]) -> None:
    def call(env: Env, *args: Any) -> Any:
        if arity[1] is not None:
            _arity(name, args, arity[0], arity[1])
        if not args:
            raise EvalError(f"{name}() needs arguments")
        try:
            return number(function(*[to_number(a) for a in args]))
        except (ValueError, OverflowError, ZeroDivisionError) as exc:
            raise EvalError(f"{name}(): {exc}") from None

    _register(name)(call)


for _name, _arity_range, _function in (
        ("abs", (1, 1), abs), ("ceil", (1, 1), math.ceil), ("floor", (1, 1), math.floor),
        ("signum", (1, 1), lambda n: (n > 0) - (n < 0)), ("max", (1, None), max), ("min", (1, None), min),
        ("log", (2, 2), math.log),
        ("pow", (2, 2), lambda a, b: math.pow(a, b))):
    _numeric(_name, _arity_range, _function)


@_register("parseint")
def _parseint(env: Env, *args: Any) -> Any:
    _arity("parseint", args, 2)
    try:
        return int(to_string(args[0]), _int(args[1], "parseint"))
    except ValueError as exc:
        raise EvalError(f"parseint(): {exc}") from None


# -- encodings and identity -----------------------------------------------------------------------------


@_register("jsonencode")
def _jsonencode(env: Env, *args: Any) -> Any:
    _arity("jsonencode", args, 1)
    text = json.dumps(finalise(args[0]), sort_keys=True, separators=(",", ":"), default=str)
    env.limits.string(len(text))
    return text


@_register("jsondecode")
def _jsondecode(env: Env, *args: Any) -> Any:
    _arity("jsondecode", args, 1)
    try:
        return json.loads(to_string(args[0]))
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"jsondecode(): {type(exc).__name__}") from None


@_register("base64encode")
def _base64encode(env: Env, *args: Any) -> Any:
    _arity("base64encode", args, 1)
    return base64.b64encode(to_string(args[0]).encode()).decode()


@_register("base64decode")
def _base64decode(env: Env, *args: Any) -> Any:
    _arity("base64decode", args, 1)
    try:
        return base64.b64decode(to_string(args[0]), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise EvalError("base64decode() of a value that is not base64 UTF-8 text") from None


def _identity(env: Env, *args: Any) -> Any:
    _arity("sensitive", args, 1)
    return args[0]


FUNCTIONS["sensitive"] = FUNCTIONS["nonsensitive"] = _identity


# -- networks ------------------------------------------------------------------------------------------


def _network(value: Any, name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(to_string(value), strict=False)
    except ValueError:
        raise EvalError(f"{name}() needs a CIDR prefix, not {to_string(value)[:60]!r}") from None


def _subnet(prefix: ipaddress.IPv4Network | ipaddress.IPv6Network, newbits: int, netnum: int
            ) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    length = prefix.prefixlen + newbits
    if newbits < 0 or length > prefix.max_prefixlen:
        raise EvalError(f"cidrsubnet(): {newbits} new bits do not fit in /{prefix.prefixlen}")
    if not 0 <= netnum < 2 ** newbits:
        raise EvalError(f"cidrsubnet(): network number {netnum} does not fit in {newbits} bits")
    base = int(prefix.network_address) + (netnum << (prefix.max_prefixlen - length))
    return ipaddress.ip_network((base, length))


@_register("cidrsubnet")
def _cidrsubnet(env: Env, *args: Any) -> Any:
    _arity("cidrsubnet", args, 3)
    prefix = _network(args[0], "cidrsubnet")
    return str(_subnet(prefix, _int(args[1], "cidrsubnet"), _int(args[2], "cidrsubnet")))


@_register("cidrsubnets")
def _cidrsubnets(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("cidrsubnets() needs a prefix")
    prefix = _network(args[0], "cidrsubnets")
    env.limits.collection(len(args) - 1, "cidrsubnets()")
    result: list[str] = []
    cursor = int(prefix.network_address)
    end = int(prefix.broadcast_address)
    for newbits in (_int(a, "cidrsubnets") for a in args[1:]):
        length = prefix.prefixlen + newbits
        if newbits < 1 or length > prefix.max_prefixlen:
            raise EvalError(f"cidrsubnets(): {newbits} new bits do not fit in /{prefix.prefixlen}")
        size = 1 << (prefix.max_prefixlen - length)
        cursor = (cursor + size - 1) // size * size
        if cursor + size - 1 > end:
            raise EvalError("cidrsubnets(): not enough address space")
        result.append(str(ipaddress.ip_network((cursor, length))))
        cursor += size
    return result


@_register("cidrhost")
def _cidrhost(env: Env, *args: Any) -> Any:
    _arity("cidrhost", args, 2)
    prefix, host = _network(args[0], "cidrhost"), _int(args[1], "cidrhost")
    if host < 0:
        host += prefix.num_addresses
    if not 0 <= host < prefix.num_addresses:
        raise EvalError(f"cidrhost(): host number {host} is outside {prefix}")
    return str(prefix.network_address + host)


@_register("cidrnetmask")
def _cidrnetmask(env: Env, *args: Any) -> Any:
    _arity("cidrnetmask", args, 1)
    prefix = _network(args[0], "cidrnetmask")
    if prefix.version != 4:
        raise EvalError("cidrnetmask() needs an IPv4 prefix")
    return str(prefix.netmask)


__all__ = ["FUNCTIONS"]
