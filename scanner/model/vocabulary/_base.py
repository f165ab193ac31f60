"""Base classes of the vocabulary: typed, normalised attribute models with AWS defaults."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Item(BaseModel):
    """A structured value nested inside an attribute (a route, a security-group rule...)."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Attributes(Item):
    """Normalised attributes of one resource type.

    Each field's default is AWS's own default for an omitted setting (``None`` where AWS has no
    default, meaning "not set"); the description says where the value comes from. Subclasses set
    ``type_name`` (the vocabulary name), ``cfn_types`` and ``tf_types`` (the IaC types that map onto
    it) and ``derived`` (facts the graph computes, readable by policies like attributes).
    """

    type_name: ClassVar[str] = ""
    cfn_types: ClassVar[tuple[str, ...]] = ()
    tf_types: ClassVar[tuple[str, ...]] = ()
    derived: ClassVar[dict[str, str]] = {}
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Attributes shown next to an attribute in evidence (the window a lag maximum was read over)."""

    tags: dict[str, str] = Field(default_factory=dict, description="Resource tags. Default: none.")


PLACED = {
    "availability_zones": "Sorted distinct AZs of the resource: the AZs of its `in_subnet` subnets "
    "(and of the subnets of its subnet group), plus any zones the source gives directly.",
}
