"""What Terraform names evaluate to when they are not plain values: namespaces, resource and data source
instances, the zones data source, remote modules. Each is a ``Lazy`` read on access."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model.values import Reference, Unknown
from . import hcl_syntax as s
from .hcl_values import EvalError, Lazy, finalise, first_unknown, to_number
from .tf_config import Block
from .zones import symbolic_zone

if TYPE_CHECKING:
    from .tf_module import ModuleInstance

META = frozenset({"count", "for_each", "lifecycle", "depends_on", "provider", "provisioner", "connection"})
"""Block arguments that are Terraform's, not the resource's."""


class Namespace(Lazy):
    """``var``, ``local``, ``module``, ``data`` or a resource type: names looked up on access."""

    def __init__(self, description: str, getter: Callable[[str], Any]) -> None:
        self.description = description
        self.getter = getter

    def attr(self, name: str) -> Any:
        return self.getter(name)

    def describe(self) -> str:
        return self.description


class ZoneNames(Lazy):
    """``data.aws_availability_zones.X.names``: symbolic zones by index (``{region}#az1``...)."""

    def __init__(self, address: str) -> None:
        self.address = address

    def index(self, key: Any) -> Any:
        position = to_number(key)
        if not isinstance(position, int) or position < 0:
            raise EvalError(f"zone index {key} is not a whole number from 0")
        return symbolic_zone(position)

    def take(self, start: int, end: int) -> Any:
        if not 0 <= start <= end:
            raise EvalError(f"slice() indexes {start}..{end} are out of range")
        return [symbolic_zone(i) for i in range(start, end)]

    def describe(self) -> str:
        return f"{self.address}.names (the Region's zones, known at plan time)"


class ResourceObject(Lazy):
    """One resource instance as other expressions see it: a reference, with its configured literals."""

    def __init__(self, module: ModuleInstance, block: Block, address: str, bindings: dict[str, Any]) -> None:
        self.module = module
        self.block = block
        self.address = address
        self.bindings = bindings

    def attr(self, name: str) -> Any:
        if name in ("id", "arn") or name not in self.block.body or name in META:
            return Reference((self.address,))
        value = self.module.instance_attribute(self, name)
        if first_unknown(value) is None and not has_lazy(value):
            return Reference((self.address,), finalise(value), True)
        return Reference((self.address,))

    def describe(self) -> str:
        return self.address

    def final(self) -> Any:
        return Reference((self.address,))


class DataObject(Lazy):
    """A data source instance: its attributes are read at plan time, so they are references to it."""

    def __init__(self, tf_type: str, address: str) -> None:
        self.tf_type = tf_type
        self.address = address

    def attr(self, name: str) -> Any:
        if self.tf_type == "aws_availability_zones" and name == "names":
            return ZoneNames(self.address)
        return Reference((self.address,))

    def describe(self) -> str:
        return self.address

    def final(self) -> Any:
        return Reference((self.address,))


class RemoteModule(Lazy):
    """A module call whose source is not a local directory: its outputs are unknown."""

    def __init__(self, source: str) -> None:
        self.reason = f"not evaluated: remote module {source}"

    def attr(self, name: str) -> Any:
        return Unknown(self.reason)

    def index(self, key: Any) -> Any:
        return self

    def describe(self) -> str:
        return self.reason

    def final(self) -> Any:
        return Unknown(self.reason)


def has_lazy(value: Any, depth: int = 0) -> bool:
    if isinstance(value, Lazy):
        return True
    if depth > s.MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return any(has_lazy(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(has_lazy(v, depth + 1) for v in value)
    return False
