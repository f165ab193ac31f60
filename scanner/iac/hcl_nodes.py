"""The syntax tree of HCL expressions (``hcl_syntax`` builds it, ``hcl_eval`` evaluates it), and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64
"""Deepest nesting of brackets, calls and templates an expression may have."""


class HclSyntaxError(Exception):
    """Expression text haguard cannot parse (python-hcl2 accepted the file, so this is rare)."""


class HclDepthError(HclSyntaxError):
    """An expression nested deeper than ``MAX_DEPTH``."""


@dataclass(frozen=True, slots=True)
class Node:
    """Base of the syntax tree."""


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class Template(Node):
    """Literal strings, interpolated expressions and directives; one bare interpolation keeps its type."""

    parts: tuple[str | Node, ...]


@dataclass(frozen=True, slots=True)
class TemplateIf(Node):
    condition: Node
    then: Template
    otherwise: Template


@dataclass(frozen=True, slots=True)
class TemplateFor(Node):
    key: str | None
    value: str
    collection: Node
    body: Template


@dataclass(frozen=True, slots=True)
class Variable(Node):
    name: str


@dataclass(frozen=True, slots=True)
class GetAttr(Node):
    target: Node
    name: str


@dataclass(frozen=True, slots=True)
class Index(Node):
    target: Node
    key: Node


@dataclass(frozen=True, slots=True)
class SplatItem(Node):
    """The element a splat's traversal applies to."""


@dataclass(frozen=True, slots=True)
class Splat(Node):
    source: Node
    each: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]
    expand: bool = False


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class TupleExpr(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ObjectExpr(Node):
    items: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class ForExpr(Node):
    """``[for k, v in coll : value if cond]`` or, with ``key``, ``{for ... : key => value... if cond}``."""

    key_var: str | None
    value_var: str
    collection: Node
    value: Node
    key: Node | None = None
    condition: Node | None = None
    group: bool = False
