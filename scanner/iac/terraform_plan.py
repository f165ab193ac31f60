"""Terraform plan JSON (``terraform show -json plan.out``) -> Snapshot (source kind ``terraform-plan``).

Resources come from ``planned_values`` (root and nested child modules; uid = resource address),
values known only after apply from ``resource_changes[].change.after_unknown``, and relations from
the ``configuration`` expressions' ``references`` (module variables and simple outputs are
followed), never from guessed ids.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from ..errors import InputError
from ..model import Location, Snapshot, Unevaluated
from ..model.values import Reference as Ref
from ..model.values import Unknown
from .terraform_hcl import block_lines, find_declaration
from .tf_mapping import (
    AFTER_APPLY,
    COMPUTED_WITH_AWS_DEFAULT,
    TfResource,
    build_snapshot,
    is_supported,
    map_resource,
    with_unknowns,
)

SOURCE_KIND = "terraform-plan"
_INSTANCE_DEPENDENT = ("count.", "each.")
_BY_INSTANCE = "refers to an instance of"
_REGION_NAME = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
_SEGMENT = re.compile(r'([^.\[]+)((?:\[[^\]]*\])?)')


def looks_like_terraform_plan(path: str | Path) -> bool:
    """True when ``path`` is a JSON object with a Terraform plan's own top-level keys (``format_version``
    and ``planned_values`` or ``resource_changes``), wherever they are in the file and whatever its
    layout (one line, a UTF-8 BOM, keys sorted after a large ``configuration``).

    A file that names both keys but cannot be parsed (truncated, nested too deeply) counts as a plan,
    so that loading it reports what is wrong instead of skipping it.
    """
    path = Path(path)
    try:
        if not path.is_file():
            return False
        data = path.read_bytes()
    except OSError:
        return False
    start = data[3:] if data.startswith(_BOM) else data
    if start.lstrip()[:1] != b"{" or not _FORMAT_KEY.search(data) or not _PLAN_KEY.search(data):
        return False
    try:
        parsed = _parse(data)
    except (ValueError, RecursionError):
        return True
    _LAST_PARSED.clear()
    _LAST_PARSED[_identity(path, data)] = parsed  # loading it next does not parse it again
    return isinstance(parsed, dict) and "format_version" in parsed and (
        "planned_values" in parsed or "resource_changes" in parsed)


_BOM = b"\xef\xbb\xbf"
_FORMAT_KEY = re.compile(rb'"format_version"\s*:')
_PLAN_KEY = re.compile(rb'"(?:planned_values|resource_changes)"\s*:')
MAX_PLAN_DEPTH = 128
"""Deepest nesting a plan may have (Terraform's own plans nest a few dozen levels at most)."""
_LAST_PARSED: dict[tuple[str, int, int], Any] = {}


def _parse(data: bytes) -> Any:
    """The plan's JSON: orjson first (a plan is megabytes), the standard library for its error messages."""
    try:
        return orjson.loads(data[3:] if data.startswith(_BOM) else data)
    except orjson.JSONDecodeError:
        pass  # undecodable or invalid: let the standard library say why, with its line and column
    return json.loads(data.decode("utf-8-sig"))


def _identity(path: Path, data: bytes) -> tuple[str, int, int]:
    return str(path.resolve()), len(data), hash(data)


def load_terraform_plan(path: str | Path) -> Snapshot:
    """Load a Terraform plan JSON file; raises ``InputError`` for unreadable or non-plan input."""
    path = Path(path)
    plan = _read(path)
    try:
        context = _PlanContext(plan, path)
        managed = [(entry, module) for entry, module in _walk(plan["planned_values"].get("root_module", {}))
                   if entry.get("mode", "managed") == "managed"]
        items = [context.resource(entry, module) for entry, module in managed if is_supported(str(entry.get("type")))]
        unevaluated = [Unevaluated(uid=str(entry.get("address", "")), source_type=str(entry.get("type", "")),
                                   location=context.location_of(entry, module))
                       for entry, module in managed if not is_supported(str(entry.get("type")))]
    except (AttributeError, TypeError, KeyError, IndexError) as exc:
        # a plan whose parts have the wrong JSON types; Terraform never writes one
        raise InputError(f"malformed Terraform plan ({type(exc).__name__}: {exc})", str(path)) from None
    return build_snapshot(SOURCE_KIND, [str(path)], items, context.region, unevaluated)


def _read(path: Path) -> dict[str, Any]:
    if path.exists() and not path.is_file():
        raise InputError("not a regular file", str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read Terraform plan: {exc.strerror}", str(path)) from None
    try:
        plan = _LAST_PARSED.pop(_identity(path, raw), None) or _parse(raw)
    except UnicodeDecodeError:
        raise InputError("Terraform plan is not UTF-8 text", str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), exc.lineno) from None
    except RecursionError:
        raise InputError(f"JSON nested deeper than {MAX_PLAN_DEPTH} levels (haguard's limit for plans)",
                         str(path)) from None
    if not isinstance(plan, dict):
        raise InputError("not a Terraform plan: the JSON is not an object", str(path), 1)
    _check_depth(plan, path)
    missing = [key for key in ("format_version", "planned_values") if key not in plan]
    if missing:
        raise InputError(f"not a Terraform plan: missing {', '.join(repr(k) for k in missing)} "
                         "(expected the output of `terraform show -json PLANFILE`)", str(path))
    if not str(plan["format_version"]).startswith("1."):
        raise InputError(f"unsupported plan format_version {plan['format_version']!r} (expected 1.x)", str(path))
    if not isinstance(plan["planned_values"], dict):
        raise InputError("not a Terraform plan: 'planned_values' is not an object", str(path))
    return plan


def _check_depth(value: Any, path: Path) -> None:
    """Refuse nesting beyond ``MAX_PLAN_DEPTH`` (checked level by level, before anything recurses)."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(MAX_PLAN_DEPTH):
        if not level:
            return
        level = [child for container in level
                 for child in (container.values() if type(container) is dict else container)
                 if isinstance(child, (dict, list))]
    if any(level):  # a member at depth MAX_PLAN_DEPTH + 1
        raise InputError(f"JSON nested deeper than {MAX_PLAN_DEPTH} levels (haguard's limit for plans)", str(path))


def _walk(module: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """(resource entry, module instance path) for a planned module and its children."""
    found = [(entry, str(module.get("address", ""))) for entry in module.get("resources", [])]
    for child in module.get("child_modules", []):
        found.extend(_walk(child))
    return found


@lru_cache(maxsize=1 << 16)
def _split_address(text: str) -> tuple[tuple[str, str], ...]:
    """``module.a["x"].aws_s.n[0].id`` -> ((module, ''), (a, '["x"]'), (aws_s, ''), (n, '[0]'), (id, '')).

    Cached: every instance of a module names the same references.
    """
    return tuple((m.group(1), m.group(2)) for m in _SEGMENT.finditer(text))


@dataclass
class _Scope:
    """A module instance: its path, its configuration, and where its .tf files are."""

    instance: str
    config: dict[str, Any]
    directory: Path | None
    call: dict[str, Any] | None = None
    parent: _Scope | None = None


class _PlanContext:
    """Indexes of one plan: changes by address, module scopes, all addresses."""

    def __init__(self, plan: dict[str, Any], path: Path) -> None:
        self.path = path
        self.changes = {c.get("address"): c.get("change", {}) for c in plan.get("resource_changes", [])
                        if isinstance(c, dict)}
        self.addresses = {entry.get("address", "") for entry, _ in _walk(plan["planned_values"].get("root_module", {}))}
        self._instances_of = _instance_index(self.addresses)
        configuration = plan.get("configuration", {}) or {}
        root_dir = path.parent if any(path.parent.glob("*.tf")) else None
        self.scopes: dict[str, _Scope] = {"": _Scope("", configuration.get("root_module", {}) or {}, root_dir)}
        self.providers: dict[str, Any] = configuration.get("provider_config", {}) or {}
        self.variables: dict[str, Any] = plan.get("variables", {}) or {}
        self.region = provider_region(self.providers.get("aws"), self.variables)
        self._text_cache: dict[Path, list[str]] = {}
        self._config_index: dict[int, dict[tuple[Any, Any], dict[str, Any]]] = {}
        """Per module configuration (by identity: the plan holds them all), its resources by (type, name)."""

    def scope(self, instance: str) -> _Scope:
        """The scope of a module instance path, building parents on the way."""
        if instance in self.scopes:
            return self.scopes[instance]
        parts = _split_address(instance)
        parent_instance = ".".join(f"{n}{i}" for n, i in parts[:-2])
        parent = self.scope(parent_instance)
        call = (parent.config.get("module_calls", {}) or {}).get(parts[-1][0], {}) or {}
        source = str(call.get("source", ""))
        directory = None
        if parent.directory is not None and source.startswith(("./", "../")):
            candidate = parent.directory / source
            directory = candidate if candidate.is_dir() else None
        scope = _Scope(instance, call.get("module", {}) or {}, directory, call, parent)
        self.scopes[instance] = scope
        return scope

    def resource(self, entry: dict[str, Any], module: str) -> TfResource:
        """Map one planned resource."""
        address = str(entry.get("address", ""))
        tf_type, name = str(entry.get("type", "")), str(entry.get("name", ""))
        scope = self.scope(module)
        change = self.changes.get(address, {})
        after = change.get("after") if isinstance(change.get("after"), dict) else entry.get("values", {}) or {}
        config = self._config_resource(scope, tf_type, name)
        expressions = config.get("expressions", {}) if config else {}
        unknown = _unknown_paths(change.get("after_unknown", {}))
        if config:
            # the configuration does not set it: the provider leaves it to AWS's documented default
            computed = COMPUTED_WITH_AWS_DEFAULT.get(tf_type, frozenset())
            unknown = {p: r for p, r in unknown.items() if not (p in computed and p not in expressions)}
        else:
            unknown = {p: f"{r} (the plan has no configuration for {address} to tell whether it is set)"
                       for p, r in unknown.items()}
        values = _with_config(with_unknowns(after, unknown), expressions, lambda refs: self._targets(refs, scope))
        location, suppressions = self._locate(scope, tf_type, name)
        for key, value in values.items():
            if isinstance(value, Unknown) and value.reason.startswith(_BY_INSTANCE) and location.line:
                values[key] = self._same_instance(location, key, address, scope) or value
        mapped = map_resource(tf_type, values, address=address)
        key = str(config.get("provider_config_key", "aws") or "aws") if config else "aws"
        if key == "aws" or key not in self.providers:
            return TfResource(address, tf_type, name, mapped, location, suppressions)
        region = provider_region(self.providers[key], self.variables)
        return TfResource(address, tf_type, name, mapped, location, suppressions, provider=key, region=region)

    def location_of(self, entry: dict[str, Any], module: str) -> Location:
        """Where a planned resource is declared (its .tf file and line when found)."""
        return self._locate(self.scope(module), str(entry.get("type", "")), str(entry.get("name", "")))[0]

    def _same_instance(self, location: Location, key: str, address: str, scope: _Scope) -> Ref | None:
        """``key = T.N[count.index].id`` (or ``[each.key]``) read from the .tf source: the instance of
        ``T.N`` with this resource's own index, when that instance is in the plan."""
        lines = self._text_cache.get(Path(location.file), [])
        own_index = address[len(address.split("[")[0]):]
        if not own_index:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=\s*(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)"
                             r"\[(?:count\.index|each\.key)\](?:\.[a-z_]+)?\s*(?:#.*)?$")
        for line in block_lines(lines, location.line or 0):
            match = pattern.match(line)
            if match:
                target = (f"{scope.instance}." if scope.instance else "") + match.group(1) + own_index
                return Ref((target,)) if target in self.addresses else None
        return None

    def _config_resource(self, scope: _Scope, tf_type: str, name: str) -> dict[str, Any]:
        """The configured (managed) resource ``tf_type.name`` of a scope; every instance of a module shares
        its configuration, so each configuration is indexed once."""
        index = self._config_index.get(id(scope.config))
        if index is None:
            index = {}
            for resource in scope.config.get("resources", []) or []:
                if resource.get("mode") != "data":
                    index.setdefault((resource.get("type"), resource.get("name")), resource)
            self._config_index[id(scope.config)] = index
        return index.get((tf_type, name), {})

    def _locate(self, scope: _Scope, tf_type: str, name: str) -> tuple[Location, dict[str, str]]:
        if scope.directory is not None:
            for tf_file in sorted(scope.directory.glob("*.tf")):
                lines = self._text_cache.setdefault(tf_file, tf_file.read_text(encoding="utf-8",
                                                                               errors="replace").splitlines())
                found = find_declaration(lines, tf_type, name)
                if found is not None:
                    return Location(file=str(tf_file), line=found[0]), found[1]
        return Location(file=str(self.path)), {}

    def _targets(self, references: list[str], scope: _Scope, depth: int = 0) -> Ref | Unknown | None:
        """Resource addresses named by an expression's references, resolved from ``scope``.

        Terraform lists each reference with its prefixes (``aws_subnet.a[0].id``, ``aws_subnet.a[0]``,
        ``aws_subnet.a``): a base named with an index stands for those instances only; a base without
        one stands for all its instances, unless ``count.index``/``each`` picks one, which is unknown.
        """
        if depth > 8:
            return None
        explicit: dict[str, list[str]] = {}
        expanded: dict[str, list[str]] = {}
        nested: list[str] = []
        for reference in references:
            parts = _split_address(reference)
            if not parts or parts[0][0] in ("count", "each", "path", "terraform", "self", "local"):
                continue
            if parts[0][0] in ("var", "module"):
                found = (self._variable(parts[1][0], scope, depth) if parts[0][0] == "var" and len(parts) > 1
                         else self._module_output(parts, scope, depth))
                if isinstance(found, Unknown):
                    return found
                if isinstance(found, Ref):
                    nested.extend(found.targets)
                continue
            head = parts[:3] if parts[0][0] == "data" else parts[:2]
            if len(head) < (3 if parts[0][0] == "data" else 2):
                continue
            base = (f"{scope.instance}." if scope.instance else "") + ".".join(n for n, _ in head)
            if head[-1][1]:
                explicit.setdefault(base, []).append(base + head[-1][1])
            else:
                expanded[base] = self._instances_of.get(base) or [base]
        instance_dependent = any(r.startswith(_INSTANCE_DEPENDENT) for r in references)
        ambiguous = [b for b, found in expanded.items() if b not in explicit and instance_dependent and len(found) > 1]
        if ambiguous:
            return Unknown(f"{_BY_INSTANCE} {', '.join(ambiguous)} chosen by count.index or each.key, "
                           "which the plan does not record")
        targets: list[str] = []
        for base in dict.fromkeys([*explicit, *expanded]):
            targets.extend(t for t in explicit.get(base, expanded.get(base, [])) if t not in targets)
        targets.extend(t for t in nested if t not in targets)
        return Ref(tuple(targets)) if targets else None

    def _variable(self, name: str, scope: _Scope, depth: int) -> Ref | Unknown | None:
        if scope.parent is None or scope.call is None:
            return None
        expression = (scope.call.get("expressions", {}) or {}).get(name)
        if isinstance(expression, dict) and expression.get("references"):
            return self._targets(expression["references"], scope.parent, depth + 1)
        return None

    def _module_output(self, parts: tuple[tuple[str, str], ...], scope: _Scope, depth: int) -> Ref | Unknown | None:
        if len(parts) < 3:
            return None
        call_name, index = parts[1]
        prefix = f"{scope.instance}." if scope.instance else ""
        instances = [f"{prefix}module.{call_name}{index}"] if index else sorted(
            {m for m in self._module_instances() if re.fullmatch(re.escape(f"{prefix}module.{call_name}")
                                                                 + r"(\[[^\]]*\])?", m)})
        call = (scope.config.get("module_calls", {}) or {}).get(call_name, {}) or {}
        output = ((call.get("module", {}) or {}).get("outputs", {}) or {}).get(parts[2][0], {}) or {}
        references = (output.get("expression", {}) or {}).get("references")
        if not references:
            return None
        targets: list[str] = []
        for instance in instances:
            nested = self._targets(references, self.scope(instance), depth + 1)
            if isinstance(nested, Ref):
                targets.extend(t for t in nested.targets if t not in targets)
        return Ref(tuple(targets)) if targets else None

    def _module_instances(self) -> set[str]:
        instances: set[str] = set()
        for address in self.addresses:
            parts = _split_address(address)
            for i in range(0, len(parts) - 2, 2):
                if parts[i][0] == "module":
                    instances.add(".".join(f"{n}{x}" for n, x in parts[: i + 2]))
        return instances


