"""Line-aware reading of CloudFormation templates (YAML with short-form intrinsics, or JSON).

Mappings come back as ``LDict`` (``line`` of the mapping, ``key_lines`` per key) and sequences as
``LList`` (``line``), so later stages can point errors at ``FILE:LINE``. Short-form tags such as
``!Ref X`` are turned into their long form (``{"Ref": "X"}``), the ``Rules`` functions included; any
other tag (a preprocessor's ``!Rain::Embed``, a typo) becomes an ``UnknownTag`` that later stages
treat as an unknown value. Reading is bounded: file size, nesting depth and YAML alias expansion.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, require_regular_file
from ..errors import read_text as _read_text
from ..limits import MAX_NESTING, MAX_TEMPLATE_BYTES
from ..safe_yaml import BoundedLoader, too_deep, yaml_error

SHORT_FORMS: dict[str, str] = {
    "Ref": "Ref", "Condition": "Condition",
    **{name: f"Fn::{name}" for name in (
        "GetAtt", "Sub", "If", "Select", "Join", "FindInMap", "ImportValue", "Split", "Base64", "Cidr",
        "GetAZs", "Equals", "And", "Or", "Not", "Transform", "Length", "ToJsonString",
        # the functions of the Rules section
        "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll",
    )},
}


@dataclass(frozen=True)
class UnknownTag:
    """A YAML tag that is no CloudFormation function (``!Rain::Embed``): its value is unknown."""

    tag: str
    line: int


class LDict(dict):
    """A mapping that remembers its own line and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = {}


class LList(list):
    """A sequence that remembers its line."""

    line: int | None = None

    def __init__(self, items: Any = (), line: int | None = None) -> None:
        super().__init__(items)
        self.line = line


def node_line(value: Any) -> int | None:
    """The line of an ``LDict``/``LList`` value, else None."""
    return getattr(value, "line", None)


