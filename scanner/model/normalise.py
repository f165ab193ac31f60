"""Normalisers every source calls: one definition of protocols, ports, booleans, durations, tags, uids.

Each takes a plain value as a source gives it (CloudFormation often writes ``"true"`` or ``"5"`` where
a boolean or number is meant; boto3 and Terraform give typed values) and returns the vocabulary's
value, or raises ``ValueError`` with a short message for a value it does not understand. Nothing
here knows which source it serves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

_PROTOCOL_NAMES = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp",
                   "1": "icmp", "icmp": "icmp", "58": "icmpv6", "icmpv6": "icmpv6", "icmp6": "icmpv6"}
PORTED_PROTOCOLS = frozenset({"tcp", "udp"})
ICMP_PROTOCOLS = frozenset({"icmp", "icmpv6"})
ALL_PORTS = (0, 65535)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def boolean(value: Any) -> bool:
    """``True``/``False``, or the strings ``true``/``false`` in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"expected a boolean, got {_show(value)}")


def enabled(value: Any) -> bool:
    """``enabled``/``ENABLED``/``Enabled`` (or a boolean) -> True; ``disabled`` -> False.

    Transitional states (``enabling``, ``disabling``) are not a setting yet: ``ValueError``.
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("enabled", "enable", "true", "on"):
        return True
    if text in ("disabled", "disable", "false", "off"):
        return False
    raise ValueError(f"expected enabled or disabled, got {_show(value)}")


def monitoring_enabled(value: Any) -> bool:
    """EC2 detailed monitoring: a boolean (IaC) or ``Monitoring.State`` (``enabled``/``pending`` -> True)."""
    if isinstance(value, str) and value.strip().lower() in ("pending", "disabling"):
        return value.strip().lower() == "pending"
    return enabled(value)


def scheme(value: Any) -> str:
    """A load balancer's ``Scheme``; Terraform's ``internal = true/false`` spelled the same way."""
    if isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in ("true", "false")):
        return "internal" if boolean(value) else "internet-facing"
    name = text(value).strip().lower()
    if name not in ("internal", "internet-facing"):
        raise ValueError(f"expected internal or internet-facing, got {_show(value)}")
    return name


def integer(value: Any) -> int:
    """An int, an integral float, or a numeric string."""
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {_show(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise ValueError(f"expected an integer, got {_show(value)}")


def number(value: Any) -> float:
    """A number or a numeric string, as a float."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {_show(value)}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValueError(f"expected a number, got {_show(value)}")


def text(value: Any) -> str:
    """A string; numbers and booleans as CloudFormation and Terraform spell them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise ValueError(f"expected a string, got {_show(value)}")


def texts(value: Any) -> list[str]:
    """A list of strings; a comma-separated string is split (``VPCZoneIdentifier: "a,b"``)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [text(item) for item in value]
    raise ValueError(f"expected a list, got {_show(value)}")


def lower(value: Any) -> str:
    """The text in lower case (``RuleAction: Allow`` -> ``allow``)."""
    return text(value).lower()


def upper(value: Any) -> str:
    """The text in upper case (``billing_mode: pay_per_request`` as AWS spells it)."""
    return text(value).upper()


def protocol(value: Any) -> str:
    """``-1``/``all`` -> ``all``; IANA numbers of tcp, udp, icmp, icmpv6 -> their names; else lower case."""
    name = text(value).strip().lower()
    return _PROTOCOL_NAMES.get(name, name)


def rule_ports(proto: str, from_port: Any, to_port: Any) -> dict[str, int]:
    """The port fields of a normalised rule (security-group rule or NACL entry).

    - ``all``: ports 0-65535.
    - tcp/udp: the given ports; ``-1`` or an omitted bound means every port (a tcp rule ``-1``/``-1``
      is open on 0-65535, never on no port at all).
    - icmp/icmpv6: no ports; the type and code are kept apart (``icmp_type``, ``icmp_code``;
      ``-1`` = any), so that an ICMP rule 8/0 reads the same from every source.
    - any other protocol: no ports.
    """
    if proto == "all":
        return {"from_port": ALL_PORTS[0], "to_port": ALL_PORTS[1]}
    if proto in PORTED_PROTOCOLS:
        low = _port(from_port)
        high = _port(to_port)
        if low is None or high is None:
            return {"from_port": ALL_PORTS[0], "to_port": ALL_PORTS[1]}
        return {"from_port": low, "to_port": high}
    if proto in ICMP_PROTOCOLS:
        result = {"icmp_type": -1, "icmp_code": -1}
        if from_port is not None:
            result["icmp_type"] = integer(from_port)
        if to_port is not None:
            result["icmp_code"] = integer(to_port)
        return result
    return {}


