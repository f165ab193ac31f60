"""The "resilience by workload" section: input model and per-row verdicts against the targets.

Input (from the policy pack, when it provides it): a sequence of ``ResilienceRow`` or of mappings::

    {"workload": "orders", "store": "orders-db", "store_uid": "arn:aws:rds:...:db:orders-db",
     "disruption": "az", "rpo_seconds": 0, "rto_seconds": 120,
     "mechanism": "Multi-AZ standby, automatic failover",
     "targets": {"rpo_seconds": 300, "rto_seconds": 3600}}

``disruption`` is ``instance``, ``az`` or ``region``. ``rpo_seconds``/``rto_seconds`` of ``None``
mean not known: such a row never "meets" a target, it reads "unknown". ``store_uid`` (optional)
links the row to the resource's findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, NonNegativeFloat, ValidationError

from scanner.errors import InputError


class Disruption(str, Enum):
    """What is lost: one instance, one Availability Zone or one Region."""

    INSTANCE = "instance"
    AZ = "az"
    REGION = "region"


class ResilienceTargets(BaseModel):
    """The promised recovery point and time objectives (``None``: no promise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rpo_seconds: NonNegativeFloat | None = None
    rto_seconds: NonNegativeFloat | None = None


class ResilienceRow(BaseModel):
    """How one data store of a workload recovers from one disruption."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workload: str
    store: str
    store_uid: str | None = None
    disruption: Disruption
    rpo_seconds: NonNegativeFloat | None = None
    rto_seconds: NonNegativeFloat | None = None
    mechanism: str
    targets: ResilienceTargets | None = None
    rpo_why: str | None = None
    rto_why: str | None = None


@dataclass(frozen=True)
class Verdict:
    """``meets``, ``misses``, ``unknown`` (value not known) or ``none`` (no target), with the text shown."""

    state: str
    value: str
    target: str


def duration(seconds: float | None) -> str:
    """``45 s``, ``5 min``, ``1 h 30 min``, ``2 d``; ``unknown`` for ``None``."""
    if seconds is None:
        return "unknown"
    value = round(seconds)
    if value < 60:
        return f"{value} s"
    if value < 3600:
        minutes, rest = divmod(value, 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    if value < 86400:
        hours, rest = divmod(value, 3600)
        return f"{hours} h" + (f" {rest // 60} min" if rest // 60 else "")
    days, rest = divmod(value, 86400)
    return f"{days} d" + (f" {rest // 3600} h" if rest // 3600 else "")


def verdict(value: float | None, target: float | None, mechanism: str = "") -> Verdict:
    """Compare an estimated objective with its target; an unknown value never meets it, and a disruption no
    mechanism covers (``mechanism == "none"``) misses it."""
    if mechanism == "none":
        return Verdict("misses" if target is not None else "none", "none", duration(target) if target else "")
    if target is None:
        return Verdict("none", duration(value), "")
    if value is None:
        return Verdict("unknown", "unknown", duration(target))
    return Verdict("meets" if value <= target else "misses", duration(value), duration(target))


def by_store(rows: Sequence[ResilienceRow]) -> list[tuple[str, str, dict[str, ResilienceRow]]]:
    """Rows grouped as (workload, store, {disruption: row}), in order."""
    grouped: dict[tuple[str, str], dict[str, ResilienceRow]] = {}
    for row in rows:
        grouped.setdefault((row.workload, row.store), {})[row.disruption.value] = row
    return [(workload, store, cells) for (workload, store), cells in grouped.items()]


def cell(row: ResilienceRow | None) -> tuple[str, str]:
    """A store's estimate for one disruption as text (``RPO 5 min · RTO 2 min (sync-standby)``) and its state
    (``meets``, ``misses``, ``unknown`` or ``none``)."""
    if row is None:
        return "-", "none"
    targets = row.targets or ResilienceTargets()
    rpo = verdict(row.rpo_seconds, targets.rpo_seconds, row.mechanism)
    rto = verdict(row.rto_seconds, targets.rto_seconds, row.mechanism)
    states = {rpo.state, rto.state}
    state = "misses" if "misses" in states else "unknown" if "unknown" in states else \
        "meets" if "meets" in states else "none"
    if row.mechanism == "none":
        return "nothing recovers", state
    return f"RPO {rpo.value} · RTO {rto.value} ({row.mechanism})", state


def parse_resilience(rows: Sequence[ResilienceRow | Mapping[str, Any]]) -> list[ResilienceRow]:
    """Validate ``rows``; a malformed one is an ``InputError`` naming its index and field."""
    parsed = []
    for index, row in enumerate(rows):
        if isinstance(row, ResilienceRow):
            parsed.append(row)
            continue
        try:
            parsed.append(ResilienceRow.model_validate(row))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError(f"resilience row {index}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    return parsed


__all__ = ["Disruption", "ResilienceRow", "ResilienceTargets", "Verdict", "by_store", "cell", "duration",
           "parse_resilience", "verdict"]
