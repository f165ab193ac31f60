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

import re
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


_BINARY = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))
_LEVEL = {op: level for level, ops in enumerate(_BINARY) for op in ops}
_PUNCT = ("...", "=>", "==", "!=", "<=", ">=", "&&", "||", "::", "<", ">", "+", "-", "*", "/", "%", "!", "?",
          ":", "=", ",", ".", "(", ")", "[", "]", "{", "}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_DIGITS = re.compile(r"\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # num, ident, str, punct, end
    value: Any
    position: int


class _Lexer:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.tokens: list[_Token] = []
        self.pos = 0

    def run(self) -> list[_Token]:
        text = self.text
        while True:
            self._skip_space()
            if self.pos >= len(text):
                self.tokens.append(_Token("end", None, self.pos))
                return self.tokens
            start = self.pos
            char = text[start]
            if char == '"':
                heredoc = _HEREDOC.match(text, start + 1)
                if heredoc:
                    self.tokens.append(_Token("str", self._heredoc(start + 1, heredoc, quoted=True), start))
                else:
                    self.tokens.append(_Token("str", self._quoted(start + 1), start))
            elif text.startswith("<<", start) and _HEREDOC.match(text, start):
                self.tokens.append(_Token("str", self._heredoc(start, _HEREDOC.match(text, start), quoted=False),
                                          start))
            elif char.isdigit():
                after_dot = bool(self.tokens) and self.tokens[-1].kind == "punct" and self.tokens[-1].value == "."
                match = (_DIGITS if after_dot else _NUMBER).match(text, start)
                assert match is not None
                literal = match.group(0)
                self.pos = match.end()
                number: int | float = float(literal) if any(c in literal for c in ".eE") else int(literal)
                if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
                    number = int(number)
                self.tokens.append(_Token("num", number, start))
            elif _IDENT.match(text, start):
                match = _IDENT.match(text, start)
                assert match is not None
                self.pos = match.end()
                self.tokens.append(_Token("ident", match.group(0), start))
            else:
                punct = next((p for p in _PUNCT if text.startswith(p, start)), None)
                if punct is None:
                    raise HclSyntaxError(f"unexpected character {char!r}")
                self.pos += len(punct)
                self.tokens.append(_Token("punct", punct, start))

    def _skip_space(self) -> None:
        text = self.text
        while self.pos < len(text):
            if text[self.pos].isspace():
                self.pos += 1
            elif text.startswith(("#", "//"), self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.pos = len(text) if end < 0 else end + 2
            else:
                return

    def _quoted(self, start: int) -> Template:
        """A quoted template from ``start`` (after the opening quote) to its closing quote."""
        end, parts = _template_parts(self.text, start, self.depth, quoted=True)
        self.pos = end
        return parts

    def _heredoc(self, start: int, match: re.Match[str], *, quoted: bool) -> Template:
        indent, marker = match.group(1) == "-", match.group(2)
        end = '"' if quoted else r"[ \t]*$"
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}{end}", re.M)
        found = closing.search(self.text, match.end())
        if found is None:
            raise HclSyntaxError(f"heredoc <<{marker} is not closed")
        body = self.text[match.end():found.start()]
        self.pos = found.end()
        if indent:
            lines = body.split("\n")
            widths = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
            cut = min(widths, default=0)
            body = "\n".join(line[cut:] for line in lines)
        _, parts = _template_parts(body, 0, self.depth, quoted=False)
        return parts


def _template_parts(text: str, start: int, depth: int, *, quoted: bool) -> tuple[int, Template]:
    """Read a template from ``start``: (position after it, the template). Quoted ones end at ``"``."""
    if depth > MAX_DEPTH:
        raise HclDepthError(f"an expression nested deeper than {MAX_DEPTH} levels (haguard's limit)")
    items: list[Any] = []
    literal: list[str] = []
    pos = start
    while pos < len(text):
        char = text[pos]
        if quoted and char == '"':
            pos += 1
            break
        if quoted and char == "\\":
            pos, decoded = _escape(text, pos)
            literal.append(decoded)
        elif text.startswith(("$${", "%%{"), pos):
            literal.append(text[pos + 1:pos + 3])
            pos += 3
        elif text.startswith(("${", "%{"), pos):
            end = _closing_brace(text, pos + 2)
            inner = text[pos + 2:end]
            strip_before = inner.startswith("~")
            strip_after = inner.endswith("~")
            inner = inner[1 if strip_before else 0:len(inner) - 1 if strip_after else len(inner)]
            if literal:
                items.append("".join(literal))
                literal = []
            if strip_before and items and isinstance(items[-1], str):
                items[-1] = items[-1].rstrip()
            kind = "interp" if char == "$" else "directive"
            items.append((kind, inner, strip_after))
            pos = end + 1
        else:
            literal.append(char)
            pos += 1
    else:
        if quoted:
            raise HclSyntaxError("unterminated string")
    if literal:
        items.append("".join(literal))
    return pos, _build_template(items, depth)


def _escape(text: str, pos: int) -> tuple[int, str]:
    code = text[pos + 1:pos + 2]
    if code in _ESCAPES:
        return pos + 2, _ESCAPES[code]
    if code in ("u", "U"):
        width = 4 if code == "u" else 8
        digits = text[pos + 2:pos + 2 + width]
        if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits) and int(digits, 16) < 0x110000:
            return pos + 2 + width, chr(int(digits, 16))
    raise HclSyntaxError(f"invalid escape \\{code}")


