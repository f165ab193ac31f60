"""Module instances: Terraform's expansion of resources and module calls, and the names they evaluate.

A ``ModuleInstance`` is one instance of a module (the root, ``module.app``, ``module.app["a"]``): its
variables, locals, resources, data sources and child module calls, evaluated on demand through
``hcl_eval``. ``count`` and ``for_each`` over known values expand with instance keys in the
addresses (``module.app["a"].aws_subnet.x[0]``); over unknown values the block is evaluated once,
as a representative, with ``count.index``/``each`` unknown and a warning. Values Terraform itself
rejects (a negative ``count``, ``for_each`` over a list) are ``InputError`` at the attribute's line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Location
from ..model.values import Unknown
from . import hcl_syntax as s
from .hcl_functions import FUNCTIONS
from .hcl_values import (
    Env,
    EvalError,
    Lazy,
    LimitError,
    Many,
    finalise,
    items_of,
    plain,
)
from .tf_config import Block, ModuleConfig, is_block_list
from .tf_expansion import Expansion, count_expansion, for_each_expansion, value_of
from .tf_inputs import InputValue, cli_value, convert, type_of
from .tf_loader import MAX_CHAIN, Loader, LoadWarning, Options
from .tf_mapping import TfResource, is_supported, map_resource
from .tf_objects import META, DataObject, Namespace, RemoteModule, ResourceObject

_CALL_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})
MAX_MODULE_DEPTH = 32

__all__ = ["LoadWarning", "Loader", "ModuleInstance", "Options"]


class ModuleInstance(Lazy):
    """One instance of a module: its values, evaluated on demand, and the resources it expands to."""

    def __init__(self, loader: Loader, config: ModuleConfig, prefix: str, depth: int = 0,
                 inherited: tuple[str, str] | None = None) -> None:
        self.loader = loader
        self.config = config
        self.prefix = prefix
        self.depth = depth
        self.inherited = inherited  # (meta, reason) of an enclosing module call expanded with unknowns
        self.values: dict[str, Any] = {}
        self.env = Env(self._root, loader.limits, {}, FUNCTIONS)
        self._locals: dict[str, Any] = {}
        self._outputs: dict[str, Any] = {}
        self._expansions: dict[str, Expansion] = {}
        self._calls: dict[str, Any] = {}
        self._attributes: dict[tuple[str, str], Any] = {}
        self._active: set[str] = set()
        self.parent: ModuleInstance | None = None
        self.passed_providers: dict[str, str] = {}  # the call's ``providers`` map: child name -> parent's name

    # -- names ---------------------------------------------------------------------------------------

    def _root(self, name: str) -> Any:
        if name == "var":
            return Namespace("input variables", self._variable)
        if name == "local":
            return Namespace("local values", self.local)
        if name == "module":
            return Namespace("module calls", self.call_value)
        if name == "data":
            return Namespace("data sources", lambda t: Namespace(f"data.{t}", lambda n: self.data_value(t, n)))
        if name == "path":
            return {"module": str(self.config.directory), "root": str(self.loader.root), "cwd": os.getcwd()}
        if name == "terraform":
            return {"workspace": Unknown("terraform.workspace is chosen when Terraform runs")}
        if name in ("count", "each", "self"):
            raise EvalError(f"{name} is not available here")
        return Namespace(f"resources of type {name}", lambda n: self.resource_value(name, n))

    def _variable(self, name: str) -> Any:
        if name not in self.values:
            raise EvalError(f"variable {name!r} is not declared")
        return self.values[name]

    def local(self, name: str) -> Any:
        if name not in self._locals:
            if name not in self.config.locals:
                raise EvalError(f"local value {name!r} is not declared")
            key = f"local.{name}"
            if key in self._active:
                raise EvalError(f"local.{name} refers to itself")
            raw, path = self.config.locals[name]
            self._active.add(key)
            try:
                self._locals[name] = self.evaluate(raw, self.env, path, None, key)
            finally:
                self._active.discard(key)
        return self._locals[name]

    def attr(self, name: str) -> Any:
        """An output of this module instance (``module.x.NAME``)."""
        if name not in self._outputs:
            block = self.config.outputs.get(name)
            if block is None:
                raise EvalError(f"module {self.prefix.rstrip('.')} has no output {name!r}")
            key = f"output.{name}"
            if key in self._active:
                raise EvalError(f"output {name} refers to itself")
            self._active.add(key)
            try:
                self._outputs[name] = self.evaluate(block.body.get("value"), self.env, block.file, block.line, key)
            finally:
                self._active.discard(key)
        return self._outputs[name]

    def describe(self) -> str:
        return f"module {self.prefix.rstrip('.') or 'root'}"

    def final(self) -> Any:
        return Unknown(f"the whole {self.describe()} is not a value haguard reads")

    # -- evaluation ----------------------------------------------------------------------------------

    def evaluate(self, raw: Any, env: Env, file: Path, line: int | None, what: str) -> Any:
        """The value of a raw python-hcl2 value; errors Terraform would report become ``Unknown``."""
        self.loader.chain += 1
        try:
            if self.loader.chain > MAX_CHAIN:
                return Unknown(f"{what}: references chained deeper than {MAX_CHAIN} levels")
            node = s.node_of(raw)
            return self.loader.evaluator.evaluate(node, env)
        except s.HclDepthError as exc:
            raise InputError(str(exc), str(file), line) from None
        except s.HclSyntaxError as exc:
            self.loader.warn(f"{what}: expression not understood ({exc}); evaluated as unknown", file, line)
            return Unknown(f"{what}: expression not understood ({exc})")
        except LimitError as exc:
            if exc.file is None:
                raise LimitError(exc.message, str(file), line) from None
            raise
        except EvalError as exc:
            return Unknown(f"{what}: {exc} ({_snippet(raw)})")
        finally:
            self.loader.chain -= 1

    def set_variables(self, given: dict[str, Any], required_from: Block | None) -> None:
        """Variable values: ``given`` (already evaluated), else the declared default; converted to type."""
        for name, block in self.config.variables.items():
            type_node = type_of(block.body.get("type"))
            if name in given:
                value = given[name]
            elif "default" in block.body:
                value = self.evaluate(block.body["default"], Env(_no_names, self.loader.limits, {}, FUNCTIONS),
                                      block.file, block.line, f"variable {name}")
            elif required_from is not None:
                raise InputError(f"module {self.prefix.rstrip('.')} needs a value for its variable {name!r} "
                                 "(Terraform rejects the call without it)", str(required_from.file),
                                 required_from.line)
            else:
                value = Unknown(f"variable {name} has no value (no default, tfvars or --var)")
            try:
                self.values[name] = convert(value, type_node)
            except EvalError as exc:
                self.loader.warn(f"variable {name} of {self.describe()}: {exc}; evaluated as unknown", block.file,
                                 block.line)
                self.values[name] = Unknown(f"variable {name}: {exc}")
        if required_from is not None:
            unexpected = sorted(set(given) - set(self.config.variables))
            if unexpected:
                raise InputError(f"module {self.prefix.rstrip('.')} has no variable {unexpected[0]!r} "
                                 "(Terraform rejects the argument)", str(required_from.file),
                                 required_from.line)

    def set_root_inputs(self, inputs: dict[str, InputValue]) -> None:
        """Root variables from tfvars files and ``--var``; Terraform's errors are ``InputError``."""
        given: dict[str, Any] = {}
        empty = Env(_no_names, self.loader.limits, {}, FUNCTIONS)
        for name, value in inputs.items():
            block = self.config.variables.get(name)
            if block is None:
                where = value.file or "--var"
                self.loader.warn(f"a value is given for {name!r}, which no variable declares", where, value.line)
                continue
            type_node = type_of(block.body.get("type"))
            try:
                if value.raw:
                    result = self.loader.evaluator.evaluate(s.node_of(value.value), empty)
                elif value.file is None and isinstance(value.value, str):
                    parsed = cli_value(value.value, type_node)
                    result = parsed if isinstance(parsed, str) else self.loader.evaluator.evaluate(parsed, empty)
                else:
                    result = value.value
                given[name] = convert(result, type_node)
            except (EvalError, s.HclSyntaxError) as exc:
                where = value.file or f"--var {name}"
                raise InputError(f"invalid value for variable {name!r}: {exc}", where, value.line) from None
        self.set_variables(given, None)

    # -- expansion -----------------------------------------------------------------------------------

    def expansion(self, block: Block, base: str, *, quiet: bool = False) -> Expansion:
        """The instances ``count``/``for_each`` give ``block`` (memoised); unknown ones warn unless ``quiet``."""
        if base in self._expansions:
            return self._expansions[base]
        body = block.body
        if "count" in body and "for_each" in body:
            raise InputError(f"{base} sets both count and for_each (Terraform rejects it)", str(block.file),
                             block.line)
        meta = "count" if "count" in body else "for_each" if "for_each" in body else None
        if meta is None:
            result = Expansion("single", [(base, {})])
        else:
            line = self.config.attribute_line(block, meta)
            value = plain(self.evaluate(body[meta], self.env, block.file, line, f"{meta} of {base}"))
            expand = count_expansion if meta == "count" else for_each_expansion
            result = expand(value, base, (str(block.file), line), self.loader.options.max_instances)
            if result.mode == "unknown" and not quiet:
                self.loader.warn(f"{result.reason}; evaluated as one instance, with the values that depend on it "
                                 "unknown", block.file, line, subject=base)
        self.loader.spend(len(result.instances), block.file, block.line)
        self._expansions[base] = result
        return result

    def resource_value(self, tf_type: str, name: str) -> Any:
        block = self.config.resources.get(f"{tf_type}.{name}")
        if block is None:
            raise EvalError(f"resource {tf_type}.{name} is not declared in this module")
        expansion = self.expansion(block, f"{self.prefix}{tf_type}.{name}")
        return value_of(expansion, lambda address, bindings: ResourceObject(self, block, address, bindings))

    def data_value(self, tf_type: str, name: str) -> Any:
        block = self.config.data.get(f"{tf_type}.{name}")
        if block is None:
            raise EvalError(f"data source {tf_type}.{name} is not declared in this module")
        expansion = self.expansion(block, f"{self.prefix}data.{tf_type}.{name}", quiet=True)
        return value_of(expansion, lambda address, _: DataObject(tf_type, address))

    def instance_attribute(self, obj: ResourceObject, name: str) -> Any:
        """The configured value of another resource instance's attribute (memoised, cycles unknown)."""
        key = (obj.address, name)
        if key not in self._attributes:
            marker = f"{obj.address}.{name}"
            if marker in self._active:
                return Unknown(f"{marker} refers to itself")
            self._active.add(marker)
            try:
                raw = obj.block.body[name]
                env = self.env.bind(**obj.bindings)
                if is_block_list(raw):
                    value: Any = [self.body(b, env, obj.block, top=False) for b in raw]
                else:
                    value = self.evaluate(raw, env, obj.block.file, None, f"{obj.address}.{name}")
                self._attributes[key] = value
            finally:
                self._active.discard(marker)
        return self._attributes[key]

    # -- module calls --------------------------------------------------------------------------------

    def call_value(self, name: str) -> Any:
        """``module.NAME``: a child instance, a list or map of them, ``Many`` or a ``RemoteModule``."""
        if name in self._calls:
            return self._calls[name]
        block = self.config.calls.get(name)
        if block is None:
            raise EvalError(f"module {name!r} is not declared")
        self._calls[name] = Unknown(f"module {name} refers to itself")
        base = f"{self.prefix}module.{name}"
        source = block.body.get("source")
        text = source[1:-1] if isinstance(source, str) and source.startswith('"') and source.endswith('"') else None
        if text is None:
            raise InputError(f"module {name}: source must be a literal string (Terraform rejects it)",
                             str(block.file), block.line)
        if not text.startswith(("./", "../")):
            self.loader.warn(f"not evaluated: remote module {text} (module.{name})", block.file, block.line,
                             kind="not-evaluated", subject=base)
            value: Any = RemoteModule(text)
            self._calls[name] = value
            return value
        directory = Path(os.path.normpath(self.config.directory / text))
        if not directory.is_dir():
            raise InputError(f"module {name}: source {text} is not a directory (Terraform rejects it)",
                             str(block.file), block.line)
        if self.depth >= MAX_MODULE_DEPTH:
            raise InputError(f"modules nested deeper than {MAX_MODULE_DEPTH} levels (does a module call itself?)",
                             str(block.file), block.line)
        config = self.loader.config(directory)
        expansion = self.expansion(block, base)
        inherited = (expansion.meta or "count", expansion.reason) if expansion.reason else self.inherited

        def make(address: str, bindings: dict[str, Any]) -> ModuleInstance:
            child = ModuleInstance(self.loader, config, address + ".", self.depth + 1, inherited)
            env = self.env.bind(**bindings)
            inputs = {key: self.evaluate(raw, env, block.file, block.line, f"module.{name}.{key}")
                      for key, raw in block.body.items() if not key.startswith("__") and key not in _CALL_META}
            child.set_variables(inputs, block)
            child.parent = self
            child.passed_providers = _providers_map(block.body.get("providers"))
            return child

        value = value_of(expansion, make)
        self._calls[name] = value
        return value

    def children(self) -> Iterator[ModuleInstance]:
        for name in self.config.calls:
            value = self.call_value(name)
            if isinstance(value, Many):
                value = value.item
            items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            yield from (item for item in items if isinstance(item, ModuleInstance))

    # -- resources -----------------------------------------------------------------------------------

    def region(self) -> str | None:
        """The default aws provider's ``region`` when it evaluates to a string."""
        return self.provider_region("aws")

    def provider_region(self, name: str, depth: int = 0) -> str | None:
        """The ``region`` of provider configuration ``name`` (``aws``, ``aws.dr``) as this module sees it: its
        own provider block, else the one its call passes (``providers``), else (the default one) the caller's."""
        alias = name.partition(".")[2] or None
        for block in self.config.providers:
            if block.labels != ("aws",):
                continue
            given = plain(self.evaluate(block.body["alias"], self.env, block.file, block.line, "provider alias")
                          ) if "alias" in block.body else None
            if given == alias:
                value = plain(self.evaluate(block.body.get("region"), self.env, block.file, block.line,
                                            "provider region"))
                return value if isinstance(value, str) else None
        if self.parent is None or depth > MAX_MODULE_DEPTH:
            return None
        if name in self.passed_providers:
            return self.parent.provider_region(self.passed_providers[name], depth + 1)
        return self.parent.provider_region(name, depth + 1) if alias is None and not self.passed_providers else None

    def provider_of(self, block: Block) -> tuple[str | None, str | None]:
        """(the provider configuration a resource uses when it is not the root's default one, its Region)."""
        name = _provider_name(block.body.get("provider")) or "aws"
        if name.partition(".")[0] != "aws" or (name == "aws" and self.parent is None):
            return None, None
        key = name if self.parent is None else f"{self.prefix}{name}"
        return key, self.provider_region(name)

    def expand(self) -> None:
        """Map every supported resource instance of this module instance, then of its children."""
        for key, block in self.config.resources.items():
            tf_type = block.labels[0]
            expansion = self.expansion(block, f"{self.prefix}{key}")
            if not is_supported(tf_type):
                if expansion.instances:
                    self.loader.warn(f"{tf_type} is not modelled: {self.prefix}{key} is not evaluated", block.file,
                                     block.line, kind="unmodelled", subject=f"{self.prefix}{key}")
                continue
            for address, bindings in expansion.instances:
                self._emit(block, address, bindings, expansion)
        for child in self.children():
            child.expand()

    def _emit(self, block: Block, address: str, bindings: dict[str, Any], expansion: Expansion) -> None:
        from .terraform_hcl import find_declaration

        tf_type, name = block.labels
        values = self.body(block.body, self.env.bind(**bindings), block, top=True)
        mapped = map_resource(tf_type, values, address=address)
        if mapped.type is not None:
            for meta, reason in ((expansion.meta, expansion.reason), self.inherited or (None, None)):
                if meta and reason:
                    mapped.unknown.setdefault(meta, reason)
        found = find_declaration(self.config.lines.get(block.file, []), tf_type, name)
        line, suppressions = found if found is not None else (block.line, {})
        provider, region = self.provider_of(block)
        self.loader.items.append(TfResource(address, tf_type, name, mapped, Location(file=str(block.file), line=line),
                                            suppressions, provider=provider, region=region))

    def body(self, body: dict[str, Any], env: Env, block: Block, *, top: bool) -> dict[str, Any]:
        """A block body as a value tree: attributes evaluated, nested and dynamic blocks expanded."""
        values: dict[str, Any] = {}
        nested: dict[str, list[Any] | Unknown] = {}
        for key, raw in body.items():
            if key.startswith("__") or (top and key in META):
                continue
            if key == "dynamic":
                self._dynamic(raw, env, block, nested)
            elif is_block_list(raw):
                blocks = nested.setdefault(key, [])
                if isinstance(blocks, list):
                    blocks.extend(self.body(item, env, block, top=False) for item in raw)
            else:
                values[key] = finalise(self.evaluate(raw, env, block.file, block.line, key))
        values.update(nested)
        return values

    def _dynamic(self, raw: Any, env: Env, block: Block, nested: dict[str, list[Any] | Unknown]) -> None:
        for entry in raw if isinstance(raw, list) else [raw]:
            if not isinstance(entry, dict):
                continue
            for label, spec in entry.items():
                if label.startswith("__") or not isinstance(spec, dict):
                    continue
                block_type = label.strip('"')
                iterator = spec.get("iterator")
                iterator = iterator.strip('"${}') if isinstance(iterator, str) else block_type
                line = self.config.attribute_line(block, "for_each")
                collection = plain(self.evaluate(spec.get("for_each"), env, block.file, line,
                                                 f"dynamic {block_type} for_each"))
                if isinstance(collection, Unknown | Many):
                    nested[block_type] = Unknown(f"dynamic block {block_type}: for_each is unknown "
                                                 f"({collection.reason})")
                    continue
                if collection is None:
                    raise InputError(f"dynamic block {block_type}: for_each is null (Terraform rejects it)",
                                     str(block.file), line)
                try:
                    pairs = list(items_of(collection))
                except EvalError as exc:
                    nested[block_type] = Unknown(f"dynamic block {block_type}: {exc}")
                    continue
                self.loader.limits.collection(len(pairs), f"dynamic block {block_type}")
                contents = [c for c in spec.get("content", []) if isinstance(c, dict)]
                blocks = nested.setdefault(block_type, [])
                if not isinstance(blocks, list):
                    continue
                for key, value in pairs:
                    inner = env.bind(**{iterator: {"key": key, "value": value}})
                    blocks.extend(self.body(content, inner, block, top=False) for content in contents)


_PROVIDER = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)?")


def _provider_name(raw: Any) -> str | None:
    """``aws.dr`` from a raw ``provider = aws.dr`` (python-hcl2 gives ``${aws.dr}``), else None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1].strip()
    return text if _PROVIDER.fullmatch(text) else None


def _providers_map(raw: Any) -> dict[str, str]:
    """A module call's ``providers = { aws = aws.dr, aws.x = aws }`` as {child name: parent name}."""
    entries = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
    if not isinstance(entries, dict):
        return {}
    found = {_provider_name(key): _provider_name(value) for key, value in entries.items()}
    return {key: value for key, value in found.items() if key and value}


def _no_names(name: str) -> Any:
    raise EvalError(f"{name} cannot be referred to here (only literal values are allowed)")


def _snippet(raw: Any) -> str:
    if isinstance(raw, str):
        text = raw[2:-1] if raw.startswith("${") and raw.endswith("}") else raw
    else:
        text = json.dumps(raw, default=str)
    text = " ".join(text.split())
    return f"`{text[:80]}{'...' if len(text) > 80 else ''}`"
