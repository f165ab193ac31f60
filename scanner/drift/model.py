"""The drift report model (JSON form ``haguard.drift/1``): resources, relations and findings that changed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..model import Severity, Source, Status

DRIFT_SCHEMA = "haguard.drift/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResourceRef(_Model):
    """A resource named in a drift report."""

    uid: str
    type: str
    name: str | None = None
    account: str | None = None
    region: str | None = None


class AttributeChange(_Model):
    """One attribute path whose value differs; ``derived`` for facts the graph computes (``is_public``).

    A side whose value the source could not know has ``before_unknown``/``after_unknown`` (the reason)
    instead of a value: that is no claim that the value changed, only that it cannot be compared.
    """

    path: str
    before: Any = None
    after: Any = None
    derived: bool = False
    before_unknown: str | None = None
    after_unknown: str | None = None


class ResourceChange(ResourceRef):
    """A resource present on both sides whose attributes differ."""

    changes: list[AttributeChange]


class Unverifiable(ResourceRef):
    """A resource that cannot be compared (its collection failed on one side), with the reason."""

    reason: str


class RelationRef(_Model):
    """A relation ``src -[kind]-> dst`` (with its attributes, e.g. a route's destination)."""

    src: str
    kind: str
    dst: str
    attributes: dict[str, Any] = Field(default_factory=dict)


class FindingChange(_Model):
    """One policy x resource whose verdict moved; ``before``/``after`` is ``None`` where it had none."""

    policy_id: str
    title: str
    severity: Severity
    resource_uid: str
    resource_type: str
    resource_name: str | None = None
    account: str | None = None
    region: str | None = None
    before: Status | None = None
    after: Status | None = None
    message: str = ""


class ResourceDrift(_Model):
    """Resources added, removed and changed (and those that could not be compared)."""

    added: list[ResourceRef] = Field(default_factory=list)
    removed: list[ResourceRef] = Field(default_factory=list)
    changed: list[ResourceChange] = Field(default_factory=list)
    unverifiable: list[Unverifiable] = Field(default_factory=list)


class RelationDrift(_Model):
    """Relations added and removed between resources present on both sides."""

    added: list[RelationRef] = Field(default_factory=list)
    removed: list[RelationRef] = Field(default_factory=list)


class FindingDrift(_Model):
    """Findings compared by policy and resource.

    ``new_failures``: failing after, not before; ``resolved``: failing before, not after (passing,
    suppressed or gone); ``still_failing``: failing on both sides with the same status;
    ``changed_status``: any other change of status (fail -> unknown, pass -> suppressed...).
    "Failing" is ``fail``, plus ``unknown``/``error`` unless ``allow_unknown``.
    """

    new_failures: list[FindingChange] = Field(default_factory=list)
    resolved: list[FindingChange] = Field(default_factory=list)
    still_failing: list[FindingChange] = Field(default_factory=list)
    changed_status: list[FindingChange] = Field(default_factory=list)


class Side(_Model):
    """One side of the comparison: what it was read from."""

    label: str = Field(description="The file, or 'run N' of the history.")
    run_id: int | None = None
    source: Source
    resources: int


class DriftSummary(_Model):
    """Counts, and whether anything drifted at all."""

    resources_added: int
    resources_removed: int
    resources_changed: int
    resources_unverifiable: int
    relations_added: int
    relations_removed: int
    new_failures: int
    resolved: int
    still_failing: int
    changed_status: int
    new_failures_by_severity: dict[Severity, int]
    drifted: bool


class DriftReport(_Model):
    """Snapshot-to-snapshot drift: ``before`` -> ``after``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["haguard.drift/1"] = Field(DRIFT_SCHEMA, alias="schema")
    kind: Literal["snapshots"] = "snapshots"
    before: Side
    after: Side
    ignored: list[str] = Field(default_factory=list, description="The --ignore globs applied.")
    allow_unknown: bool = False
    resources: ResourceDrift
    relations: RelationDrift
    findings: FindingDrift
    summary: DriftSummary

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return self.model_dump(mode="json", by_alias=True)
