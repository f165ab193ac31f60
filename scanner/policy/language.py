"""The policy language: pydantic models of a policy file and of its conditions.

A condition is one of a few general forms (see ``docs/policy-language.md``):

- attribute test ``{attr: PATH, <op>: VALUE}`` with one operator of ``TEST_OPERATORS``;
- logic ``{all: [...]}``, ``{any: [...]}``, ``{not: COND}``;
- quantifier over related resources or list items
  ``{related: KIND, direction: out|in, type: T, where: COND, each|some|none: COND}`` /
  ``{items: ATTR, where: COND, each|some|none: COND}``;
- ``{count: SELECTOR, <cmp>: N}`` and ``{count_distinct: SELECTOR (+ attr), <cmp>: N}``;
- ``{range: [FROM_ATTR, TO_ATTR], includes_any: VALUES}`` / ``within: VALUES`` (port ranges).

A value is a literal, ``{param: NAME}`` or ``{self: ATTR}`` (an attribute of the policy's resource).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from ..model import Severity

TEST_OPERATORS = ("equals", "not_equals", "in", "not_in", "gt", "gte", "lt", "lte", "matches", "contains", "exists",
                  "in_networks")
COMPARATORS = ("equals", "not_equals", "gt", "gte", "lt", "lte")
QUANTIFIERS = ("each", "some", "none")
POLICY_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PATH_PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")
"""A path segment ``{NAME}``: the key is the value of param ``NAME`` (``tags.{affinity_tag}``)."""


def path_params(attr: str) -> list[str]:
    """The params whose values are keys of an attribute path (``tags.{affinity_tag}`` -> ``[affinity_tag]``)."""
    if "{" not in attr:
        return []
    return [match.group(1) for part in attr.split(".") if (match := PATH_PARAM.match(part))]


class _Strict(BaseModel):
    """Unknown keys are errors; the schema is built on first validation (a cached pack never needs it)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class ParamRef(_Strict):
    """``{param: NAME}``: the value of a policy parameter (default or from the config file).

    ``times`` scales a numeric param into the unit of the attribute it is compared with
    (``{param: max_replica_lag_seconds, times: 1000}`` against a lag in milliseconds).
    """

    param: str
    times: int | float | None = None

    @field_validator("times", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"times needs a number, got {value!r}")
        return value


class SelfRef(_Strict):
    """``{self: ATTR}``: an attribute of the resource the policy is evaluating."""

    self_: str = Field(alias="self")


Value = ParamRef | SelfRef | bool | int | float | str | list[Any] | None


class AttrTest(_Strict):
    """``{attr: PATH, <operator>: VALUE}``: test one attribute (dotted path into nested mappings)."""

    attr: str
    equals: Value = None
    not_equals: Value = None
    in_: Value = Field(None, alias="in")
    not_in: Value = None
    gt: Value = None
    gte: Value = None
    lt: Value = None
    lte: Value = None
    matches: Value = None
    contains: Value = None
    exists: bool | None = None
    in_networks: Value = None
    """The value, a CIDR or address, lies inside one of the listed networks (compared as networks)."""

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, data: Any) -> Any:
        if isinstance(data, dict):
            ops = [k for k in data if k in TEST_OPERATORS]
            others = [k for k in data if k not in TEST_OPERATORS and k != "attr"]
            if not ops and others:
                raise ValueError(f"unknown operator {others[0]!r} (expected one of {', '.join(TEST_OPERATORS)})")
            if len(ops) != 1:
                raise ValueError(f"an attribute test needs exactly one operator of {', '.join(TEST_OPERATORS)}"
                                 f" (got {', '.join(ops) or 'none'})")
        return data

    @property
    def operator(self) -> str:
        """The operator name used."""
        return next(op for op in TEST_OPERATORS if (op if op != "in" else "in_") in self.model_fields_set)

    @property
    def operand(self) -> Any:
        """The operator's (unresolved) value."""
        return getattr(self, "in_" if self.operator == "in" else self.operator)


