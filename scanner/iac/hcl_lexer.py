"""Tokens of HCL expression text, and templates (quoted strings and heredocs with ``${}`` and ``%{}``).

Template interpolations and directives are parsed into nodes as they are read; a heredoc's body is
a template too (``<<-`` removes the common indentation). Nesting deeper than ``MAX_DEPTH`` is an
``HclDepthError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .hcl_nodes import MAX_DEPTH, HclDepthError, HclSyntaxError, Node, Template, TemplateFor, TemplateIf

_PUNCT = ("...", "=>", "==", "!=", "<=", ">=", "&&", "||", "::", "<", ">", "+", "-", "*", "/", "%", "!", "?",
          ":", "=", ",", ".", "(", ")", "[", "]", "{", "}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_DIGITS = re.compile(r"\d+")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, ident, str, punct, end
    value: Any
    position: int


class Lexer:
    """Splits expression text into tokens; strings and heredocs become ``Template`` tokens."""

    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.tokens: list[Token] = []
        self.pos = 0

    def run(self) -> list[Token]:
        text = self.text
        while True:
            self._skip_space()
            if self.pos >= len(text):
                self.tokens.append(Token("end", None, self.pos))
                return self.tokens
            start = self.pos
            char = text[start]
            if char == '"':
                heredoc = _HEREDOC.match(text, start + 1)
                if heredoc:
                    self.tokens.append(Token("str", self._heredoc(start + 1, heredoc, quoted=True), start))
                else:
                    self.tokens.append(Token("str", self._quoted(start + 1), start))
            elif text.startswith("<<", start) and _HEREDOC.match(text, start):
                self.tokens.append(Token("str", self._heredoc(start, _HEREDOC.match(text, start), quoted=False),
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
                self.tokens.append(Token("num", number, start))
            elif IDENT.match(text, start):
                match = IDENT.match(text, start)
                assert match is not None
                self.pos = match.end()
                self.tokens.append(Token("ident", match.group(0), start))
            else:
                punct = next((p for p in _PUNCT if text.startswith(p, start)), None)
                if punct is None:
                    raise HclSyntaxError(f"unexpected character {char!r}")
                self.pos += len(punct)
                self.tokens.append(Token("punct", punct, start))

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
            stack[-1][2].append(_parse(inner, depth + 1))
            continue
        words = inner.strip()
        if words.startswith("if "):
            stack.append(("if", _parse(words[3:], depth + 1), []))
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
            stack.append(("for", (names, _parse(match.group(3), depth + 1)), []))
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




def _parse(text: str, depth: int) -> Node:
    from .hcl_syntax import parse_expression  # templates hold expressions, expressions hold templates

    return parse_expression(text, depth)
