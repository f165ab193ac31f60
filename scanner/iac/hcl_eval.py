"""Evaluate HCL syntax trees (``hcl_syntax``) to value trees (``hcl_values``), as Terraform would before apply.

An expression Terraform would reject raises ``EvalError``, which the caller turns into an unknown
attribute (``try``/``can`` use it as Terraform does); a value too large to evaluate raises
``LimitError``, an ``InputError`` naming the limit. Unknown operands give unknown results, except
where the known part decides (``false && x``, a conditional whose branches are equal).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..model.values import Reference, Unknown
from . import hcl_syntax as s
from .hcl_values import (
    Env,
    EvalError,
    Lazy,
    Many,
    TfSet,
    equal,
    first_unknown,
    get_attr,
    get_index,
    items_of,
    plain,
    to_bool,
    to_number,
    to_string,
    type_name,
)
from .hcl_values import number as whole

_SPLAT = "\0splat"


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
        targets: list[str] = []
        pending: Reference | None = None  # the first interpolated reference whose value is unknown
        for part in node.parts:
            if isinstance(part, str):
                text = part
            else:
                raw = self.directive(part, env) if isinstance(part, s.TemplateIf | s.TemplateFor) else (
                    self.evaluate(part, env))
                if isinstance(raw, Reference):
                    targets.extend(t for t in raw.targets if t not in targets)
                    if not raw.known:
                        pending = pending or raw
                        continue
                value = plain(raw)
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
        return _interpolated("".join(out), targets, pending)

    def directive(self, node: s.TemplateIf | s.TemplateFor, env: Env) -> Any:
        """The text of ``%{if}``/``%{for}``: a string, ``Unknown``, or a ``Reference`` when it interpolates some."""
        if isinstance(node, s.TemplateIf):
            condition = plain(self.evaluate(node.condition, env))
            if isinstance(condition, Unknown):
                return condition
            chosen = node.then if to_bool(condition) else node.otherwise
            return self._text(self.template(chosen, env))
        collection = plain(self.evaluate(node.collection, env))
        if isinstance(collection, Unknown):
            return collection
        out: list[str] = []
        targets: list[str] = []
        pending: Reference | None = None
        for key, value in items_of(collection):
            names = {node.value: value} | ({node.key: key} if node.key else {})
            text = self._text(self.template(node.body, env.bind(**names)))
            if isinstance(text, Unknown):
                return text
            if isinstance(text, Reference):
                targets.extend(t for t in text.targets if t not in targets)
                if not text.known:
                    pending = pending or text
                    continue
                text = text.value
            out.append(text)
            env.limits.string(sum(len(t) for t in out))
        return _interpolated("".join(out), targets, pending)

    @staticmethod
    def _text(value: Any) -> Any:
        """A template's value as text: a string, ``Unknown``, or a ``Reference`` whose value is the text."""
        if isinstance(value, Reference):
            return Reference(value.targets, to_string(value.value), True, identity=False) if value.known else value
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
            return whole(a + b)
        if node.op == "-":
            return whole(a - b)
        if node.op == "*":
            return whole(a * b)
        if node.op in ("/", "%"):
            if b == 0:
                raise EvalError("division by zero")
            return whole(a / b) if node.op == "/" else whole(math.fmod(a, b))
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


def _interpolated(text: str, targets: list[str], pending: Reference | None) -> Any:
    """A string template's value: the text, or a reference to what it interpolates (a relation), whose
    value is the text when every interpolated reference's value is known."""
    if not targets:
        return text
    if pending is not None:
        return Reference(tuple(targets), identity=False,
                         note=f"a string interpolating a value not known before apply ({pending.describe()})")
    return Reference(tuple(targets), text, True, identity=False)


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
