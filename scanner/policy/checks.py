"""Semantic checks of a parsed policy against the vocabulary: types, attributes, relations, params."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..graph.derive import DERIVED_FACTS
from ..model.vocabulary import META_ATTRIBUTES, RELATION_KINDS, RESOURCE_TYPES, related_types
from .language import (
    PATH_PARAM,
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
    path_params,
)
from .patterns import PatternError, compile_pattern


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


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the closest candidate, or ``""``."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def operand_error(role: str, value: Any) -> str | None:
    """Why ``value`` cannot be the operand of ``role`` (an operator, ``count``, a range test), else ``None``.

    The same check applies to a policy's literal operand, a param's default and a config override.
    """
    if role in ("gt", "gte", "lt", "lte", "count"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{'a count comparison' if role == 'count' else role} needs a number, got {value!r}"
    elif role in ("in", "not_in"):
        if not isinstance(value, list):
            return f"{role} needs a list, got {value!r}"
    elif role == "in_networks":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"in_networks needs a list of CIDRs (strings), got {value!r}"
    elif role == "matches":
        if not isinstance(value, str):
            return f"matches needs a regular expression string, got {value!r}"
        try:
            compile_pattern(value)
        except PatternError as exc:
            return str(exc)
    elif role == "key":
        if not isinstance(value, str) or not value:
            return f"a path key ({{NAME}} in an attr) needs a non-empty string, got {value!r}"
    elif role in ("includes_any", "within") and (
            not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        return f"{role} needs a list of integers, got {value!r}"
    return None


def _attributes_of(type_name: str) -> set[str]:
    model = RESOURCE_TYPES[type_name]
    return set(model.model_fields) | set(model.derived) | set(DERIVED_FACTS.get(type_name, ())) | set(META_ATTRIBUTES)


def _list_item(scope: _Scope, name: str) -> _Scope | None:
    """The scope of the items of list attribute ``name``, or ``None`` if it is not a list anywhere."""
    models: list[type[BaseModel]] = []
    if scope.types:
        models = [RESOURCE_TYPES[t] for t in scope.types]
        if any(name in RESOURCE_TYPES[t].derived and name == "availability_zones" for t in scope.types):
            return _Scope(scalar_items=True)
        for type_name in scope.types:
            fact = DERIVED_FACTS.get(type_name, {}).get(name)
            if fact is not None and fact.item_model is not None:
                return _Scope(item_model=fact.item_model)
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


def _check_attr(scope: _Scope, attr: str, at: tuple[Any, ...], *, keys_allowed: bool = False) -> None:
    head = attr.split(".", 1)[0]
    if any(("{" in part or "}" in part) and not PATH_PARAM.match(part) for part in attr.split(".")):
        raise PolicyCheckError(at, f"a path key is written as a whole part {{NAME}} (got {attr!r})")
    if path_params(attr) and (not keys_allowed or path_params(head)):
        raise PolicyCheckError(at, "a {NAME} path key may only follow the attribute name in the attr of an "
                               f"attribute test (got {attr!r})")
    if scope.types:
        known = set().union(*(_attributes_of(t) for t in scope.types))
        if head not in known:
            raise PolicyCheckError(at, f"unknown attribute {head!r} for {scope.describe()}{did_you_mean(head, known)}")
    elif scope.item_model is not None:
        if head not in scope.item_model.model_fields:
            raise PolicyCheckError(at, f"unknown attribute {head!r} for items of type {scope.describe()}"
                                   f"{did_you_mean(head, scope.item_model.model_fields)}")
    elif attr != "@":
        raise PolicyCheckError(at, "scalar list items have no attributes: test the item itself with attr '@' "
                               "(or use count_distinct without attr)")


class _Checker:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.self_scope = _Scope(types=frozenset(policy.resource_types))
        self.param_roles: dict[str, set[str]] = {name: set() for name in policy.params}

    def operand(self, role: str, operand: Any, at: tuple[Any, ...], *, self_allowed: bool = True) -> None:
        """Check an operand: a declared param (recording its role), an attribute of the resource, or a literal."""
        if isinstance(operand, ParamRef):
            if operand.param not in self.policy.params:
                raise PolicyCheckError(at, f"undeclared param {operand.param!r} (declare it under params)"
                                       f"{did_you_mean(operand.param, self.policy.params)}")
            self.param_roles[operand.param].add(role)
            value = self.policy.params[operand.param]
        elif isinstance(operand, SelfRef):
            if not self_allowed:
                raise PolicyCheckError(at, f"{role} needs a literal or a param, not an attribute ({{self: ...}})")
            _check_attr(self.self_scope, operand.self_, at)
            return
        else:
            value = operand
        error = operand_error(role, value)
        if error:
            raise PolicyCheckError(at, error)

    def condition(self, cond: Condition, scope: _Scope, at: tuple[Any, ...]) -> None:
        if isinstance(cond, AttrTest):
            _check_attr(scope, cond.attr, (*at, "attr"), keys_allowed=True)
            for name in path_params(cond.attr):
                self.operand("key", ParamRef(param=name), (*at, "attr"))
            op = cond.operator
            self.operand(op, cond.operand, (*at, op), self_allowed=op != "matches")
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
            self.operand("count", getattr(cond, cond.comparator), (*at, cond.comparator), self_allowed=False)
        elif isinstance(cond, Range):
            for attr in cond.range:
                _check_attr(scope, attr, (*at, "range"))
            self.operand(cond.test, cond.values, (*at, cond.test), self_allowed=False)

    def selector(self, selector: Selector, scope: _Scope, at: tuple[Any, ...]) -> _Scope:
        if selector.related is not None:
            if not scope.types:
                raise PolicyCheckError((*at, "related"), "'related' applies to resources, not to list items")
            if selector.related not in RELATION_KINDS:
                raise PolicyCheckError((*at, "related"), f"unknown relation kind {selector.related!r}"
                                       f"{did_you_mean(selector.related, RELATION_KINDS)}")
            reachable = related_types(set(scope.types), selector.related, selector.direction)
            if selector.types:
                for type_name in selector.types:
                    if type_name not in RESOURCE_TYPES:
                        raise PolicyCheckError((*at, "type"), f"unknown resource type {type_name!r}"
                                               f"{did_you_mean(type_name, RESOURCE_TYPES)}")
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


def check_policy(policy: Policy) -> dict[str, frozenset[str]]:
    """Raise ``PolicyCheckError`` for a policy that does not fit the vocabulary; return each param's roles.

    A param's roles are the operators it is an operand of (``matches``, ``gte``, ``count``,
    ``includes_any``...): a config override must satisfy them too (``operand_error``).
    """
    for type_name in policy.resource_types:
        if type_name not in RESOURCE_TYPES:
            raise PolicyCheckError(("resource",), f"unknown resource type {type_name!r}"
                                   f"{did_you_mean(type_name, RESOURCE_TYPES)}")
    for name, value in policy.params.items():
        if not _json_like(value):
            raise PolicyCheckError(("params", name), f"param {name!r} must be a number, string, boolean or list")
    checker = _Checker(policy)
    if policy.where is not None:
        checker.condition(policy.where, checker.self_scope, ("where",))
    checker.condition(policy.assert_, checker.self_scope, ("assert",))
    return {name: frozenset(roles) for name, roles in checker.param_roles.items()}


def _json_like(value: Any) -> bool:
    if isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, list) and all(isinstance(v, (bool, int, float, str)) for v in value)
