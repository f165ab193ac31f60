"""One Terraform module directory as Terraform reads it: its files, their blocks, overrides merged.

``*.tf`` files are parsed by python-hcl2 (imported lazily), ``*.tf.json`` files are read as
Terraform's JSON syntax and brought to the same shape. Files named ``override.tf``,
``*_override.tf`` (and their ``.tf.json`` forms) are applied afterwards, in lexical order, as
Terraform documents: attributes replace attributes one by one, a nested block type given in the
override replaces every block of that type (dynamic ones included), ``lifecycle`` merges argument
by argument, ``locals`` merge value by value. Duplicate declarations and overrides of nothing are
errors, as in Terraform.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, read_text
from .hcl_syntax import MAX_DEPTH

_LABELLED = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
_CACHE: dict[tuple[str, int, int], dict[str, Any]] = {}


@dataclass
class Block:
    """A top-level block: its kind, labels, body (python-hcl2's shape) and where it is declared."""

    kind: str
    labels: tuple[str, ...]
    body: dict[str, Any]
    file: Path
    line: int | None = None

    @property
    def key(self) -> str:
        return ".".join(self.labels)


@dataclass
class ModuleConfig:
    """The merged configuration of one module directory."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    resources: dict[str, Block] = field(default_factory=dict)
    data: dict[str, Block] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    locals: dict[str, tuple[Any, Path]] = field(default_factory=dict)
    lines: dict[Path, list[str]] = field(default_factory=dict)

    def attribute_line(self, block: Block, name: str) -> int | None:
        """The line of ``name = ...`` inside ``block`` (its first occurrence), else the block's line."""
        if block.line is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        for offset, text in enumerate(block_lines(self.lines.get(block.file, []), block.line)):
            if offset and pattern.match(text):
                return block.line + offset
        return block.line


def block_lines(lines: list[str], line: int) -> list[str]:
    """The lines of the block opened on 1-based ``line``, nested blocks included (brace counting)."""
    depth = 0
    found: list[str] = []
    for text in lines[max(line - 1, 0):]:
        found.append(text)
        depth += text.count("{") - text.count("}")
        if depth <= 0:
            break
    return found


def is_override(path: Path) -> bool:
    name = path.name.removesuffix(".json").removesuffix(".tf")
    return name == "override" or name.endswith("_override")


def config_files(directory: Path) -> list[Path]:
    """The ``*.tf`` and ``*.tf.json`` files Terraform reads in ``directory``, primary ones first."""
    files = sorted(p for p in directory.iterdir() if p.name.endswith((".tf", ".tf.json")) and p.is_file()
                   and not p.name.startswith("."))
    return [p for p in files if not is_override(p)] + [p for p in files if is_override(p)]


def read_module(directory: Path) -> ModuleConfig:
    """Parse and merge every configuration file of ``directory``."""
    config = ModuleConfig(directory)
    for path in config_files(directory):
        data = parse_file(path)
        config.files.append(path)
        text = config.lines[path] = read_text(path, "Terraform file").splitlines()
        blocks = list(_blocks(data, path, text))
        if is_override(path):
            for block in blocks:
                _override(config, block)
            _override_locals(config, data, path)
        else:
            for block in blocks:
                _declare(config, block)
            for name, value in _locals(data):
                if name in config.locals:
                    raise InputError(f"duplicate local value {name!r} (also in {config.locals[name][1]})", str(path),
                                     _find_line(text, rf"^\s*{re.escape(name)}\s*="))
                config.locals[name] = (value, path)
    return config


def parse_file(path: Path) -> dict[str, Any]:
    """python-hcl2's dict for a ``.tf`` file, or the same shape for a ``.tf.json`` file (cached by mtime)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read Terraform file: {exc.strerror}", str(path)) from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        text = read_text(path, "Terraform file")
        data = _parse_json(text, path) if path.name.endswith(".json") else _parse_hcl(text, path)
        _check_depth(data, path)
        _CACHE[key] = data
    return _CACHE[key]


def _hcl2() -> Any:
    """python-hcl2, with its number literals written as text inside expressions.

    python-hcl2 8.1 serialises ``[for x in xs : 0]`` and ``{for k, v in m : k => 1}`` by adding an
    int to the expression text, which raises ``TypeError``: valid files were refused. Inside an
    expression every other literal is already text, so the number literals are made text too.
    """
    import hcl2

    try:
        from hcl2.rules import literal_rules
    except ImportError:  # another layout: nothing to mend
        return hcl2
    for rule in (getattr(literal_rules, "IntLitRule", None), getattr(literal_rules, "FloatLitRule", None)):
        if rule is None or getattr(rule.serialize, "haguard_text_in_expressions", False):
            continue
        original = rule.serialize

        def serialize(self: Any, options: Any = None, context: Any = None, _original: Any = original) -> Any:
            args = [a for a in (options, context) if a is not None]
            value = _original(self, *args)
            inside = context is not None and getattr(context, "inside_dollar_string", False)
            return str(value) if inside and isinstance(value, int | float) else value

        serialize.haguard_text_in_expressions = True  # type: ignore[attr-defined]
        rule.serialize = serialize
    return hcl2


def _parse_hcl(text: str, path: Path) -> dict[str, Any]:
    from lark.exceptions import UnexpectedInput

    hcl2 = _hcl2()
    if not hasattr(hcl2, "SerializationOptions"):  # 7.x returns strings unquoted: literals look like expressions
        raise InputError("reading Terraform HCL needs python-hcl2 8 or newer", str(path))
    try:
        result = hcl2.loads(text)
    except UnexpectedInput as exc:
        raise InputError(f"HCL syntax error at column {exc.column}", str(path), exc.line) from None
    except RecursionError:
        raise InputError(f"HCL nested deeper than haguard reads (the limit is {MAX_DEPTH} levels)", str(path)) from None
    except Exception as exc:  # the parser's other errors carry no position
        raise InputError(f"HCL parse error: {type(exc).__name__}", str(path)) from None
    if not isinstance(result, dict):
        raise InputError("HCL parse error: not a configuration body", str(path))
    return result


def _check_depth(data: Any, path: Path) -> None:
    """Refuse values nested deeper than ``MAX_DEPTH`` (iteratively, so nothing recurses on them)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH + 8:  # blocks add a few levels of their own
            raise InputError(f"values nested deeper than {MAX_DEPTH} levels (haguard's limit)", str(path))
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _blocks(data: dict[str, Any], path: Path, lines: list[str]) -> list[Block]:
    found: list[Block] = []
    for kind, count in _LABELLED.items():
        for entry in _entries(data.get(kind)):
            for labels, body in _labelled(entry, count):
                if not isinstance(body, dict):
                    raise InputError(f"{kind} {' '.join(labels)!r} is not a block", str(path))
                found.append(Block(kind, labels, body, path, _declaration_line(lines, kind, labels)))
    return found


def _entries(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _labelled(entry: Any, count: int) -> list[tuple[tuple[str, ...], Any]]:
    """``{"\\"type\\"": {"\\"name\\"": body}}`` -> [((type, name), body)] for ``count`` labels."""
    if count == 0 or not isinstance(entry, dict):
        return [((), entry)]
    result = []
    for label, inner in entry.items():
        if label.startswith("__"):
            continue
        for bodies in _entries(inner) if count == 1 else [inner]:
            for labels, body in _labelled(bodies, count - 1):
                result.append(((_unquote(label), *labels), body))
    return result


def _locals(data: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(name, value) for entry in _entries(data.get("locals")) if isinstance(entry, dict)
            for name, value in entry.items() if not name.startswith("__")]


def _declaration_line(lines: list[str], kind: str, labels: tuple[str, ...]) -> int | None:
    label_pattern = r"\s+".join(rf'(?:"{re.escape(label)}"|{re.escape(label)})' for label in labels)
    return _find_line(lines, rf"^\s*{kind}\s+{label_pattern}\s*\{{" if labels else rf"^\s*{kind}\s*\{{")


def _find_line(lines: list[str], pattern: str) -> int | None:
    compiled = re.compile(pattern)
    return next((i + 1 for i, text in enumerate(lines) if compiled.match(text)), None)


def _table(config: ModuleConfig, kind: str) -> dict[str, Block] | None:
    return {"resource": config.resources, "data": config.data, "variable": config.variables,
            "output": config.outputs, "module": config.calls}.get(kind)


def _declare(config: ModuleConfig, block: Block) -> None:
    if block.kind == "provider":
        config.providers.append(block)
        return
    table = _table(config, block.kind)
    assert table is not None
    if block.key in table:
        first = table[block.key]
        raise InputError(f"duplicate {block.kind} {block.key!r} (first declared at {first.file}:{first.line})",
                         str(block.file), block.line)
    table[block.key] = block


def _override(config: ModuleConfig, block: Block) -> None:
    if block.kind == "provider":
        alias = block.body.get("alias")
        original = next((p for p in config.providers if p.labels == block.labels and p.body.get("alias") == alias),
                        None)
    else:
        table = _table(config, block.kind)
        assert table is not None
        original = table.get(block.key)
    if original is None:
        raise InputError(f"override of {block.kind} {block.key!r}, which no other file declares "
                         "(Terraform rejects an override without its original)", str(block.file), block.line)
    if block.kind in ("resource", "data") and "depends_on" in block.body:
        raise InputError("depends_on is not allowed in an override block", str(block.file), block.line)
    original.body = merge_bodies(original.body, block.body, top=block.kind in ("resource", "data"))


def _override_locals(config: ModuleConfig, data: dict[str, Any], path: Path) -> None:
    for name, value in _locals(data):
        if name not in config.locals:
            raise InputError(f"override of local value {name!r}, which no other file declares", str(path),
                             _find_line(config.lines.get(path, []), rf"^\s*{re.escape(name)}\s*="))
        config.locals[name] = (value, path)


def is_block_list(value: Any) -> bool:
    """True for python-hcl2's nested blocks (a list of bodies marked ``__is_block__``)."""
    return isinstance(value, list) and bool(value) and all(
        isinstance(item, dict) and item.get("__is_block__") for item in value)


def _dynamic_type(entry: Any) -> str | None:
    if isinstance(entry, dict):
        labels = [k for k in entry if not k.startswith("__")]
        if len(labels) == 1:
            return _unquote(labels[0])
    return None


def merge_bodies(original: dict[str, Any], override: dict[str, Any], *, top: bool) -> dict[str, Any]:
    """``original`` with ``override`` applied the way Terraform merges override files."""
    merged = dict(original)
    dynamic_original = list(merged.pop("dynamic", []) or [])
    dynamic_override = list(override.get("dynamic", []) or [])
    replaced_types = {key for key, value in override.items() if key != "dynamic" and is_block_list(value)}
    replaced_types |= {t for t in map(_dynamic_type, dynamic_override) if t}
    for key, value in override.items():
        if key.startswith("__") or key == "dynamic":
            continue
        if top and key == "lifecycle" and is_block_list(value) and is_block_list(merged.get(key)):
            merged[key] = [{**merged[key][0], **value[0]}]
        else:
            merged[key] = value
    for block_type in replaced_types:
        if block_type not in override or not is_block_list(override.get(block_type)):
            merged.pop(block_type, None)
    kept = [entry for entry in dynamic_original if _dynamic_type(entry) not in replaced_types]
    if kept or dynamic_override:
        merged["dynamic"] = kept + dynamic_override
    return merged


# -- Terraform's JSON syntax --------------------------------------------------------------------------


def _parse_json(text: str, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), exc.lineno) from None
    except RecursionError:
        raise InputError(f"JSON nested deeper than haguard reads (the limit is {MAX_DEPTH} levels)",
                         str(path)) from None
    if not isinstance(data, dict):
        raise InputError("a .tf.json file must hold a JSON object", str(path), 1)
    _check_depth(data, path)
    result: dict[str, Any] = {}
    for kind, value in data.items():
        if kind == "locals":
            result["locals"] = [_json_body(v) for v in _entries(value) if isinstance(v, dict)]
        elif kind in _LABELLED:
            result[kind] = [_json_labelled(value, _LABELLED[kind], kind)]
    return result


def _json_labelled(value: Any, count: int, kind: str) -> Any:
    if count == 0:
        return _json_body(value, variable=kind == "variable")
    if not isinstance(value, dict):
        return value
    return {f'"{label}"': ([_json_labelled(v, count - 1, kind) for v in inner] if isinstance(inner, list) and count == 1
                           else _json_labelled(inner, count - 1, kind))
            for label, inner in value.items() if label != "//"}


def _json_body(value: Any, *, variable: bool = False) -> Any:
    if not isinstance(value, dict):
        return _json_value(value)
    body: dict[str, Any] = {"__is_block__": True}
    for key, item in value.items():
        if key == "//":
            continue
        if variable and key == "type" and isinstance(item, str):
            body[key] = "${" + item + "}"
        elif key in ("lifecycle", "connection", "provisioner") and isinstance(item, dict | list):
            body[key] = [_json_body(v) for v in _entries(item) if isinstance(v, dict)]
        elif key == "dynamic" and isinstance(item, dict):
            body[key] = [{f'"{name}"': _json_dynamic(spec)} for name, spec in item.items() if isinstance(spec, dict)]
        else:
            body[key] = _json_value(item)
    return body


def _json_dynamic(spec: dict[str, Any]) -> dict[str, Any]:
    body = {k: _json_value(v) for k, v in spec.items() if k not in ("content", "//")}
    body["content"] = [_json_body(c) for c in _entries(spec.get("content")) if isinstance(c, dict)]
    body["__is_block__"] = True
    return body


def _json_value(value: Any) -> Any:
    """A JSON-syntax value in python-hcl2's shape: strings become quoted templates."""
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        return f'"{escaped.replace(chr(9), chr(92) + "t")}"'
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {f'"{k}"': _json_value(v) for k, v in value.items() if k != "//"}
    return value


def local_module_sources(directory: Path) -> list[Path]:
    """Directories of the local modules ``directory`` calls (unparseable files are skipped here)."""
    found: list[Path] = []
    try:
        files = config_files(directory)
    except OSError:
        return found
    for path in files:
        try:
            data = parse_file(path)
        except InputError:
            continue
        for block in _blocks(data, path, []):
            source = block.body.get("source") if block.kind == "module" else None
            if isinstance(source, str):
                text = _unquote(source)
                if text.startswith(("./", "../")) and (directory / text).is_dir():
                    found.append((directory / text).resolve())
    return found
