"""The live-scan arguments of ``haguard scan`` (argparse only: no boto3 at import time)."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from ..errors import InputError
from .options import SEVEN_DAYS_SECONDS, LiveOptions

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def add_live_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the live-scan options (``--region``, ``--profile``, ``--role-arn``...) to ``parser``."""
    group = parser.add_argument_group("live AWS scan")
    group.add_argument("--region", dest="regions", action="append", default=[], metavar="REGION",
                       help="Region to scan (repeatable; 'all' = every enabled Region; default: the profile's)")
    group.add_argument("--profile", help="AWS named profile (default: the standard credential chain)")
    group.add_argument("--accounts", metavar="ID,ID", help="comma-separated account ids to scan via --role-arn")
    group.add_argument("--org", action="store_true", help="scan every ACTIVE account of the organization")
    group.add_argument("--role-arn", metavar="ARN",
                       help="role assumed in each other account; {account} is replaced by the account id")
    group.add_argument("--external-id", metavar="ID", help="ExternalId for sts:AssumeRole")
    group.add_argument("--workers", type=int, default=8, metavar="N",
                       help="shards collected at once per process, on threads (default 8)")
    group.add_argument("--executor", default="threads", metavar="KIND",
                       help="where shards (account x Region) run: threads[:N] (default), processes[:N], "
                       "dask-local:N (a local Dask cluster of N workers x --workers threads) or dask://HOST:PORT")
    group.add_argument("--budget", default="20/100", metavar="RATE[/BURST]",
                       help="API requests per second (and burst) per account, Region and service (default 20/100)")
    group.add_argument("--session-duration", default="1h", metavar="DURATION",
                       help="DurationSeconds of the assumed per-account role, 15m..12h (default 1h)")
    group.add_argument("--refresh-margin", default="15m", metavar="DURATION",
                       help="refresh assumed-role credentials this long before they expire (default 15m)")
    group.add_argument("--lag-window", default=f"{SEVEN_DAYS_SECONDS // 86400}d", metavar="DURATION",
                       help="window for replication-lag metrics, e.g. 7d, 12h, 3600s (default 7d)")


def parse_duration(text: str, option: str = "--lag-window") -> int:
    """Seconds in ``7d`` / ``12h`` / ``30m`` / ``3600s`` / ``3600``; ``InputError`` otherwise."""
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in _UNITS else "s"
    number = value[:-1] if value[-1:] in _UNITS else value
    if not number.isdigit() or int(number) <= 0:
        raise InputError(f"{option}: {text!r} is not a duration like 7d, 12h, 30m or 3600s")
    return int(number) * _UNITS[unit]


def parse_budget(text: str) -> tuple[float, int]:
    """``RATE`` or ``RATE/BURST`` (burst defaults to 5x the rate, at least 1); ``InputError`` otherwise."""
    rate_text, _, burst_text = text.strip().partition("/")
    try:
        rate = float(rate_text)
        burst = int(burst_text) if burst_text else max(1, int(rate * 5))
    except ValueError:
        raise InputError(f"--budget: {text!r} is not RATE or RATE/BURST, e.g. 20/100") from None
    if not rate > 0 or burst < 1:
        raise InputError(f"--budget: {text!r}: the rate must be positive and the burst at least 1")
    return rate, burst


def options_from_args(ns: argparse.Namespace) -> LiveOptions:
    """``LiveOptions`` from parsed arguments; bad values raise one-line ``InputError``."""
    accounts = [a.strip() for a in (getattr(ns, "accounts", None) or "").split(",") if a.strip()]
    regions = [r.strip() for value in getattr(ns, "regions", None) or [] for r in value.split(",") if r.strip()]
    try:
        rate, burst = parse_budget(str(getattr(ns, "budget", "20/100")))
        return LiveOptions(regions=regions, profile=getattr(ns, "profile", None),
                           role_arn=getattr(ns, "role_arn", None), accounts=accounts,
                           org=bool(getattr(ns, "org", False)), external_id=getattr(ns, "external_id", None),
                           workers=getattr(ns, "workers", 8), executor=str(getattr(ns, "executor", "threads")),
                           budget_rate=rate, budget_burst=burst,
                           session_duration_seconds=parse_duration(str(getattr(ns, "session_duration", "1h")),
                                                                   "--session-duration"),
                           refresh_margin_seconds=parse_duration(str(getattr(ns, "refresh_margin", "15m")),
                                                                 "--refresh-margin"),
                           lag_window_seconds=parse_duration(str(getattr(ns, "lag_window", "7d"))))
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else "refresh_margin_seconds"  # the cross-field check
        field = _OPTION_NAMES.get(name, name)
        message = str(err["msg"]).removeprefix("Value error, ")
        raise InputError(f"--{field.replace('_', '-')}: {message}") from None


_OPTION_NAMES = {"budget_rate": "budget", "budget_burst": "budget", "session_duration_seconds": "session_duration",
                 "refresh_margin_seconds": "refresh_margin", "lag_window_seconds": "lag_window"}
