"""The snapshot: what a source saw, as typed resources, relations and a coverage record."""

from __future__ import annotations

import contextlib
import gc
import gzip
import io
import json
import os
import stat
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, read_bytes
from ..limits import MAX_INPUT_BYTES, MAX_NESTING
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


def _gunzip(raw: bytes, file: str) -> bytes:
    """Decompress gzip data (every member), refused past ``HAGUARD_MAX_INPUT_BYTES`` once decompressed."""
    limit = MAX_INPUT_BYTES.value()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt gzip data: {exc}", file) from None
    if len(data) > limit:
        raise MAX_INPUT_BYTES.exceeded("snapshot too large once decompressed", file)
    return data


def _too_deep(value: Any, budget: int) -> bool:
    """True when ``value`` nests more than ``budget`` mappings/lists deep (recursion bounded by ``budget``)."""
    if budget <= 0:
        return True
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return False
    return any(isinstance(item, (dict, list)) and _too_deep(item, budget - 1) for item in value)


def _check_free_form_depth(data: Any, file: str) -> None:
    """Bound the nesting of the snapshot's free-form values (relation attributes).

    Everything else is validated against typed models, whose shapes bound its depth.
    """
    relations = data.get("relations") if isinstance(data, dict) else None
    if not isinstance(relations, list):
        return
    budget = MAX_NESTING.value() - 3  # $.relations[i].attributes
    for index, relation in enumerate(relations):
        attributes = relation.get("attributes") if isinstance(relation, dict) else None
        if isinstance(attributes, (dict, list)) and _too_deep(attributes, budget):
            raise MAX_NESTING.exceeded(f"$.relations[{index}].attributes nested too deep", file)


def load_snapshot(path: str | Path) -> Snapshot:
    """Read a snapshot file (``.json`` or ``.json.gz``), within the limits of ``scanner.limits``.

    Only a regular file is read; its size, and its size once decompressed, are bounded; nesting
    deeper than the JSON parser supports or than ``HAGUARD_MAX_NESTING`` in free-form values is an
    ``InputError``, never a ``RecursionError``.
    """
    file = str(path)
    raw = read_bytes(path, "snapshot")
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, file)
    try:
        with paused_gc():
            data = json.loads(raw)
    except UnicodeDecodeError:
        raise InputError("snapshot is not UTF-8 JSON", file) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file, exc.lineno) from None
    except ValueError as exc:  # e.g. an integer past Python's digit limit
        raise InputError(f"invalid JSON: {exc}", file) from None
    except RecursionError:
        raise InputError("JSON nested deeper than the parser supports (a haguard snapshot nests about ten "
                         "levels)", file) from None
    _check_free_form_depth(data, file)
    return snapshot_from_json(data, file)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_in_place(name: str, data: bytes) -> None:
    """Write to a FIFO or device as it is (``/dev/stdout``, a named pipe): it cannot be replaced."""
    fd = os.open(name, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb", buffering=0) as handle:
        view = memoryview(data)
        while view:
            written = handle.write(view)
            view = view[written or 0:]


def _replace(real: str, data: bytes, existing: os.stat_result | None) -> None:
    """Write a temporary file beside ``real`` and rename it over: never half-written."""
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", dir=os.path.dirname(real) or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask())
            if existing is not None and (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.fchown(handle.fileno(), existing.st_uid, existing.st_gid)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` without a half-written file, respecting what is already there.

    - a regular file is replaced through a temporary file and a rename, keeping its permission bits
      (and owner, where allowed); a new file gets the usual ``0o666`` less the umask;
    - a symbolic link is followed: the file it points to is replaced, the link stays;
    - a FIFO or a device (``/dev/stdout``, ``/dev/null``) is written in place, never replaced;
    - a directory, an empty path and every write error (ENOSPC, EPIPE, EACCES) are ``InputError``.
    """
    name = str(path)
    if not name:
        raise InputError("cannot write: an empty path names no file")
    real = os.path.realpath(name)
    try:
        existing: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", name) from None
    try:
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise InputError("cannot write: is a directory", name)
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            _write_in_place(real, data)
        else:
            _replace(real, data, existing)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", name) from None


def save_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Write a snapshot as JSON, gzip-compressed when the name ends in ``.gz``."""
    data = json.dumps(snapshot.to_json(), indent=1, sort_keys=False).encode()
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    write_atomically(path, data)
