"""Resolution of CloudFormation intrinsic functions, parameters, mappings and conditions.

Values that cannot be known before deployment become ``Unknown(reason)``; a ``Ref``/``GetAtt`` to a
resource becomes ``ResourceRef`` (the mapping turns it into a relation or the resource's uid). Names
that do not exist and unknown functions raise ``InputError`` with the line of the offending node.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..redact import Secret, register_secret
from .cfn_yaml import LDict, LList, node_line
from .zones import ZONE_LETTERS, symbolic_zone


@dataclass(frozen=True)
class Unknown:
    """A value the template does not determine, with the reason."""

    reason: str


@dataclass(frozen=True)
class ResourceRef:
    """``Ref`` (``attribute`` None) or ``GetAtt`` to a resource of the template."""

    logical_id: str
    attribute: str | None = None


@dataclass(frozen=True)
class AzList:
    """The result of ``Fn::GetAZs``: ``region`` None means the deploy Region (symbolic zones)."""

    region: str | None

    def zone(self, index: int) -> str:
        if self.region is None:
            return symbolic_zone(index)
        if not 0 <= index < len(ZONE_LETTERS):
            raise IndexError(index)
        return self.region + ZONE_LETTERS[index]


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
CondValue = bool | Unknown
# GetAtt attributes that return a property the template itself sets: (type, attribute) -> property.
ECHOED_ATTRIBUTES = {
    ("AWS::EC2::Subnet", "AvailabilityZone"): "AvailabilityZone",
    ("AWS::EC2::Subnet", "AvailabilityZoneId"): "AvailabilityZoneId",
    ("AWS::EC2::Subnet", "CidrBlock"): "CidrBlock",
    ("AWS::EC2::VPC", "CidrBlock"): "CidrBlock",
}
_PSEUDO = ("AWS::AccountId", "AWS::NotificationARNs", "AWS::StackId", "AWS::StackName", "AWS::Partition",
           "AWS::URLSuffix", "AWS::Region")
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


def is_intrinsic(value: Any) -> bool:
    """True for a one-key mapping whose key names an intrinsic function."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::")


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