def _closing_brace(text: str, pos: int) -> int:
    """Index of the ``}`` closing an interpolation opened before ``pos`` (nested strings skipped)."""
    depth = 1
    while pos < len(text):
        char = text[pos]
        if char == '"':
            pos = _skip_string(text, pos + 1)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    raise HclSyntaxError("unclosed ${ or %{")


def _skip_string(text: str, pos: int) -> int:
    while pos < len(text):
        char = text[pos]
        if char == "\\":
            pos += 2
        elif char == '"':
            return pos + 1
        elif text.startswith("${", pos) or text.startswith("%{", pos):
            pos = _closing_brace(text, pos + 2) + 1
        else:
            pos += 1
    raise HclSyntaxError("unterminated string")


def _build_template(items: list[Any], depth: int) -> Template:
    """Nest ``%{if}``/``%{for}`` directives into ``TemplateIf``/``TemplateFor`` parts."""
    stack: list[tuple[str, Any, list[Any]]] = [("root", None, [])]
    strip_next = False
    for item in items:
        if isinstance(item, str):
            stack[-1][2].append(item.lstrip() if strip_next else item)
            strip_next = False
            continue
        kind, inner, strip_next = item
        if kind == "interp":
            stack[-1][2].append(parse_expression(inner, depth + 1))
            continue
        words = inner.strip()
        if words.startswith("if "):
            stack.append(("if", parse_expression(words[3:], depth + 1), []))
        elif words == "else":
            if stack[-1][0] != "if":
                raise HclSyntaxError("%{else} without %{if}")
            kind_, condition, then = stack.pop()
            stack.append(("else", (condition, then), []))
        elif words == "endif":
            if stack[-1][0] not in ("if", "else"):
                raise HclSyntaxError("%{endif} without %{if}")
            kind_, header, body = stack.pop()
            if kind_ == "if":
                node = TemplateIf(header, Template(tuple(body)), Template(()))
            else:
                node = TemplateIf(header[0], Template(tuple(header[1])), Template(tuple(body)))
            stack[-1][2].append(node)
        elif words.startswith("for "):
            match = re.fullmatch(r"for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)", words, re.S)
            if not match:
                raise HclSyntaxError(f"bad template directive %{{{words}}}")
            names = (match.group(1), match.group(2))
            stack.append(("for", (names, parse_expression(match.group(3), depth + 1)), []))
        elif words == "endfor":
            if stack[-1][0] != "for":
                raise HclSyntaxError("%{endfor} without %{for}")
            _, ((first, second), collection), body = stack.pop()
            key, value = (first, second) if second else (None, first)
            stack[-1][2].append(TemplateFor(key, value, collection, Template(tuple(body))))
        else:
            raise HclSyntaxError(f"unknown template directive %{{{words}}}")
    if len(stack) != 1:
        raise HclSyntaxError(f"template %{{{stack[-1][0]}}} is not closed")
    return Template(tuple(stack[0][2]))


class _Parser:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.tokens = _Lexer(text, depth).run()
        self.index = 0

    # -- token helpers ----------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def next(self) -> _Token:
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


def parse_template(text: str) -> Template:
    """A template given without quotes (a heredoc's body, a tfvars string)."""
    return _template_parts(text, 0, 0, quoted=False)[1]


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
    if _IDENT.fullmatch(key):
        return Literal(key)
    return node_of(key)
