"""Addresses as networks, not strings: parsing CIDRs and asking whether rules cover the whole internet.

A CIDR is an integer interval ``[start, end)`` of its family's space (IPv4: 2**32 addresses, IPv6:
2**128), so ``::0/0``, ``0:0:0:0:0:0:0:0/0`` and ``::/0`` are the same network, and
``0.0.0.0/1`` + ``128.0.0.0/1`` together are the whole IPv4 space.

``world_openings`` answers, for security-group rules (any rule allows) and NACL entries (the first
matching entry by rule number decides), which protocol/port ranges every address of a family reaches.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Family = Literal["ipv4", "ipv6"]
SPACE: dict[Family, int] = {"ipv4": 2**32, "ipv6": 2**128}
ALL_PORTS = (0, 65535)
PORTED = frozenset({"tcp", "udp"})
ALL = "all"


class NotANetwork(ValueError):
    """A peer or destination that is not an IP network (an unresolved reference, a typo)."""


@lru_cache(maxsize=65536)
def parse_network(text: str) -> tuple[Family, int, int]:
    """``(family, start, end)`` of a CIDR or address; host bits are ignored (``10.1.2.3/0`` is ``0.0.0.0/0``)."""
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise NotANetwork(f"{text!r} is not an IP network") from None
    start = int(network.network_address)
    family: Family = "ipv4" if network.version == 4 else "ipv6"
    return family, start, start + network.num_addresses


def is_whole_space(text: str) -> bool:
    """True for any spelling of ``0.0.0.0/0`` or ``::/0``; ``NotANetwork`` for a non-network."""
    family, start, end = parse_network(text)
    return start == 0 and end == SPACE[family]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule reduced to what coverage needs: who, which protocol and ports, allow or deny, its position."""

    index: int
    family: Family
    start: int
    end: int
    protocol: str
    from_port: int | None
    to_port: int | None
    allow: bool = True

    def ports(self) -> tuple[int, int]:
        """The port interval the rule applies to (all ports for ``all`` and for port-less protocols)."""
        if self.protocol in PORTED and self.from_port is not None and self.to_port is not None \
                and self.from_port >= 0 and self.to_port >= 0:
            return self.from_port, self.to_port
        return ALL_PORTS  # ``all``, tcp/udp -1 (every port), or a protocol without ports

    def applies_to(self, protocol: str) -> bool:
        """A rule for ``all`` applies to every protocol."""
        return self.protocol == protocol or self.protocol == ALL


@dataclass(frozen=True, slots=True)
class Opening:
    """A protocol and port range that every address of ``family`` reaches, and the rules that make it so."""

    family: Family
    protocol: str
    from_port: int | None
    to_port: int | None
    rules: tuple[int, ...]

    def as_item(self) -> dict[str, object]:
        """The derived-fact item (see ``WorldOpening``)."""
        return {"family": self.family, "protocol": self.protocol, "from_port": self.from_port,
                "to_port": self.to_port, "rules": list(self.rules)}


class _Coverage:
    """Counts, over elementary address intervals, how many active rules cover each; whole when none is zero."""

    def __init__(self, rules: Sequence[Rule], space: int) -> None:
        points = sorted({0, space, *(r.start for r in rules), *(r.end for r in rules)})
        self.points = points
        self.counts = [0] * (len(points) - 1)
        self.zeros = len(self.counts)
        self.span = {r.index: (bisect_left(points, r.start), bisect_left(points, r.end)) for r in rules}

    def add(self, rule: Rule, step: int) -> None:
        low, high = self.span[rule.index]
        counts = self.counts
        for i in range(low, high):
            before = counts[i]
            counts[i] = before + step
            if before == 0:
                self.zeros -= 1
            elif counts[i] == 0:
                self.zeros += 1

    @property
    def whole(self) -> bool:
        return self.zeros == 0


def covers_space(rules: Sequence[Rule], space: int) -> bool:
    """True when the union of the rules' address intervals is the whole space."""
    reach = 0
    for rule in sorted(rules, key=lambda r: r.start):
        if rule.start > reach:
            return False
        reach = max(reach, rule.end)
    return reach >= space


