"""The IaC-to-live drift report (JSON ``haguard.iac-drift/1``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...model import Location, Source
from ..model import AttributeChange, ResourceRef


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IacRef(_Model):
    """A resource as the IaC declares it."""

    uid: str = Field(description="IaC uid: FILE#LogicalId (CloudFormation) or the resource address (Terraform).")
    type: str
    name: str | None = None
    location: Location | None = None


class Matched(_Model):
    """An IaC resource and the live resource it was matched to, with how and what differs."""

    iac: IacRef
    live: ResourceRef
    matched_by: str = Field(description="stack logical id, CloudFormation tags, physical name, Terraform state id.")
    changes: list[AttributeChange] = Field(default_factory=list, description="before = IaC value, after = live.")


class Missing(_Model):
    """Declared but not found live (or not comparable: ``reason`` says which)."""

    iac: IacRef
    reason: str


class Unverifiable(_Model):
    """An attribute of a matched resource that cannot be compared: no drift claim either way."""

    iac_uid: str
    path: str
    reason: str


class IacDriftSummary(_Model):
    """Counts, and whether anything drifted."""

    declared: int
    matched: int
    drifted_resources: int
    changed_attributes: int
    missing: int
    not_comparable: int
    unmanaged: int
    unverifiable_attributes: int
    drifted: bool


class IacDriftReport(_Model):
    """IaC against what is deployed: differing attributes, missing, unmanaged and unverifiable."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["haguard.iac-drift/1"] = Field("haguard.iac-drift/1", alias="schema")
    kind: Literal["iac"] = "iac"
    iac_files: list[str]
    live: Source
    live_label: str
    notes: list[str] = Field(default_factory=list, description="How stacks and states were chosen, and problems.")
    ignored: list[str] = Field(default_factory=list)
    drifted: list[Matched] = Field(default_factory=list, description="Matched resources whose attributes differ.")
    in_sync: list[Matched] = Field(default_factory=list, description="Matched resources with no difference.")
    missing: list[Missing] = Field(default_factory=list)
    not_comparable: list[Missing] = Field(default_factory=list,
                                          description="Declared resources that cannot be looked for (out of the "
                                          "scanned scope, collection failed, no id to match on).")
    unmanaged: dict[str, list[ResourceRef]] = Field(default_factory=dict,
                                                    description="Live resources no IaC declares, by type.")
    unverifiable: list[Unverifiable] = Field(default_factory=list)
    summary: IacDriftSummary

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return self.model_dump(mode="json", by_alias=True)
