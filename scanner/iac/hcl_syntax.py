"""HCL native-syntax expressions -> a small syntax tree (what python-hcl2 leaves as expression text).

python-hcl2 parses the file structure (blocks, attributes) and gives each expression back as text
(``${var.a[0]}``, ``"name-${local.x}"``, heredocs as ``"<<EOT ... EOT"``); ``parse_expression``
turns that text into nodes ``hcl_eval`` evaluates. The grammar follows the HCL native syntax
specification: operators with their precedence, conditionals, ``for`` expressions, splats, legacy
``.0`` indexes, function calls with ``...`` expansion, templates with ``${}`` interpolations and
``%{if}``/``%{for}`` directives. Nesting deeper than ``MAX_DEPTH`` is an ``HclSyntaxError``, so no
input can exhaust Python's recursion limit.
"""

from __future__ import annotations

from typing import Any

from .hcl_lexer import IDENT, Lexer, Token
from .hcl_nodes import (
    MAX_DEPTH,
    Binary,
    Call,
    Conditional,
    ForExpr,
    GetAttr,
    HclDepthError,
    HclSyntaxError,
    Index,
    Literal,
    Node,
    ObjectExpr,
    Splat,
    SplatItem,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
    Unary,
    Variable,
)

_BINARY = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))
_LEVEL = {op: level for level, ops in enumerate(_BINARY) for op in ops}

class _Parser:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.tokens = Lexer(text, depth).run()
        self.index = 0

    # -- token helpers ----------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def at(self, value: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind == "punct" and token.value == value

    def expect(self, value: str) -> None:
        token = self.next()
        if token.kind != "punct" or token.value != value:
            found = "the end" if token.kind == "end" else repr(token.value)
            raise HclSyntaxError(f"expected {value!r}, found {found}")

    def ident(self) -> str:
        token = self.next()
        if token.kind != "ident":
            raise HclSyntaxError(f"expected a name, found {token.value!r}")
        return str(token.value)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise HclDepthError(f"an expression nested deeper than {MAX_DEPTH} levels (haguard's limit)")

    # -- grammar ----------------------------------------------------------------------------------

    def parse(self) -> Node:
        node = self.expression()
        if self.peek().kind != "end":
            raise HclSyntaxError(f"unexpected {self.peek().value!r}")
        return node

    def expression(self) -> Node:
        self.enter()
        try:
            condition = self.binary(0)
            if not self.at("?"):
                return condition
            self.next()
            then = self.expression()
            self.expect(":")
            return Conditional(condition, then, self.expression())
        finally:
            self.depth -= 1

    def binary(self, min_level: int) -> Node:
        """Precedence climbing: one frame per operand, whatever the number of levels."""
        left = self.unary()
        while True:
            token = self.peek()
            level = _LEVEL.get(token.value) if token.kind == "punct" else None
            if level is None or level < min_level:
                return left
            self.next()
            left = Binary(token.value, left, self.binary(level + 1))

    def unary(self) -> Node:
        if self.at("-") or self.at("!"):
            op = self.next().value
            self.enter()
            try:
                return Unary(op, self.unary())
            finally:
                self.depth -= 1
        return self.postfix(self.primary())

    def postfix(self, node: Node, *, in_splat: str | None = None) -> Node:
        while True:
            if self.at("."):
                token = self.peek(1)
                if token.kind == "ident":
                    self.index += 2
                    node = GetAttr(node, token.value)
                elif token.kind == "num" and isinstance(token.value, int):
                    self.index += 2
                    node = Index(node, Literal(token.value))
                elif token.kind == "punct" and token.value == "*" and in_splat is None:
                    self.index += 2
                    node = Splat(node, self.splat_body("attr"))
                else:
                    return node
            elif self.at("[") and in_splat != "attr":
                if self.at("*", 1) and self.at("]", 2):
                    self.index += 3
                    node = Splat(node, self.splat_body("full"))
                else:
                    self.next()
                    key = self.expression()
                    self.expect("]")
                    node = Index(node, key)
            else:
                return node

    def splat_body(self, kind: str) -> Node:
        self.enter()
        try:
            return self.postfix(SplatItem(), in_splat=kind)
        finally:
            self.depth -= 1

    def primary(self) -> Node:
        token = self.next()
        if token.kind == "num":
            return Literal(token.value)
        if token.kind == "str":
            return token.value
        if token.kind == "ident":
            name = token.value
            if name in ("true", "false"):
                return Literal(name == "true")
            if name == "null":
                return Literal(None)
            while self.at("::") and self.peek(1).kind == "ident":
                self.index += 2
                name += "::" + self.tokens[self.index - 1].value
            if self.at("("):
                return self.call(name)
            return Variable(name)
        if token.kind == "punct":
            if token.value == "(":
                node = self.expression()
                self.expect(")")
                return node
            if token.value == "[":
                return self.tuple_or_for()
            if token.value == "{":
                return self.object_or_for()
        found = "the end" if token.kind == "end" else repr(token.value)
        raise HclSyntaxError(f"unexpected {found}")

    def call(self, name: str) -> Node:
        self.expect("(")
        self.enter()
        try:
            args: list[Node] = []
            expand = False
            while not self.at(")"):
                args.append(self.expression())
                if self.at("..."):
                    self.next()
                    expand = True
                    break
                if not self.at(","):
                    break
                self.next()
            self.expect(")")
            return Call(name, tuple(args), expand)
        finally:
            self.depth -= 1

    def _is_for(self) -> bool:
        token, after = self.peek(), self.peek(1)
        return token.kind == "ident" and token.value == "for" and after.kind == "ident"

    def tuple_or_for(self) -> Node:
        self.enter()
        try:
            if self._is_for():
                return self.for_expr("]")
            items: list[Node] = []
            while not self.at("]"):
                items.append(self.expression())
                if not self.at(","):
                    break
                self.next()
            self.expect("]")
            return TupleExpr(tuple(items))
        finally:
            self.depth -= 1

    def object_or_for(self) -> Node:
        self.enter()
        try:
            if self._is_for():
                return self.for_expr("}")
            items: list[tuple[Node, Node]] = []
            while not self.at("}"):
                if self.peek().kind == "ident" and (self.at("=", 1) or self.at(":", 1)):
                    key: Node = Literal(self.next().value)
                else:
                    key = self.expression()
                if not (self.at("=") or self.at(":")):
                    raise HclSyntaxError("expected '=' after an object key")
                self.next()
                items.append((key, self.expression()))
                if self.at(","):
                    self.next()
            self.expect("}")
            return ObjectExpr(tuple(items))
        finally:
            self.depth -= 1

    def for_expr(self, closing: str) -> Node:
        self.next()  # for
        first = self.ident()
        second = None
        if self.at(","):
            self.next()
            second = self.ident()
        if self.ident() != "in":
            raise HclSyntaxError("expected 'in' in a for expression")
        collection = self.expression()
        self.expect(":")
        key_var, value_var = (first, second) if second else (None, first)
        key = None
        if closing == "}":
            key = self.expression()
            self.expect("=>")
        value = self.expression()
        group = False
        if closing == "}" and self.at("..."):
            self.next()
            group = True
        condition = None
        if self.peek().kind == "ident" and self.peek().value == "if":
            self.next()
            condition = self.expression()
        self.expect(closing)
        return ForExpr(key_var, value_var, collection, value, key, condition, group)


