"""Turning one evaluated run into a ``RunInput``: fingerprints of the pack and settings, redaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .store import RunInput, Scope

if TYPE_CHECKING:
    from ..model import Snapshot
    from ..policy import Config, Pack
    from ..reports import Report


def pack_hash(pack: Pack) -> str:
    """A content hash of the pack: every policy's id and file bytes (16 hex digits)."""
    digest = hashlib.sha256()
    for loaded in pack.ordered():
        digest.update(loaded.id.encode() + b"\0")
        try:
            digest.update(loaded.path.read_bytes())
        except OSError:
            digest.update(loaded.policy.model_dump_json().encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def settings_hash(config: Config | None, only: Iterable[str] = (), skip: Iterable[str] = ()) -> str:
    """A hash of what else changes findings: the config (params, per-policy settings, waivers) and selection."""
    data = {"config": config.model_dump(mode="json") if config is not None else None,
            "only": sorted(only), "skip": sorted(skip)}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def redacted(snapshot: Snapshot) -> Snapshot:
    """The snapshot as it may be stored: the live redactor's pass over every resource (idempotent)."""
    from ..live.redact import redact_resources

    return snapshot.model_copy(update={"resources": redact_resources(snapshot.resources)})


def run_input(snapshot: Snapshot, report: Report, pack: Pack, config: Config | None, *, exit_code: int,
              only: Iterable[str] = (), skip: Iterable[str] = (), started_at: str | None = None) -> RunInput:
    """What ``record`` stores for one evaluated snapshot (which must already be redacted)."""
    from .. import __version__

    return RunInput(scope=Scope.of(snapshot.source), tool_version=__version__, pack_hash=pack_hash(pack),
                    settings_hash=settings_hash(config, only, skip), exit_code=exit_code, snapshot=snapshot,
                    report=report, started_at=started_at or snapshot.source.taken_at or _now())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
