"""Run history: every recorded scan with its scope, versions, snapshot and findings.

``open_history(path)`` gives a ``HistoryStore`` (SQLite today, behind the ``HistoryStore`` protocol).
``resolve_run(store, ref)`` reads ``7``, ``last`` or ``previous``. ``failure_trend(store, scope_key,
limit)`` is the trend data the HTML report draws: a list of ``TrendPoint`` (oldest first), each
``run_id``, ``recorded_at`` (ISO 8601 UTC) and ``counts`` mapping every severity value
(``critical``, ``high``, ``medium``, ``low``, ``info``) to that run's failing findings.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..paths import default_history_path
from .record import pack_hash, redacted, run_input, settings_hash
from .store import HistoryStore, RunInfo, RunInput, Scope, TrendPoint


def open_history(path: str | Path | None = None, *, create: bool = True) -> HistoryStore:
    """The history store at ``path`` (default: ``default_history_path()``); created when missing unless
    ``create`` is false (commands that only read, which then fail naming the path)."""
    from .sqlite import SQLiteHistory

    return SQLiteHistory(Path(path) if path else default_history_path(), create=create)


def resolve_run(store: HistoryStore, ref: str, scope_key: str | None = None) -> RunInfo:
    """A run from ``ref``: an id, ``last`` (the newest run, of ``scope_key`` when given) or ``previous``
    (the run before ``last`` in the same scope)."""
    text = ref.strip().lower()
    if text.isdigit():
        return store.run(int(text))
    if text in ("last", "latest"):
        runs = store.runs(scope_key, limit=1)
        if not runs:
            raise InputError("the history has no runs" + (" of this scope" if scope_key else ""), store.location)
        return runs[0]
    if text == "previous":
        last = resolve_run(store, "last", scope_key)
        older = [r for r in store.runs(last.scope.key, limit=2) if r.id < last.id]
        if not older:
            raise InputError(f"no run before run {last.id} of scope {last.scope.label()}", store.location)
        return older[0]
    raise InputError(f"not a run id, 'last' or 'previous': {ref!r}", store.location)


def failure_trend(store: HistoryStore, scope_key: str, limit: int = 30) -> list[TrendPoint]:
    """Failures per severity of the last ``limit`` runs of a scope, oldest first (see the module doc)."""
    return store.trend(scope_key, limit)


__all__ = [
    "HistoryStore",
    "RunInfo",
    "RunInput",
    "Scope",
    "TrendPoint",
    "default_history_path",
    "failure_trend",
    "open_history",
    "pack_hash",
    "redacted",
    "resolve_run",
    "run_input",
    "settings_hash",
]
