"""Network ACL entries as they take effect: ``allowed_entries`` of every network ACL.

AWS evaluates a network ACL's entries of one direction in rule-number order and the first entry that
matches a packet decides. An allow entry therefore admits what no earlier deny entry of the same
direction already refuses: its port range minus the ranges of earlier deny entries whose CIDR
contains its CIDR (every address the allow names is refused first) and whose protocol covers its
protocol. A deny of a narrower CIDR leaves the rest of the allow's addresses admitted, so it does not
cut the allow. The result lists allow entries only, in rule-number order, with the same fields as
``entries``; an all-protocol allow cut by a tcp or udp deny becomes one tcp and one udp entry (the
protocols with ports; port-less protocols under it are not listed).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from .model import Graph

NETWORK_ACL = "aws.ec2.network_acl"
PORTED = ("tcp", "udp")
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _NotACidr(ValueError):
    """An entry's CIDR is not a CIDR (an unresolved reference): the effect cannot be computed."""


def _network(entry: dict[str, Any]) -> _Network:
    try:
        return ipaddress.ip_network(str(entry.get("cidr")), strict=False)
    except ValueError:
        raise _NotACidr(f"entry {entry.get('rule_number')}: CIDR {entry.get('cidr')!r} is not a CIDR") from None


def _contains(outer: _Network, inner: _Network) -> bool:
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def _subtract(ranges: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    low, high = cut
    left: list[tuple[int, int]] = []
    for start, end in ranges:
        if end < low or start > high:
            left.append((start, end))
            continue
        if start < low:
            left.append((start, low - 1))
        if end > high:
            left.append((high + 1, end))
    return left


def _ports(entry: dict[str, Any]) -> tuple[int, int] | None:
    low, high = entry.get("from_port"), entry.get("to_port")
    return (low, high) if isinstance(low, int) and isinstance(high, int) else None


def _effect(allow: dict[str, Any], denies: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts of ``allow`` that no deny in ``denies`` (earlier, same direction) refuses first."""
    network = _network(allow)
    covering = [d for d in denies if _contains(_network(d), network)]
    if any(d.get("protocol") == "all" for d in covering):
        return []
    protocol = allow.get("protocol")
    if protocol not in ("all", *PORTED):  # icmp, icmpv6, protocol numbers: refused whole or not at all
        whole = any(d.get("protocol") == protocol and d.get("icmp_type") in (None, -1) for d in covering)
        return [] if whole else [dict(allow)]
    ported = PORTED if protocol == "all" else (protocol,)
    cuts = {name: [r for d in covering if d.get("protocol") == name and (r := _ports(d)) is not None]
            for name in ported}
    if protocol == "all" and not any(cuts.values()):
        return [dict(allow)]
    effect = []
    for name in ported:
        remaining = [_ports(allow) or (0, 65535)]
        for cut in cuts[name]:
            remaining = _subtract(remaining, cut)
        effect.extend({**allow, "protocol": name, "from_port": low, "to_port": high} for low, high in remaining)
    return effect


def allowed_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The effective allow entries of one ACL's ``entries`` (see the module docstring)."""
    result: list[dict[str, Any]] = []
    for egress in (False, True):
        ordered = sorted((e for e in entries if bool(e.get("egress")) is egress), key=lambda e: e["rule_number"])
        denies: list[dict[str, Any]] = []
        for entry in ordered:
            if entry.get("action") == "deny":
                _network(entry)  # a deny whose CIDR is unknown makes every later allow undecidable
                denies.append(entry)
            elif entry.get("action") == "allow":
                result.extend(_effect(entry, denies))
    return result


def derive_nacl_facts(graph: Graph) -> None:
    """``allowed_entries`` of every network ACL (unknown, with the reason, when its entries are)."""
    for uid in graph.of_type(NETWORK_ACL):
        resource = graph.resources[uid]
        if "entries" in resource.unknown:
            graph.derived_unknown[uid]["allowed_entries"] = f"entries unknown: {resource.unknown['entries']}"
            continue
        if "entries" in resource.partial:  # an unseen earlier deny or later allow could change the effect
            graph.derived_unknown[uid]["allowed_entries"] = f"entries known only in part: {resource.partial['entries']}"
            continue
        try:
            graph.derived[uid]["allowed_entries"] = allowed_entries(list(resource.attributes.get("entries") or []))
        except _NotACidr as exc:
            graph.derived_unknown[uid]["allowed_entries"] = str(exc)