def provider_region(provider: Any, variables: dict[str, Any]) -> str | None:
    """A provider configuration's ``region``: a constant, or a root variable given alone (``region =
    var.region``), whose value the plan records; None when the plan does not say (or says it otherwise)."""
    if not isinstance(provider, dict):
        return None
    expression = (provider.get("expressions", {}) or {}).get("region", {}) or {}
    if not isinstance(expression, dict):
        return None
    region = expression.get("constant_value")
    if isinstance(region, str):
        return region
    references = expression.get("references") or []
    if provider.get("module_address") or len(references) != 1 or not str(references[0]).startswith("var."):
        return None
    entry = variables.get(str(references[0]).removeprefix("var."))
    value = entry.get("value") if isinstance(entry, dict) else None
    # the plan records references, not the expression: a value that is not a whole Region name was combined
    return value if isinstance(value, str) and _REGION_NAME.fullmatch(value) else None


def _instance_index(addresses: set[str]) -> dict[str, list[str]]:
    """Base -> the addresses equal to it or starting with ``base[`` (each ``[`` of an address ends a base), sorted.

    Built once per plan, so resolving a reference costs its instances, not a scan of every address.
    """
    index: dict[str, list[str]] = {}
    for address in addresses:
        index.setdefault(address, []).append(address)
        start = address.find("[")
        while start != -1:
            index.setdefault(address[:start], []).append(address)
            start = address.find("[", start + 1)
    for instances in index.values():
        instances.sort()
    return index


