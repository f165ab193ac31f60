"""CloudFormation's side of the mapping engine: resolved ``Properties`` -> vocabulary attributes and relations.

``map_resource`` runs the type's declarations (``scanner.model.vocabulary``) over the resource's
resolved properties, then the type's structural hooks (``cfn_hooks.HOOKS``). A ``!Ref``/``!GetAtt``
to a template resource is a ``Reference`` to its uid; a value the template cannot determine is
``Unknown``; a value of the wrong type is an ``InputError`` at the property's line.
"""

from __future__ import annotations

from typing import Any

from ..model.mapping import map_declared
from ..model.values import Reference
from ..model.values import Unknown as ValueUnknown
from ..model.vocabulary import RESOURCE_TYPES, Rel
from .cfn_hooks import HOOKS
from .cfn_intrinsics import ResourceRef, Unknown
from .cfn_reader import IDENTITY_ATTRIBUTE, Reader
from .cfn_values import RefText


class CfnAdapter:
    """Resolved CloudFormation values for the mapping engine."""

    source = "cfn"
    unwrap_blocks = False

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.source_type = reader.cfn_type

    def node(self, value: Any) -> Any:
        if isinstance(value, Unknown):
            return ValueUnknown(value.reason)
        if isinstance(value, ResourceRef):
            identity = value.attribute is None or bool(IDENTITY_ATTRIBUTE.search(value.attribute))
            if value.value is not None:  # the name the template sets
                return Reference((self.reader.ctx.uid(value.logical_id),), value.value, True, identity=identity)
            return Reference((self.reader.ctx.uid(value.logical_id),), identity=identity,
                             note=None if identity else
                             f"!GetAtt {value.logical_id}.{value.attribute} is known only after deployment")
        if isinstance(value, RefText):  # a string built from names: its value, naming their resources
            return Reference(tuple(self.reader.ctx.uid(i) for i in value.logical_ids), str(value), True,
                             identity=False)
        return value

    def literal_target(self, value: str, relation: Rel) -> str:
        return value

    def bad_value(self, attribute: str, path: str, message: str) -> str:
        raise self.reader.fail(path, message)


def map_resource(reader: Reader) -> None:
    """Fill ``reader.out`` (and the template's relations) from the resource's properties."""
    model = RESOURCE_TYPES[reader.out.type]
    mapped = map_declared(model, reader.props, CfnAdapter(reader))
    reader.out.attributes.update(mapped.attributes)
    reader.out.unknown.update(mapped.unknown)
    me = reader.out.uid
    for kind, uid, reverse in mapped.relations:
        reader.ctx.relate(*((uid, kind, me) if reverse else (me, kind, uid)))
    for kind, reason in mapped.unknown_relations.items():
        reader.ctx.unknown_relation(me, kind, reason)
    for hook in HOOKS.get(reader.cfn_type, ()):
        hook(reader)
