"""YAML reading that remembers the line of every node, so errors can name ``FILE:LINE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, read_text
from ..safe_yaml import compose

LinePath = tuple[Any, ...]


def read_yaml_with_lines(path: Path) -> tuple[Any, dict[LinePath, int]]:
    """Parse one YAML document; return the data and a map *path tuple -> 1-based line*."""
    text = read_text(path)
    node = compose(text, str(path))  # bounded: nesting depth and alias expansion
    lines: dict[LinePath, int] = {}
    if node is None:
        return None, lines
    constructor = yaml.constructor.SafeConstructor()
    return _convert(node, (), lines, constructor, path), lines


def _convert(node: yaml.Node, at: LinePath, lines: dict[LinePath, int], constructor: Any, path: Path) -> Any:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                raise InputError("mapping keys must be scalars", str(path), key_node.start_mark.line + 1)
            if key in result:
                raise InputError(f"duplicate key {key!r}", str(path), key_node.start_mark.line + 1)
            result[key] = _convert(value_node, (*at, key), lines, constructor, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*at, i), lines, constructor, path) for i, item in enumerate(node.value)]
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise InputError(f"YAML error: {exc.problem}", str(path), node.start_mark.line + 1) from None


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
