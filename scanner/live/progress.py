"""Progress of a live scan: one rich bar per account and Region, on a terminal only."""

from __future__ import annotations

from types import TracebackType
from typing import Any


class ScanProgress:
    """Shows collector progress per account/Region on stderr; does nothing when disabled."""

    def __init__(self, enabled: bool) -> None:
        self._progress: Any = None
        self._bars: dict[tuple[str, str], Any] = {}
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            if console.is_terminal:
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

    def add(self, account: str, region: str, total: int) -> None:
        """Declare ``total`` collector tasks for one account and Region."""
        if self._progress is not None:
            self._bars[(account, region)] = self._progress.add_task(f"{account} {region}", total=total)

    def done(self, account: str, region: str, service: str) -> None:
        """One collector task finished."""
        if self._progress is not None and (account, region) in self._bars:
            self._progress.update(self._bars[(account, region)], advance=1,
                                  description=f"{account} {region} {service}")
