"""The snapshot: what a source saw, as typed resources, relations and a coverage record."""

from __future__ import annotations

import contextlib
import gc
import gzip
import io
import os
import stat
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, read_bytes
from ..limits import MAX_INPUT_BYTES, MAX_NESTING
from ..redact import mask_like, redact_identifier, redact_mapping_values, redact_text, redact_value, secrets_seen
from .fast import fast_relation, fast_resource
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
        renamed: dict[str, str] = {}
        secrets = secrets_seen()
        for index, resource in enumerate(self.resources):
            uid = resource.uid
            if uid in types:
                raise _PathError(f"$.resources[{index}].uid", f"duplicate uid {uid!r}")
            types[uid] = resource.type
            raw = resource.attributes
            try:
                attributes = normalise_attributes(resource.type, raw, resource.unknown)
            except ValueError as exc:
                raise _PathError(f"$.resources[{index}]", redact_text(str(exc))) from None
            if secrets:
                attributes = mask_like(raw, attributes)
            _redact_resource(resource, attributes)
            if resource.uid is not uid:
                renamed[uid] = resource.uid
        for index, relation in enumerate(self.relations):
            src, dst = relation.src, relation.dst
            src_type, dst_type = types.get(src), types.get(dst)
            if src_type is not None and not relation_allowed(src_type, relation.kind, dst_type):
                target = dst_type or "any type"
                raise _PathError(f"$.relations[{index}]", redact_text(
                    f"relation {src_type} -{relation.kind}-> {target} is not allowed by the vocabulary "
                    f"({src} -> {dst})"))
            new_src = renamed.get(src, src) if src_type is not None else redact_identifier(src)
            new_dst = renamed.get(dst, dst) if dst_type is not None else redact_identifier(dst)
            if new_src is not src or new_dst is not dst:
                relation.__dict__.update(src=new_src, dst=new_dst)
        for gap in self.coverage:
            gap.__dict__["error"] = redact_text(gap.error)
        return self

    def to_json(self) -> dict[str, Any]:
        """The JSON-serialisable form (what ``save_snapshot`` writes)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _redact_resource(resource: Resource, attributes: dict[str, Any]) -> None:
    """Store ``attributes`` on ``resource`` with every secret masked: the one redaction per resource.

    Everything downstream (graph, evidence, messages, reports, saved snapshots, history) reads these
    values, so nothing later needs to walk them again. Identifiers are masked only where a URI with
    credentials or a registered secret hides in them.
    """
    fields = resource.__dict__
    fields["attributes"] = redact_value(attributes)
    if resource.name is not None:
        fields["name"] = redact_text(resource.name)
    if resource.presumed is not None:
        fields["presumed"] = redact_text(resource.presumed)
    fields["uid"] = redact_identifier(resource.uid)
    for name in ("unknown", "unknown_relations", "partial", "suppressions"):
        if fields[name]:
            fields[name] = redact_mapping_values(fields[name])


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


def _prebuilt(data: Any) -> Any:
    """``data`` with each well-formed resource and relation already built (``scanner.model.fast``).

    Items that do not pass the quick checks stay as they are, so pydantic validates them and reports
    the error with its JSON path; for the rest the result equals pydantic's, at a fraction of the cost.
    """
    if not isinstance(data, dict):
        return data
    resources, relations = data.get("resources"), data.get("relations")
    if not isinstance(resources, list) and not isinstance(relations, list):
        return data
    data = dict(data)
    strings: dict[str, str] = {}
    if isinstance(resources, list):
        data["resources"] = [fast_resource(item, strings) or item for item in resources]
    if isinstance(relations, list):
        data["relations"] = [fast_relation(item, strings) or item for item in relations]
    return data


def snapshot_from_json(data: Any, file: str = "<snapshot>") -> Snapshot:
    """Validate parsed JSON as a snapshot, raising ``InputError`` naming the file and JSON path."""
    try:
        with paused_gc(freeze=_item_count(data) >= FREEZE_MIN_ITEMS):
            return Snapshot.model_validate(_prebuilt(data))
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
            data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" in exc.msg and "byte order mark" not in exc.msg:
            raise InputError("snapshot is not UTF-8 JSON", file) from None
        if "depth limit" in exc.msg or "recursion" in exc.msg.lower():
            raise InputError("JSON nested deeper than the parser supports (a haguard snapshot nests about ten "
                             "levels)", file) from None
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file, exc.lineno) from None
    del raw
    _check_free_form_depth(data, file)
    return snapshot_from_json(data, file)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


Data = bytes | Iterable[bytes]
"""What ``write_atomically`` writes: bytes, or chunks of bytes written as they come."""


_BATCH_BYTES = 1 << 20
"""Small chunks (a finding each) are joined into writes of about this size: one system call per MiB."""


def _chunks(data: Data) -> Iterable[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return (data,)
    return _batched(data)


def _batched(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= _BATCH_BYTES:
            yield b"".join(pending)
            pending.clear()
            size = 0
    if pending:
        yield b"".join(pending)


def _write_in_place(name: str, data: Data) -> None:
    """Write to a FIFO or device as it is (``/dev/stdout``, a named pipe): it cannot be replaced."""
    fd = os.open(name, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "wb", buffering=0) as handle:
        for chunk in _chunks(data):
            view = memoryview(chunk)
            while view:
                written = handle.write(view)
                view = view[written or 0:]


def _replace(real: str, data: Data, existing: os.stat_result | None) -> None:
    """Write a temporary file beside ``real`` and rename it over: never half-written."""
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", dir=os.path.dirname(real) or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask())
            if existing is not None and (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.fchown(handle.fileno(), existing.st_uid, existing.st_gid)
            for chunk in _chunks(data):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, data: Data) -> None:
    """Write ``data`` (bytes, or chunks written as they come) to ``path`` without a half-written file,
    respecting what is already there.

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


def snapshot_chunks(snapshot: Snapshot) -> Iterator[bytes]:
    """The snapshot's JSON (``to_json`` form, redacted, indent 2) as chunks: one per resource and relation."""
    head = snapshot.model_dump(mode="json", by_alias=True, exclude_none=True,
                               exclude={"resources", "relations", "coverage", "unevaluated"})
    text = orjson.dumps(redact_value(head), option=orjson.OPT_INDENT_2)
    yield text[:-2] + b",\n" if text.endswith(b"\n}") else b"{\n"
    sections: tuple[tuple[str, list[Any], bool], ...] = (
        ("resources", snapshot.resources, False), ("relations", snapshot.relations, False),
        ("coverage", snapshot.coverage, False), ("unevaluated", snapshot.unevaluated, True))
    for name, items, last in sections:
        yield b'  "' + name.encode() + b'": ['
        for index, model in enumerate(items):
            item = model.model_dump(mode="json", exclude_none=True)
            text = orjson.dumps(redact_value(item), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
            yield (b",\n    " if index else b"\n    ") + text
        yield (b"\n  ]" if items else b"]") + (b"\n}\n" if last else b",\n")


def save_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Write a snapshot as JSON, gzip-compressed when the name ends in ``.gz``; every value passes the redactor."""
    chunks = snapshot_chunks(snapshot)
    if str(path).endswith(".gz"):
        write_atomically(path, _gzipped(chunks))
    else:
        write_atomically(path, chunks)


def _gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` compressed as one gzip member (no timestamp, so equal snapshots give equal files)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()
