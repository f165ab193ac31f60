"""A saved set of shards: one gzip snapshot per (account, Region) plus a manifest, written atomically.

Layout of ``--save-dir DIR``::

    DIR/manifest.json                      scope, fingerprint, one entry per planned shard
    DIR/shards/<account>-<region>.json.gz  each a complete haguard snapshot of one shard

A shard file is written (through a temporary file and a rename) as soon as its shard completes; the
manifest is rewritten the same way at most once a second and when the scan ends, so a killed scan
leaves only whole files. A shard file that exists is complete even if the manifest had no time to
say so (a failed shard the manifest missed is simply collected again on resume). ``--resume`` collects the planned
shards without a file; ``scan --snapshot DIR`` evaluates the set, turning every failed or missing
shard into a coverage gap (error findings), never into silence.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..model import CoverageGap, Snapshot, snapshot_from_json, write_atomically
from ..model.vocabulary import RESOURCE_TYPES

if TYPE_CHECKING:
    from .halo import Halo

MANIFEST_SCHEMA = "haguard.shards/1"
MANIFEST_INTERVAL_SECONDS = 1.0
MANIFEST = "manifest.json"
SHARD_DIR = "shards"
ACCOUNT = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")


class ShardEntry(BaseModel):
    """One planned shard in the manifest."""

    model_config = ConfigDict(extra="forbid")

    account: str = Field(pattern=ACCOUNT.pattern)
    region: str = Field(pattern=REGION.pattern)
    status: Literal["pending", "complete", "failed"] = "pending"
    api_calls: int = 0
    resources: int = 0
    coverage: list[CoverageGap] = Field(default_factory=list, description="Why a failed shard has no snapshot.")

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def file(self) -> str:
        """The shard file's path relative to the directory."""
        return f"{SHARD_DIR}/{self.account}-{self.region}.json.gz"


class Manifest(BaseModel):
    """The index of a saved shard set."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["haguard.shards/1"] = Field(MANIFEST_SCHEMA, alias="schema")
    fingerprint: str
    haguard_version: str
    caller_account: str | None = None
    accounts: list[str]
    regions: list[str]
    started_at: str
    updated_at: str
    scope_api_calls: int = 0
    skipped_types: list[str] = Field(default_factory=list, description="Types not collected: the scan ran only "
                                     "the collectors its selected policies (--only/--skip) read.")
    shards: list[ShardEntry]


def encode_snapshot(snapshot: Snapshot) -> bytes:
    """A snapshot as compact gzip JSON (a shard file's bytes)."""
    text = json.dumps(snapshot.to_json(), separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode(), compresslevel=6, mtime=0)


def decode_snapshot(data: bytes, name: str) -> Snapshot:
    """A shard file's snapshot; ``InputError`` naming ``name`` when it is not one."""
    try:
        raw = gzip.decompress(data)
        parsed = json.loads(raw)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"corrupt shard file: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                         name) from None
    return snapshot_from_json(parsed, name)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def load_manifest(directory: Path) -> Manifest:
    """The manifest of a shard directory; ``InputError`` naming the file when absent or invalid."""
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"not a haguard shard directory (no {MANIFEST})", str(directory)) from None
    except OSError as exc:
        raise InputError(f"cannot read manifest: {exc.strerror}", str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"invalid JSON: {getattr(exc, 'msg', exc)}", str(path), line) from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "manifest"
        raise InputError(f"{where}: {err['msg']}", str(path)) from None


