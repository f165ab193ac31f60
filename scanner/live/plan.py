"""What a worker needs to collect a shard: the scan plan and the shard, both plain picklable data.

A shard is one account x Region. ``ScanPlan`` holds everything shared by a scan's shards: who the
caller is, how to reach the other accounts (the role ARN template, never credentials), which
collectors run, and the request budget. A worker receiving ``(ShardSpec, ScanPlan)`` creates its
own session from its own environment and assumes the role itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .budget import BudgetSettings
from .credentials import RoleSettings

GLOBAL_HOME = "us-east-1"


@dataclass(frozen=True)
class ShardSpec:
    """One account x Region and the collector modules (qualified names) that run there."""

    account: str
    region: str
    collectors: tuple[str, ...]

    @property
    def key(self) -> str:
        """``account/region``: the shard's name in the manifest and the progress display."""
        return f"{self.account}/{self.region}"


@dataclass(frozen=True)
class ScanPlan:
    """The settings every shard of one scan shares (no credentials)."""

    scan_id: str
    caller_account: str
    home_region: str
    profile: str | None = None
    role: RoleSettings | None = None
    metrics: str | None = None
    lag_window_seconds: int = 7 * 24 * 3600
    budget: BudgetSettings = field(default_factory=BudgetSettings)
    threads: int = 8
    verify_identity: bool = False
    """Remote workers check that their own credentials are the caller's before scanning its account."""


def plan_shards(accounts: list[str], regions: list[str], collectors: list[str],
                global_collectors: frozenset[str]) -> list[ShardSpec]:
    """Every account x Region; a global collector (short name in ``global_collectors``) in one Region."""
    global_region = GLOBAL_HOME if GLOBAL_HOME in regions else regions[0]
    shards = []
    for account in accounts:
        for region in regions:
            names = tuple(c for c in collectors
                          if c.rsplit(".", 1)[-1] not in global_collectors or region == global_region)
            shards.append(ShardSpec(account, region, names))
    return shards


def fingerprint(collectors: list[str], metrics: str | None, version: str, lag_window_seconds: int) -> str:
    """What makes two scans' shards interchangeable (a resumed scan reuses only matching shards)."""
    text = "|".join([version, *collectors, metrics or "-", str(lag_window_seconds)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