class _Loader(BoundedLoader):
    """Bounded safe loader building ``LDict``/``LList``, expanding short-form intrinsics and recording
    unknown tags (a preprocessor's such as ``!Rain::Embed``) as ``UnknownTag`` values."""

    check_all = False  # nesting is counted while constructing

    def __init__(self, stream: Any, file: str) -> None:
        super().__init__(stream, file)
        self.unknown_tags: list[UnknownTag] = []
        self._depth = 0
        self._max_depth = MAX_NESTING.value()

    def _descend(self, node: yaml.Node) -> None:
        self._depth += 1
        if self._depth > self._max_depth:
            raise MAX_NESTING.exceeded(f"YAML nested {self._depth} levels deep", self.file, node.start_mark.line + 1)

    def construct_ldict(self, node: yaml.MappingNode, deep: bool = True) -> LDict:
        self._descend(node)
        try:
            self.flatten_mapping(node)
            result = LDict(line=node.start_mark.line + 1)
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise InputError("mapping keys must be scalars", self.file, key_node.start_mark.line + 1)
                key = str(key_node.value)  # keys are names: `Off:` and `010:` stay as written
                if key in result:
                    raise InputError(f"duplicate key {key!r}", self.file, key_node.start_mark.line + 1)
                result[key] = self.construct_object(value_node, deep=True)
                result.key_lines[key] = key_node.start_mark.line + 1
            return result
        finally:
            self._depth -= 1

    def construct_llist(self, node: yaml.SequenceNode) -> LList:
        self._descend(node)
        try:
            return LList([self.construct_object(child, deep=True) for child in node.value],
                         line=node.start_mark.line + 1)
        finally:
            self._depth -= 1

    def construct_tagged(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.construct_ldict(node)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_llist(node)
        return self.construct_scalar(node)


def _map(loader: _Loader, node: yaml.MappingNode) -> LDict:
    return loader.construct_ldict(node)


def _seq(loader: _Loader, node: yaml.SequenceNode) -> LList:
    return loader.construct_llist(node)


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _bool(loader: _Loader, node: yaml.ScalarNode) -> bool | str:
    """Only true/false are booleans; YAML 1.1's yes/no/on/off stay strings, as CloudFormation reads them."""
    text = str(loader.construct_scalar(node))
    return text.lower() == "true" if text.lower() in ("true", "false") else text


def _short_form(name: str) -> Any:
    long_name = SHORT_FORMS[name]

    def construct(loader: _Loader, node: yaml.Node) -> LDict:
        value = loader.construct_tagged(node)
        if name == "GetAtt" and isinstance(value, str):
            value = LList(value.split(".", 1), line=node.start_mark.line + 1)
        result = LDict({long_name: value}, line=node.start_mark.line + 1)
        result.key_lines[long_name] = node.start_mark.line + 1
        return result

    return construct


def _unknown_tag(loader: _Loader, suffix: str, node: yaml.Node) -> UnknownTag:
    loader.construct_tagged(node)  # still checked: duplicate keys, nested tags
    tag = UnknownTag("!" + suffix, node.start_mark.line + 1)
    loader.unknown_tags.append(tag)
    return tag


_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:bool", _bool)
for _name in SHORT_FORMS:
    _Loader.add_constructor(f"!{_name}", _short_form(_name))
_Loader.add_multi_constructor("!", _unknown_tag)


def _load_yaml(text: str, file: str, tags: list[UnknownTag] | None) -> Any:
    loader = _Loader(text, file)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise yaml_error(exc, file) from None
    except RecursionError:
        raise too_deep(file, "YAML") from None
    finally:
        loader.dispose()
    if tags is not None:
        tags.extend(loader.unknown_tags)
    return data


def _json_lines(text: str, data: Any) -> None:
    """Give the ``Resources`` mapping of parsed JSON the line of each logical id (whatever the layout)."""
    if not isinstance(data, LDict) or not isinstance(data.get("Resources"), LDict):
        return
    resources: LDict = data["Resources"]
    newlines = [m.start() for m in re.finditer("\n", text)]
    section = re.search(r'"Resources"\s*:\s*\{', text)
    position = section.end() if section else 0
    data.key_lines["Resources"] = bisect.bisect(newlines, section.start()) + 1 if section else 1
    resources.line = data.key_lines["Resources"]
    for logical_id in resources:  # keys appear in file order: search each after the previous one
        found = re.compile('"' + re.escape(json.dumps(logical_id)[1:-1]) + r'"\s*:').search(text, position)
        if found:
            resources.key_lines[logical_id] = bisect.bisect(newlines, found.start()) + 1
            position = found.end()


def _json_hook(pairs: list[tuple[str, Any]]) -> LDict:
    result = LDict()
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json_depth(data: Any) -> int:
    """The nesting depth of parsed JSON, walked iteratively."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _load_json(text: str, file: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_json_hook)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file, exc.lineno) from None
    except RecursionError:
        raise too_deep(file, "JSON") from None
    except ValueError as exc:
        raise InputError(f"invalid JSON: {exc}", file) from None
    depth = _json_depth(data)
    if depth > MAX_NESTING.value():
        raise MAX_NESTING.exceeded(f"JSON nested {depth} levels deep", file)
    _json_lines(text, data)
    return data


def read_text(path: Path, file: str) -> str:
    """The file's text (a UTF-8 BOM dropped), or an ``InputError`` naming it: unreadable, not a regular
    file (a FIFO would block), larger than the template size limit, or not UTF-8."""
    try:
        require_regular_file(path, "template")
        size = os.stat(path).st_size
        if size > MAX_TEMPLATE_BYTES.value():
            raise MAX_TEMPLATE_BYTES.exceeded(f"template is {size:,} bytes", file)
        return _read_text(path, "template", encoding="utf-8-sig")
    except InputError as exc:
        raise InputError(exc.message, file, exc.line) from None
    except OSError as exc:
        raise InputError(f"cannot read template: {exc.strerror}", file) from None


def parse_template(text: str, file: str, unknown_tags: list[UnknownTag] | None = None) -> Any:
    """Parse template text: JSON when it starts with ``{`` (a ``.yaml`` file that is not JSON is read as
    flow-style YAML), otherwise YAML (whose unknown tags are appended to ``unknown_tags``)."""
    if text.lstrip().startswith("{"):
        try:
            return _load_json(text, file)
        except InputError:
            if file.lower().endswith(".json"):
                raise
    return _load_yaml(text, file, unknown_tags)
