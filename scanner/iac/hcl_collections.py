"""Terraform's collection functions (``length``, ``element``, ``lookup``, ``merge``, ``concat``, ``flatten``,
``toset``, ``coalesce``, ``range``, the set functions...)."""

from __future__ import annotations

import math
from typing import Any

from ..model.values import Reference, Unknown
from .hcl_builtins import arity, as_int, as_list, as_map, canonical, register, sized, unique
from .hcl_values import (
    Env,
    EvalError,
    Lazy,
    Many,
    TfSet,
    equal,
    first_unknown,
    number,
    plain,
    to_bool,
    to_number,
    to_string,
    type_name,
)


@register("length", unknowns="shallow")
def _length(env: Env, *args: Any) -> Any:
    arity("length", args, 1)
    value = args[0]
    if isinstance(value, TfSet) and first_unknown(value) is not None:
        return Unknown("length() of a set with unknown elements")
    if isinstance(value, str | list | dict):
        return len(value)
    if isinstance(value, Lazy):
        return Unknown(f"length() of {value.describe()}")
    raise EvalError(f"length() of {type_name(value)}")


@register("element", unknowns="shallow")
def _element(env: Env, *args: Any) -> Any:
    arity("element", args, 2)
    index = plain(args[1])
    if isinstance(index, Unknown):
        return index
    position = as_int(index, "element")
    if isinstance(args[0], Lazy):
        return args[0].index(position)
    items = as_list(args[0], "element")
    if not items:
        raise EvalError("element() of an empty list")
    if position < 0:
        raise EvalError("element() index must not be negative")
    return items[position % len(items)]


@register("lookup", unknowns="shallow")
def _lookup(env: Env, *args: Any) -> Any:
    arity("lookup", args, 2, 3)
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
    mapping = as_map(mapping, "lookup")
    name = to_string(key)
    if name in mapping:
        return mapping[name]
    if len(args) == 3:
        return args[2]
    raise EvalError(f"lookup() found no key {name!r} and has no default")


@register("merge", unknowns="shallow")
def _merge(env: Env, *args: Any) -> Any:
    result: dict[str, Any] = {}
    for arg in args:
        if arg is None:
            continue
        result.update(as_map(arg, "merge"))
    return result


@register("concat", unknowns="shallow")
def _concat(env: Env, *args: Any) -> Any:
    result: list[Any] = []
    for arg in args:
        result.extend(as_list(arg, "concat"))
        sized(env, result, "concat")
    return result


@register("flatten", unknowns="shallow")
def _flatten(env: Env, *args: Any) -> Any:
    arity("flatten", args, 1)
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
                sized(env, result, "flatten")
        return None

    unknown = walk(as_list(args[0], "flatten"), 0)
    return Unknown(f"flatten() of a list with an unknown element: {unknown.reason}") if unknown else result


def _common_strings(values: list[Any]) -> list[Any]:
    """Terraform unifies a collection's element types: numbers and bools become strings among strings."""
    plain_values = [plain(v) for v in values]
    if any(isinstance(v, str) for v in plain_values):
        return [to_string(v) if isinstance(v, bool | int | float) else v for v in values]
    return values


@register("toset", unknowns="shallow")
def _toset(env: Env, *args: Any) -> Any:
    arity("toset", args, 1)
    value = args[0]
    if value is None:
        return None
    return TfSet(unique(_common_strings(as_list(value, "toset"))))


@register("tolist", unknowns="shallow")
def _tolist(env: Env, *args: Any) -> Any:
    arity("tolist", args, 1)
    return None if args[0] is None else list(_common_strings(as_list(args[0], "tolist")))


@register("tomap", unknowns="shallow")
def _tomap(env: Env, *args: Any) -> Any:
    arity("tomap", args, 1)
    return None if args[0] is None else dict(as_map(args[0], "tomap"))


@register("keys", unknowns="shallow")
def _keys(env: Env, *args: Any) -> Any:
    arity("keys", args, 1)
    return sorted(as_map(args[0], "keys"))


@register("values", unknowns="shallow")
def _values(env: Env, *args: Any) -> Any:
    arity("values", args, 1)
    mapping = as_map(args[0], "values")
    return [mapping[k] for k in sorted(mapping)]


@register("coalesce", unknowns="none")
def _coalesce(env: Env, *args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown | Many):
            return Unknown(f"coalesce() of an unknown value: {first_unknown(arg).reason}")  # type: ignore[union-attr]
        if isinstance(arg, Reference) and not arg.known:
            return arg  # set at apply: Terraform's value is this one unless it turns out empty
        value = plain(arg)  # a configured reference counts by its value
        if value is not None and value != "":
            return arg
    raise EvalError("coalesce() found no non-null, non-empty argument")


@register("coalescelist", unknowns="shallow")
def _coalescelist(env: Env, *args: Any) -> Any:
    for arg in args:
        if as_list(arg, "coalescelist"):
            return arg
    raise EvalError("coalescelist() found no non-empty list")


@register("compact", unknowns="deep")
def _compact(env: Env, *args: Any) -> Any:
    arity("compact", args, 1)
    return [v for v in as_list(args[0], "compact") if v is not None and v != ""]


