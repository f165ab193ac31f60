"""Helpers shared by the Terraform loader tests: goldens, resource and relation lookups."""

from __future__ import annotations

import json
import os
from pathlib import Path

from scanner.model import Resource, Snapshot

DATA = Path(__file__).parent / "data" / "tf"


def normalised(snapshot: Snapshot) -> dict:
    """Snapshot JSON with the data directory replaced, so goldens do not depend on the checkout."""
    return json.loads(json.dumps(snapshot.to_json()).replace(str(DATA), "<data>"))


def check_golden(snapshot: Snapshot, name: str) -> None:
    """Compare with ``golden/<name>.json``; rewrite it when HAGUARD_UPDATE_GOLDEN=1."""
    golden = DATA / "golden" / f"{name}.json"
    actual = normalised(snapshot)
    if os.environ.get("HAGUARD_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    assert actual == json.loads(golden.read_text())


def resource(snapshot: Snapshot, uid: str) -> Resource:
    """The resource with ``uid``."""
    return next(r for r in snapshot.resources if r.uid == uid)


def relations(snapshot: Snapshot) -> set[tuple[str, str, str]]:
    """The snapshot's relations as ``(src, kind, dst)`` triples."""
    return {(r.src, r.kind, r.dst) for r in snapshot.relations}
