"""Semantic checks of a parsed policy against the vocabulary: types, attributes, relations, params."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..model.vocabulary import META_ATTRIBUTES, RELATION_KINDS, RESOURCE_TYPES, related_types
from .language import (
    AllOf,
    AnyOf,
    AttrTest,
    Condition,
    Count,
    CountDistinct,
    Not,
    ParamRef,
    Policy,
    Quantified,
    Range,
    Selector,
    SelfRef,
)


class PolicyCheckError(ValueError):
    """A semantic mistake, with the path of the offending node in the policy document."""

    def __init__(self, path: tuple[Any, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class _Scope:
    """What an attribute name refers to: resources of some types, or items of a list attribute."""

    types: frozenset[str] = frozenset()
    item_model: type[BaseModel] | None = None
    scalar_items: bool = False

    def describe(self) -> str:
        if self.types:
            return ", ".join(sorted(self.types))
        return self.item_model.__name__ if self.item_model else "scalar items"


def _attributes_of(type_name: str) -> set[str]:
    model = RESOURCE_TYPES[type_name]
    return set(model.model_fields) | set(model.derived) | set(META_ATTRIBUTES)


def _list_item(scope: _Scope, name: str) -> _Scope | None:
    """The scope of the items of list attribute ``name``, or ``None`` if it is not a list anywhere."""
    models: list[type[BaseModel]] = []
    if scope.types:
        models = [RESOURCE_TYPES[t] for t in scope.types]
        if any(name in RESOURCE_TYPES[t].derived and name == "availability_zones" for t in scope.types):
            return _Scope(scalar_items=True)
    elif scope.item_model is not None:
        models = [scope.item_model]
    for model in models:
        derived_item = getattr(model, "derived_items", {}).get(name)
        if derived_item is not None:
            return _Scope(item_model=derived_item)
        field = model.model_fields.get(name)
        if field is None:
            continue
        annotation = field.annotation
        if typing.get_origin(annotation) is list:
            (arg,) = typing.get_args(annotation)
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return _Scope(item_model=arg)
            return _Scope(scalar_items=True)
    return None


def _check_attr(scope: _Scope, attr: str, at: tuple[Any, ...]) -> None:
    head = attr.split(".", 1)[0]
    if scope.types:
        if not any(head in _attributes_of(t) for t in scope.types):
            raise PolicyCheckError(at, f"unknown attribute {head!r} for {scope.describe()}")
    elif scope.item_model is not None:
        if head not in scope.item_model.model_fields:
            raise PolicyCheckError(at, f"unknown attribute {head!r} for items of type {scope.describe()}")
    elif attr != "@":
        raise PolicyCheckError(at, "scalar list items have no attributes: test the item itself with attr '@' "
                               "(or use count_distinct without attr)")


class _Checker:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.self_scope = _Scope(types=frozenset(policy.resource_types))

    def value(self, operand: Any, at: tuple[Any, ...]) -> None:
        if isinstance(operand, ParamRef) and operand.param not in self.policy.params:
            raise PolicyCheckError(at, f"undeclared param {operand.param!r} (declare it under params)")
        if isinstance(operand, SelfRef):
            _check_attr(self.self_scope, operand.self_, at)

    def operand_value(self, operand: Any) -> Any:
        if isinstance(operand, ParamRef):
            return self.policy.params.get(operand.param)
        return operand

    def condition(self, cond: Condition, scope: _Scope, at: tuple[Any, ...]) -> None:
        if isinstance(cond, AttrTest):
            _check_attr(scope, cond.attr, (*at, "attr"))
            op = cond.operator
            key = (*at, op)
            self.value(cond.operand, key)
            value = self.operand_value(cond.operand)
            if isinstance(value, SelfRef):
                return
            if op in ("gt", "gte", "lt", "lte") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise PolicyCheckError(key, f"{op} needs a number, got {value!r}")
            if op in ("in", "not_in") and not isinstance(value, list):
                raise PolicyCheckError(key, f"{op} needs a list, got {value!r}")
            if op == "matches":
                if not isinstance(value, str):
                    raise PolicyCheckError(key, f"matches needs a regular expression string, got {value!r}")
                try:
                    re.compile(value)
                except re.error as exc:
                    raise PolicyCheckError(key, f"invalid regular expression: {exc}") from None
        elif isinstance(cond, AllOf):
            for i, part in enumerate(cond.all):
                self.condition(part, scope, (*at, "all", i))
        elif isinstance(cond, AnyOf):
            for i, part in enumerate(cond.any):
                self.condition(part, scope, (*at, "any", i))
        elif isinstance(cond, Not):
            self.condition(cond.not_, scope, (*at, "not"))
        elif isinstance(cond, Quantified):
            member = self.selector(cond, scope, at)
            self.condition(cond.body, member, (*at, cond.quantifier))
        elif isinstance(cond, (Count, CountDistinct)):
            name = "count" if isinstance(cond, Count) else "count_distinct"
            selector = cond.count if isinstance(cond, Count) else cond.count_distinct
            member = self.selector(selector, scope, (*at, name))
            if isinstance(cond, CountDistinct) and cond.count_distinct.attr is not None:
                _check_attr(member, cond.count_distinct.attr, (*at, name, "attr"))
            key = (*at, cond.comparator)
            operand = getattr(cond, cond.comparator)
            self.value(operand, key)
            value = self.operand_value(operand)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise PolicyCheckError(key, f"{cond.comparator} of a count needs a number, got {value!r}")
        elif isinstance(cond, Range):
            for attr in cond.range:
                _check_attr(scope, attr, (*at, "range"))
            self.value(cond.values, (*at, cond.test))
            values = self.operand_value(cond.values)
            if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                raise PolicyCheckError((*at, cond.test), f"{cond.test} needs a list of integers, got {values!r}")

    def selector(self, selector: Selector, scope: _Scope, at: tuple[Any, ...]) -> _Scope:
        if selector.related is not None:
            if not scope.types:
                raise PolicyCheckError((*at, "related"), "'related' applies to resources, not to list items")
            if selector.related not in RELATION_KINDS:
                raise PolicyCheckError((*at, "related"), f"unknown relation kind {selector.related!r}")
            reachable = related_types(set(scope.types), selector.related, selector.direction)
            if selector.types:
                for type_name in selector.types:
                    if type_name not in RESOURCE_TYPES:
                        raise PolicyCheckError((*at, "type"), f"unknown resource type {type_name!r}")
                reachable = set(selector.types) & reachable
            if not reachable:
                raise PolicyCheckError((*at, "related"), f"no {selector.related!r} relation ({selector.direction}) "
                                       f"joins {scope.describe()}" + (f" to {', '.join(selector.types)}"
                                                                       if selector.types else ""))
            member = _Scope(types=frozenset(reachable))
        else:
            assert selector.items is not None
            found = _list_item(scope, selector.items)
            if found is None:
                raise PolicyCheckError((*at, "items"), f"{selector.items!r} is not a list attribute of "
                                       f"{scope.describe()}")
            member = found
        if selector.where is not None:
            self.condition(selector.where, member, (*at, "where"))
        return member


def check_policy(policy: Policy) -> None:
    """Raise ``PolicyCheckError`` for a policy that does not fit the vocabulary."""
    for type_name in policy.resource_types:
        if type_name not in RESOURCE_TYPES:
            raise PolicyCheckError(("resource",), f"unknown resource type {type_name!r}")
    for name, value in policy.params.items():
        if not _json_like(value):
            raise PolicyCheckError(("params", name), f"param {name!r} must be a number, string, boolean or list")
    checker = _Checker(policy)
    if policy.where is not None:
        checker.condition(policy.where, checker.self_scope, ("where",))
    checker.condition(policy.assert_, checker.self_scope, ("assert",))


def _json_like(value: Any) -> bool:
    if isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, list) and all(isinstance(v, (bool, int, float, str)) for v in value)
