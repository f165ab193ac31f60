"""Progress of a live scan on a terminal: an overall bar of shards and one bar per shard.

Each shard (account x Region) has a bar advanced per collector when shards run in this process.
Large scans (more than ``MAX_SHARD_BARS`` shards) keep only the running shards' bars. Shards run
by other processes report only their completion here (a Dask cluster shows per-task progress in its
dashboard, whose link is printed).
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

MAX_SHARD_BARS = 40


class ScanProgress:
    """Shows shard progress on stderr; does nothing when disabled or stderr is not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self._progress: Any = None
        self._console: Any = None
        self._overall: Any = None
        self._bars: dict[tuple[str, str], Any] = {}
        self._many = False
        self._lock = threading.Lock()
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            if console.is_terminal:
                self._console = console
                self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                          TimeElapsedColumn(), console=console, transient=True)

    @property
    def active(self) -> bool:
        """True when a progress display is shown."""
        return self._progress is not None

    def __enter__(self) -> ScanProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def note(self, text: str) -> None:
        """Print one line above the bars (e.g. the Dask dashboard link)."""
        if self._console is not None:
            self._console.print(text)

    def plan(self, shards: list[tuple[str, str, int]]) -> None:
        """Declare the shards ``(account, region, collectors)`` that will run."""
        if self._progress is None:
            return
        self._overall = self._progress.add_task("shards", total=len(shards))
        self._many = len(shards) > MAX_SHARD_BARS
        if not self._many:
            for account, region, total in shards:
                self._bars[(account, region)] = self._progress.add_task(f"{account} {region}", total=total)
        self._totals = {(a, r): t for a, r, t in shards}

    def done(self, account: str, region: str, service: str) -> None:
        """One collector of a shard running in this process finished."""
        if self._progress is None:
            return
        with self._lock:
            key = (account, region)
            if key not in self._bars and self._many:
                self._bars[key] = self._progress.add_task(f"{account} {region}", total=self._totals.get(key, 1))
            if key in self._bars:
                self._progress.update(self._bars[key], advance=1, description=f"{account} {region} {service}")

    def shard_done(self, account: str, region: str, ok: bool) -> None:
        """A shard finished (``ok`` False: it failed and is reported as a coverage gap)."""
        if self._progress is None:
            return
        with self._lock:
            state = "done" if ok else "FAILED"
            self._progress.update(self._overall, advance=1, description=f"shards (last: {account} {region} {state})")
            key = (account, region)
            if key in self._bars:
                if self._many:
                    self._progress.remove_task(self._bars.pop(key))
                else:
                    total = self._totals.get(key, 1)
                    self._progress.update(self._bars[key], completed=total,
                                          description=f"{account} {region} {state}")
