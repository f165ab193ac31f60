"""The trend of failures per severity over past runs: input model and chart geometry (inline SVG).

Input (from the run history): a sequence of ``TrendRun`` or of mappings of the same shape::

    {"run_id": "42", "timestamp": "2026-01-15T06:00:00Z", "failures": {"critical": 0, "high": 3, ...}}

``failures`` counts failing findings per severity (severities left out count 0). Runs are drawn
oldest to newest, the last ``MAX_RUNS`` of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

from scanner.errors import InputError
from scanner.model import Severity

MAX_RUNS = 60
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 40


class TrendRun(BaseModel):
    """One past run: its id, when it ran, and its failing findings per severity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str
    timestamp: datetime
    failures: dict[Severity, NonNegativeInt] = Field(default_factory=dict)

    def count(self, severity: Severity | str) -> int:
        """Failures of ``severity`` (a ``Severity`` or its value) in this run."""
        return self.failures.get(Severity(severity), 0)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    run: TrendRun
    value: int


@dataclass(frozen=True)
class Series:
    """One severity's line."""

    severity: str
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class TrendChart:
    """The chart: size, plot area, one series per severity that ever failed, axis ticks, runs table."""

    width: int
    height: int
    plot: tuple[float, float, float, float]
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    runs: tuple[TrendRun, ...]
    omitted: int
    """Older runs left out (beyond ``MAX_RUNS``)."""


def parse_trend(runs: Sequence[TrendRun | Mapping[str, Any]]) -> list[TrendRun]:
    """Validate ``runs``; a malformed one is an ``InputError`` naming its index and field."""
    parsed = []
    for index, run in enumerate(runs):
        if isinstance(run, TrendRun):
            parsed.append(run)
            continue
        try:
            parsed.append(TrendRun.model_validate(run))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise InputError(f"trend run {index}: {where}: {err['msg']}") from None
    return parsed


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if value <= step * 4:
            return -(-value // step) * step if value else 4
    return value


def trend_chart(runs: Sequence[TrendRun | Mapping[str, Any]]) -> TrendChart | None:
    """The chart geometry for ``runs``, or ``None`` when there is no run."""
    ordered = sorted(parse_trend(runs), key=lambda r: (r.timestamp, r.run_id))
    if not ordered:
        return None
    shown = ordered[-MAX_RUNS:]
    x0, y0, x1, y1 = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    top = _nice_max(max(r.count(s) for r in shown for s in Severity))
    step = (x1 - x0) / (len(shown) - 1) if len(shown) > 1 else 0.0

    def xy(index: int, value: int) -> tuple[float, float]:
        x = x0 + step * index if len(shown) > 1 else (x0 + x1) / 2
        return x, y1 - (y1 - y0) * value / top

    series = tuple(
        Series(severity.value, tuple(Point(*xy(i, r.count(severity)), run=r, value=r.count(severity))
                                     for i, r in enumerate(shown)))
        for severity in Severity if any(r.count(severity) for r in shown)
    )
    y_ticks = tuple(Tick(str(v), x0 - 6, xy(0, v)[1] + 4) for v in (0, top // 2, top) if v or v == 0)
    every = max(1, -(-len(shown) // 8))
    x_ticks = tuple(Tick(r.timestamp.strftime("%Y-%m-%d"), xy(i, 0)[0], y1 + 16)
                    for i, r in enumerate(shown) if i % every == 0 or i == len(shown) - 1)
    return TrendChart(WIDTH, HEIGHT, (x0, y0, x1, y1), series, y_ticks, x_ticks, tuple(shown),
                      len(ordered) - len(shown))


__all__ = ["MAX_RUNS", "TrendChart", "TrendRun", "parse_trend", "trend_chart"]
