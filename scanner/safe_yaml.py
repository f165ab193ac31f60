"""The one safe YAML loader base every haguard YAML reader uses (templates, policies, configs).

It composes with a bounded nesting depth and refuses documents whose aliases expand past a limit
(the "billion laughs") or refer to themselves, so no later recursive walk can hang, exhaust memory
or overflow the stack. Parsing uses libyaml when available; composition is PyYAML's, with the
bounds added.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import InputError
from .input_limits import ALIAS_NODES, NESTING

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoundedLoader(Composer, _Base):  # type: ignore[misc, valid-type]
    """A safe loader whose composer bounds nesting depth and alias expansion; errors name ``file``."""

    def __init__(self, stream: Any, file: str) -> None:
        _Base.__init__(self, stream)
        Composer.__init__(self)
        self.file = file
        self._depth = 0
        self._max_depth = NESTING.value()
        self._aliased = False

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            self._aliased = True
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                line = self.peek_event().start_mark.line + 1
                raise NESTING.error(f"YAML nested {self._depth} levels deep", self.file, line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if self._aliased and node is not None:
            check_expansion(node, self.file)
        return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_expansion(root: Node, file: str) -> None:
    """Refuse a node graph that is cyclic, or whose aliases expand it past the limits (iteratively)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            ancestors.discard(key)
            continue
        if key in size:
            continue
        ancestors.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in ancestors:
                raise InputError("a YAML alias refers to a node that contains it", file, child.start_mark.line + 1)
            if id(child) not in size:
                stack.append((child, False))
    added = size[id(root)] - len(size)
    if added > ALIAS_NODES.value():
        raise ALIAS_NODES.error(f"YAML aliases expand the document by {added:,} nodes", file,
                                root.start_mark.line + 1, "an alias bomb?")
    if depth[id(root)] > NESTING.value():
        raise NESTING.error(f"YAML aliases nest the document {depth[id(root)]:,} levels deep", file,
                            root.start_mark.line + 1)


def yaml_error(exc: yaml.YAMLError, file: str) -> InputError:
    """The one-line ``InputError`` for a PyYAML error."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return InputError(f"YAML syntax error: {exc.problem or exc.context}", file, mark.line + 1 if mark else None)
    return InputError(f"YAML error: {exc}", file)


def too_deep(file: str, kind: str = "document") -> InputError:
    """The error for a ``RecursionError``: nesting past Python's stack, so past the nesting limit too."""
    return NESTING.error(f"{kind} nested more than {NESTING.value():,} levels deep", file)


def compose(text: str, file: str, loader: type[BoundedLoader] = BoundedLoader) -> Node | None:
    """The node graph of one YAML document, bounded; YAML errors are ``InputError``s naming ``file``."""
    instance = loader(text, file)
    try:
        return instance.get_single_node()
    except yaml.YAMLError as exc:
        raise yaml_error(exc, file) from None
    except RecursionError:
        raise too_deep(file) from None
    finally:
        instance.dispose()


__all__ = ["BoundedLoader", "check_expansion", "compose", "too_deep", "yaml_error"]