@register("contains")
def _contains(env: Env, *args: Any) -> Any:
    arity("contains", args, 2)
    return any(equal(item, args[1]) for item in as_list(args[0], "contains"))


@register("distinct")
def _distinct(env: Env, *args: Any) -> Any:
    arity("distinct", args, 1)
    return unique(as_list(args[0], "distinct"))


@register("index")
def _index(env: Env, *args: Any) -> Any:
    arity("index", args, 2)
    for position, item in enumerate(as_list(args[0], "index")):
        if equal(item, args[1]):
            return position
    raise EvalError("index() found no such element")


@register("slice", unknowns="shallow")
def _slice(env: Env, *args: Any) -> Any:
    arity("slice", args, 3)
    start, end = as_int(args[1], "slice"), as_int(args[2], "slice")
    if isinstance(args[0], Lazy):
        return args[0].take(start, end)
    items = as_list(args[0], "slice")
    if not 0 <= start <= end <= len(items):
        raise EvalError(f"slice() indexes {start}..{end} are out of range for a list of {len(items)}")
    return items[start:end]


@register("reverse", unknowns="shallow")
def _reverse(env: Env, *args: Any) -> Any:
    arity("reverse", args, 1)
    return list(reversed(as_list(args[0], "reverse")))


@register("sort")
def _sort(env: Env, *args: Any) -> Any:
    arity("sort", args, 1)
    return sorted(to_string(v) for v in as_list(args[0], "sort"))


@register("one", unknowns="shallow")
def _one(env: Env, *args: Any) -> Any:
    arity("one", args, 1)
    items = as_list(args[0], "one")
    if len(items) > 1:
        raise EvalError(f"one() of a list of {len(items)} elements")
    return items[0] if items else None


@register("range")
def _range(env: Env, *args: Any) -> Any:
    arity("range", args, 1, 3)
    numbers = [to_number(a) for a in args]
    start, limit, step = (0, numbers[0], 1) if len(numbers) == 1 else (
        numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else (1 if numbers[1] >= numbers[0] else -1))
    if step == 0:
        raise EvalError("range() step must not be zero")
    size = max(0, math.ceil((limit - start) / step))
    env.limits.collection(size, "range()")
    return [number(start + i * step) for i in range(size)]


@register("zipmap", unknowns="shallow")
def _zipmap(env: Env, *args: Any) -> Any:
    arity("zipmap", args, 2)
    keys, values = as_list(args[0], "zipmap"), as_list(args[1], "zipmap")
    if len(keys) != len(values):
        raise EvalError("zipmap() needs as many values as keys")
    unknown = first_unknown(keys)
    if unknown is not None:
        return Unknown(f"zipmap() with an unknown key: {unknown.reason}")
    return {to_string(k): v for k, v in zip(keys, values, strict=True)}


@register("chunklist", unknowns="shallow")
def _chunklist(env: Env, *args: Any) -> Any:
    arity("chunklist", args, 2)
    items, size = as_list(args[0], "chunklist"), as_int(args[1], "chunklist")
    if size < 0:
        raise EvalError("chunklist() size must not be negative")
    return [items] if size == 0 else [items[i:i + size] for i in range(0, len(items), size)]


@register("setunion")
def _setunion(env: Env, *args: Any) -> Any:
    return TfSet(unique(sized(env, [v for a in args for v in as_list(a, "setunion")], "setunion")))


@register("setintersection")
def _setintersection(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("setintersection() needs at least one set")
    keys = [{canonical(v) for v in as_list(a, "setintersection")} for a in args]
    return TfSet([v for v in unique(as_list(args[0], "setintersection")) if all(canonical(v) in k for k in keys)])


@register("setsubtract")
def _setsubtract(env: Env, *args: Any) -> Any:
    arity("setsubtract", args, 2)
    removed = {canonical(v) for v in as_list(args[1], "setsubtract")}
    return TfSet([v for v in unique(as_list(args[0], "setsubtract")) if canonical(v) not in removed])


@register("setproduct")
def _setproduct(env: Env, *args: Any) -> Any:
    lists = [as_list(a, "setproduct") for a in args]
    env.limits.collection(math.prod(len(x) for x in lists), "setproduct()")
    result: list[list[Any]] = [[]]
    for items in lists:
        result = [[*prefix, item] for prefix in result for item in items]
    return result


@register("alltrue")
def _alltrue(env: Env, *args: Any) -> Any:
    arity("alltrue", args, 1)
    return all(to_bool(v) for v in as_list(args[0], "alltrue"))


@register("anytrue")
def _anytrue(env: Env, *args: Any) -> Any:
    arity("anytrue", args, 1)
    return any(to_bool(v) for v in as_list(args[0], "anytrue"))


@register("sum")
def _sum(env: Env, *args: Any) -> Any:
    arity("sum", args, 1)
    items = as_list(args[0], "sum")
    if not items:
        raise EvalError("sum() of an empty list")
    return number(sum(to_number(v) for v in items))


@register("transpose")
def _transpose(env: Env, *args: Any) -> Any:
    arity("transpose", args, 1)
    result: dict[str, list[str]] = {}
    for key, items in sorted(as_map(args[0], "transpose").items()):
        for item in as_list(items, "transpose"):
            result.setdefault(to_string(item), []).append(key)
    return result
