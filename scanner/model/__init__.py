"""The data model shared by every stage: resources, relations, snapshots and findings."""

from .finding import (
    EVIDENCE_DETAILS,
    Finding,
    PolicyInfo,
    Severity,
    Status,
    compact_evidence,
    engine_finding,
    finding_id,
    needs_redaction,
)
from .resource import Location, Relation, Resource
from .snapshot import (
    SNAPSHOT_SCHEMA,
    CoverageGap,
    Snapshot,
    Source,
    Unevaluated,
    load_snapshot,
    save_snapshot,
    snapshot_from_json,
    write_atomically,
)

__all__ = [
    "EVIDENCE_DETAILS",
    "SNAPSHOT_SCHEMA",
    "CoverageGap",
    "Finding",
    "Location",
    "PolicyInfo",
    "Relation",
    "Resource",
    "Severity",
    "Snapshot",
    "Source",
    "Status",
    "Unevaluated",
    "compact_evidence",
    "engine_finding",
    "finding_id",
    "load_snapshot",
    "needs_redaction",
    "save_snapshot",
    "snapshot_from_json",
    "write_atomically",
]