def _port(value: Any) -> int | None:
    """A port bound; ``None`` for an omitted bound or ``-1`` (all ports)."""
    if value is None:
        return None
    port = integer(value)
    if port < 0:
        return None
    if port > 65535:
        raise ValueError(f"port {port} is out of range")
    return port


def tags(value: Any) -> dict[str, str]:
    """Tags as a dict: ``[{Key, Value}]`` (CloudFormation, boto3), ``[{key, value}]`` (ECS) or a mapping."""
    if isinstance(value, Mapping):
        return {str(k): text(v) if v is not None else "" for k, v in value.items()}
    if isinstance(value, list):
        result: dict[str, str] = {}
        for tag in value:
            if not isinstance(tag, Mapping):
                raise ValueError(f"expected a tag mapping, got {_show(tag)}")
            key = tag.get("Key", tag.get("key"))
            if key is None:
                raise ValueError("a tag has no Key")
            val = tag.get("Value", tag.get("value", ""))
            result[text(key)] = "" if val is None else text(val)
        return result
    raise ValueError(f"expected tags, got {_show(value)}")


def key_values(value: Any, key: str = "Key", val: str = "Value") -> dict[str, Any]:
    """``[{Key: k, Value: v}]`` (load-balancer and target-group attributes) as ``{k: v}``."""
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, list):
        raise ValueError(f"expected a list of {key}/{val} mappings, got {_show(value)}")
    return {text(item.get(key)): item.get(val) for item in value if isinstance(item, Mapping)}


_AFTER_DAYS = re.compile(r"AFTER_(\d+)_DAYS?")


def after_days(value: Any) -> int:
    """EFS lifecycle spellings ``AFTER_30_DAYS`` / ``AFTER_1_DAY`` as a number of days."""
    match = _AFTER_DAYS.fullmatch(text(value).strip().upper())
    if match is None:
        raise ValueError(f"expected AFTER_<n>_DAYS, got {_show(value)}")
    return int(match.group(1))


_DURATION = re.compile(r"\s*(\d+)\s*([smhd]?)\s*")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(value: Any) -> int:
    """Seconds from a number or ``90s``/``5m``/``12h``/``7d``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    match = _DURATION.fullmatch(text(value).lower())
    if match is None:
        raise ValueError(f"expected a duration like 300, 5m, 12h or 7d, got {_show(value)}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_uid(template: str, resource_id: str, account: str, region: str) -> str:
    """A live uid from its ARN template (``arn:aws:rds:{region}:{account}:db:{id}``); an ARN stays as is."""
    if resource_id.startswith("arn:"):
        return resource_id
    return template.format(region=region, account=account, id=resource_id)


def arn_region(arn: str) -> str | None:
    """The Region field of an ARN (``None`` when empty or not an ARN)."""
    parts = arn.split(":")
    return parts[3] or None if len(parts) > 5 and parts[0] == "arn" else None


def region_of(value: Any) -> str:
    """A Region given directly (``us-west-2``) or as the Region field of an ARN."""
    name = text(value)
    region = arn_region(name)
    if name.startswith("arn:"):
        if region is None:
            raise ValueError(f"the ARN {_show(value)} names no Region")
        return region
    return name


def arn_account(arn: str) -> str | None:
    """The account field of an ARN (``None`` when empty or not an ARN)."""
    parts = arn.split(":")
    return parts[4] or None if len(parts) > 5 and parts[0] == "arn" else None


def seconds_between(earlier: Any, later: Any) -> float | None:
    """Seconds from ``earlier`` to ``later`` (datetimes or ISO-8601 strings); ``None`` when either is missing."""
    start, end = _when(earlier), _when(later)
    if start is None or end is None:
        return None
    return max(0.0, round((end - start).total_seconds(), 3))


def _when(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)



__all__ = [
    "ALL_PORTS",
    "ICMP_PROTOCOLS",
    "PORTED_PROTOCOLS",
    "after_days",
    "arn_account",
    "arn_region",
    "boolean",
    "duration_seconds",
    "enabled",
    "format_uid",
    "integer",
    "key_values",
    "lower",
    "monitoring_enabled",
    "number",
    "protocol",
    "region_of",
    "rule_ports",
    "scheme",
    "seconds_between",
    "tags",
    "text",
    "texts",
    "upper",
]
