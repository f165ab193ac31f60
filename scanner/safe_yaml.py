"""The one safe YAML loader base every haguard YAML reader uses (templates, policies, configs).

It composes with a bounded nesting depth and refuses documents whose aliases expand past a limit
(the "billion laughs") or refer to themselves, so no later recursive walk can hang, exhaust memory
or overflow the stack. Parsing and composition use libyaml when available.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import InputError
from .limits import MAX_NESTING, MAX_YAML_ALIAS_NODES

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoundedLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that refuses alias expansion past the limits (and cyclic aliases); errors name ``file``.

    libyaml composes (it stops at 1,000 levels itself); the node graph is then measured when the text
    has anchors. ``check_all`` measures every document, for the nesting limit too (policies and configs
    are small); the template loader instead counts depth while constructing, which costs nothing.
    """

    check_all = True

    def __init__(self, stream: Any, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self._anchored = not isinstance(stream, str) or "&" in stream

    def get_single_node(self) -> Node | None:
        node = super().get_single_node()
        if node is not None and (self.check_all or self._anchored):
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
    if added > MAX_YAML_ALIAS_NODES.value():
        raise MAX_YAML_ALIAS_NODES.exceeded(f"YAML aliases expand the document by {added:,} nodes", file,
                                root.start_mark.line + 1, "an alias bomb?")
    if depth[id(root)] > MAX_NESTING.value():
        raise MAX_NESTING.exceeded(f"YAML aliases nest the document {depth[id(root)]:,} levels deep", file,
                            root.start_mark.line + 1)


def yaml_error(exc: yaml.YAMLError, file: str) -> InputError:
    """The one-line ``InputError`` for a PyYAML error."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own bound (1,000 levels)
            return too_deep(file, "YAML")
        return InputError(f"YAML syntax error: {exc.problem or exc.context}", file, mark.line + 1 if mark else None)
    return InputError(f"YAML error: {exc}", file)


def too_deep(file: str, kind: str = "document") -> InputError:
    """The error for a ``RecursionError``: nesting past Python's stack, so past the nesting limit too."""
    return MAX_NESTING.exceeded(f"{kind} nested more than {MAX_NESTING.value():,} levels deep", file)


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
