"""The SQLite history store (standard library ``sqlite3``, WAL mode).

One file holds every run. A run is written in one ``BEGIN IMMEDIATE`` transaction, so a process
killed mid-write leaves the runs before it intact; WAL lets readers work while a run is written, and
the busy timeout lets concurrent writers queue instead of failing. A file that is not a SQLite
database, is damaged, or was written by a newer haguard is an ``InputError`` naming it (exit 2).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .codec import pack_json, unpack_json
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS
from .store import RunInfo, RunInput, Scope, TrendPoint, severity_counts

if TYPE_CHECKING:
    from ..model import Snapshot
    from ..reports import Report

BUSY_TIMEOUT_SECONDS = 60.0
SQLITE_MAGIC = b"SQLite format 3\x00"
PAUSE_HOOK = "HAGUARD_HISTORY_TEST_PAUSE"
"""Test hook, ``FILE[:SECONDS]``: ``record`` creates FILE and sleeps (default 120 s) inside its write
transaction, so a test can ``kill -9`` the process in mid-write or hold the lock against another writer."""

_RUN_COLUMNS = ("id, recorded_at, started_at, scope_key, tool_version, pack_hash, settings_hash, fail_on, "
                "allow_unknown, exit_code, resources, findings, failing, by_severity")


class SQLiteHistory:
    """A ``HistoryStore`` in one SQLite file (created, with its directory, when missing)."""

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        if not create and not self.path.exists():
            raise InputError("no history database here (record runs with haguard scan --history)", self.location)
        self._check_file()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the history directory: {exc.strerror}", self.location) from None
        with self._errors("open"):
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._migrate()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")

    # -- opening ---------------------------------------------------------------------------------

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise InputError("is a directory, not a history database", self.location)
        try:
            with self.path.open("rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise InputError(f"cannot read the history database: {exc.strerror}", self.location) from None
        if head and head != SQLITE_MAGIC:
            raise InputError("not a haguard history database (not a SQLite file)", self.location)

    def _migrate(self) -> None:
        version = self._version()
        if version == LATEST:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()  # another process may have migrated while this one waited
            for number in range(version, LATEST):
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {LATEST}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _version(self) -> int:
        application = self._db.execute("PRAGMA application_id").fetchone()[0]
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if application not in (0, APPLICATION_ID):
            raise InputError("not a haguard history database (another application's SQLite file)", self.location)
        if version > LATEST:
            raise InputError(f"history schema version {version} was written by a newer haguard (this one reads "
                             f"up to {LATEST}): upgrade haguard or use another --history file", self.location)
        if application == 0 and version == 0:
            tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise InputError("not a haguard history database (it has tables of another application)",
                                 self.location)
        return version

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """SQLite failures (damaged file, disk full, locked for longer than the timeout) as ``InputError``."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if "not a database" in message or "malformed" in message:
                message = f"damaged or not a history database ({message})"
            raise InputError(f"history database: cannot {doing}: {message}", self.location) from None
        except (zlib.error, OSError, ValueError) as exc:
            raise InputError(f"history database: cannot {doing}: damaged run data ({exc})", self.location) from None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None  # type: ignore[assignment]

    def __enter__(self) -> SQLiteHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------

    def record(self, run: RunInput) -> int:
        """Store ``run`` in one transaction; the blobs are compressed before the write lock is taken."""
        report, scope = run.report, run.scope
        snapshot_blob = pack_json(run.snapshot.to_json())
        report_blob = pack_json(report.model_dump(mode="json", by_alias=True, exclude_none=True))
        by_severity = severity_counts({s.value: n for s, n in report.summary.by_severity.items()})
        rows = [(f.id, f.policy_id, f.resource_uid, f.resource_type, f.account, f.region, f.status.value,
                 f.severity.value) for f in report.findings]
        with self._errors("record the run"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    "INSERT INTO runs (recorded_at, started_at, scope_key, source_kind, accounts, regions, files, "
                    "tool_version, pack_hash, settings_hash, fail_on, allow_unknown, exit_code, resources, findings, "
                    "failing, by_severity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_now(), run.started_at, scope.key, scope.kind, json.dumps(scope.accounts),
                     json.dumps(scope.regions), json.dumps(scope.files), run.tool_version, run.pack_hash,
                     run.settings_hash, report.fail_on.value, int(report.allow_unknown), run.exit_code,
                     len(run.snapshot.resources), len(report.findings), report.summary.failing,
                     json.dumps(by_severity)))
                run_id = int(cursor.lastrowid or 0)
                self._db.execute("INSERT INTO run_blobs (run_id, snapshot, report) VALUES (?, ?, ?)",
                                 (run_id, snapshot_blob, report_blob))
                self._db.executemany("INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                     ((run_id, *row) for row in rows))
                _pause_for_tests()
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        return run_id

    def delete(self, run_ids: Iterable[int]) -> int:
        """Delete runs and everything they recorded, in one transaction."""
        ids = sorted(set(run_ids))
        if not ids:
            return 0
        with self._errors("delete runs"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                deleted = 0
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    deleted += self._db.execute(f"DELETE FROM runs WHERE id IN ({marks})", chunk).rowcount
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        return deleted

    # -- reading ---------------------------------------------------------------------------------

    def runs(self, scope_key: str | None = None, limit: int | None = None) -> list[RunInfo]:
        """Runs, newest first (optionally of one scope, at most ``limit``)."""
        query = f"SELECT {_RUN_COLUMNS} FROM runs"
        params: list[Any] = []
        if scope_key is not None:
            query += " WHERE scope_key = ?"
            params.append(scope_key)
        query += " ORDER BY id DESC"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        with self._errors("list runs"):
            return [_run_info(row) for row in self._db.execute(query, params).fetchall()]

    def run(self, run_id: int) -> RunInfo:
        """One run by id."""
        with self._errors("read the run"):
            row = self._db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise InputError(f"no run {run_id} in the history", self.location)
            return _run_info(row)

    def _blob(self, run_id: int, column: str) -> Any:
        with self._errors(f"read the {column} of run {run_id}"):
            row = self._db.execute(f"SELECT {column} FROM run_blobs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise InputError(f"no run {run_id} in the history", self.location)
            return unpack_json(row[0])

    def snapshot(self, run_id: int) -> Snapshot:
        """The snapshot run ``run_id`` recorded."""
        from ..model import snapshot_from_json

        return snapshot_from_json(self._blob(run_id, "snapshot"), f"{self.location} run {run_id}")

    def report(self, run_id: int) -> Report:
        """The report run ``run_id`` recorded."""
        from pydantic import ValidationError

        from ..reports import Report

        data = self._blob(run_id, "report")
        try:
            return Report.model_validate(data)
        except ValidationError as exc:
            raise InputError(f"run {run_id}: stored report does not validate: {exc.errors()[0]['msg']}",
                             self.location) from None

    def trend(self, scope_key: str, limit: int = 30) -> list[TrendPoint]:
        """Failures per severity of the last ``limit`` runs of ``scope_key``, oldest first."""
        with self._errors("read the trend"):
            rows = self._db.execute("SELECT id, recorded_at, by_severity FROM runs WHERE scope_key = ? "
                                    "ORDER BY id DESC LIMIT ?", (scope_key, limit)).fetchall()
            return [TrendPoint(run_id=row[0], recorded_at=row[1], counts=severity_counts(json.loads(row[2])))
                    for row in reversed(rows)]


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _run_info(row: tuple[Any, ...]) -> RunInfo:
    (run_id, recorded_at, started_at, scope_key, tool_version, pack_hash, settings_hash, fail_on, allow_unknown,
     exit_code, resources, findings, failing, by_severity) = row
    return RunInfo(id=run_id, recorded_at=recorded_at, started_at=started_at, scope=Scope.from_key(scope_key),
                   tool_version=tool_version, pack_hash=pack_hash, settings_hash=settings_hash, fail_on=fail_on,
                   allow_unknown=bool(allow_unknown), exit_code=exit_code, resources=resources, findings=findings,
                   failing=failing, by_severity=severity_counts(json.loads(by_severity)))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _pause_for_tests() -> None:
    hook = os.environ.get(PAUSE_HOOK)
    if hook:
        marker, _, seconds = hook.rpartition(":") if hook.rpartition(":")[2].isdigit() else (hook, "", "120")
        Path(marker).write_text(str(os.getpid()))
        time.sleep(int(seconds))