class Resolver:
    """Evaluates intrinsics against one template's parameters, mappings, conditions and resources."""

    def __init__(self, template: LDict, file: str, parameters: dict[str, str] | None, region: str | None) -> None:
        self.file = file
        self.region = region
        self.resources: dict[str, dict[str, Any]] = {
            k: v for k, v in _section(template, "Resources", file).items() if isinstance(v, dict)
        }
        transform = template.get("Transform")
        self.transform = ", ".join(map(str, transform)) if isinstance(transform, list) else transform
        self.mappings = _section(template, "Mappings", file)
        self.conditions = _section(template, "Conditions", file)
        self.params = self._parameters(_section(template, "Parameters", file), parameters or {})
        self._cond_cache: dict[str, CondValue] = {}
        self._cond_stack: list[str] = []
        self.excluded: dict[str, str] = {}
        self._echoing: set[tuple[str, str]] = set()

    # -- parameters -------------------------------------------------------------------------

    def _parameters(self, declared: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            spec = spec if isinstance(spec, dict) else {}
            ptype = str(spec.get("Type", "String"))
            if ptype.startswith("AWS::SSM::Parameter::Value"):
                values[name] = Unknown(f"unresolved !Ref {name} (value read from SSM Parameter Store at deploy time)")
                continue
            if name in overrides:
                raw: Any = overrides[name]
            elif "Default" in spec:
                raw = spec["Default"]
            else:
                values[name] = Unknown(f"unresolved !Ref {name} (parameter without default)")
                continue
            text = _scalar_text(raw) if not isinstance(raw, list) else ",".join(_scalar_text(v) for v in raw)
            if ptype.startswith("List<") or ptype == "CommaDelimitedList":
                values[name] = [part.strip() for part in text.split(",")] if text else []
            else:
                values[name] = text
            if _truthy_text(spec.get("NoEcho")):
                values[name] = _secret(values[name])
        return values

    def _pseudo(self, name: str) -> Any:
        if name == "AWS::Region" and self.region:
            return self.region
        if name == "AWS::Partition" and self.region:
            return _partition(self.region)
        if name == "AWS::URLSuffix" and self.region:
            return "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        why = "no --region given" if name in ("AWS::Region", "AWS::Partition", "AWS::URLSuffix") else (
            "pseudo parameter known only at deploy time")
        return Unknown(f"unresolved !Ref {name} ({why})")

    # -- conditions -------------------------------------------------------------------------

    def condition(self, name: Any, line: int | None) -> CondValue:
        """The value of a named condition: True, False or Unknown."""
        if not isinstance(name, str) or name not in self.conditions:
            raise InputError(f"undefined condition {name!r}", self.file, line)
        if name in self._cond_cache:
            return self._cond_cache[name]
        if name in self._cond_stack:
            raise InputError(f"circular condition {name!r}", self.file, line)
        self._cond_stack.append(name)
        expr = self.conditions[name]
        value = self._cond_expr(expr, node_line(expr) or self.conditions.key_lines.get(name, line))
        self._cond_stack.pop()
        if isinstance(value, Unknown) and not value.reason.startswith("condition "):
            value = Unknown(f"condition {name} unknown: {value.reason}")
        self._cond_cache[name] = value
        return value

    def _cond_expr(self, expr: Any, line: int | None) -> CondValue:
        if isinstance(expr, bool):
            return expr
        if not isinstance(expr, dict) or len(expr) != 1:
            raise InputError("a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", self.file, line)
        key, arg = next(iter(expr.items()))
        line = node_line(expr) or line
        if key == "Condition":
            return self.condition(arg, line)
        if key == "Fn::Equals":
            pair = self._args(key, arg, 2, line)
            left, right = (self.resolve(v, line) for v in pair)
            for side in (left, right):
                unknown = _first_unknown(side)
                if unknown:
                    return unknown
            return _comparable(left) == _comparable(right)
        if key in ("Fn::And", "Fn::Or", "Fn::Not"):
            items = arg if isinstance(arg, list) else [arg]
            if not items or (key == "Fn::Not" and len(items) != 1):
                raise InputError(f"{key} needs a list of conditions", self.file, line)
            values = [self._cond_expr(item, node_line(item) or line) for item in items]
            if key == "Fn::Not":
                return values[0] if isinstance(values[0], Unknown) else not values[0]
            decisive = key == "Fn::Or"
            if decisive in values:
                return decisive
            unknown = next((v for v in values if isinstance(v, Unknown)), None)
            return unknown if unknown else not decisive
        if key == "Fn::If":
            value = self.resolve(expr, line)
            return value if isinstance(value, (bool, Unknown)) else _truthy(value, self.file, line)
        raise InputError(f"unsupported function {key} in a condition", self.file, line)

    # -- values -----------------------------------------------------------------------------

    def resolve(self, value: Any, line: int | None = None) -> Any:
        """Resolve every intrinsic inside ``value``; ``Fn::GetAZs`` outside ``Fn::Select`` is unknown."""
        result = self._value(value, line)
        if isinstance(result, AzList):
            return Unknown("Fn::GetAZs: the Region's zone list is known only at deploy time")
        return result

    def _value(self, value: Any, line: int | None) -> Any:
        line = node_line(value) or line
        if is_intrinsic(value):
            key, arg = next(iter(value.items()))
            return self._function(key, arg, line)
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            key_lines = getattr(value, "key_lines", {})
            for key, item in value.items():
                resolved = self.resolve(item, key_lines.get(key, line))
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            items = [self.resolve(item, line) for item in value]
            return [item for item in items if item is not NO_VALUE]
        return value

    def _args(self, name: str, arg: Any, count: int, line: int | None, at_least: int | None = None) -> list[Any]:
        if not isinstance(arg, list) or not ((at_least or count) <= len(arg) <= count):
            raise InputError(f"{name} takes a list of {count} arguments", self.file, line)
        return list(arg)

    def _function(self, name: str, arg: Any, line: int | None) -> Any:
        handler = _FUNCTIONS.get(name)
        if handler is None:
            raise InputError(f"unknown intrinsic function {name}", self.file, line)
        return handler(self, arg, line)

    def _ref(self, arg: Any, line: int | None) -> Any:
        if not isinstance(arg, str):
            raise InputError("Ref takes a name", self.file, line)
        if arg == "AWS::NoValue":
            return NO_VALUE
        if arg in self.params:
            return self.params[arg]
        if arg in _PSEUDO:
            return self._pseudo(arg)
        if arg in self.resources:
            if arg in self.excluded:
                return Unknown(f"!Ref {arg}: {self.excluded[arg]}")
            return ResourceRef(arg)
        if self.transform:
            return Unknown(f"!Ref {arg}: not in the template (made by the {self.transform} transform?)")
        raise InputError(f"Ref to undefined name {arg!r}", self.file, line)

    def _get_att(self, arg: Any, line: int | None) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        parts = self._args("Fn::GetAtt", arg, 2, line)
        target, attribute = parts[0], self.resolve(parts[1], line)
        if isinstance(target, str) and target not in self.resources and self.transform:
            return Unknown(f"!GetAtt {target}: not in the template (made by the {self.transform} transform?)")
        if not isinstance(target, str) or target not in self.resources:
            raise InputError(f"Fn::GetAtt of undefined resource {target!r}", self.file, line)
        if isinstance(attribute, Unknown):
            return attribute
        if target in self.excluded:
            return Unknown(f"!GetAtt {target}: {self.excluded[target]}")
        echoed = ECHOED_ATTRIBUTES.get((str(self.resources[target].get("Type")), str(attribute)))
        properties = self.resources[target].get("Properties")
        if echoed and isinstance(properties, dict) and echoed in properties and (target, echoed) not in self._echoing:
            self._echoing.add((target, echoed))
            try:
                return self.resolve(properties[echoed], line)
            finally:
                self._echoing.discard((target, echoed))
        return ResourceRef(target, str(attribute))

    def _sub(self, arg: Any, line: int | None) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(arg, list):
            parts = self._args("Fn::Sub", arg, 2, line, at_least=1)
            text = parts[0]
            if len(parts) == 2:
                if not isinstance(parts[1], dict):
                    raise InputError("Fn::Sub variables must be a mapping", self.file, line)
                variables = {k: self.resolve(v, line) for k, v in parts[1].items()}
        else:
            text = arg
        if not isinstance(text, str):
            raise InputError("Fn::Sub takes a string", self.file, line)
        pieces: list[str] = []
        position = 0
        for match in _SUB_VAR.finditer(text):
            pieces.append(text[position:match.start()])
            position = match.end()
            name = match.group(1).strip()
            if name.startswith("!"):
                pieces.append("${" + name[1:] + "}")
                continue
            if name in variables:
                value = variables[name]
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = self._get_att(name, line)
            else:
                value = self._ref(name, line)
            piece = _to_text(value, f"!Sub ${{{name}}}")
            if isinstance(piece, Unknown):
                return piece
            pieces.append(Secret(piece) if isinstance(value, Secret) else piece)
        pieces.append(text[position:])
        return _like(pieces, "".join(pieces))

    def _join(self, arg: Any, line: int | None) -> Any:
        delimiter, items = self._args("Fn::Join", arg, 2, line)
        delimiter = self.resolve(delimiter, line)
        values = self.resolve(items, line)
        for candidate in (delimiter, values):
            if isinstance(candidate, Unknown):
                return candidate
        if not isinstance(delimiter, str) or not isinstance(values, list):
            raise InputError("Fn::Join takes a delimiter and a list", self.file, line)
        texts = [_to_text(v, "Fn::Join") for v in values]
        unknown = next((t for t in texts if isinstance(t, Unknown)), None)
        return unknown if unknown else _like([delimiter, *values], delimiter.join(texts))  # type: ignore[arg-type]

    def _select(self, arg: Any, line: int | None) -> Any:
        index, items = self._args("Fn::Select", arg, 2, line)
        index = self.resolve(index, line)
        values = self._value(items, line)
        for candidate in (index, values):
            if isinstance(candidate, Unknown):
                return candidate
        number = _as_int(index)
        if number is None:
            raise InputError(f"Fn::Select index must be a number, got {index!r}", self.file, line)
        try:
            if isinstance(values, AzList):
                return values.zone(number)
            if isinstance(values, list):
                if number < 0:
                    raise IndexError(number)
                return values[number]
        except IndexError:
            raise InputError(f"Fn::Select index {number} is out of range", self.file, line) from None
        raise InputError("Fn::Select takes an index and a list", self.file, line)

    def _split(self, arg: Any, line: int | None) -> Any:
        delimiter, text = (self.resolve(v, line) for v in self._args("Fn::Split", arg, 2, line))
        for candidate in (delimiter, text):
            if isinstance(candidate, Unknown):
                return candidate
        if not isinstance(delimiter, str) or not isinstance(text, str):
            raise InputError("Fn::Split takes a delimiter and a string", self.file, line)
        parts = text.split(delimiter)
        return [Secret(part) for part in parts] if isinstance(text, Secret) else parts

    def _find_in_map(self, arg: Any, line: int | None) -> Any:
        parts = self._args("Fn::FindInMap", arg, 4, line, at_least=3)
        keys = [self.resolve(v, line) for v in parts[:3]]
        unknown = next((k for k in keys if isinstance(k, Unknown)), None)
        if unknown:
            return unknown
        current: Any = self.mappings
        for key in keys:
            key = _scalar_text(key)
            if not isinstance(current, dict) or key not in current:
                if len(parts) == 4 and isinstance(parts[3], dict) and "DefaultValue" in parts[3]:
                    return self.resolve(parts[3]["DefaultValue"], line)
                raise InputError(f"Fn::FindInMap: no key {key!r} in {'.'.join(map(str, keys))}", self.file, line)
            current = current[key]
        return self.resolve(current, line)

    def _get_azs(self, arg: Any, line: int | None) -> Any:
        region = self.resolve(arg, line)
        if region in ("", None) or isinstance(region, Unknown):
            return AzList(self.region)
        if not isinstance(region, str):
            raise InputError("Fn::GetAZs takes a Region name", self.file, line)
        return AzList(region)

    def _if(self, arg: Any, line: int | None) -> Any:
        name, when_true, when_false = self._args("Fn::If", arg, 3, line)
        value = self.condition(name, line)
        if isinstance(value, Unknown):
            return value
        return self.resolve(when_true if value else when_false, line)

    def _cidr(self, arg: Any, line: int | None) -> Any:
        block, count, bits = (self.resolve(v, line) for v in self._args("Fn::Cidr", arg, 3, line))
        unknown = next((v for v in (block, count, bits) if isinstance(v, Unknown)), None)
        if unknown:
            return unknown
        if isinstance(block, ResourceRef):
            return Unknown(f"Fn::Cidr of !GetAtt {block.logical_id}.{block.attribute} (known after deployment)")
        number, size = _as_int(count), _as_int(bits)
        try:
            network = ipaddress.ip_network(str(block), strict=False)
            if number is None or size is None:
                raise ValueError("count and bits must be numbers")
            subnets = network.subnets(new_prefix=network.max_prefixlen - size)
            return [str(next(subnets)) for _ in range(number)]
        except (ValueError, StopIteration) as exc:
            raise InputError(f"Fn::Cidr: {exc or 'not enough addresses'}", self.file, line) from None

    def _base64(self, arg: Any, line: int | None) -> Any:
        value = self.resolve(arg, line)
        text = _to_text(value, "Fn::Base64")
        return text if isinstance(text, Unknown) else _like([text], base64.b64encode(text.encode()).decode())

    def _import(self, arg: Any, line: int | None) -> Any:
        name = self.resolve(arg, line)
        label = name if isinstance(name, str) else "(computed name)"
        return Unknown(f"!ImportValue {label} (exported by another stack)")

    def _transform(self, arg: Any, line: int | None) -> Any:
        return Unknown("Fn::Transform: macro output is known only at deploy time")

    def _length(self, arg: Any, line: int | None) -> Any:
        value = self.resolve(arg, line)
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, list):
            raise InputError("Fn::Length takes a list", self.file, line)
        return len(value)

    def _to_json(self, arg: Any, line: int | None) -> Any:
        value = self.resolve(arg, line)
        unknown = _first_unknown(value)
        if unknown:
            return unknown
        if _has_ref(value):
            return Unknown("Fn::ToJsonString of a resource reference (known after deployment)")
        return json.dumps(value, separators=(",", ":"))