def _unknown_paths(after_unknown: Any, prefix: str = "") -> dict[str, str]:
    """Dotted paths marked ``true`` in ``after_unknown``."""
    if after_unknown is True:
        return {prefix: AFTER_APPLY} if prefix else {}
    found: dict[str, str] = {}
    if isinstance(after_unknown, dict):
        for key, value in after_unknown.items():
            found.update(_unknown_paths(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(after_unknown, list):
        for index, value in enumerate(after_unknown):
            found.update(_unknown_paths(value, f"{prefix}.{index}" if prefix else str(index)))
    return found


def _with_config(values: Any, expressions: Any, resolve: Any) -> Any:
    """Overlay configuration references (as ``Ref``) and constants on the planned values."""
    if not isinstance(values, dict) or not isinstance(expressions, dict):
        return values
    result = dict(values)
    for key, expression in expressions.items():
        current = result.get(key)
        if isinstance(expression, list):
            result[key] = _merge_blocks(current, expression, resolve)
            continue
        if not isinstance(expression, dict):
            continue
        references = expression.get("references")
        if references:
            target = resolve(references)
            if isinstance(target, Ref):
                known = current is not None and not isinstance(current, Unknown)
                result[key] = Ref(target.targets, current if known else None, known)
            elif isinstance(target, Unknown):
                result[key] = target
        elif "constant_value" in expression and isinstance(current, Unknown):
            result[key] = expression["constant_value"]
        elif isinstance(current, dict) and not {"references", "constant_value"} & set(expression):
            result[key] = _with_config(current, expression, resolve)
    return result


def _merge_blocks(values: Any, blocks: list[Any], resolve: Any) -> Any:
    """Pair planned nested blocks with configured ones (sets may be reordered) and overlay each."""
    if isinstance(values, Unknown) or values is None:
        built = [_with_config({}, block, resolve) for block in blocks if isinstance(block, dict)]
        if isinstance(values, Unknown):
            return [_constants_or_unknown(b, block, values.reason) for b, block in zip(built, blocks, strict=False)]
        return values
    if not isinstance(values, list):
        return values
    remaining = list(range(len(blocks)))
    merged = []
    for item in values:
        match = next((i for i in remaining if _compatible(item, blocks[i])), None)
        if match is None:
            merged.append(item)
            continue
        remaining.remove(match)
        merged.append(_with_config(item, blocks[match], resolve))
    return merged


def _constants_or_unknown(built: dict[str, Any], block: dict[str, Any], reason: str) -> dict[str, Any]:
    """A configured block when the planned set is unknown: constants, references, else unknown."""
    result: dict[str, Any] = {}
    for key, expression in block.items():
        if key in built and isinstance(built[key], Ref | Unknown):
            result[key] = built[key]
        elif isinstance(expression, dict) and "constant_value" in expression:
            result[key] = expression["constant_value"]
        else:
            result[key] = Unknown(reason)
    return result


def _compatible(item: Any, block: Any) -> bool:
    if not isinstance(item, dict) or not isinstance(block, dict):
        return False
    for key, expression in block.items():
        if isinstance(expression, dict) and "constant_value" in expression:
            value = item.get(key)
            if not isinstance(value, Unknown) and value != expression["constant_value"]:
                return False
    return True
