"""Evaluate HCL syntax trees (``hcl_syntax``) to value trees, the way Terraform would before apply.

Values are JSON-like Python values, ``Reference`` (other resources, by address) and ``Unknown`` (a
value Terraform itself would know only at apply, or haguard cannot work out, with the reason).
Sets are ``TfSet`` lists; lazily computed objects (namespaces such as ``var``/``local``, resource and
module instances) are ``Lazy``. An expression Terraform would reject raises ``EvalError``, which the
caller turns into an unknown attribute (``try``/``can`` use it as Terraform does); a value too large
to evaluate raises ``LimitError``, an ``InputError`` naming the limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..model.values import Reference, Unknown
from . import hcl_syntax as s


class EvalError(Exception):
    """An expression Terraform would reject, or one haguard cannot evaluate."""


class LimitError(InputError):
    """A value beyond one of the evaluation limits (one line, exit 2)."""


class TfSet(list):  # type: ignore[type-arg]
    """A Terraform set: a list whose order carries no meaning and that cannot be indexed."""


class Lazy:
    """A value computed on access: a namespace, a resource or module instance."""

    def attr(self, name: str) -> Any:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def index(self, key: Any) -> Any:
        raise EvalError(f"{self.describe()} cannot be indexed")

    def take(self, start: int, end: int) -> Any:
        """Elements ``start`` to ``end`` (``slice()``), for lazies that know them."""
        raise EvalError(f"{self.describe()} cannot be sliced")

    def describe(self) -> str:
        return "this object"

    def final(self) -> Any:
        """What the object is as an attribute value."""
        return Unknown(f"{self.describe()} is not a value haguard can read")


@dataclass(frozen=True)
class Many(Lazy):
    """Instances whose number is unknown, all represented by ``item``."""

    item: Any
    reason: str

    def index(self, key: Any) -> Any:
        return self.item

    def describe(self) -> str:
        return f"instances whose number is unknown ({self.reason})"

    def final(self) -> Any:
        return [finalise(self.item)]


@dataclass
class Limits:
    """Bounds on the work one load may do; each names the option that raises it."""

    max_elements: int = 100_000
    max_string: int = 1_000_000
    max_steps: int = 5_000_000
    steps: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise LimitError(f"evaluating the Terraform expressions took more than {self.max_steps} steps "
                             "(haguard's limit, against runaway expressions)")

    def collection(self, size: int, what: str) -> None:
        if size > self.max_elements:
            raise LimitError(f"{what} has {size} elements, more than haguard's limit of {self.max_elements} "
                             "(raise it with --max-instances)")

    def string(self, size: int) -> None:
        if size > self.max_string:
            raise LimitError(f"a Terraform string of {size} characters exceeds haguard's limit of "
                             f"{self.max_string}")


@dataclass
class Env:
    """Names in scope: local bindings (for-expression and iterator variables) over a root resolver."""

    root: Callable[[str], Any]
    limits: Limits
    names: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def bind(self, **names: Any) -> Env:
        return Env(self.root, self.limits, {**self.names, **names}, self.functions)

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.root(name)


def plain(value: Any) -> Any:
    """A reference's literal value when it is known, else its reason as ``Unknown``; others as given."""
    if isinstance(value, Reference):
        return value.value if value.known else Unknown(value.describe())
    return value


def first_unknown(value: Any, depth: int = 0) -> Unknown | None:
    """The first ``Unknown`` (or unknown reference) inside ``value``, if any."""
    value = plain(value)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Many):
        return Unknown(value.describe())
    if depth > s.MAX_DEPTH * 2:
        return None
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = first_unknown(item, depth + 1)
        if found is not None:
            return found
    return None