def _section(template: LDict, name: str, file: str) -> LDict:
    value = template.get(name)
    if value is None:
        return LDict()
    if not isinstance(value, dict):
        raise InputError(f"{name} must be a mapping", file, template.key_lines.get(name))
    return value if isinstance(value, LDict) else LDict(value)


def _secret(value: Any) -> Any:
    """A ``NoEcho`` parameter's value as ``Secret`` text (registered, so no output ever shows it)."""
    if isinstance(value, list):
        return [_secret(item) for item in value]
    register_secret(value)
    return Secret(value)


def _like(parts: list[Any], text: str) -> str:
    """``text`` made from ``parts``: a ``Secret`` when one of them is (``!Sub``, ``!Join`` over NoEcho values)."""
    return Secret(text) if any(isinstance(part, Secret) for part in parts) else text


def _truthy_text(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _scalar_text(value: Any) -> str:
    if isinstance(value, Secret):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return _scalar_text(value)


def _truthy(value: Any, file: str, line: int | None) -> bool:
    text = _scalar_text(value).lower()
    if text in ("true", "false"):
        return text == "true"
    raise InputError(f"expected a boolean condition, got {value!r}", file, line)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _to_text(value: Any, where: str) -> str | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, ResourceRef):
        what = f"!GetAtt {value.logical_id}.{value.attribute}" if value.attribute else f"!Ref {value.logical_id}"
        return Unknown(f"{where}: {what} is known only after deployment")
    if isinstance(value, (dict, list, AzList)):
        return Unknown(f"{where}: not a string")
    return _scalar_text(value)


def _first_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, AzList):
        return Unknown("Fn::GetAZs: the Region's zone list is known only at deploy time")
    if isinstance(value, ResourceRef):
        return Unknown(f"resource {value.logical_id} is known only after deployment")
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = _first_unknown(item)
        if found:
            return found
    return None


def _has_ref(value: Any) -> bool:
    if isinstance(value, ResourceRef):
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_has_ref(item) for item in items)


_FUNCTIONS: dict[str, Any] = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._get_att,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::GetAZs": Resolver._get_azs,
    "Fn::If": Resolver._if,
    "Fn::Cidr": Resolver._cidr,
    "Fn::Base64": Resolver._base64,
    "Fn::ImportValue": Resolver._import,
    "Fn::Transform": Resolver._transform,
    "Fn::Length": Resolver._length,
    "Fn::ToJsonString": Resolver._to_json,
    **{name: (lambda n: lambda r, a, line: r._cond_expr({n: a}, line))(name)
       for name in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not")},
}

__all__ = ["NO_VALUE", "AzList", "LDict", "LList", "Resolver", "ResourceRef", "Unknown", "is_intrinsic"]
