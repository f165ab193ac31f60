"""Findings: one verdict of one policy on one resource, with the evidence that decided it."""

from __future__ import annotations

import hashlib
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
