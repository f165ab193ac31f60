"""Addresses as networks, not strings: parsing CIDRs and asking whether rules cover the whole internet.

A CIDR is an integer interval ``[start, end)`` of its family's space (IPv4: 2**32 addresses, IPv6:
2**128), so ``::0/0``, ``0:0:0:0:0:0:0:0/0`` and ``::/0`` are the same network, and
``0.0.0.0/1`` + ``128.0.0.0/1`` together are the whole IPv4 space.

``world_openings`` answers, for security-group rules (any rule allows) and NACL entries (the first
matching entry by rule number decides), which protocol/port ranges the rules open to a family's whole
space. ``admitting`` is the one reading of NACL evaluation order: both a NACL's world openings and its
``allowed_entries`` (``nacl.py``) are built on it. ``whole_space_layers`` finds the networks that reach a family's
whole space (default routes, EKS public access CIDRs).
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
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
    narrow: bool = False
    """Matches only part of its protocol's traffic (one ICMP type or code): such a deny never refuses a whole allow."""

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


def whole_space_layers(networks: Sequence[tuple[Family, int, int]]) -> list[int]:
    """Positions of the ``(family, start, end)`` networks that, layer by layer, reach their family's whole space.

    Per family the networks are taken widest first; as soon as those taken so far cover the space they
    form a layer (a ``/0`` alone, or ``0.0.0.0/1`` + ``128.0.0.0/1``) and the search starts again among
    the narrower ones, so two halves beside a ``/0`` are a layer of their own (as routes, the halves
    win every address by longest prefix). Networks in no complete layer (a VPC's local ``/16``) are left out.
    """
    chosen: list[int] = []
    for family, space in SPACE.items():
        members = sorted(((end - start, position, Rule(position, family, start, end, ALL, None, None))
                          for position, (kind, start, end) in enumerate(networks) if kind == family),
                         key=lambda member: -member[0])
        layer: list[tuple[int, Rule]] = []
        for index, (size, position, rule) in enumerate(members):
            layer.append((position, rule))
            if index + 1 < len(members) and members[index + 1][0] == size:
                continue  # take every network of one size together
            if covers_space([r for _, r in layer], space):
                chosen.extend(p for p, _ in layer)
                layer = []
    return sorted(chosen)


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


def _applies(entry: Rule, protocol: str) -> bool:
    """Whether ``entry`` takes part in the first-match decision for ``protocol``.

    For ``all`` (every protocol at once) only all-protocol allows open, while a deny of any protocol
    stands in the way; for one protocol, its own entries and the all-protocol ones count.
    """
    if protocol == ALL:
        return entry.protocol == ALL or not entry.allow
    return entry.applies_to(protocol)


def _covered(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the union of ``intervals`` holds ``[start, end)``."""
    reach = start
    for low, high in sorted(intervals):
        if low > reach:
            break
        reach = max(reach, high)
        if reach >= end:
            return True
    return reach >= end


def admitting(entries: Sequence[Rule], protocol: str, port: int) -> list[Rule]:
    """The allow entries that admit some of their addresses for ``protocol`` at ``port`` (NACL semantics).

    ``entries`` are one direction's, sorted by rule number. The first matching entry decides, so an
    allow admits what earlier denies leave of its addresses: it admits nothing only when the earlier
    denies of its family that apply to the protocol and port *together* refuse every address it names.
    A deny narrowed to one ICMP type or code refuses only part of the protocol and never does.
    """
    refused: dict[Family, list[tuple[int, int]]] = {"ipv4": [], "ipv6": []}
    admitted: list[Rule] = []
    for entry in entries:
        low, high = entry.ports()
        if not low <= port <= high or not _applies(entry, protocol):
            continue
        if entry.allow:
            if not _covered(refused[entry.family], entry.start, entry.end):
                admitted.append(entry)
        elif not entry.narrow:
            refused[entry.family].append((entry.start, entry.end))
    return admitted


def port_segments(entries: Sequence[Rule], protocol: str) -> list[tuple[int, int]]:
    """Port ranges over which the entries taking part for ``protocol`` do not change (0-65535 in all)."""
    marks = {ALL_PORTS[0], ALL_PORTS[1] + 1}
    for entry in entries:
        if _applies(entry, protocol):
            low, high = entry.ports()
            marks.update((low, high + 1))
    ordered = sorted(marks)
    return [(low, following - 1) for low, following in pairwise(ordered)]


def _first_match_openings(entries: Sequence[Rule], family: Family, protocol: str) -> list[Opening]:
    """Port ranges of ``protocol`` where the admitting allow entries together name the whole ``family`` space.

    Earlier denies carve their addresses out of an allow but close the port only when they refuse every
    address of the allows that name the space (see ``admitting``).
    """
    space = SPACE[family]
    if not covers_space([e for e in entries if e.allow and _applies(e, protocol)], space):
        return []
    openings: list[Opening] = []
    for low, high in port_segments(entries, protocol):
        admitted = admitting(entries, protocol, low)  # entries are constant within a segment
        if not covers_space(admitted, space):
            continue
        used = tuple(sorted(e.index for e in admitted))
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
