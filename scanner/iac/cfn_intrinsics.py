"""Resolution of CloudFormation intrinsic functions, parameters, mappings and conditions.

Values that cannot be known before deployment become ``Unknown(reason)``; a ``Ref``/``GetAtt`` to a
resource becomes ``ResourceRef`` (the mapping turns it into a relation or the resource's uid). A
function over such a value (a list attribute, an unknown key, an unknown tag) gives an unknown value,
never an error. Names that do not exist and unknown functions raise ``InputError`` with the line of
the offending node, unless something the template runs (``generators``: a macro, a preprocessor tag,
an unexpanded ``Fn::ForEach``) may have made them: then they are unknown too.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from typing import Any

from ..errors import InputError
from ..limits import MAX_NESTING
from .cfn_names import name_rule
from .cfn_parameters import PSEUDO_PARAMETERS, parameter_values, pseudo_value
from .cfn_values import (
    AZ_LIST_UNKNOWN,
    NO_VALUE,
    AzList,
    RefText,
    ResourceRef,
    Unknown,
    as_int,
    comparable,
    first_unknown,
    has_ref,
    join_texts,
    opaque,
    scalar_text,
    tag_unknown,
    to_text,
)
from .cfn_yaml import LDict, LList, UnknownTag, node_line

CondValue = bool | Unknown
# GetAtt attributes that return a property the template itself sets: (type, attribute) -> property.
ECHOED_ATTRIBUTES = {
    ("AWS::EC2::Subnet", "AvailabilityZone"): "AvailabilityZone",
    ("AWS::EC2::Subnet", "AvailabilityZoneId"): "AvailabilityZoneId",
    ("AWS::EC2::Subnet", "CidrBlock"): "CidrBlock",
    ("AWS::EC2::VPC", "CidrBlock"): "CidrBlock",
}
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
CIDR_MAX_COUNT = 256  # Fn::Cidr: "the number of CIDRs to generate; valid range is between 1 and 256"


def is_intrinsic(value: Any) -> bool:
    """True for a one-key mapping whose key names an intrinsic function."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::")


