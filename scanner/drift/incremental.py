"""Load snapshot B relative to an already validated snapshot A: what did not change is not validated twice.

Two snapshots of one scope a night apart are mostly identical. A resource (or relation) of B whose raw
JSON equals A's is the same validated object; only the rest goes through ``snapshot_from_json``, the
model's own validation and normalisation, so B is exactly what ``load_snapshot`` would give. The
caller must know B is valid (the forked evaluation validated it in full).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Relation, Resource, Snapshot, snapshot_from_json
from ..model.snapshot import paused_gc


def read_snapshot_json(path: Path) -> Any:
    """The parsed JSON of a snapshot file (``.json`` or ``.json.gz``), errors naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read snapshot: {exc.strerror}", str(path)) from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        with paused_gc():
            return json.loads(raw)
    except (OSError, EOFError) as exc:
        raise InputError(f"corrupt gzip data: {exc}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("snapshot is not UTF-8 JSON", str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), exc.lineno) from None


def load_relative(raw_b: Any, raw_a: Any, a: Snapshot, file: str) -> Snapshot:
    """Snapshot B from its parsed JSON, sharing A's validated objects where the raw JSON is equal."""
    if not (isinstance(raw_a, dict) and isinstance(raw_b, dict)):
        return snapshot_from_json(raw_b, file)
    with paused_gc():
        old_resources = {r.get("uid"): r for r in raw_a.get("resources") or [] if isinstance(r, dict)}
        validated_a = {r.uid: r for r in a.resources}
        old_relations = {_key(r): i for i, r in enumerate(raw_a.get("relations") or [])}
        old_relations.pop(None, None)
        resources: list[Resource | None] = []
        fresh: list[Any] = []
        for item in raw_b.get("resources") or []:
            uid = item.get("uid") if isinstance(item, dict) else None
            if uid in validated_a and old_resources.get(uid) == item:
                resources.append(validated_a[uid])
            else:
                resources.append(None)
                fresh.append(item)
        relations: list[Relation | None] = []
        fresh_relations: list[Any] = []
        for item in raw_b.get("relations") or []:
            key = _key(item)
            index = old_relations.get(key) if key is not None else None
            if index is not None and index < len(a.relations):
                relations.append(a.relations[index])
            else:
                relations.append(None)
                fresh_relations.append(item)
        part = snapshot_from_json({**raw_b, "resources": fresh, "relations": fresh_relations}, file)
        new_resources, new_relations = iter(part.resources), iter(part.relations)
        return Snapshot.model_construct(
            schema_=part.schema_, source=part.source, coverage=part.coverage,
            resources=[r if r is not None else next(new_resources) for r in resources],
            relations=[r if r is not None else next(new_relations) for r in relations])


_RELATION_KEYS = frozenset({"src", "kind", "dst", "attributes"})


def _key(relation: Any) -> tuple[Any, ...] | None:
    """A hashable key of a raw relation (``None``, never equal to another, for anything unusual)."""
    if not isinstance(relation, dict) or not relation.keys() <= _RELATION_KEYS:
        return None
    attributes = relation.get("attributes")
    return (relation.get("src"), relation.get("kind"), relation.get("dst"),
            json.dumps(attributes, sort_keys=True) if attributes else "")
