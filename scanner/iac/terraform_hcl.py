"""Terraform HCL directories -> Snapshot (source kind ``terraform-hcl``), without running Terraform.

Every ``*.tf`` of the directory is parsed (``python-hcl2``, imported lazily); ``var.X`` (defaults,
``terraform.tfvars``, ``*.auto.tfvars``, overrides), ``local.X``, literals, references to resources
of the same module, literal ``count``/``for_each`` and local child modules are evaluated. Anything
else (other functions, data sources, remote modules) becomes ``Unknown`` with the expression as the
reason: never a guess. ``data.aws_availability_zones.X.names[i]`` becomes the symbolic zone
``{region}#az<i+1>``, as CloudFormation's ``!GetAZs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, read_text
from ..model import Location, Snapshot, Unevaluated
from .tf_mapping import Ref, TfResource, Unknown, build_snapshot, is_supported, map_resource
from .zones import symbolic_zone

SOURCE_KIND = "terraform-hcl"
_SKIP_RE = re.compile(r"(?:#|//)\s*haguard:skip=([A-Za-z0-9_.-]+)\s*(.*)$")
_COMMENT_RE = re.compile(r"^\s*(?:#|//)")
_META_KEYS = frozenset({"count", "for_each", "lifecycle", "depends_on", "provider", "provisioner", "connection"})
_TRAVERSAL = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[\s*([^\[\]]*?)\s*\]')
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_NOT_SET = object()


def find_declaration(lines: list[str], tf_type: str, name: str) -> tuple[int, dict[str, str]] | None:
    """(1-based line of ``resource "T" "N" {``, inline suppressions) or None when not declared here.

    A ``# haguard:skip=<policy-id> <reason>`` comment counts on the declaration line, on the
    contiguous comment lines directly above it, or on any line inside the block.
    """
    pattern = re.compile(rf'^\s*resource\s+"{re.escape(tf_type)}"\s+"{re.escape(name)}"\s*\{{')
    for index, line in enumerate(lines):
        if not pattern.match(line):
            continue
        scan = []
        above = index - 1
        while above >= 0 and _COMMENT_RE.match(lines[above]):
            scan.append(lines[above])
            above -= 1
        scan.extend(block_lines(lines, index + 1))
        suppressions: dict[str, str] = {}
        for text in scan:
            match = _SKIP_RE.search(text)
            if match:
                suppressions[match.group(1)] = match.group(2).strip()
        return index + 1, suppressions
    return None


def block_lines(lines: list[str], line: int) -> list[str]:
    """The lines of the block opened on 1-based ``line``, nested blocks included (brace counting)."""
    depth = 0
    found: list[str] = []
    for text in lines[line - 1:]:
        found.append(text)
        depth += text.count("{") - text.count("}")
        if depth <= 0:
            break
    return found


def load_terraform_hcl(directory: str | Path, *, var_overrides: dict[str, str] | None = None) -> Snapshot:
    """Load the Terraform configuration in ``directory`` (root module and local child modules)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("not a directory of Terraform files", str(directory))
    files = sorted(directory.glob("*.tf"))
    if not files:
        raise InputError("no *.tf files in the directory", str(directory))
    loader = _Loader()
    root = _Module(loader, directory, "", None)
    variables: dict[str, Any] = {}
    tfvars = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    for path in tfvars:
        if path.is_file():
            variables.update({k: _literal(v) for k, v in _parse(path).items() if not k.startswith("__")})
    variables.update({k: _typed(v, root.types.get(k, "")) for k, v in (var_overrides or {}).items()})
    root.set_inputs(variables)
    region = root.region()
    loader.region = region
    root.expand()
    return build_snapshot(SOURCE_KIND, [str(p) for p in loader.files], loader.items, region, loader.unevaluated)


def _parse(path: Path) -> dict[str, Any]:
    import hcl2
    from lark.exceptions import UnexpectedInput

    if not hasattr(hcl2, "SerializationOptions"):  # 7.x returns strings unquoted: literals look like expressions
        raise InputError("reading Terraform HCL needs python-hcl2 8 or newer", str(path))
    text = read_text(path, "Terraform file")
    try:
        return hcl2.loads(text)
    except UnexpectedInput as exc:
        raise InputError(f"HCL syntax error at column {exc.column}", str(path), exc.line) from None
    except Exception as exc:  # the parser's other errors carry no position
        raise InputError(f"HCL parse error: {type(exc).__name__}", str(path)) from None


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _literal(value: Any) -> Any:
    """A tfvars value as a plain Python value (strings unquoted)."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"' and "${" not in value:
            return _unescape(value[1:-1])
        return Unknown("an expression in a tfvars file is not evaluated")
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, dict):
        return {_unquote(k): _literal(v) for k, v in value.items() if not k.startswith("__")}
    return value


def _typed(value: str, type_name: str) -> Any:
    """A ``-var`` override string as the variable's declared ``number`` or ``bool``, else as given."""
    if type_name == "number" and _NUMBER.fullmatch(value.strip()):
        return float(value) if "." in value else int(value)
    if type_name == "bool" and value.strip() in ("true", "false"):
        return value.strip() == "true"
    return value


def _unescape(text: str) -> str:
    return (text.replace("\\\\", "\0").replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t")
            .replace("$${", "${").replace("\0", "\\"))


@dataclass
class _Loader:
    """What the whole load collects."""

    items: list[TfResource] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    region: str | None = None
    unevaluated: list[Unevaluated] = field(default_factory=list)


@dataclass(frozen=True)
class _Ctx:
    """Per-instance evaluation context (``count.index``, ``each``)."""

    count_index: Any = _NOT_SET
    each_key: Any = _NOT_SET
    each_value: Any = _NOT_SET


@dataclass
class _Block:
    tf_type: str
    name: str
    body: dict[str, Any]
    file: Path
    lines: list[str]


class _Module:
    """One module instance: its blocks, variables, and the evaluator over them."""

    def __init__(self, loader: _Loader, directory: Path, prefix: str, parent: _Module | None) -> None:
        self.loader = loader
        self.directory = directory
        self.prefix = prefix
        self.parent = parent
        self.resources: dict[str, _Block] = {}
        self.variables: dict[str, Any] = {}
        self.types: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.locals: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.calls: dict[str, dict[str, Any]] = {}
        self.children: dict[str, _Module | Unknown] = {}
        self.providers: list[dict[str, Any]] = []
        self.instances: dict[str, list[tuple[str, _Ctx]]] = {}
        self._locals_done: dict[str, Any] = {}
        self._depth = 0
        for path in sorted(directory.glob("*.tf")):
            self._read(path)

    def _read(self, path: Path) -> None:
        data = _parse(path)
        self.loader.files.append(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        for entry in data.get("resource", []):
            for tf_type, named in entry.items():
                for name, body in named.items():
                    block = _Block(_unquote(tf_type), _unquote(name), body, path, lines)
                    self.resources[f"{block.tf_type}.{block.name}"] = block
        for entry in data.get("variable", []):
            for name, body in entry.items():
                self.variables[_unquote(name)] = body.get("default", _NOT_SET)
                self.types[_unquote(name)] = str(body.get("type", "")).strip("${}")
        for entry in data.get("locals", []):
            self.locals.update({k: v for k, v in entry.items() if not k.startswith("__")})
        for entry in data.get("output", []):
            for name, body in entry.items():
                self.outputs[_unquote(name)] = body.get("value")
        for entry in data.get("module", []):
            for name, body in entry.items():
                self.calls[_unquote(name)] = body
        for entry in data.get("provider", []):
            for name, body in entry.items():
                if _unquote(name) == "aws":
                    self.providers.append(body)

    def set_inputs(self, given: dict[str, Any]) -> None:
        """Variable values: inputs given by the caller, else the declared default (evaluated)."""
        values: dict[str, Any] = {}
        for name, default in self.variables.items():
            if name in given:
                values[name] = given[name]
            elif default is _NOT_SET:
                values[name] = Unknown(f"variable {name} has no value")
            else:
                values[name] = self.evaluate(default, _Ctx())
        self.values = values

    def region(self) -> str | None:
        """The aws provider's region when it is a literal (the first aws provider block)."""
        for body in self.providers:
            if "alias" in body:
                continue
            region = self.evaluate(body.get("region"), _Ctx())
            return region if isinstance(region, str) else None
        return None

    # -- expansion ---------------------------------------------------------------------------------

    def expand(self) -> None:
        """Map every supported resource instance and expand local child modules."""
        for key, block in self.resources.items():
            if is_supported(block.tf_type):
                for address, ctx, unknown in self._instances(key, block):
                    self._emit(block, address, ctx, unknown)
            else:
                found = find_declaration(block.lines, block.tf_type, block.name)
                self.loader.unevaluated.append(Unevaluated(
                    uid=self.prefix + key, source_type=block.tf_type,
                    location=Location(file=str(block.file), line=found[0] if found else None)))
        for name in self.calls:
            child = self.child(name)
            if isinstance(child, _Module):
                child.expand()

    def _instances(self, key: str, block: _Block) -> list[tuple[str, _Ctx, dict[str, str]]]:
        base = self.prefix + key
        if "count" in block.body:
            count = self.evaluate(block.body["count"], _Ctx())
            if isinstance(count, bool) or not isinstance(count, int):
                reason = f"count of {base} is not a literal number"
                return [(base, _Ctx(count_index=Unknown(reason)), {"count": reason})]
            return [(f"{base}[{i}]", _Ctx(count_index=i), {}) for i in range(count)]
        if "for_each" in block.body:
            each = self.evaluate(block.body["for_each"], _Ctx())
            if isinstance(each, dict) and not _has_unknown(each):
                return [(f'{base}["{k}"]', _Ctx(each_key=k, each_value=v), {}) for k, v in each.items()]
            if isinstance(each, Ref) and each.targets and all('["' in t for t in each.targets):
                return [(f'{base}["{_key_of(t)}"]', _Ctx(each_key=_key_of(t), each_value=Ref((t,))), {})
                        for t in each.targets]
            if isinstance(each, list) and all(isinstance(v, str) for v in each):
                return [(f'{base}["{k}"]', _Ctx(each_key=k, each_value=k), {}) for k in dict.fromkeys(each)]
            reason = f"for_each of {base} is not a literal map or set"
            unknown = Unknown(reason)
            return [(base, _Ctx(each_key=unknown, each_value=unknown), {"for_each": reason})]
        return [(base, _Ctx(), {})]

    def instance_addresses(self, key: str) -> list[str] | None:
        """Addresses of a resource's instances, or None when it is not declared in this module."""
        block = self.resources.get(key)
        if block is None:
            return None
        if key not in self.instances:
            self.instances[key] = [(a, c) for a, c, _ in self._instances(key, block)]
        return [a for a, _ in self.instances[key]]

    def _emit(self, block: _Block, address: str, ctx: _Ctx, unknown: dict[str, str]) -> None:
        values = self._body(block.body, ctx)
        mapped = map_resource(block.tf_type, values, address=address)
        if mapped.type is not None:
            mapped.unknown.update(unknown)
        found = find_declaration(block.lines, block.tf_type, block.name)
        line, suppressions = found if found is not None else (None, {})
        self.loader.items.append(TfResource(address, block.tf_type, block.name, mapped,
                                            Location(file=str(block.file), line=line), suppressions))

    def _body(self, body: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, raw in body.items():
            if key.startswith("__") or key in _META_KEYS:
                continue
            if key == "dynamic":
                for entry in raw if isinstance(raw, list) else [raw]:
                    for name in entry:
                        if not name.startswith("__"):
                            values[_unquote(name)] = Unknown(f"dynamic block {_unquote(name)} is not expanded")
                continue
            values[key] = self.evaluate(raw, ctx)
        return values

    def child(self, name: str) -> _Module | Unknown:
        """The child module instance of ``module "name"`` (local sources only)."""
        if name in self.children:
            return self.children[name]
        call = self.calls.get(name)
        child: _Module | Unknown
        source = self.evaluate(call.get("source"), _Ctx()) if call else None
        if call is None:
            child = Unknown(f"module {name} is not declared")
        elif "count" in call or "for_each" in call:
            child = Unknown(f"module {name} uses count/for_each, which is not expanded")
        elif not isinstance(source, str) or not source.startswith(("./", "../")):
            child = Unknown(f"module {name} has a non-local source")
        elif not (self.directory / source).is_dir():
            child = Unknown(f"module source {source} not found")
        else:
            child = _Module(self.loader, self.directory / source, f"{self.prefix}module.{name}.", self)
            self.children[name] = child
            child.set_inputs({k: self.evaluate(v, _Ctx()) for k, v in call.items()
                              if not k.startswith("__") and k not in ("source", "version", "providers",
                                                                          "depends_on")})
        self.children[name] = child
        return child

    # -- evaluation --------------------------------------------------------------------------------

    def evaluate(self, raw: Any, ctx: _Ctx) -> Any:
        """A raw hcl2 value as a value tree (literals, ``Ref``, ``Unknown``)."""
        if isinstance(raw, list):
            return [self.evaluate(v, ctx) for v in raw]
        if isinstance(raw, dict):
            return {_unquote(k): self.evaluate(v, ctx) for k, v in raw.items() if not k.startswith("__")}
        if isinstance(raw, str):
            if raw.startswith("${") and raw.endswith("}") and _balanced(raw[2:-1]):
                return self._expression(raw[2:-1].strip(), ctx)
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                return self._template(raw[1:-1], ctx)
            return self._expression(raw, ctx)
        return raw

    def _template(self, text: str, ctx: _Ctx) -> Any:
        if text.startswith("<<"):
            text = "\n".join(text.split("\n")[1:-1])
        if "%{" in text:
            return Unknown("a template directive (%{ ... }) is not evaluated")
        parts = _interpolations(text)
        if len(parts) == 1 and isinstance(parts[0], tuple):
            return self._expression(parts[0][0], ctx)
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(_unescape(part))
                continue
            value = self._expression(part[0], ctx)
            if isinstance(value, Ref):
                if not value.known:
                    return Unknown(f"refers to {', '.join(value.targets)}")
                value = value.value
            if isinstance(value, Unknown):
                return value
            if isinstance(value, dict | list) or value is None:
                return Unknown(f"interpolation ${{{part[0]}}} is not a string")
            out.append(str(value).lower() if isinstance(value, bool) else str(value))
        return "".join(out)

    def _expression(self, text: str, ctx: _Ctx) -> Any:
        text = text.strip()
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if _NUMBER.fullmatch(text):
            return float(text) if "." in text else int(text)
        if len(text) >= 2 and text[0] == text[-1] == '"' and _balanced(text[1:-1]):
            return self._template(text[1:-1], ctx)
        if text.startswith("[") and text.endswith("]") and not text[1:].lstrip().startswith("for "):
            return [self._expression(item, ctx) for item in _split_args(text[1:-1])]
        call = re.fullmatch(r"([a-z_]+)\((.*)\)((?:\[[^\[\]]*\]|\.[A-Za-z_][A-Za-z0-9_]*)*)", text, re.S)
        if call and _balanced(call.group(2)):
            value = self._function(call.group(1), _split_args(call.group(2)), text, ctx)
            steps = _traversal(f"f{call.group(3)}") or []
            return self._index(value, steps[1:], text, ctx)
        loop = re.fullmatch(r"\[\s*for\s+(\w+)\s+in\s+(.+?)\s*:\s*(\w+)((?:\.\w+)*)\s*\]", text, re.S)
        if loop and loop.group(1) == loop.group(3):
            source = self._expression(loop.group(2), ctx)
            if isinstance(source, Ref) and loop.group(4) in ("", ".id", ".arn", ".name"):
                return Ref(source.targets)
        steps = _traversal(text)
        if steps is None:
            return Unknown(f"expression `{text}` is not evaluated")
        self._depth += 1
        try:
            if self._depth > 40:
                return Unknown(f"expression `{text}` refers to itself")
            return self._traverse(steps, text, ctx)
        finally:
            self._depth -= 1

    def _function(self, name: str, args: list[str], text: str, ctx: _Ctx) -> Any:
        values = [self._expression(a, ctx) for a in args]
        if name in ("tolist", "toset") and len(values) == 1:
            value = values[0]
            return list(dict.fromkeys(value)) if name == "toset" and isinstance(value, list) and all(
                isinstance(v, str) for v in value) else value
        if name == "length" and len(values) == 1 and isinstance(values[0], list | dict | str | Ref):
            return len(values[0].targets) if isinstance(values[0], Ref) else len(values[0])
        if name == "lookup" and len(values) in (2, 3) and isinstance(values[0], dict) and isinstance(values[1], str):
            return values[0].get(values[1], values[2] if len(values) == 3 else Unknown(f"`{text}` has no such key"))
        if name == "values" and len(values) == 1 and isinstance(values[0], Ref):
            return values[0]
        if name == "concat" and all(isinstance(v, list) for v in values):
            return [item for value in values for item in value]
        if name == "element" and len(values) == 2 and isinstance(values[1], int):
            items = values[0]
            if isinstance(items, Ref) and items.targets:
                return Ref((items.targets[values[1] % len(items.targets)],))
            if isinstance(items, list) and items:
                return items[values[1] % len(items)]
        return Unknown(f"expression `{text}` is not evaluated")

    def _traverse(self, steps: list[tuple[str, Any]], text: str, ctx: _Ctx) -> Any:
        head = steps[0][1]
        rest = steps[1:]
        if head == "var" and rest and rest[0][0] == "attr":
            value = self.values.get(rest[0][1], Unknown(f"variable {rest[0][1]} is not declared"))
            return self._index(value, rest[1:], text, ctx)
        if head == "local" and rest and rest[0][0] == "attr":
            name = rest[0][1]
            if name not in self._locals_done:
                raw = self.locals.get(name, _NOT_SET)
                self._locals_done[name] = (Unknown(f"local {name} is not declared") if raw is _NOT_SET
                                           else self.evaluate(raw, _Ctx()))
            return self._index(self._locals_done[name], rest[1:], text, ctx)
        if head == "count" and rest == [("attr", "index")]:
            return Unknown("count.index outside a counted resource") if ctx.count_index is _NOT_SET else ctx.count_index
        if head == "each" and rest and rest[0][0] == "attr" and rest[0][1] in ("key", "value"):
            value = ctx.each_key if rest[0][1] == "key" else ctx.each_value
            if value is _NOT_SET:
                return Unknown("each outside a for_each resource")
            return self._index(value, rest[1:], text, ctx)
        if head == "module" and len(rest) >= 2 and rest[0][0] == "attr" and rest[1][0] == "attr":
            child = self.child(rest[0][1])
            if isinstance(child, Unknown):
                return child
            raw = child.outputs.get(rest[1][1], _NOT_SET)
            if raw is _NOT_SET:
                return Unknown(f"module {rest[0][1]} has no output {rest[1][1]}")
            return self._index(child.evaluate(raw, _Ctx()), rest[2:], text, ctx)
        if head == "data" and len(rest) >= 2:
            return self._data(rest, text, ctx)
        if head.startswith("aws_") and rest and rest[0][0] == "attr":
            return self._resource(head, rest, text, ctx)
        return Unknown(f"expression `{text}` is not evaluated")

    def _index(self, value: Any, steps: list[tuple[str, Any]], text: str, ctx: _Ctx) -> Any:
        for kind, key in steps:
            if isinstance(value, Unknown | Ref):
                return value
            if kind == "index":
                key = self._expression(key, ctx)
            if kind == "splat" or isinstance(key, Unknown):
                return key if isinstance(key, Unknown) else value
            if not _has_item(value, key):
                return Unknown(f"expression `{text}` has no value")
            value = value[key]
        return value

    def _data(self, rest: list[tuple[str, Any]], text: str, ctx: _Ctx) -> Any:
        data_type, data_name = rest[0][1], rest[1][1]
        tail = rest[2:]
        if data_type == "aws_availability_zones" and tail and tail[0] == ("attr", "names"):
            if len(tail) == 2 and tail[1][0] == "index":
                index = self._expression(tail[1][1], ctx)
                if isinstance(index, int) and not isinstance(index, bool) and index >= 0:
                    return symbolic_zone(index)
            return Unknown(f"expression `{text}` is not evaluated")
        return Ref((f"{self.prefix}data.{data_type}.{data_name}",))

    def _resource(self, tf_type: str, rest: list[tuple[str, Any]], text: str, ctx: _Ctx) -> Any:
        key = f"{tf_type}.{rest[0][1]}"
        base = self.prefix + key
        tail = rest[1:]
        addresses = self.instance_addresses(key)
        if addresses is None:
            return Unknown(f"{key} is not declared in this module")
        if tail and tail[0][0] == "splat":
            return Ref(tuple(addresses))
        if tail and tail[0][0] == "index":
            index = self._expression(tail[0][1], ctx)
            if isinstance(index, Unknown):
                return index
            address = f"{base}[{index}]" if isinstance(index, int) else f'{base}["{index}"]'
            if address not in addresses:
                return Unknown(f"{address} is not an instance of {key}")
            targets, tail = (address,), tail[1:]
        else:
            targets = tuple(addresses)
        if tail and tail[0][0] == "attr" and tail[0][1] not in ("id", "arn") and len(targets) == 1:
            value = self._attribute(key, targets[0], tail[0][1])
            if value is not _NOT_SET and not _has_unknown(value):
                return Ref(targets, self._index(value, tail[1:], text, ctx), True)
        return Ref(targets)

    def _attribute(self, key: str, address: str, name: str) -> Any:
        """A literal attribute of another resource instance, when its configuration sets one."""
        block = self.resources[key]
        raw = block.body.get(name, _NOT_SET)
        if raw is _NOT_SET:
            return _NOT_SET
        ctx = next((c for a, c in self.instances.get(key, []) if a == address), _Ctx())
        return self.evaluate(raw, ctx)


def _key_of(address: str) -> str:
    """The for_each key of an instance address (``aws_subnet.a["k"]`` -> ``k``)."""
    return address[address.index("[") + 1:-1].strip('"')


def _has_item(value: Any, key: Any) -> bool:
    if isinstance(value, dict):
        return isinstance(key, str) and key in value
    return isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and -len(value) <= key < len(
        value)


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown | Ref):
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _balanced(text: str) -> bool:
    depth = 0
    quoted = False
    previous = ""
    for char in text:
        if char == '"' and previous != "\\":
            quoted = not quoted
        elif not quoted:
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                if depth < 0:
                    return False
        previous = char
    return depth == 0 and not quoted


def _split_args(text: str) -> list[str]:
    """Split ``a, f(b, c), [d]`` at top-level commas."""
    parts: list[str] = []
    depth = 0
    quoted = False
    current = ""
    previous = ""
    for char in text:
        if char == '"' and previous != "\\":
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
        elif not quoted and char in ")]}":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
        previous = char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _interpolations(text: str) -> list[str | tuple[str]]:
    """Split a template into literal text and ``(expression,)`` parts."""
    parts: list[str | tuple[str]] = []
    index = 0
    literal = ""
    while index < len(text):
        if text.startswith("$${", index):
            literal += "$${"
            index += 3
        elif text.startswith("${", index):
            depth, end = 1, index + 2
            while end < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            if literal:
                parts.append(literal)
                literal = ""
            parts.append((text[index + 2:end - 1].strip(),))
            index = end
        else:
            literal += text[index]
            index += 1
    if literal or not parts:
        parts.append(literal)
    return parts


def _traversal(text: str) -> list[tuple[str, Any]] | None:
    """``aws_subnet.a[0].id`` -> [("root", "aws_subnet"), ("attr", "a"), ("index", "0"), ("attr", "id")]."""
    steps: list[tuple[str, Any]] = []
    position = 0
    for match in _TRAVERSAL.finditer(text):
        if match.start() != position:
            return None
        position = match.end()
        if match.group(1) is not None:
            if not steps and match.group(0).startswith("."):
                return None
            steps.append(("root" if not steps else "attr", match.group(1)))
        elif not steps:
            return None
        elif match.group(2) == "*":
            steps.append(("splat", "*"))
        else:
            steps.append(("index", match.group(2)))
    if position != len(text) or not steps:
        return None
    return steps
