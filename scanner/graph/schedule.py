"""How often a backup schedule runs: AWS Backup ``cron(...)`` and ``rate(...)`` expressions as an interval."""

from __future__ import annotations

import itertools
import re

_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)", re.IGNORECASE)
_CRON = re.compile(r"cron\((.*)\)", re.IGNORECASE)
_UNIT = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
_DAY_NAMES = {name: index + 1 for index, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
DAY = 86400


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """The values a cron field takes (``*``, ``?``, ``a``, ``a-b``, ``*/n``, ``a/n``, lists); None if not understood."""
    if field in ("*", "?"):
        return set(range(low, high + 1))
    found: set[int] = set()
    for part in field.upper().split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                return None
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        else:
            bounds = [_number(p, names) for p in part.split("-", 1)]
            if None in bounds:
                return None
            start = bounds[0]
            end = bounds[1] if len(bounds) == 2 else (high if step > 1 else start)
        if start is None or end is None or not low <= start <= end <= high:
            return None
        found.update(range(start, end + 1, step))
    return found


def _number(text: str, names: dict[str, int] | None) -> int | None:
    if text.isdigit():
        return int(text)
    return (names or {}).get(text)


def _longest_gap(points: list[int], period: int) -> int:
    """The longest gap between consecutive points on a circle of ``period``."""
    ordered = sorted(points)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    gaps.append(period - ordered[-1] + ordered[0])
    return max(gaps)


def interval_seconds(expression: str | None) -> int | None:
    """The longest gap between two runs of a schedule, in seconds, or ``None`` when it is not understood.

    AWS Backup's default (no expression) is daily at 05:00 UTC. Schedules restricted to some days of the
    week count the longest gap between those days; ones restricted to days of the month or to months are
    bounded by a month.
    """
    if expression is None:
        return DAY
    text = expression.strip()
    rate = _RATE.fullmatch(text)
    if rate:
        return int(rate.group(1)) * _UNIT[rate.group(2).lower()]
    cron = _CRON.fullmatch(text)
    if not cron or len(cron.group(1).split()) != 6:
        return None
    minute, hour, day_of_month, month, day_of_week, _year = cron.group(1).split()
    minutes, hours = _values(minute, 0, 59), _values(hour, 0, 23)
    if not minutes or not hours:
        return None
    if month not in ("*", "?") or day_of_month not in ("*", "?"):
        return 31 * DAY
    days = _values(day_of_week.replace("L", "").replace("#", ""), 1, 7, _DAY_NAMES)
    if not days:
        return None
    runs = [day * DAY + h * 3600 + m * 60 for day in days for h in hours for m in minutes]
    return _longest_gap(runs, 7 * DAY)


__all__ = ["DAY", "interval_seconds"]
