"""The data model shared by every stage: resources, relations, snapshots and findings."""

from .finding import Finding, PolicyInfo, Severity, Status, finding_id
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
    "finding_id",
    "load_snapshot",
    "save_snapshot",
    "snapshot_from_json",
    "write_atomically",
]
