"""The ``AWS::LanguageExtensions`` transform's ``Fn::ForEach``, expanded as CloudFormation does.

``'Fn::ForEach::Loop': [Identifier, Collection, {OutputKey: OutputValue}]`` repeats the fragment for
each item of the collection, replacing ``${Identifier}`` and ``&{Identifier}`` (the item without its
non-alphanumeric characters) in keys and strings, and ``!Ref Identifier`` with the item. Loops nest,
and sit in the ``Resources`` and ``Conditions`` sections or inside a resource's properties. A loop
whose collection is unknown before deployment is not expanded: it is reported as ``Unexpanded``.
(``Fn::Length``, ``Fn::ToJsonString`` and ``FindInMap`` defaults are functions of the resolver.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..limits import MAX_FOREACH_NODES, MAX_TEMPLATE_RESOURCES
from .cfn_values import opaque, scalar_text
from .cfn_yaml import LDict, LList, UnknownTag, node_line

FOREACH = "Fn::ForEach::"
_PLACEHOLDER = re.compile(r"([$&])\{([^}]*)\}")


@dataclass(frozen=True)
class Unexpanded:
    """A loop not expanded: ``owner`` is the resource whose properties hold it (None: a section's)."""

    loop: str
    line: int | None
    reason: str
    section: str
    owner: str | None = None


def has_foreach(mapping: Any) -> bool:
    """True when a section mapping holds a loop at its top level."""
    return isinstance(mapping, dict) and any(isinstance(k, str) and k.startswith(FOREACH) for k in mapping)


class ForEachExpander:
    """Expands loops; ``resolve`` evaluates a collection (parameters and mappings are known to it)."""

    def __init__(self, file: str, resolve: Callable[[Any, int | None], Any]) -> None:
        self.file = file
        self.resolve = resolve
        self.unexpanded: list[Unexpanded] = []
        self._nodes = 0
        self._budget = MAX_FOREACH_NODES.value()
        self._current: tuple[str, int | None] = ("Fn::ForEach", None)
        self._resources = 0
        self._max_resources = MAX_TEMPLATE_RESOURCES.value()

    def section(self, mapping: LDict, section: str) -> LDict:
        """``mapping`` (Resources or Conditions) with its top-level loops expanded."""
        return self._mapping(mapping, section, None)

    def nested(self, value: Any, section: str, owner: str) -> Any:
        """``value`` (a resource body) with the loops inside any of its mappings expanded."""
        if isinstance(value, dict):
            expanded = self._mapping(value, section, owner) if has_foreach(value) else value
            result = LDict(line=node_line(expanded))
            result.key_lines = dict(getattr(expanded, "key_lines", {}))
            for key, item in expanded.items():
                result[key] = self.nested(item, section, owner)
            return result
        if isinstance(value, list):
            return LList((self.nested(item, section, owner) for item in value), line=node_line(value))
        return value

    def _mapping(self, mapping: dict[str, Any], section: str, owner: str | None) -> LDict:
        out = LDict(line=node_line(mapping))
        lines = getattr(mapping, "key_lines", {})
        for key, value in mapping.items():
            if not (isinstance(key, str) and key.startswith(FOREACH)):
                if section == "Resources" and owner is None:
                    self._count_resource()
                out[key] = value
                if key in lines:
                    out.key_lines[key] = lines[key]
                continue
            line = lines.get(key, node_line(mapping))
            for new_key, new_value in self._loop(key, value, line, section, owner):
                if new_key in out or new_key in mapping:
                    raise InputError(f"{key} makes the key {new_key!r} twice (its OutputKey needs "
                                     "${identifier} or &{identifier})", self.file, line)
                out[new_key] = new_value
                out.key_lines[new_key] = line  # type: ignore[assignment]
        return out

    def _loop(self, name: str, spec: Any, line: int | None, section: str, owner: str | None
              ) -> list[tuple[str, Any]]:
        if not isinstance(spec, list) or len(spec) != 3 or not isinstance(spec[2], dict):
            raise InputError(f"{name} takes [identifier, collection, {{OutputKey: OutputValue}}]", self.file, line)
        identifier, collection, fragment = spec
        if not isinstance(identifier, str) or not identifier:
            raise InputError(f"{name}: the identifier must be a name", self.file, line)
        self._current = (name, line)
        items = self.resolve(collection, node_line(collection) or line)
        unknown = opaque(items, f"{name} collection")
        if unknown:
            self.unexpanded.append(Unexpanded(name, line, unknown.reason, section, owner))
            return []
        if not isinstance(items, list):
            raise InputError(f"{name}: the collection must be a list", self.file, line)
        result: list[tuple[str, Any]] = []
        for item in items:
            if isinstance(item, (dict, list, UnknownTag)) or opaque(item, name):
                raise InputError(f"{name}: collection items must be strings", self.file, line)
            copy = self._substitute(fragment, identifier, scalar_text(item))
            self._current = (name, line)
            result.extend(self._mapping(copy, section, owner).items())
        return result

    def _count_resource(self) -> None:
        """Count a resource of the expanded template: stop a loop as soon as it makes too many."""
        self._resources += 1
        if self._resources > self._max_resources:
            loop, line = self._current
            raise MAX_TEMPLATE_RESOURCES.exceeded(
                f"{loop} makes the template more than {self._max_resources:,} resources",
                self.file, line, "AWS itself refuses more than 500")

    def _substitute(self, value: Any, identifier: str, item: str) -> Any:
        self._nodes += 1
        if self._nodes > self._budget:
            loop, line = self._current
            raise MAX_FOREACH_NODES.exceeded(f"{loop} keeps expanding", self.file, line)
        if isinstance(value, str):
            return _replace(value, identifier, item)
        if isinstance(value, dict):
            if len(value) == 1 and value.get("Ref") == identifier:
                return item
            out = LDict(line=node_line(value))
            lines = getattr(value, "key_lines", {})
            for key, child in value.items():
                new_key = _replace(key, identifier, item)
                out[new_key] = self._substitute(child, identifier, item)
                if key in lines:
                    out.key_lines[new_key] = lines[key]
            return out
        if isinstance(value, list):
            return LList((self._substitute(child, identifier, item) for child in value), line=node_line(value))
        return value


def _replace(text: str, identifier: str, item: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(2) != identifier:
            return match.group(0)
        return item if match.group(1) == "$" else re.sub(r"[^A-Za-z0-9]", "", item)

    return _PLACEHOLDER.sub(one, text) if "{" in text else text


__all__ = ["FOREACH", "ForEachExpander", "Unexpanded", "has_foreach"]
