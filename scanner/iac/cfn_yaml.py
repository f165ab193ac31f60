"""Line-aware reading of CloudFormation templates (YAML with short-form intrinsics, or JSON).

Mappings come back as ``LDict`` (``line`` of the mapping, ``key_lines`` per key) and sequences as
``LList`` (``line``), so later stages can point errors at ``FILE:LINE``. Short-form tags such as
``!Ref X`` are turned into their long form (``{"Ref": "X"}``); an unknown tag is an ``InputError``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..errors import read_text as _read_text

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SHORT_FORMS: dict[str, str] = {
    "Ref": "Ref", "Condition": "Condition",
    **{name: f"Fn::{name}" for name in (
        "GetAtt", "Sub", "If", "Select", "Join", "FindInMap", "ImportValue", "Split", "Base64", "Cidr",
        "GetAZs", "Equals", "And", "Or", "Not", "Transform", "Length", "ToJsonString",
    )},
}


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


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader building ``LDict``/``LList`` and expanding short-form intrinsics."""

    def __init__(self, stream: Any, file: str) -> None:
        super().__init__(stream)
        self.file = file

    def construct_ldict(self, node: yaml.MappingNode, deep: bool = True) -> LDict:
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

    def construct_llist(self, node: yaml.SequenceNode) -> LList:
        return LList((self.construct_object(child, deep=True) for child in node.value), line=node.start_mark.line + 1)

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


def _unknown_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    raise InputError(f"unknown intrinsic function !{suffix}", loader.file, node.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:bool", _bool)
for _name in SHORT_FORMS:
    _Loader.add_constructor(f"!{_name}", _short_form(_name))
_Loader.add_multi_constructor("!", _unknown_tag)


def _load_yaml(text: str, file: str) -> Any:
    loader = _Loader(text, file)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"YAML syntax error: {exc.problem or exc.context}", file, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file) from None
    finally:
        loader.dispose()


def _json_lines(text: str, data: Any) -> None:
    """Give the ``Resources`` mapping of parsed JSON the line of each logical id (a cheap scan)."""
    if not isinstance(data, LDict) or not isinstance(data.get("Resources"), LDict):
        return
    resources: LDict = data["Resources"]
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.search(r'"Resources"\s*:', line)), 0)
    for logical_id in resources:
        pattern = re.compile(r'^\s*"' + re.escape(logical_id) + r'"\s*:')
        for number in range(start, len(lines)):
            if pattern.search(lines[number]):
                resources.key_lines[logical_id] = number + 1
                break


def _json_hook(pairs: list[tuple[str, Any]]) -> LDict:
    result = LDict()
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _load_json(text: str, file: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_json_hook)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file, exc.lineno) from None
    except ValueError as exc:
        raise InputError(f"invalid JSON: {exc}", file) from None
    _json_lines(text, data)
    return data


def read_text(path: Path, file: str) -> str:
    """The file's text, or an ``InputError`` naming it."""
    try:
        return _read_text(path, "template", encoding="utf-8-sig")
    except InputError as exc:
        raise InputError(exc.message, file) from None


def parse_template(text: str, file: str) -> Any:
    """Parse template text: JSON when it starts with ``{``, otherwise YAML."""
    if text.lstrip().startswith("{"):
        return _load_json(text, file)
    return _load_yaml(text, file)
