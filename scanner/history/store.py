"""The history storage interface: what a run records, what reading it gives, and the store ``Protocol``.

The commands talk to a ``HistoryStore`` only, so that a server database can replace the SQLite file
(``scanner.history.sqlite``) without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..model import Severity, Source

if TYPE_CHECKING:
    from ..model import Snapshot
    from ..reports import Report


@dataclass(frozen=True)
class Scope:
    """What a run looked at: source kind, accounts, Regions and files (sorted, so equal scopes compare equal)."""

    kind: str
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @classmethod
    def of(cls, source: Source) -> Scope:
        """The scope of a snapshot's or report's source."""
        return cls(kind=source.kind, accounts=tuple(sorted(set(source.accounts))),
                   regions=tuple(sorted(set(source.regions))), files=tuple(sorted(set(source.files))))

    @property
    def key(self) -> str:
        """A stable, readable key (``aws|111122223333|us-east-1,us-west-2|``): runs of one scope share it."""
        return "|".join((self.kind, ",".join(self.accounts), ",".join(self.regions), ",".join(self.files)))

    @classmethod
    def from_key(cls, key: str) -> Scope:
        """The inverse of ``key``."""
        kind, accounts, regions, files = ([*key.split("|"), "", "", ""])[:4]
        split = lambda text: tuple(p for p in text.split(",") if p)  # noqa: E731
        return cls(kind=kind, accounts=split(accounts), regions=split(regions), files=split(files))

    def label(self) -> str:
        """For people: ``aws 111122223333 us-east-1,us-west-2``."""
        parts = [self.kind, ",".join(self.accounts), ",".join(self.regions), ",".join(self.files)]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class RunInput:
    """Everything one run records, in one transaction.

    ``pack_hash`` identifies the policy files' content; ``settings_hash`` the config and policy
    selection, so that stored findings are reused only when they would be evaluated the same.
    """

    scope: Scope
    started_at: str
    tool_version: str
    pack_hash: str
    settings_hash: str
    exit_code: int
    snapshot: Snapshot
    report: Report


@dataclass(frozen=True)
class RunInfo:
    """One recorded run, without its snapshot and findings (``by_severity``: failures per severity)."""

    id: int
    recorded_at: str
    started_at: str
    scope: Scope
    tool_version: str
    pack_hash: str
    settings_hash: str
    fail_on: str
    allow_unknown: bool
    exit_code: int
    resources: int
    findings: int
    failing: int
    by_severity: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TrendPoint:
    """Failures per severity of one run: the data of the trend chart.

    ``counts`` maps every severity value (``critical`` ... ``info``) to the number of findings with
    a failing status in that run (``fail``, plus ``unknown``/``error`` unless the run allowed
    unknowns), the same numbers as ``Report.summary.by_severity``.
    """

    run_id: int
    recorded_at: str
    counts: dict[str, int]

    def to_json(self) -> dict[str, object]:
        """``{"run_id": 7, "recorded_at": "2026-...Z", "counts": {"critical": 0, "high": 3, ...}}``."""
        return {"run_id": self.run_id, "recorded_at": self.recorded_at, "counts": dict(self.counts)}


def severity_counts(counts: dict[str, int]) -> dict[str, int]:
    """``counts`` with every severity present, most severe first."""
    return {s.value: int(counts.get(s.value, 0)) for s in Severity}


class HistoryStore(Protocol):
    """Where runs are kept. Every method raises ``InputError`` (exit 2) for an unusable store."""

    location: str
    """What to name in messages (the database file)."""

    def record(self, run: RunInput) -> int:
        """Store ``run`` atomically (all of it or nothing); return its id."""
        ...

    def runs(self, scope_key: str | None = None, limit: int | None = None) -> list[RunInfo]:
        """Runs, newest first, optionally of one scope."""
        ...

    def run(self, run_id: int) -> RunInfo:
        """One run; an unknown id is an ``InputError``."""
        ...

    def snapshot(self, run_id: int) -> Snapshot:
        """The snapshot a run recorded."""
        ...

    def report(self, run_id: int) -> Report:
        """The report (findings with evidence, summary) a run recorded."""
        ...

    def trend(self, scope_key: str, limit: int = 30) -> list[TrendPoint]:
        """Failures per severity of the last ``limit`` runs of a scope, oldest first."""
        ...

    def delete(self, run_ids: Iterable[int]) -> int:
        """Delete runs (with their findings and snapshots); return how many went."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...