def parse_expression(text: str, depth: int = 0) -> Node:
    """The syntax tree of one HCL expression; ``HclSyntaxError`` when it is not one."""
    if depth > MAX_DEPTH:
        raise HclDepthError(f"an expression nested deeper than {MAX_DEPTH} levels (haguard's limit)")
    return _Parser(text, depth).parse()


_NODES: dict[str, Node] = {}


def node_of(raw: Any, depth: int = 0) -> Node:
    """The syntax tree of a value as python-hcl2 gives it: ``${expr}``, a quoted template, a heredoc,
    a bare name, a list or object of those, or a literal."""
    if depth > MAX_DEPTH:
        raise HclDepthError(f"an expression nested deeper than {MAX_DEPTH} levels (haguard's limit)")
    if isinstance(raw, str):
        node = _NODES.get(raw)
        if node is None:
            text = raw[2:-1] if raw.startswith("${") and raw.endswith("}") else raw
            node = _NODES[raw] = parse_expression(text)
        return node
    if isinstance(raw, list):
        return TupleExpr(tuple(node_of(item, depth + 1) for item in raw))
    if isinstance(raw, dict):
        return ObjectExpr(tuple((_key_node(key), node_of(value, depth + 1)) for key, value in raw.items()
                                if not key.startswith("__")))
    return Literal(raw)


def _key_node(key: str) -> Node:
    if IDENT.fullmatch(key):
        return Literal(key)
    return node_of(key)


__all__ = ["MAX_DEPTH", "Binary", "Call", "Conditional", "ForExpr", "GetAttr", "HclDepthError", "HclSyntaxError",
           "Index", "Literal", "Node", "ObjectExpr", "Splat", "SplatItem", "Template", "TemplateFor", "TemplateIf",
           "TupleExpr", "Unary", "Variable", "node_of", "parse_expression"]
