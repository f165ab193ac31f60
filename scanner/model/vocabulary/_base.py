"""Base classes of the vocabulary: typed, normalised attribute models with AWS defaults and source paths."""


from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from ._fields import Live, Rel, attr


class Item(BaseModel):
    """A structured value nested inside an attribute (a route, a security-group rule...)."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Attributes(Item):
    """Normalised attributes of one resource type.

    Each field's default is AWS's own default for an omitted setting (``None`` where AWS has no
    default, meaning "not set"); each field declares where every source finds it (``attr``, see
    ``_fields``). Subclasses set ``type_name`` (the vocabulary name), ``cfn_types`` and ``tf_types``
    (the IaC types that map onto it), ``live`` (how a live resource is identified), ``relations``
    (the relations the type declares), ``derived`` (facts the graph computes, readable by policies
    like attributes; ``derived_items`` gives the item model of a derived list) and ``no_collector``
    (why there is no live collector, where there is none).
    """

    type_name: ClassVar[str] = ""
    cfn_types: ClassVar[tuple[str, ...]] = ()
    tf_types: ClassVar[tuple[str, ...]] = ()
    live: ClassVar[Live | None] = None
    relations: ClassVar[tuple[Rel, ...]] = ()
    derived: ClassVar[dict[str, str]] = {}
    derived_items: ClassVar[dict[str, type[Item]]] = {}
    """Per derived list fact, the model of its items (so policies may quantify over them)."""
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Attributes shown next to an attribute in evidence (the window a lag maximum was read over)."""
    no_collector: ClassVar[str | None] = None

    tags: dict[str, str] = attr({}, "Resource tags. Default: none.", cfn="Tags", tf="tags", live="Tags|TagList|tags")


PLACED = {
    "availability_zones": "Sorted distinct AZs of the resource: the AZs of its `in_subnet` subnets "
    "(and of the subnets of its subnet group), plus any zones the source gives directly.",
}

IAC_PLACED = "IaC places the resource by subnet; the graph derives its zones from them"
LIVE_ONLY = "a runtime value AWS reports once the resource exists (live only)"

_DISRUPTIONS = ("instance", "az", "region")
RECOVERY: dict[str, str] = {
    "recovery_estimated": "True for a data store whose RPO/RTO the graph estimates (not a replica, cluster member "
    "or Memcached cluster, which are judged through their primary).",
    **{f"rpo_{d}_seconds": f"Estimated RPO in seconds after an {d} disruption: the best configured mechanism "
       "(sync standby, failover, replica with observed lag, global table, PITR, backups; `scanner/graph/recovery.py`, "
       "docs/rpo-rto.md). Unknown where an input (lag, restore time) is not measured; null when nothing recovers."
       for d in _DISRUPTIONS},
    **{f"rto_{d}_seconds": f"Estimated RTO in seconds after an {d} disruption (same mechanisms)."
       for d in _DISRUPTIONS},
    **{f"recovery_{d}_mechanism": f"The mechanism behind the {d} RPO estimate, or `none` when nothing recovers."
       for d in _DISRUPTIONS},
}
"""Recovery estimates the graph derives for every data store."""

CAPACITY: dict[str, str] = {
    "min_capacity": "The capacity the service keeps at least: an ASG's or node group's `min_size`; an ECS service's "
    "scalable-target `min_capacity`, else its `desired_count` (derived by the graph).",
    "zone_count": "Distinct AZs the capacity is spread over (its subnets' zones).",
    "capacity_after_az_loss": "`min_capacity` left when one of `zone_count` AZs is lost, spread evenly: "
    "floor(min_capacity x (zones - 1) / zones); 0 in a single AZ (static stability, REL11-BP05).",
}
"""Capacity facts the graph derives for services that scale (``scanner/graph/capacity.py``)."""
