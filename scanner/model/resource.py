"""Resources and relations: the nodes and edges every source produces."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import RelationKind


class Location(BaseModel):
    """Where an IaC resource is declared (SARIF and pre-commit output point here)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line: int | None = None


class Resource(BaseModel):
    """One cloud resource in the normalised vocabulary.

    ``attributes`` hold the normalised attributes of ``type`` (see ``scanner.model.vocabulary``)
    with AWS's defaults applied. ``unknown`` maps attribute names (or dotted paths) whose value the
    source could not know to the reason; ``unknown_relations`` does the same for relation kinds whose
    edge set is incomplete (an unresolved list of subnet ids, say), and ``partial`` for list attributes
    whose known items may not be all. An unknown value never passes.
    """

    model_config = ConfigDict(extra="forbid")

    uid: str
    type: str
    name: str | None = None
    account: str | None = None
    region: str | None = None
    location: Location | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    unknown: dict[str, str] = Field(default_factory=dict)
    unknown_relations: dict[str, str] = Field(default_factory=dict)
    partial: dict[str, str] = Field(
        default_factory=dict,
        description="List attributes whose items are known only in part (attribute -> why more may exist), e.g. "
        "the rules of a security group declared outside a template that adds one rule to it.")
    presumed: str | None = Field(
        None, description="Set when the resource is evaluated on an assumption the source could not check, e.g. "
        "'evaluated as if created: condition IsProd unknown: ...' for a CloudFormation resource whose Condition "
        "is unknown. Its findings carry it.",
    )
    suppressions: dict[str, str] = Field(
        default_factory=dict,
        description="Inline suppressions from the source (policy id -> reason), e.g. CloudFormation "
        "`Metadata.haguard.skip` or a Terraform `# haguard:skip=<id> <reason>` comment.",
    )


class Relation(BaseModel):
    """A typed, directed edge between two resources (``src -[kind]-> dst``).

    ``kind`` is one of the vocabulary's relation kinds; a snapshot rejects a relation that
    ``RELATIONS`` does not allow between its two resources' types.
    """

    model_config = ConfigDict(extra="forbid")

    src: str
    kind: RelationKind
    dst: str
    attributes: dict[str, Any] = Field(default_factory=dict)