class Resolver:
    """Evaluates intrinsics against one template's parameters, mappings, conditions and resources.

    ``generators`` describe what may add names the template does not declare (``"the MyMacro
    transform"``); ``opaque_ids`` are logical ids whose body is not evaluated, with the reason.
    ``notes`` collects constructs evaluated as unknown that deserve a warning: {construct: line}.
    """

    def __init__(self, template: LDict, file: str, parameters: dict[str, str] | None, region: str | None,
                 generators: list[str] | None = None, opaque_ids: dict[str, str] | None = None) -> None:
        self.file = file
        self.region = region
        self.resources: dict[str, dict[str, Any]] = {
            k: v for k, v in _section(template, "Resources", file).items() if isinstance(v, dict)
        }
        self.generators = list(generators or [])
        self.opaque_ids = dict(opaque_ids or {})
        self.mappings = _section(template, "Mappings", file)
        self.conditions = _section(template, "Conditions", file)
        self.params = parameter_values(_section(template, "Parameters", file), parameters or {})
        self._cond_cache: dict[str, CondValue] = {}
        self._cond_stack: list[str] = []
        self.excluded: dict[str, str] = {}
        self._echoing: set[tuple[str, str]] = set()
        self._naming: set[str] = set()
        self.notes: dict[str, int | None] = {}

    @property
    def made_by(self) -> str | None:
        """What may have made an undeclared name, or None when nothing could have."""
        return ", ".join(self.generators) if self.generators else None

    def _missing(self, what: str, message: str, line: int | None) -> Unknown:
        """``what`` is not in the template: unknown when a generator may have made it, else an error."""
        if self.made_by:
            return Unknown(f"{what}: not in the template (made by {self.made_by}?)")
        raise InputError(message, self.file, line)

    # -- conditions -------------------------------------------------------------------------

    def condition(self, name: Any, line: int | None) -> CondValue:
        """The value of a named condition: True, False or Unknown."""
        if isinstance(name, UnknownTag):
            return tag_unknown(name)
        if not isinstance(name, str) or name not in self.conditions:
            return self._missing(f"condition {name}", f"undefined condition {name!r}", line)
        if name in self._cond_cache:
            return self._cond_cache[name]
        if name in self._cond_stack:
            raise InputError(f"circular condition {name!r}", self.file, line)
        if len(self._cond_stack) >= MAX_NESTING.value():
            raise MAX_NESTING.exceeded(f"conditions refer to each other more than {len(self._cond_stack)} deep",
                                self.file, line)
        self._cond_stack.append(name)
        try:
            expr = self.conditions[name]
            value = self._cond_expr(expr, node_line(expr) or self.conditions.key_lines.get(name, line))
        finally:
            self._cond_stack.pop()
        if isinstance(value, Unknown) and not value.reason.startswith("condition "):
            value = Unknown(f"condition {name} unknown: {value.reason}")
        self._cond_cache[name] = value
        return value

    def _cond_expr(self, expr: Any, line: int | None) -> CondValue:
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, UnknownTag):
            return tag_unknown(expr)
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
                unknown = first_unknown(side)
                if unknown:
                    return unknown
            return comparable(left) == comparable(right)
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
        if key in ("Fn::If", "Fn::FindInMap", "Ref", "Fn::Select", "Fn::Transform") or key not in _FUNCTIONS:
            value = self.resolve(expr, line)
            return value if isinstance(value, (bool, Unknown)) else _truthy(value, self.file, line)
        raise InputError(f"unsupported function {key} in a condition", self.file, line)

    # -- values -----------------------------------------------------------------------------

    def resolve(self, value: Any, line: int | None = None) -> Any:
        """Resolve every intrinsic inside ``value``; ``Fn::GetAZs`` outside ``Fn::Select`` is unknown."""
        result = self._value(value, line)
        if isinstance(result, AzList):
            return Unknown(AZ_LIST_UNKNOWN)
        return result

    def _value(self, value: Any, line: int | None) -> Any:
        line = node_line(value) or line
        if isinstance(value, UnknownTag):
            return tag_unknown(value)
        if is_intrinsic(value):
            key, arg = next(iter(value.items()))
            return self._function(key, arg, line)
        if isinstance(value, dict):
            if "Fn::Transform" in value:  # a macro replaces the whole mapping it sits in
                return self._transform(value["Fn::Transform"], line)
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
            if name in RULE_FUNCTIONS:
                raise InputError(f"{name} is a Rules function, not allowed outside the Rules section", self.file, line)
            if self.made_by:
                self.notes.setdefault(name, line)
                return Unknown(f"{name}: not a CloudFormation function (handled by {self.made_by}?)")
            raise InputError(f"unknown intrinsic function {name}", self.file, line)
        return handler(self, arg, line)

    def _ref(self, arg: Any, line: int | None) -> Any:
        if isinstance(arg, UnknownTag):
            return tag_unknown(arg)
        if not isinstance(arg, str):
            raise InputError("Ref takes a name", self.file, line)
        if arg == "AWS::NoValue":
            return NO_VALUE
        if arg in self.params:
            return self.params[arg]
        if arg in PSEUDO_PARAMETERS:
            return pseudo_value(arg, self.region)
        if arg in self.opaque_ids:
            return Unknown(f"!Ref {arg}: {self.opaque_ids[arg]}")
        if arg in self.resources:
            if arg in self.excluded:
                return Unknown(f"!Ref {arg}: {self.excluded[arg]}")
            return ResourceRef(arg, None, self._name(arg, None, line))
        return self._missing(f"!Ref {arg}", f"Ref to undefined name {arg!r}", line)

    def _get_att(self, arg: Any, line: int | None) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        parts = self._args("Fn::GetAtt", arg, 2, line)
        target, attribute = parts[0], self.resolve(parts[1], line)
        if isinstance(target, str) and target in self.opaque_ids:
            return Unknown(f"!GetAtt {target}: {self.opaque_ids[target]}")
        if not isinstance(target, str) or target not in self.resources:
            return self._missing(f"!GetAtt {target}", f"Fn::GetAtt of undefined resource {target!r}", line)
        unknown = opaque(attribute, f"!GetAtt {target}")
        if unknown:
            return unknown
        if target in self.excluded:
            return Unknown(f"!GetAtt {target}: {self.excluded[target]}")
        echoed = ECHOED_ATTRIBUTES.get((str(self.resources[target].get("Type")), str(attribute)))
        properties = self.resources[target].get("Properties")
        if (echoed and isinstance(properties, dict) and echoed in properties and (target, echoed) not in self._echoing
                and len(self._echoing) < MAX_NESTING.value()):
            self._echoing.add((target, echoed))
            try:
                return self.resolve(properties[echoed], line)
            finally:
                self._echoing.discard((target, echoed))
        return ResourceRef(target, scalar_text(attribute), self._name(target, scalar_text(attribute), line))

    def _name(self, logical_id: str, attribute: str | None, line: int | None) -> str | None:
        """The name ``Ref``/``GetAtt`` of ``logical_id`` returns when the template sets it (``cfn_names``)."""
        resource = self.resources[logical_id]
        rule = name_rule(str(resource.get("Type")), attribute)
        properties = resource.get("Properties")
        if rule is None or not isinstance(properties, dict) or rule.property not in properties:
            return None
        if logical_id in self._naming or len(self._naming) >= MAX_NESTING.value():
            return None  # a name built from its own reference: AWS rejects the circular dependency
        self._naming.add(logical_id)
        try:
            value = self.resolve(properties[rule.property], line)
        finally:
            self._naming.discard(logical_id)
        if not isinstance(value, str) or isinstance(value, bool) or not value:
            return None
        return value.lower() if rule.lower else str(value)

    def _sub(self, arg: Any, line: int | None) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(arg, list):
            parts = self._args("Fn::Sub", arg, 2, line, at_least=1)
            text = self.resolve(parts[0], line)
            if len(parts) == 2:
                names = self.resolve(parts[1], line) if is_intrinsic(parts[1]) else parts[1]
                if isinstance(names, (Unknown, UnknownTag)):
                    return opaque(names, "Fn::Sub variables")
                if not isinstance(names, dict):
                    raise InputError("Fn::Sub variables must be a mapping", self.file, line)
                variables = {k: self.resolve(v, line) for k, v in names.items()}
        else:
            text = self.resolve(arg, line) if is_intrinsic(arg) else arg
        unknown = opaque(text, "Fn::Sub")
        if unknown:
            return unknown
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
            piece = to_text(value, f"!Sub ${{{name}}}")
            if isinstance(piece, Unknown):
                return piece
            pieces.append(piece)
        pieces.append(text[position:])
        return join_texts(pieces)

    def _join(self, arg: Any, line: int | None) -> Any:
        delimiter, items = self._args("Fn::Join", arg, 2, line)
        delimiter = self.resolve(delimiter, line)
        values = self.resolve(items, line)
        for candidate in (delimiter, values):
            unknown = opaque(candidate, "Fn::Join")
            if unknown:
                return unknown
        if not isinstance(delimiter, str) or not isinstance(values, list):
            raise InputError("Fn::Join takes a delimiter and a list", self.file, line)
        texts = [to_text(v, "Fn::Join") for v in values]
        unknown = next((t for t in texts if isinstance(t, Unknown)), None)
        return unknown if unknown else join_texts(texts, delimiter)  # type: ignore[arg-type]

    def _select(self, arg: Any, line: int | None) -> Any:
        index, items = self._args("Fn::Select", arg, 2, line)
        index = self.resolve(index, line)
        values = self._value(items, line)
        unknown = opaque(index, "Fn::Select index")
        if unknown:
            return unknown
        number = as_int(index)
        if number is None:
            raise InputError(f"Fn::Select index must be a number, got {index!r}", self.file, line)
        if number < 0:
            raise InputError(f"Fn::Select index {number} is out of range", self.file, line)
        if isinstance(values, AzList):
            try:
                return values.zone(number)
            except IndexError:
                return Unknown(f"Fn::Select index {number} of the zones of {values.region}: "
                               "known only at deploy time")
        unknown = opaque(values, "Fn::Select")
        if unknown:
            return unknown
        if not isinstance(values, list):
            raise InputError("Fn::Select takes an index and a list", self.file, line)
        if number < len(values):
            return values[number]
        raise InputError(f"Fn::Select index {number} is out of range", self.file, line)

    def _split(self, arg: Any, line: int | None) -> Any:
        delimiter, text = (self.resolve(v, line) for v in self._args("Fn::Split", arg, 2, line))
        if isinstance(text, ResourceRef):
            text = to_text(text, "Fn::Split")  # a resource's name when the template sets it, else unknown
        for candidate in (delimiter, text):
            unknown = opaque(candidate, "Fn::Split")
            if unknown:
                return unknown
        if not isinstance(delimiter, str) or not isinstance(text, str) or not delimiter:
            raise InputError("Fn::Split takes a delimiter and a string", self.file, line)
        parts = str(text).split(delimiter)
        return [RefText(part, text.logical_ids) for part in parts] if isinstance(text, RefText) else parts

    def _find_in_map(self, arg: Any, line: int | None) -> Any:
        parts = self._args("Fn::FindInMap", arg, 4, line, at_least=3)
        keys = [self.resolve(v, line) for v in parts[:3]]
        for key in keys:
            unknown = opaque(key, "Fn::FindInMap key")
            if unknown:
                return unknown
            if isinstance(key, (list, dict)):
                return Unknown(f"Fn::FindInMap key {scalar_text(key)}: not a string")
        current: Any = self.mappings
        for key in keys:
            key = scalar_text(key)
            if not isinstance(current, dict) or key not in current:
                if len(parts) == 4 and isinstance(parts[3], dict) and "DefaultValue" in parts[3]:
                    return self.resolve(parts[3]["DefaultValue"], line)
                path = ".".join(map(scalar_text, keys))
                return self._missing(f"Fn::FindInMap {path}", f"Fn::FindInMap: no key {key!r} in {path}", line)
            current = current[key]
        return self.resolve(current, line)

    def _get_azs(self, arg: Any, line: int | None) -> Any:
        region = self.resolve(arg, line)
        if region in ("", None) or isinstance(region, Unknown):
            return AzList(self.region)  # the deploy Region
        unknown = opaque(region, "Fn::GetAZs")
        if unknown:
            return unknown
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
        for candidate in (block, count, bits):
            unknown = opaque(candidate, "Fn::Cidr")
            if unknown:
                return unknown
        number, size = as_int(count), as_int(bits)
        if number is None or size is None:
            raise InputError("Fn::Cidr: count and bits must be numbers", self.file, line)
        if not 1 <= number <= CIDR_MAX_COUNT:
            raise InputError(f"Fn::Cidr count {number} is outside 1 to {CIDR_MAX_COUNT}, the range AWS accepts",
                             self.file, line)
        try:
            network = ipaddress.ip_network(scalar_text(block), strict=False)
            subnets = network.subnets(new_prefix=network.max_prefixlen - size)
            return [str(next(subnets)) for _ in range(number)]
        except (ValueError, StopIteration) as exc:
            raise InputError(f"Fn::Cidr: {exc or 'not enough addresses'}", self.file, line) from None

    def _base64(self, arg: Any, line: int | None) -> Any:
        value = self.resolve(arg, line)
        text = to_text(value, "Fn::Base64")
        return text if isinstance(text, Unknown) else base64.b64encode(text.encode()).decode()

    def _import(self, arg: Any, line: int | None) -> Any:
        name = self.resolve(arg, line)
        label = name if isinstance(name, str) else "(computed name)"
        return Unknown(f"!ImportValue {label} (exported by another stack)")

    def _transform(self, arg: Any, line: int | None) -> Any:
        name = arg.get("Name") if isinstance(arg, dict) else None
        label = f"Fn::Transform {name}" if isinstance(name, str) else "Fn::Transform"
        self.notes.setdefault(label, line)
        return Unknown(f"{label}: macro output is known only at deploy time")

    def _length(self, arg: Any, line: int | None) -> Any:
        value = self.resolve(arg, line)
        unknown = opaque(value, "Fn::Length")
        if unknown:
            return unknown
        if not isinstance(value, list):
            raise InputError("Fn::Length takes a list", self.file, line)
        return len(value)

    def _to_json(self, arg: Any, line: int | None) -> Any:
        value = self.resolve(arg, line)
        unknown = first_unknown(value)
        if unknown:
            return unknown
        if has_ref(value):
            return Unknown("Fn::ToJsonString of a resource reference (known after deployment)")
        return json.dumps(value, separators=(",", ":"))


def _section(template: LDict, name: str, file: str) -> LDict:
    value = template.get(name)
    if value is None or isinstance(value, UnknownTag):  # a preprocessor's section: its names are unknown
        return LDict()
    if not isinstance(value, dict):
        raise InputError(f"{name} must be a mapping", file, template.key_lines.get(name))
    return value if isinstance(value, LDict) else LDict(value)


def _truthy(value: Any, file: str, line: int | None) -> bool:
    text = scalar_text(value).lower()
    if text in ("true", "false"):
        return text == "true"
    raise InputError(f"expected a boolean condition, got {value!r}", file, line)


RULE_FUNCTIONS = frozenset({"Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll",
                            "Fn::ValueOf", "Fn::ValueOfAll"})

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

__all__ = ["NO_VALUE", "RULE_FUNCTIONS", "AzList", "LDict", "LList", "Resolver", "ResourceRef", "Unknown",
           "is_intrinsic"]