def _any_allow_openings(rules: Sequence[Rule], family: Family, protocol: str) -> list[Opening]:
    """Port ranges of ``protocol`` where the union of the allowing rules is the whole ``family`` space."""
    space = SPACE[family]
    if not covers_space(rules, space):
        return []
    events: dict[int, list[tuple[int, Rule]]] = {}
    for rule in rules:
        low, high = rule.ports()
        events.setdefault(low, []).append((1, rule))
        events.setdefault(high + 1, []).append((-1, rule))
    coverage = _Coverage(rules, space)
    active: dict[int, Rule] = {}
    openings: list[Opening] = []
    marks = sorted(events)
    for position, mark in enumerate(marks[:-1]):
        for step, rule in events[mark]:
            coverage.add(rule, step)
            if step > 0:
                active[rule.index] = rule
            else:
                active.pop(rule.index, None)
        if not coverage.whole:
            continue
        low, high = mark, marks[position + 1] - 1
        contributing = tuple(sorted(active))
        last = openings[-1] if openings else None
        if last is not None and last.to_port == low - 1:
            openings[-1] = Opening(family, protocol, last.from_port, high,
                                   tuple(sorted(set(last.rules) | set(contributing))))
        else:
            openings.append(Opening(family, protocol, low, high, contributing))
    return openings


def _first_match_open(entries: Sequence[Rule], space: int, port: int) -> tuple[bool, tuple[int, ...]]:
    """NACL semantics at one port: do allow entries decide every address before any deny touches one?"""
    undecided = [(0, space)]
    used: list[int] = []
    for entry in entries:
        low, high = entry.ports()
        if not low <= port <= high:
            continue
        overlapping = [(a, b) for a, b in undecided if a < entry.end and entry.start < b]
        if not overlapping:
            continue
        if not entry.allow:
            return False, ()
        used.append(entry.index)
        remaining = []
        for a, b in undecided:
            if a < entry.start:
                remaining.append((a, min(b, entry.start)))
            if b > entry.end:
                remaining.append((max(a, entry.end), b))
        undecided = remaining
        if not undecided:
            return True, tuple(sorted(used))
    return False, ()


def _first_match_openings(entries: Sequence[Rule], family: Family, protocol: str) -> list[Opening]:
    """Port ranges of ``protocol`` that ordered allow/deny entries open to the whole ``family`` space."""
    space = SPACE[family]
    if not covers_space([e for e in entries if e.allow], space):
        return []
    marks = sorted({p for e in entries for p in (e.ports()[0], e.ports()[1] + 1)})
    openings: list[Opening] = []
    for position, low in enumerate(marks[:-1]):
        high = marks[position + 1] - 1
        is_open, used = _first_match_open(entries, space, low)  # entries are constant within a segment
        if not is_open:
            continue
        last = openings[-1] if openings else None
        if last is not None and last.to_port == low - 1:
            openings[-1] = Opening(family, protocol, last.from_port, high, tuple(sorted(set(last.rules) | set(used))))
        else:
            openings.append(Opening(family, protocol, low, high, used))
    return openings


def world_openings(rules: Sequence[Rule], *, first_match: bool = False) -> list[Opening]:
    """What the rules open to every address of IPv4 or of IPv6, per protocol and port range.

    ``all`` rules apply to every protocol; a protocol whose ``all`` rules alone open it fully is
    reported once as protocol ``all``. For port-less protocols (icmp, numbered) the ports are ``None``.
    With ``first_match`` (NACLs) ``rules`` must be sorted by rule number and deny entries count.
    Results are memoised: groups with the same rules (a common case) cost one computation.
    """
    return list(_memoised_openings(tuple(rules), first_match))


@lru_cache(maxsize=8192)
def _memoised_openings(rules: tuple[Rule, ...], first_match: bool) -> tuple[Opening, ...]:
    return tuple(_world_openings(rules, first_match=first_match))


def _world_openings(rules: Sequence[Rule], *, first_match: bool = False) -> list[Opening]:
    openings: list[Opening] = []
    compute = _first_match_openings if first_match else _any_allow_openings
    for family in ("ipv4", "ipv6"):
        in_family = [r for r in rules if r.family == family and (first_match or r.allow)]
        if not in_family:
            continue
        # All protocols: the ``all`` allows; under first-match any deny also stands in the way.
        everything = compute([r for r in in_family if r.protocol == ALL or not r.allow], family, ALL)
        openings.extend(everything)
        if [(o.from_port, o.to_port) for o in everything] == [ALL_PORTS]:
            continue  # every protocol on every port is open already
        protocols = {r.protocol for r in in_family} - {ALL}
        if first_match:
            protocols |= PORTED  # an ``all`` allow may open tcp/udp around a deny of another protocol
        for protocol in sorted(protocols):
            found = compute([r for r in in_family if r.applies_to(protocol)], family, protocol)
            if protocol not in PORTED:
                found = [Opening(o.family, o.protocol, None, None, o.rules) for o in found[:1]]
            openings.extend(found)
    return openings
