"""Input variables of a root module: tfvars files, ``--var-file`` and ``--var``, in Terraform's precedence,
and values converted to the variables' declared types.

Precedence, lowest first (Terraform's own): the declared default, ``terraform.tfvars``,
``terraform.tfvars.json``, ``*.auto.tfvars`` and ``*.auto.tfvars.json`` in lexical order of their
names, then ``--var-file`` files in the order given, then ``--var``/``--param`` values. ``TF_VAR_*``
environment variables are not read, so a scan does not depend on the shell it runs in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, read_text
from ..model.values import Reference, Unknown
from . import hcl_syntax as s
from .hcl_values import EvalError, Lazy, TfSet, to_bool, to_number, to_string, type_name
from .tf_config import _check_depth, _find_line, _parse_hcl

_PRIMITIVES = frozenset({"string", "number", "bool"})


@dataclass(frozen=True)
class InputValue:
    """A value given for a root variable: python-hcl2's raw value (``raw``) or a literal, and where."""

    value: Any
    file: str | None = None
    line: int | None = None
    raw: bool = True


def tfvars_files(directory: Path) -> list[Path]:
    """The variable files Terraform loads by itself, in its order."""
    fixed = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    auto = sorted((p for p in directory.iterdir() if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))),
                  key=lambda p: p.name)
    return [p for p in [*fixed, *auto] if p.is_file()]


def read_tfvars(path: Path) -> dict[str, InputValue]:
    """The assignments of one ``.tfvars`` or ``.tfvars.json`` file."""
    text = read_text(path, "Terraform variables file")
    if path.name.endswith(".json"):
        try:
            data = json.loads(text.removeprefix("\ufeff"))
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), exc.lineno) from None
        except RecursionError:
            raise InputError(f"JSON nested deeper than haguard reads (the limit is {s.MAX_DEPTH} levels)",
                             str(path)) from None
        if not isinstance(data, dict):
            raise InputError("a .tfvars.json file must hold a JSON object", str(path), 1)
        _check_depth(data, path)
        return {k: InputValue(v, str(path), None, raw=False) for k, v in data.items()}
    data = _parse_hcl(text, path)
    _check_depth(data, path)
    lines = text.splitlines()
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) and v.get("__is_block__") for v in value):
            raise InputError(f"blocks are not allowed in a variables file ({key} {{...}})", str(path),
                             _find_line(lines, rf"^\s*{key}\b"))
    return {k: InputValue(v, str(path), _find_line(lines, rf"^\s*{k}\s*=")) for k, v in data.items()
            if not k.startswith("__")}


def root_inputs(directory: Path, var_files: Sequence[Path], overrides: dict[str, str]) -> dict[str, InputValue]:
    """Every value given for the root module's variables, the highest precedence winning."""
    values: dict[str, InputValue] = {}
    for path in [*tfvars_files(directory), *var_files]:
        if not path.is_file():
            raise InputError("not a regular file" if path.exists() else "no such variables file", str(path))
        values.update(read_tfvars(path))
    values.update({k: InputValue(v, None, None, raw=False) for k, v in overrides.items()})
    return values


def cli_value(text: str, type_node: s.Node | None) -> Any:
    """A ``--var`` string as Terraform reads it: a literal string for primitive or absent types, an HCL
    expression (``["a", "b"]``, ``{k = 1}``) for collection and object types."""
    if type_node is None or _type_name(type_node) in _PRIMITIVES | {"any"}:
        return text
    return s.parse_expression(text)


def _type_name(node: s.Node) -> str:
    if isinstance(node, s.Variable):
        return node.name
    if isinstance(node, s.Call):
        return node.name
    return "?"


def type_of(raw: Any) -> s.Node | None:
    """The type constraint node of a variable's raw ``type`` (``${list(string)}``), or None."""
    if raw is None:
        return None
    try:
        return s.node_of(raw)
    except s.HclSyntaxError:
        return None


def convert(value: Any, type_node: s.Node | None, depth: int = 0) -> Any:
    """``value`` converted to a type constraint as Terraform converts input variables (``EvalError`` if
    it cannot be)."""
    if type_node is None or value is None or isinstance(value, Unknown | Reference | Lazy) or depth > s.MAX_DEPTH:
        return value
    name = _type_name(type_node)
    args = type_node.args if isinstance(type_node, s.Call) else ()
    if name == "any":
        return value
    if name == "string":
        if isinstance(value, dict | list):
            raise EvalError(f"a string is required, not {type_name(value)}")
        return to_string(value)
    if name == "number":
        return to_number(value)
    if name == "bool":
        return to_bool(value)
    if name in ("list", "set") and len(args) == 1:
        if not isinstance(value, list):
            raise EvalError(f"a {name} is required, not {type_name(value)}")
        items = [convert(v, args[0], depth + 1) for v in value]
        if name == "set":
            unique: dict[str, Any] = {}
            for item in items:
                unique.setdefault(json.dumps(item, sort_keys=True, default=repr), item)
            return TfSet(unique.values())
        return items
    if name == "map" and len(args) == 1:
        if not isinstance(value, dict):
            raise EvalError(f"a map is required, not {type_name(value)}")
        return {k: convert(v, args[0], depth + 1) for k, v in value.items()}
    if name == "tuple" and len(args) == 1 and isinstance(args[0], s.TupleExpr):
        if not isinstance(value, list) or len(value) != len(args[0].items):
            raise EvalError(f"a tuple of {len(args[0].items)} elements is required")
        return [convert(v, t, depth + 1) for v, t in zip(value, args[0].items, strict=True)]
    if name == "object" and len(args) == 1 and isinstance(args[0], s.ObjectExpr):
        if not isinstance(value, dict):
            raise EvalError(f"an object is required, not {type_name(value)}")
        return _convert_object(value, args[0], depth)
    return value


def _convert_object(value: dict[str, Any], spec: s.ObjectExpr, depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, attribute_type in spec.items:
        key = key_node.value if isinstance(key_node, s.Literal) else None
        if not isinstance(key, str):
            return value
        optional = isinstance(attribute_type, s.Call) and attribute_type.name == "optional"
        inner = attribute_type.args[0] if optional and attribute_type.args else attribute_type  # type: ignore[attr-defined]
        if key in value and value[key] is not None:
            result[key] = convert(value[key], inner, depth + 1)
        elif optional:
            default = attribute_type.args[1] if len(attribute_type.args) > 1 else None  # type: ignore[attr-defined]
            result[key] = None if default is None else convert(constant(default), inner, depth + 1)
        elif key in value:
            result[key] = None
        else:
            raise EvalError(f"attribute {key!r} is required")
    return result


def constant(node: s.Node, depth: int = 0) -> Any:
    """The value of a node made of literals only (a default in a type), else ``Unknown``."""
    if depth > s.MAX_DEPTH:
        return Unknown("a value nested too deeply")
    if isinstance(node, s.Literal):
        return node.value
    if isinstance(node, s.Template) and all(isinstance(p, str) for p in node.parts):
        return "".join(node.parts)  # type: ignore[arg-type]
    if isinstance(node, s.TupleExpr):
        return [constant(item, depth + 1) for item in node.items]
    if isinstance(node, s.ObjectExpr):
        result = {}
        for key, value in node.items:
            name = constant(key, depth + 1)
            if not isinstance(name, str):
                return Unknown("an object with a computed key")
            result[name] = constant(value, depth + 1)
        return result
    return Unknown("a value that is not a literal")