def finalise(value: Any, depth: int = 0) -> Any:
    """``value`` as the mapping reads it: lazies resolved, sets as lists."""
    if isinstance(value, Lazy):
        return value.final()
    if depth > s.MAX_DEPTH * 2:
        return Unknown("a value nested too deeply")
    if isinstance(value, dict):
        return {str(k): finalise(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [finalise(v, depth + 1) for v in value]
    return value


def type_name(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, TfSet):
        return "set"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "object"


def to_number(value: Any) -> int | float:
    """Terraform's number conversion (numeric strings convert); else ``EvalError``."""
    if isinstance(value, bool) or value is None:
        raise EvalError(f"a number is required, not {type_name(value)}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise EvalError("a number is required, not a non-numeric string") from None
        if math.isfinite(number):
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise EvalError(f"a number is required, not {type_name(value)}")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"a bool is required, not {type_name(value)}")


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, str):
        return value
    raise EvalError(f"a string is required, not {type_name(value)}")


def number(value: float) -> int | float:
    """Whole floats as ints, so ``4 / 2`` is ``2``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def equal(left: Any, right: Any) -> bool:
    """Terraform's ``==``: same type and value (``1 == "1"`` is false, ``true == 1`` too)."""
    if type_name(left) != type_name(right) and not (isinstance(left, list) and isinstance(right, list)):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(equal(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(equal(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def items_of(value: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs Terraform iterates: list index or map key (in lexical order)."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield key, value[key]
    elif isinstance(value, TfSet):
        for item in value:
            yield item, item
    elif isinstance(value, list):
        yield from enumerate(value)
    else:
        raise EvalError(f"cannot iterate over {type_name(value)}")


class Evaluator:
    """Evaluates syntax trees in an ``Env``."""

    def evaluate(self, node: s.Node, env: Env) -> Any:
        env.limits.step()
        handler = _HANDLERS.get(type(node))
        if handler is None:  # pragma: no cover - every node type has a handler
            raise EvalError(f"cannot evaluate {type(node).__name__}")
        return handler(self, node, env)

    def literal(self, node: s.Literal, env: Env) -> Any:
        return node.value

    def template(self, node: s.Template, env: Env) -> Any:
        if len(node.parts) == 1 and isinstance(node.parts[0], s.Node) and not isinstance(
                node.parts[0], s.TemplateIf | s.TemplateFor):
            return self.evaluate(node.parts[0], env)
        out: list[str] = []
        size = 0
        for part in node.parts:
            if isinstance(part, str):
                text = part
            elif isinstance(part, s.TemplateIf | s.TemplateFor):
                value = self.directive(part, env)
                if isinstance(value, Unknown):
                    return value
                text = value
            else:
                value = plain(self.evaluate(part, env))
                if isinstance(value, Unknown):
                    return value
                if isinstance(value, Lazy):
                    return Unknown(f"{value.describe()} is not a string")
                if value is None:
                    raise EvalError("a null value cannot be interpolated")
                text = to_string(value)
            size += len(text)
            env.limits.string(size)
            out.append(text)
        return "".join(out)

    def directive(self, node: s.TemplateIf | s.TemplateFor, env: Env) -> str | Unknown:
        if isinstance(node, s.TemplateIf):
            condition = plain(self.evaluate(node.condition, env))
            if isinstance(condition, Unknown):
                return condition
            chosen = node.then if to_bool(condition) else node.otherwise
            return self._text(self.template(chosen, env))
        collection = plain(self.evaluate(node.collection, env))
        if isinstance(collection, Unknown):
            return collection
        out = []
        for key, value in items_of(collection):
            names = {node.value: value} | ({node.key: key} if node.key else {})
            text = self._text(self.template(node.body, env.bind(**names)))
            if isinstance(text, Unknown):
                return text
            out.append(text)
            env.limits.string(sum(len(t) for t in out))
        return "".join(out)

    @staticmethod
    def _text(value: Any) -> str | Unknown:
        value = plain(value)
        if isinstance(value, Unknown):
            return value
        return to_string(value)

    def variable(self, node: s.Variable, env: Env) -> Any:
        return env.lookup(node.name)

    def get_attr(self, node: s.GetAttr, env: Env) -> Any:
        return get_attr(self.evaluate(node.target, env), node.name)

    def index(self, node: s.Index, env: Env) -> Any:
        target = self.evaluate(node.target, env)
        key = plain(self.evaluate(node.key, env))
        if isinstance(key, Unknown):
            return target.item if isinstance(target, Many) else key
        return get_index(target, key)

    def splat(self, node: s.Splat, env: Env) -> Any:
        source = self.evaluate(node.source, env)
        if isinstance(source, Unknown):
            return source
        if isinstance(source, Reference):
            if not source.known:
                return source
            source = source.value
        if isinstance(source, Many):
            return Many(self.evaluate(node.each, env.bind(**{_SPLAT: source.item})), source.reason)
        if source is None:
            return []
        elements = list(source) if isinstance(source, list) else [source]
        return [self.evaluate(node.each, env.bind(**{_SPLAT: item})) for item in elements]

    def splat_item(self, node: s.SplatItem, env: Env) -> Any:
        return env.names[_SPLAT]

    def call(self, node: s.Call, env: Env) -> Any:
        name = node.name.removeprefix("core::")
        if name in ("try", "can"):
            return self._try(node, env, name)
        function = env.functions.get(name)
        if function is None:
            return Unknown(f"function {node.name}() is not evaluated")
        args = [self.evaluate(a, env) for a in node.args]
        if node.expand:
            last = plain(args.pop()) if args else None
            if isinstance(last, Unknown):
                return last
            if not isinstance(last, list):
                raise EvalError(f"... expands a list, not {type_name(last)}")
            args.extend(last)
        return function(env, *args)

    def _try(self, node: s.Call, env: Env, name: str) -> Any:
        for arg in node.args:
            try:
                value = self.evaluate(arg, env)
            except EvalError:
                if name == "can":
                    return False
                continue
            if name == "try":
                return value  # unknown parts stay unknown: Terraform would wait for them too
            unknown = first_unknown(value)
            return Unknown(f"can() of an unknown value: {unknown.reason}") if unknown is not None else True
        if name == "can":
            return False
        raise EvalError("no expression given to try() could be evaluated")

    def unary(self, node: s.Unary, env: Env) -> Any:
        value = plain(self.evaluate(node.operand, env))
        if isinstance(value, Unknown):
            return value
        return -to_number(value) if node.op == "-" else not to_bool(value)

    def binary(self, node: s.Binary, env: Env) -> Any:
        left = plain(self.evaluate(node.left, env))
        if node.op in ("&&", "||"):
            right = plain(self.evaluate(node.right, env))
            decisive = node.op == "||"
            for side in (left, right):
                if not isinstance(side, Unknown) and to_bool(side) is decisive:
                    return decisive
            for side in (left, right):
                if isinstance(side, Unknown):
                    return side
            return not decisive
        right = plain(self.evaluate(node.right, env))
        if node.op in ("==", "!="):
            unknown = first_unknown(left) or first_unknown(right)
            if unknown is not None:
                return unknown
            if isinstance(left, Lazy) or isinstance(right, Lazy):
                return Unknown("objects compared with ==")
            return equal(left, right) is (node.op == "==")
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        a, b = to_number(left), to_number(right)
        if node.op == "+":
            return number(a + b)
        if node.op == "-":
            return number(a - b)
        if node.op == "*":
            return number(a * b)
        if node.op in ("/", "%"):
            if b == 0:
                raise EvalError("division by zero")
            return number(a / b) if node.op == "/" else number(math.fmod(a, b))
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[node.op]

    def conditional(self, node: s.Conditional, env: Env) -> Any:
        condition = plain(self.evaluate(node.condition, env))
        if isinstance(condition, Unknown):
            then, otherwise = self.evaluate(node.then, env), self.evaluate(node.otherwise, env)
            if first_unknown(then) is None and first_unknown(otherwise) is None and equal(then, otherwise):
                return then
            return Unknown(f"the condition of a conditional is unknown: {condition.reason}")
        return self.evaluate(node.then if to_bool(condition) else node.otherwise, env)

    def tuple_expr(self, node: s.TupleExpr, env: Env) -> Any:
        env.limits.collection(len(node.items), "a tuple")
        return [self.evaluate(item, env) for item in node.items]

    def object_expr(self, node: s.ObjectExpr, env: Env) -> Any:
        result: dict[str, Any] = {}
        for key_node, value_node in node.items:
            key = plain(self.evaluate(key_node, env))
            if isinstance(key, Unknown):
                return Unknown(f"an object key is unknown: {key.reason}")
            result[to_string(key)] = self.evaluate(value_node, env)
        return result

    def for_expr(self, node: s.ForExpr, env: Env) -> Any:
        collection = plain(self.evaluate(node.collection, env))
        if isinstance(collection, Unknown):
            return collection
        if isinstance(collection, Many):
            if node.key is not None or node.condition is not None:
                return Unknown(f"a for expression over {collection.describe()}")
            names = {node.value_var: collection.item} | ({node.key_var: Unknown(collection.reason)}
                                                         if node.key_var else {})
            return Many(self.evaluate(node.value, env.bind(**names)), collection.reason)
        if isinstance(collection, Lazy):
            raise EvalError(f"cannot iterate over {collection.describe()}")
        pairs = list(items_of(collection))
        env.limits.collection(len(pairs), "a for expression")
        values: list[Any] = []
        result: dict[str, Any] = {}
        for key, value in pairs:
            names = {node.value_var: value} | ({node.key_var: key} if node.key_var else {})
            inner = env.bind(**names)
            if node.condition is not None:
                keep = plain(self.evaluate(node.condition, inner))
                if isinstance(keep, Unknown):
                    return Unknown(f"the condition of a for expression is unknown: {keep.reason}")
                if not to_bool(keep):
                    continue
            if node.key is None:
                values.append(self.evaluate(node.value, inner))
                continue
            out_key = plain(self.evaluate(node.key, inner))
            if isinstance(out_key, Unknown):
                return Unknown(f"a key of a for expression is unknown: {out_key.reason}")
            out_key = to_string(out_key)
            item = self.evaluate(node.value, inner)
            if node.group:
                result.setdefault(out_key, []).append(item)
            elif out_key in result:
                raise EvalError(f"duplicate key {out_key!r} in a for expression (add ... to group them)")
            else:
                result[out_key] = item
        if node.key is None:
            return TfSet(values) if isinstance(collection, TfSet) else values
        return result


_SPLAT = "\0splat"


def get_attr(value: Any, name: str) -> Any:
    """``value.name``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Reference):
        if not value.known:
            return value
        value = value.value
    if isinstance(value, Lazy):
        return value.attr(name)
    if isinstance(value, dict):
        if name not in value:
            raise EvalError(f"the object has no attribute {name!r}")
        return value[name]
    if value is None:
        raise EvalError(f"attribute {name!r} of a null value")
    raise EvalError(f"a {type_name(value)} has no attribute {name!r}")


def get_index(value: Any, key: Any) -> Any:
    """``value[key]``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Reference):
        if not value.known:
            return value
        value = value.value
    if isinstance(value, Lazy):
        return value.index(key)
    if isinstance(value, TfSet):
        raise EvalError("a set cannot be indexed")
    if isinstance(value, list):
        position = to_number(key)
        if not isinstance(position, int) or not 0 <= position < len(value):
            raise EvalError(f"index {key} is out of range for a list of {len(value)}")
        return value[position]
    if isinstance(value, dict):
        name = to_string(key)
        if name not in value:
            raise EvalError(f"the map has no key {name!r}")
        return value[name]
    raise EvalError(f"a {type_name(value)} cannot be indexed")


_HANDLERS: dict[type, Callable[[Evaluator, Any, Env], Any]] = {
    s.Literal: Evaluator.literal,
    s.Template: Evaluator.template,
    s.TemplateIf: lambda self, node, env: self.directive(node, env),
    s.TemplateFor: lambda self, node, env: self.directive(node, env),
    s.Variable: Evaluator.variable,
    s.GetAttr: Evaluator.get_attr,
    s.Index: Evaluator.index,
    s.Splat: Evaluator.splat,
    s.SplatItem: Evaluator.splat_item,
    s.Call: Evaluator.call,
    s.Unary: Evaluator.unary,
    s.Binary: Evaluator.binary,
    s.Conditional: Evaluator.conditional,
    s.TupleExpr: Evaluator.tuple_expr,
    s.ObjectExpr: Evaluator.object_expr,
    s.ForExpr: Evaluator.for_expr,
}