class AllOf(_Strict):
    """``{all: [...]}``: true when every condition is (Kleene AND)."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    """``{any: [...]}``: true when some condition is (Kleene OR)."""

    any: list[Condition] = Field(min_length=1)


class Not(_Strict):
    """``{not: COND}``: negation (unknown stays unknown)."""

    not_: Condition = Field(alias="not")


class Selector(_Strict):
    """A set of things: the resources joined by ``related`` edges, or the items of a list ``items``."""

    related: str | None = None
    direction: Literal["out", "in"] = "out"
    type: str | list[str] | None = None
    items: str | None = None
    where: Condition | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Selector:
        if (self.related is None) == (self.items is None):
            raise ValueError("a selector needs exactly one of 'related' or 'items'")
        if self.items is not None and (self.type is not None or "direction" in self.model_fields_set):
            raise ValueError("'type' and 'direction' apply to 'related' selectors only")
        return self

    @property
    def types(self) -> list[str]:
        """The ``type`` filter as a list (empty = any)."""
        if self.type is None:
            return []
        return [self.type] if isinstance(self.type, str) else list(self.type)


class DistinctSelector(Selector):
    """A selector plus the attribute whose distinct values are counted (omit it for scalar items)."""

    attr: str | None = None


class Quantified(Selector):
    """``{related|items: ..., each|some|none: COND}``: a condition over every / some / no member."""

    each: Condition | None = None
    some: Condition | None = None
    none: Condition | None = None

    @model_validator(mode="after")
    def _one_quantifier(self) -> Quantified:
        given = [q for q in QUANTIFIERS if getattr(self, q) is not None]
        if len(given) != 1:
            raise ValueError("a quantifier needs exactly one of each, some, none")
        return self

    @property
    def quantifier(self) -> str:
        """``each``, ``some`` or ``none``."""
        return next(q for q in QUANTIFIERS if getattr(self, q) is not None)

    @property
    def body(self) -> Condition:
        """The quantified condition."""
        return getattr(self, self.quantifier)


class _Comparison(_Strict):
    equals: Value = None
    not_equals: Value = None
    gt: Value = None
    gte: Value = None
    lt: Value = None
    lte: Value = None

    @model_validator(mode="after")
    def _one_comparator(self) -> _Comparison:
        given = [c for c in COMPARATORS if c in self.model_fields_set]
        if len(given) != 1:
            raise ValueError(f"a count needs exactly one comparator of {', '.join(COMPARATORS)}")
        return self

    @property
    def comparator(self) -> str:
        """The comparator used."""
        return next(c for c in COMPARATORS if c in self.model_fields_set)


class Count(_Comparison):
    """``{count: SELECTOR, <cmp>: N}``: compare the number of selected members."""

    count: Selector


class CountDistinct(_Comparison):
    """``{count_distinct: SELECTOR + attr, <cmp>: N}``: compare the number of distinct values."""

    count_distinct: DistinctSelector


class Range(_Strict):
    """``{range: [FROM, TO], includes_any: VALUES}``: the numeric range covers one of the values;
    ``{range: [FROM, TO], within: VALUES}``: every number of the range is one of the values."""

    range: tuple[str, str]
    includes_any: Value = None
    within: Value = None

    @model_validator(mode="after")
    def _one_test(self) -> Range:
        given = [name for name in ("includes_any", "within") if name in self.model_fields_set]
        if len(given) != 1:
            raise ValueError("a range needs exactly one of includes_any, within")
        return self

    @property
    def test(self) -> str:
        """``includes_any`` or ``within``."""
        return "within" if "within" in self.model_fields_set else "includes_any"

    @property
    def values(self) -> Value:
        """The (unresolved) list of values the range is tested against."""
        return self.within if self.test == "within" else self.includes_any


def _condition_tag(data: Any) -> str | None:
    if isinstance(data, BaseModel):
        return _TAGS_BY_CLASS.get(type(data))
    if not isinstance(data, dict):
        return None
    for key, tag in (("all", "all"), ("any", "any"), ("not", "not"), ("count", "count"),
                     ("count_distinct", "count_distinct"), ("range", "range"), ("attr", "attr")):
        if key in data:
            return tag
    if "related" in data or "items" in data:
        return "quantified"
    return None


Condition = Annotated[
    Annotated[AttrTest, Tag("attr")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Quantified, Tag("quantified")]
    | Annotated[Count, Tag("count")]
    | Annotated[CountDistinct, Tag("count_distinct")]
    | Annotated[Range, Tag("range")],
    Discriminator(
        _condition_tag,
        custom_error_type="unknown_condition",
        custom_error_message="not a condition: expected one of attr, all, any, not, related, items, count, "
        "count_distinct, range",
    ),
]

_TAGS_BY_CLASS: dict[type, str] = {AttrTest: "attr", AllOf: "all", AnyOf: "any", Not: "not", Quantified: "quantified",
                                   Count: "count", CountDistinct: "count_distinct", Range: "range"}


class Policy(_Strict):
    """One policy file: metadata, the resources it applies to, and its conditions."""

    id: str
    title: str
    description: str | None = None
    severity: Severity
    theme: str | None = Field(None, description="Defaults to the name of the policy's directory.")
    resource: str | list[str]
    params: dict[str, Any] = Field(default_factory=dict)
    where: Condition | None = None
    assert_: Condition = Field(alias="assert")
    remediation: str
    references: dict[str, str] = Field(default_factory=dict)
    live_only: bool = Field(False, description="Runtime facts (metrics): not evaluated on IaC sources.")

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not POLICY_ID.match(value):
            raise ValueError("policy id must be lower-case words joined by '-' (e.g. rds-instance-multi-az)")
        return value

    @property
    def resource_types(self) -> list[str]:
        """The resource types the policy evaluates."""
        return [self.resource] if isinstance(self.resource, str) else list(self.resource)


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file (``haguard policy schema``)."""
    schema = Policy.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://haguard.dev/schemas/policy-1.json"
    schema["title"] = "haguard policy"
    return schema
