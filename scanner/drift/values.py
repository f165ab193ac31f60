"""Attribute-level differences between two values of the normalised vocabulary, as readable paths.

Paths read like the vocabulary: ``multi_az``, ``tags.Owner``, ``routes[destination=0.0.0.0/0].target``.
A list of objects that share an identifying field (``destination``, ``id``...) is matched item by
item on it, so a reordered list is no change and a changed item names itself; other lists compare
whole. Equal values cost one C-level ``==`` per resource, so only changed resources are walked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from typing import Any

ITEM_KEYS = ("id", "destination", "cluster_id", "name", "key", "region", "logical_id", "protocol")
"""Fields that identify an item of a list of objects, tried in order."""

_PARENTS = re.compile(r"[.\[]")


def diff_values(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """``(path, before, after)`` for each leaf that differs (a missing side is ``None``)."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in _ordered_keys(before, after):
            yield from diff_values(before.get(key), after.get(key), f"{path}.{key}" if path else str(key))
        return
    if isinstance(before, list) and isinstance(after, list):
        key = _item_key(before, after)
        if key is not None:
            old = {item[key]: item for item in before}
            new = {item[key]: item for item in after}
            for value in _ordered_keys(old, new):
                yield from diff_values(old.get(value), new.get(value), f"{path}[{key}={value}]")
            return
    yield path, before, after


def _ordered_keys(a: dict[Any, Any], b: dict[Any, Any]) -> list[Any]:
    return [*a, *(k for k in b if k not in a)]


def _item_key(before: list[Any], after: list[Any]) -> str | None:
    items = [*before, *after]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in ITEM_KEYS:
        for side in (before, after):
            values = [item.get(key) for item in side]
            if any(v is None or isinstance(v, (dict, list)) for v in values) or len(set(values)) != len(values):
                break
        else:
            return key
    return None


class IgnoreRules:
    """``--ignore`` globs: ``PATH_GLOB`` on attribute paths, or ``TYPE_GLOB:PATH_GLOB`` for one type.

    A glob that matches a path's parent ignores everything under it (``tags`` ignores ``tags.Owner``).
    """

    def __init__(self, globs: Iterable[str] = ()) -> None:
        self.globs = list(globs)
        self._rules = [(g.split(":", 1) if ":" in g else ("*", g)) for g in self.globs]

    def __bool__(self) -> bool:
        return bool(self._rules)

    def ignores(self, type_name: str, path: str) -> bool:
        """True when an ignore rule covers ``path`` (or one of its parents) on a resource of ``type_name``, or
        ``path`` is a runtime reading the vocabulary marks volatile (a lag, a PITR gap, a state)."""
        from ..model.vocabulary import VOLATILE

        if path.split(".", 1)[0].split("[", 1)[0] in VOLATILE.get(type_name, ()):
            return True
        if not self._rules:
            return False
        candidates = [path, *(path[: m.start()] for m in _PARENTS.finditer(path))]
        return any(fnmatchcase(type_name, type_glob) and any(fnmatchcase(c, path_glob) for c in candidates)
                   for type_glob, path_glob in self._rules)
