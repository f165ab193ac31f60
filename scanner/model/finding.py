"""Findings: one verdict of one policy on one resource, with the evidence that decided it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .resource import Location


class Status(str, Enum):
    """Verdict of a policy on a resource."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    ERROR = "error"
    SUPPRESSED = "suppressed"


class Severity(str, Enum):
    """Policy severity, from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical ... 4 for info."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, threshold: Severity) -> bool:
        """True when this severity is ``threshold`` or more severe."""
        return self.rank <= threshold.rank


_SEVERITY_ORDER = list(Severity)


def finding_id(policy_id: str, resource_uid: str) -> str:
    """Deterministic finding id: a hash of policy id and resource uid."""
    return hashlib.sha256(f"{policy_id}\0{resource_uid}".encode()).hexdigest()[:16]


def finding_ids(policy_id: str) -> Callable[[str], str]:
    """``finding_id`` for one policy, with its part of the hash computed once (the engine's hot path)."""
    prefix = hashlib.sha256(f"{policy_id}\0".encode())

    def make(resource_uid: str) -> str:
        digest = prefix.copy()
        digest.update(resource_uid.encode())
        return digest.hexdigest()[:16]

    return make


class Finding(BaseModel):
    """One policy x resource verdict. ``evidence`` lists the values and relation paths seen."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    policy_id: str
    title: str
    theme: str
    resource_uid: str
    resource_type: str
    resource_name: str | None = None
    account: str | None = None
    region: str | None = None
    status: Status
    severity: Severity
    message: str
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    remediation: str | None = None
    location: Location | None = None
    suppression: str | None = Field(None, description="Why the finding is suppressed, when it is.")
    presumed: str | None = Field(None, description="The assumption the resource was evaluated on, when there is "
                                 "one (e.g. 'evaluated as if created: condition IsProd unknown: ...').")


EVIDENCE_DETAILS = ("compact", "full")
"""How much evidence passing findings carry: ``compact`` (the default) or ``full`` (``--verbose``)."""
COMPACT_EVIDENCE_ITEMS = 3
"""At most this many evidence items on a passing finding in compact form."""
_COMPACT_KEYS = ("resource", "attr", "selector", "value", "count", "unknown")


class CompactEvidence(list):  # type: ignore[type-arg]
    """A list of evidence items already in compact form (``compact_evidence`` returns it unchanged)."""

    __slots__ = ()


def compact_evidence(evidence: list[dict[str, Any]], resource_uid: str) -> list[dict[str, Any]]:
    """The compact form of a passing finding's evidence: what decided it, without relation paths, test
    descriptions, context or member lists, and at most ``COMPACT_EVIDENCE_ITEMS`` items.

    Quantifier summaries (``{"selector", "members": N}``) are left out, and ``resource`` is kept only
    when it is not the finding's own resource. Compacting compact evidence gives it back unchanged.
    """
    if type(evidence) is CompactEvidence:
        return evidence
    compact: list[dict[str, Any]] = CompactEvidence()
    for item in evidence:
        if "members" in item and "count" not in item and "unknown" not in item:
            continue
        entry = {key: item[key] for key in _COMPACT_KEYS if key in item}
        if entry.get("resource") == resource_uid:
            del entry["resource"]
        if entry:
            compact.append(entry)
            if len(compact) == COMPACT_EVIDENCE_ITEMS:
                break
    return compact


_ENGINE_FIELDS_SET = set(Finding.model_fields)
"""The fields set shared by findings the engine builds (``engine_finding``)."""


def engine_finding(values: dict[str, Any]) -> Finding:
    """A ``Finding`` from trusted values without validation (the engine makes ~1 per resource and policy).

    ``values`` holds every field, in field order; it becomes the finding's ``__dict__``. Equivalent to
    ``Finding.model_construct(**values)`` at a fraction of its cost and memory: the findings share one
    fields set. The values come from a validated snapshot, whose resources were redacted once each, so
    ``needs_redaction`` is false for these findings.
    """
    finding = Finding.__new__(Finding)
    object.__setattr__(finding, "__dict__", values)
    object.__setattr__(finding, "__pydantic_fields_set__", _ENGINE_FIELDS_SET)
    object.__setattr__(finding, "__pydantic_extra__", None)
    object.__setattr__(finding, "__pydantic_private__", None)
    return finding


def needs_redaction(finding: Finding) -> bool:
    """False for a finding the engine built from a validated (hence redacted) snapshot and nobody copied.

    Renderers redact the evidence and message of every other finding (made by hand, or copied by
    ``model_copy`` when a suppression applies) before printing them.
    """
    return finding.__pydantic_fields_set__ is not _ENGINE_FIELDS_SET


class PolicyInfo(BaseModel):
    """What a report needs to know about a policy (SARIF rules, help text, summaries)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    title: str
    theme: str
    severity: Severity
    resource_types: list[str]
    description: str | None = None
    remediation: str | None = None
    references: dict[str, str] = Field(default_factory=dict)
