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
    group.add_argument("--workers", type=int, default=8, metavar="N", help="concurrent API tasks (default 8)")
    group.add_argument("--lag-window", default=f"{SEVEN_DAYS_SECONDS // 86400}d", metavar="DURATION",
                       help="window for replication-lag metrics, e.g. 7d, 12h, 3600s (default 7d)")


def parse_duration(text: str) -> int:
    """Seconds in ``7d`` / ``12h`` / ``30m`` / ``3600s`` / ``3600``; ``InputError`` otherwise."""
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in _UNITS else "s"
    number = value[:-1] if value[-1:] in _UNITS else value
    if not number.isdigit() or int(number) <= 0:
        raise InputError(f"--lag-window: {text!r} is not a duration like 7d, 12h, 30m or 3600s")
    return int(number) * _UNITS[unit]


def options_from_args(ns: argparse.Namespace) -> LiveOptions:
    """``LiveOptions`` from parsed arguments; bad values raise one-line ``InputError``."""
    accounts = [a.strip() for a in (getattr(ns, "accounts", None) or "").split(",") if a.strip()]
    regions = [r.strip() for value in getattr(ns, "regions", None) or [] for r in value.split(",") if r.strip()]
    try:
        return LiveOptions(regions=regions, profile=getattr(ns, "profile", None),
                           role_arn=getattr(ns, "role_arn", None), accounts=accounts,
                           org=bool(getattr(ns, "org", False)), external_id=getattr(ns, "external_id", None),
                           workers=getattr(ns, "workers", 8),
                           lag_window_seconds=parse_duration(str(getattr(ns, "lag_window", "7d"))))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]).replace("_", "-") if err["loc"] else "option"
        raise InputError(f"--{field}: {err['msg']}") from None
