"""Versioned schema of the SQLite history: ``PRAGMA user_version`` is the number of migrations applied.

A migration is appended, never edited: a database at version N gets migrations N+1... in one
transaction. A database whose version is above ``LATEST`` was written by a newer haguard and is
refused rather than guessed at.
"""

from __future__ import annotations

APPLICATION_ID = 0x68614764  # "haGd": marks a SQLite file as a haguard history database

MIGRATIONS: tuple[str, ...] = (
    # 1: runs with their compressed snapshot and report, findings as rows for queries
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at TEXT NOT NULL,
        started_at TEXT NOT NULL,
        scope_key TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        accounts TEXT NOT NULL,
        regions TEXT NOT NULL,
        files TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        pack_hash TEXT NOT NULL,
        settings_hash TEXT NOT NULL,
        fail_on TEXT NOT NULL,
        allow_unknown INTEGER NOT NULL,
        exit_code INTEGER NOT NULL,
        resources INTEGER NOT NULL,
        findings INTEGER NOT NULL,
        failing INTEGER NOT NULL,
        by_severity TEXT NOT NULL
    );
    CREATE INDEX runs_by_scope ON runs (scope_key, id);
    CREATE TABLE run_blobs (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        snapshot BLOB NOT NULL,
        report BLOB NOT NULL
    );
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        finding_id TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        resource_uid TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        account TEXT,
        region TEXT,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        PRIMARY KEY (run_id, finding_id)
    ) WITHOUT ROWID;
    CREATE INDEX findings_by_policy ON findings (policy_id, run_id);
    """,
)
LATEST = len(MIGRATIONS)