class ShardStore:
    """A shard directory being written by one scan (single writer: the scan's coordinating process)."""

    def __init__(self, directory: Path, manifest: Manifest) -> None:
        self.directory = directory
        self.manifest = manifest
        self._entries = {entry.key: entry for entry in manifest.shards}
        self._lock = threading.Lock()
        self._written_at = 0.0
        self._dirty = False

    @classmethod
    def open(cls, directory: Path, *, resume: bool, fingerprint: str, haguard_version: str, caller_account: str,
             accounts: list[str], regions: list[str], shard_keys: list[tuple[str, str]],
             scope_api_calls: int, skipped_types: list[str] | None = None) -> ShardStore:
        """Start (or, with ``resume``, continue) a shard set in ``directory`` for the planned shards.

        Without ``resume`` the directory must be new or empty. With it, the previous manifest must
        have the same fingerprint; planned shards whose file exists are complete, the rest pending.
        """
        directory = Path(directory)
        previous: Manifest | None = None
        if resume:
            if (directory / MANIFEST).exists():
                previous = load_manifest(directory)
                if previous.fingerprint != fingerprint:
                    raise InputError("--resume: this directory was written by a scan with other collectors, "
                                     "lag window or haguard version; use a new --save-dir", str(directory))
        else:
            cls.check_new(directory)
        try:
            (directory / SHARD_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the shard directory: {exc.strerror}", str(directory)) from None
        old = {entry.key: entry for entry in previous.shards} if previous else {}
        entries = []
        for account, region in shard_keys:
            entry = ShardEntry(account=account, region=region)
            before = old.get(entry.key)
            if (directory / entry.file).exists():
                entry.status = "complete"
                if before is not None and before.status == "complete":
                    entry.api_calls, entry.resources = before.api_calls, before.resources
            entries.append(entry)
        now = _now()
        manifest = Manifest(fingerprint=fingerprint, haguard_version=haguard_version, caller_account=caller_account,
                            accounts=accounts, regions=regions, started_at=previous.started_at if previous else now,
                            updated_at=now, scope_api_calls=scope_api_calls, skipped_types=skipped_types or [],
                            shards=entries)
        store = cls(directory, manifest)
        store._write_manifest()
        return store

    @staticmethod
    def check_new(directory: Path) -> None:
        """``InputError`` unless ``directory`` is absent or empty (a new shard set may go there)."""
        if directory.is_file():
            raise InputError("--save-dir is a file, not a directory", str(directory))
        if directory.exists() and any(directory.iterdir()):
            raise InputError("--save-dir is not empty (pass --resume to continue the scan saved there)",
                             str(directory))

    def complete_keys(self) -> set[str]:
        """``account/region`` of the shards already saved."""
        return {key for key, entry in self._entries.items() if entry.status == "complete"}

    def save(self, account: str, region: str, snapshot: bytes | None, api_calls: int, resources: int,
             gaps: list[CoverageGap]) -> None:
        """Record one shard: its file (atomically) when collected, else failed with ``gaps``."""
        with self._lock:
            entry = self._entries[f"{account}/{region}"]
            if snapshot is not None:
                write_atomically(self.directory / entry.file, snapshot)
                entry.status, entry.coverage = "complete", []
            else:
                entry.status, entry.coverage = "failed", list(gaps)
            entry.api_calls, entry.resources = api_calls, resources
            self._dirty = True
            if time.monotonic() - self._written_at >= MANIFEST_INTERVAL_SECONDS:
                self._write_manifest()

    def flush(self) -> None:
        """Write the manifest if a shard was recorded since it was last written."""
        with self._lock:
            if self._dirty:
                self._write_manifest()

    def _write_manifest(self) -> None:
        self.manifest.updated_at = _now()
        data = self.manifest.model_dump(mode="json", by_alias=True)
        write_atomically(self.directory / MANIFEST, json.dumps(data, indent=1).encode())
        self._written_at = time.monotonic()
        self._dirty = False


@dataclass
class AccountUnit:
    """What evaluating one account needs: its shard files and the gaps of its failed or missing shards."""

    account: str
    files: list[Path] = field(default_factory=list)
    blobs: list[tuple[str, bytes]] = field(default_factory=list)
    gaps: list[CoverageGap] = field(default_factory=list)
    halo: Halo | None = None
    """Other accounts' resources its derived facts read (``scanner.shards.halo``), on the second pass."""


@dataclass
class ShardSet:
    """A saved shard directory read for evaluation."""

    directory: Path
    manifest: Manifest

    @classmethod
    def load(cls, directory: Path) -> ShardSet:
        return cls(Path(directory), load_manifest(Path(directory)))

    def units(self) -> list[AccountUnit]:
        """One unit per account (manifest order), shard files in Region order."""
        units: dict[str, AccountUnit] = {a: AccountUnit(a) for a in self.manifest.accounts}
        for entry in self.manifest.shards:
            unit = units.setdefault(entry.account, AccountUnit(entry.account))
            path = self.directory / entry.file
            if path.exists():
                unit.files.append(path)
            elif entry.status == "failed":
                unit.gaps.extend(entry.coverage)
            else:
                unit.gaps.append(missing_shard_gap(entry.account, entry.region,
                                                   "shard not collected (interrupted scan: rerun with --resume)"))
        return list(units.values())

    def api_calls(self) -> int:
        """API calls the saved data cost (scope resolution plus every shard)."""
        return self.manifest.scope_api_calls + sum(e.api_calls for e in self.manifest.shards)


def missing_shard_gap(account: str, region: str | None, error: str, service: str = "haguard",
                      operation: str = "CollectShard") -> CoverageGap:
    """A gap covering every type of one shard (nothing of it can be evaluated)."""
    return CoverageGap(account=account, region=region, service=service, operation=operation, error=error,
                       resource_types=sorted(RESOURCE_TYPES))


def read_shard(path: Path) -> bytes:
    """A shard file's bytes (``InputError`` naming it when unreadable)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read shard file: {exc.strerror}", str(path)) from None
