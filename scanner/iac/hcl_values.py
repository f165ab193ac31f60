"""Values of evaluated Terraform expressions and the operations on them (``hcl_eval``, ``hcl_functions``).

Values are JSON-like Python values, ``Reference`` (other resources, by address) and ``Unknown`` (a
value Terraform itself would know only at apply, or haguard cannot work out, with the reason).
Sets are ``TfSet`` lists; lazily computed objects (namespaces such as ``var``/``local``, resource and
module instances) are ``Lazy``; ``Many`` stands for instances whose number is unknown. An operation
Terraform would reject raises ``EvalError``; a value too large raises ``LimitError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..model.values import Reference, Unknown
from .hcl_syntax import MAX_DEPTH


class EvalError(Exception):
    """An expression Terraform would reject, or one haguard cannot evaluate."""


class LimitError(InputError):
    """A value beyond one of the evaluation limits (one line, exit 2)."""


class TfSet(list):  # type: ignore[type-arg]
    """A Terraform set: a list whose order carries no meaning and that cannot be indexed."""


class Lazy:
    """A value computed on access: a namespace, a resource or module instance."""

    def attr(self, name: str) -> Any:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def index(self, key: Any) -> Any:
        raise EvalError(f"{self.describe()} cannot be indexed")

    def take(self, start: int, end: int) -> Any:
        """Elements ``start`` to ``end`` (``slice()``), for lazies that know them."""
        raise EvalError(f"{self.describe()} cannot be sliced")

    def describe(self) -> str:
        return "this object"

    def final(self) -> Any:
        """What the object is as an attribute value."""
        return Unknown(f"{self.describe()} is not a value haguard can read")


@dataclass(frozen=True)
class Many(Lazy):
    """Instances whose number is unknown, all represented by ``item``."""

    item: Any
    reason: str

    def index(self, key: Any) -> Any:
        return self.item

    def describe(self) -> str:
        return f"instances whose number is unknown ({self.reason})"

    def final(self) -> Any:
        return [finalise(self.item)]


@dataclass
class Limits:
    """Bounds on the work one load may do; each names the option that raises it."""

    max_elements: int = 100_000
    max_string: int = 1_000_000
    max_steps: int = 5_000_000
    steps: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise LimitError(f"evaluating the Terraform expressions took more than {self.max_steps} steps "
                             "(haguard's limit against runaway expressions; it grows with --max-instances)")

    def collection(self, size: int, what: str) -> None:
        if size > self.max_elements:
            raise LimitError(f"{what} has {size} elements, more than haguard's limit of {self.max_elements} "
                             "(raise it with --max-instances)")

    def string(self, size: int) -> None:
        if size > self.max_string:
            raise LimitError(f"a Terraform string of {size} characters exceeds haguard's limit of "
                             f"{self.max_string}")


@dataclass
class Env:
    """Names in scope: local bindings (for-expression and iterator variables) over a root resolver."""

    root: Callable[[str], Any]
    limits: Limits
    names: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def bind(self, **names: Any) -> Env:
        return Env(self.root, self.limits, {**self.names, **names}, self.functions)

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.root(name)


def plain(value: Any) -> Any:
    """A reference's literal value when it is known, else its reason as ``Unknown``; others as given."""
    if isinstance(value, Reference):
        return value.value if value.known else Unknown(value.describe())
    return value


def first_unknown(value: Any, depth: int = 0) -> Unknown | None:
    """The first ``Unknown`` (or unknown reference) inside ``value``, if any."""
    value = plain(value)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Many):
        return Unknown(value.describe())
    if depth > MAX_DEPTH * 2:
        return None
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = first_unknown(item, depth + 1)
        if found is not None:
            return found
    return None


def finalise(value: Any, depth: int = 0) -> Any:
    """``value`` as the mapping reads it: lazies resolved, sets as lists."""
    if isinstance(value, Lazy):
        return value.final()
    if depth > MAX_DEPTH * 2:
        return Unknown("a value nested too deeply")
    if isinstance(value, dict):
        return {str(k): finalise(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [finalise(v, depth + 1) for v in value]
    return value


def type_name(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, TfSet):
        return "set"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "object"


def to_number(value: Any) -> int | float:
    """Terraform's number conversion (numeric strings convert); else ``EvalError``."""
    if isinstance(value, bool) or value is None:
        raise EvalError(f"a number is required, not {type_name(value)}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise EvalError("a number is required, not a non-numeric string") from None
        if math.isfinite(number):
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise EvalError(f"a number is required, not {type_name(value)}")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"a bool is required, not {type_name(value)}")


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, str):
        return value
    raise EvalError(f"a string is required, not {type_name(value)}")


def number(value: float) -> int | float:
    """Whole floats as ints, so ``4 / 2`` is ``2``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def equal(left: Any, right: Any) -> bool:
    """Terraform's ``==``: same type and value (``1 == "1"`` is false, ``true == 1`` too)."""
    if type_name(left) != type_name(right) and not (isinstance(left, list) and isinstance(right, list)):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(equal(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(equal(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def items_of(value: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs Terraform iterates: list index or map key (in lexical order)."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield key, value[key]
    elif isinstance(value, TfSet):
        for item in value:
            yield item, item
    elif isinstance(value, list):
        yield from enumerate(value)
    else:
        raise EvalError(f"cannot iterate over {type_name(value)}")


def get_attr(value: Any, name: str) -> Any:
    """``value.name``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Reference):
        if not value.known:
            return value
        value = value.value
    if isinstance(value, Lazy):
        return value.attr(name)
    if isinstance(value, dict):
        if name not in value:
            raise EvalError(f"the object has no attribute {name!r}")
        return value[name]
    if value is None:
        raise EvalError(f"attribute {name!r} of a null value")
    raise EvalError(f"a {type_name(value)} has no attribute {name!r}")


def get_index(value: Any, key: Any) -> Any:
    """``value[key]``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Reference):
        if not value.known:
            return value
        value = value.value
    if isinstance(value, Lazy):
        return value.index(key)
    if isinstance(value, TfSet):
        raise EvalError("a set cannot be indexed")
    if isinstance(value, list):
        position = to_number(key)
        if not isinstance(position, int) or not 0 <= position < len(value):
            raise EvalError(f"index {key} is out of range for a list of {len(value)}")
        return value[position]
    if isinstance(value, dict):
        name = to_string(key)
        if name not in value:
            raise EvalError(f"the map has no key {name!r}")
        return value[name]
    raise EvalError(f"a {type_name(value)} cannot be indexed")
