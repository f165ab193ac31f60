"""YAML reading that remembers the line of every node, so errors can name ``FILE:LINE``.

Bounded: the file is a regular file within ``HAGUARD_MAX_INPUT_BYTES``; nesting beyond
``HAGUARD_MAX_NESTING`` and documents expanding (through aliases) past ``HAGUARD_MAX_YAML_ALIAS_NODES``
are refused (``scanner.safe_yaml``), as are values YAML cannot construct (a date such as ``2020-13-45``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, read_text
from ..limits import MAX_NESTING
from ..safe_yaml import compose

LinePath = tuple[Any, ...]


def read_yaml_with_lines(path: Path, text: str | None = None) -> tuple[Any, dict[LinePath, int]]:
    """Parse one YAML document (``text``, else the file's); return the data and a map *path tuple -> 1-based line*."""
    if text is None:
        text = read_text(path)
    node = compose(text, str(path))  # bounded: nesting depth and alias expansion
    lines: dict[LinePath, int] = {}
    if node is None:
        return None, lines
    converter = _Converter(path, lines)
    return converter.convert(node, ()), lines


class _Converter:
    """Composed YAML nodes -> Python values with their lines, within the nesting limit."""

    def __init__(self, path: Path, lines: dict[LinePath, int]) -> None:
        self.path = path
        self.lines = lines
        self.constructor = yaml.constructor.SafeConstructor()
        self.max_depth = MAX_NESTING.value()

    def _error(self, message: str, node: yaml.Node) -> InputError:
        return InputError(message, str(self.path), node.start_mark.line + 1)

    def convert(self, node: yaml.Node, at: LinePath) -> Any:
        line = node.start_mark.line + 1
        if len(at) > self.max_depth:
            raise MAX_NESTING.exceeded("YAML nested too deep", str(self.path), line)
        self.lines[at] = line
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, (str, int, float, bool)):
                    raise self._error("mapping keys must be scalars", key_node)
                if key in result:
                    raise self._error(f"duplicate key {key!r}", key_node)
                result[key] = self.convert(value_node, (*at, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*at, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self._error(f"YAML error: {exc.problem}", node) from None
        except (ValueError, OverflowError, TypeError) as exc:
            kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
            raise self._error(f"invalid {kind} {node.value!r}: {exc}", node) from None


def line_for(loc: tuple[Any, ...], data: Any, lines: dict[LinePath, int]) -> int | None:
    """The line of the deepest node along a pydantic error ``loc`` (skipping union tags)."""
    return lines.get(data_path(loc, data))


def data_path(loc: tuple[Any, ...], data: Any) -> LinePath:
    """The path of the deepest document node along a pydantic error ``loc`` (union tags skipped)."""
    at: LinePath = ()
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
            at = (*at, part)
        elif isinstance(current, dict) and isinstance(part, str) and part.rstrip("_") in current:
            current = current[part.rstrip("_")]
            at = (*at, part.rstrip("_"))
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            at = (*at, part)
    return at
