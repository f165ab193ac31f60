"""The snapshot: what a source saw, as typed resources, relations and a coverage record."""

from __future__ import annotations

import gc
import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from .resource import Location, Relation, Resource
from .vocabulary import normalise_attributes, relation_allowed

SNAPSHOT_SCHEMA = "haguard.snapshot/1"


class Source(BaseModel):
    """Where a snapshot came from."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="aws, cloudformation, terraform-plan, terraform-hcl, example or synthetic.")
    accounts: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    taken_at: str | None = None
    haguard_version: str | None = None
    api_calls: int | None = None


class CoverageGap(BaseModel):
    """A collection that failed: policies over ``resource_types`` in this scope yield ``error``."""

    model_config = ConfigDict(extra="forbid")

    account: str | None = None
    region: str | None = None
    service: str
    operation: str
    error: str
    resource_types: list[str] = Field(default_factory=list)


class Unevaluated(BaseModel):
    """A resource the source declares or holds that no vocabulary type models: listed, never dropped."""

    model_config = ConfigDict(extra="forbid")

    uid: str
    source_type: str = Field(description="The source's own type (AWS::Lambda::Function, aws_lambda_function...).")
    location: Location | None = None
    reason: str | None = Field(None, description="Why it is not evaluated, beyond being unmodelled.")


class Snapshot(BaseModel):
    """Resources, relations and coverage; JSON on disk with a ``schema`` version.

    On validation each resource's attributes are checked against its type's model and AWS's
    defaults are applied to attributes the snapshot omits (unless they are listed as unknown).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(SNAPSHOT_SCHEMA, alias="schema")
    source: Source
    resources: list[Resource] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    coverage: list[CoverageGap] = Field(default_factory=list)
    unevaluated: list[Unevaluated] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Snapshot:
        if self.schema_ != SNAPSHOT_SCHEMA:
            raise ValueError(f"unsupported snapshot schema {self.schema_!r} (expected {SNAPSHOT_SCHEMA!r})")
        types: dict[str, str] = {}
        for index, resource in enumerate(self.resources):
            uid = resource.uid
            if uid in types:
                raise _PathError(f"$.resources[{index}].uid", f"duplicate uid {uid!r}")
            types[uid] = resource.type
            try:
                resource.attributes = normalise_attributes(resource.type, resource.attributes, resource.unknown)
            except ValueError as exc:
                raise _PathError(f"$.resources[{index}]", str(exc)) from None
        for index, relation in enumerate(self.relations):
            src_type, dst_type = types.get(relation.src), types.get(relation.dst)
            if src_type is not None and not relation_allowed(src_type, relation.kind, dst_type):
                target = dst_type or "any type"
                raise _PathError(f"$.relations[{index}]", f"relation {src_type} -{relation.kind}-> {target} is not "
                                 f"allowed by the vocabulary ({relation.src} -> {relation.dst})")
        return self

    def to_json(self) -> dict[str, Any]:
        """The JSON-serialisable form (what ``save_snapshot`` writes)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class _PathError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")


def _json_path(loc: tuple[Any, ...]) -> str:
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


FREEZE_MIN_ITEMS = 10_000
"""Snapshots with at least this many resources + relations are moved out of the collector's sight."""


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building large, long-lived, acyclic structures.

    Each collection rescans every container object built so far, so hundreds of thousands of
    allocations cost several full scans (0.7 s each at 100k resources). With ``freeze`` the objects
    alive at a successful exit go to the permanent generation (``gc.freeze``): later collections,
    e.g. during policy evaluation, skip them. Reference counting still frees all of them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


def _item_count(data: Any) -> int:
    """Resources + relations of parsed snapshot JSON (0 for whatever is not a list)."""
    if not isinstance(data, dict):
        return 0
    return sum(len(items) for key in ("resources", "relations") if isinstance(items := data.get(key), list))


def snapshot_from_json(data: Any, file: str = "<snapshot>") -> Snapshot:
    """Validate parsed JSON as a snapshot, raising ``InputError`` naming the file and JSON path."""
    try:
        with paused_gc(freeze=_item_count(data) >= FREEZE_MIN_ITEMS):
            return Snapshot.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "value_error" and msg.startswith("$"):
            raise InputError(msg, file) from None
        raise InputError(f"{_json_path(err['loc'])}: {msg}", file) from None


def load_snapshot(path: str | Path) -> Snapshot:
    """Read a snapshot file (``.json`` or ``.json.gz``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read snapshot: {exc.strerror}", str(path)) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputError(f"corrupt gzip data: {exc}", str(path)) from None
    try:
        with paused_gc():
            data = json.loads(raw)
    except UnicodeDecodeError:
        raise InputError("snapshot is not UTF-8 JSON", str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), exc.lineno) from None
    return snapshot_from_json(data, str(path))


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half-written."""
    path = Path(path)
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Write a snapshot as JSON, gzip-compressed when the name ends in ``.gz``."""
    data = json.dumps(snapshot.to_json(), indent=1, sort_keys=False).encode()
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    write_atomically(path, data)
