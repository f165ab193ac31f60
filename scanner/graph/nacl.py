"""Network ACL entries as they take effect: ``allowed_entries``, ``world_ingress`` and ``world_egress``.

AWS evaluates a network ACL's entries of one direction in rule-number order and the first entry that
matches a packet decides. Every fact here comes from one reading of that order,
``addresses.admitting``: at a protocol and port, an allow entry admits unless the earlier deny entries
of its direction and family that apply there *together* refuse every address it names (a deny of a
narrower CIDR carves addresses out of the allow, the rest still get in).

- ``allowed_entries``: the allow entries, in rule-number order, each cut to the port ranges where it
  admits, with the fields of ``entries``. An all-protocol allow cut for tcp or udp becomes one tcp and
  one udp entry (the protocols with ports; port-less protocols under it are not listed).
- ``world_ingress`` / ``world_egress``: the protocol/port ranges where the admitting allows together
  name the whole IPv4 or IPv6 space (``addresses.world_openings``), as for security groups.

Entries the source could not give make every fact unknown, and so do entries known only in part or a
deny (or an entry of no known action or rule number) that cannot be read, since either may close
anything. An allow whose CIDR is not a CIDR can only open more: the facts are then *partial*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .addresses import ALL, PORTED, NotANetwork, Opening, Rule, admitting, parse_network, port_segments, world_openings
from .model import Graph

NETWORK_ACL = "aws.ec2.network_acl"
FACTS = ("allowed_entries", "world_ingress", "world_egress")
FULL = [(0, 65535)]

_EntryKey = tuple[Any, Any, Any, Any, Any, Any, Any, Any, Any]
"""What the facts read of one entry: cidr, protocol, from_port, to_port, action, egress, rule_number, icmp_type,
icmp_code."""

_Piece = tuple[int, str | None, int | None, int | None]
"""An allowed entry: (position in ``entries``, protocol, from_port, to_port), protocol ``None`` = as written."""


@dataclass(frozen=True, slots=True)
class _Direction:
    """One direction's entries as the facts see them."""

    pieces: tuple[_Piece, ...]
    openings: tuple[Opening, ...]
    partial: str | None
    unknown: str | None


def _key(item: Any) -> _EntryKey | None:
    if not isinstance(item, dict):
        return None
    get = item.get
    action = get("action")
    return (get("cidr"), get("protocol"), get("from_port"), get("to_port"),
            action.lower() if isinstance(action, str) else action, get("egress"), get("rule_number"),
            get("icmp_type"), get("icmp_code"))


def _narrow(protocol: str, icmp_type: Any, icmp_code: Any) -> bool:
    """A port-less entry for one ICMP type or code matches only part of its protocol."""
    return protocol not in PORTED and protocol != ALL and (icmp_type not in (None, -1) or icmp_code not in (None, -1))


def _rule(index: int, key: _EntryKey) -> Rule:
    """The entry as a ``Rule``; ``NotANetwork`` says why it cannot be read."""
    cidr, protocol, from_port, to_port, action, _, number, icmp_type, icmp_code = key
    name = f"entry {number}" if isinstance(number, int) else f"entry at position {index}"
    if action not in ("allow", "deny"):
        raise NotANetwork(f"{name}: action {action!r} is neither allow nor deny")
    if not isinstance(number, int) or isinstance(number, bool):
        raise NotANetwork(f"{name}: rule number {number!r} is not a number")
    try:
        family, start, end = parse_network(str(cidr)) if cidr is not None else parse_network("")
    except NotANetwork:
        raise NotANetwork(f"{name}: CIDR {cidr!r} is not a CIDR") from None
    if isinstance(from_port, int) and isinstance(to_port, int) and 0 <= to_port < from_port:
        raise NotANetwork(f"{name}: port range {from_port}-{to_port} is empty")
    protocol = str(protocol or ALL)
    return Rule(index, family, start, end, protocol, from_port, to_port, action == "allow",
                _narrow(protocol, icmp_type, icmp_code))


def _admitted_ranges(rules: Sequence[Rule], protocol: str) -> dict[int, list[tuple[int, int]]]:
    """Allow position -> the merged port ranges of ``protocol`` at which it admits."""
    ranges: dict[int, list[tuple[int, int]]] = {}
    for low, high in port_segments(rules, protocol):
        for rule in admitting(rules, protocol, low):
            kept = ranges.setdefault(rule.index, [])
            if kept and kept[-1][1] == low - 1:
                kept[-1] = (kept[-1][0], high)
            else:
                kept.append((low, high))
    return ranges


def _pieces(rules: Sequence[Rule]) -> list[_Piece]:
    """The allowed entries of one direction's rules (sorted by rule number)."""
    names = ({r.protocol for r in rules} | set(PORTED)) - {ALL}
    by_protocol = {name: _admitted_ranges(rules, name) for name in sorted(names)}
    pieces: list[_Piece] = []
    for rule in rules:
        if not rule.allow:
            continue
        if rule.protocol == ALL:
            ported = {name: by_protocol[name].get(rule.index, []) for name in PORTED}
            if all(ranges == FULL for ranges in ported.values()):
                pieces.append((rule.index, None, None, None))
            else:
                pieces.extend((rule.index, name, low, high) for name in sorted(PORTED) for low, high in ported[name])
        elif rule.protocol in PORTED:
            pieces.extend((rule.index, rule.protocol, low, high) for low, high in by_protocol[rule.protocol].get(
                rule.index, []))
        elif rule.index in by_protocol[rule.protocol]:
            pieces.append((rule.index, None, None, None))
    return pieces


@lru_cache(maxsize=8192)
def _direction(keys: tuple[_EntryKey | None, ...], egress: bool) -> _Direction:
    """The facts of one direction of an ACL's entries; memoised, as ACLs repeat their entries a lot."""
    rules: list[Rule] = []
    partial: str | None = None
    for index, key in enumerate(keys):
        if key is None or bool(key[5]) is not egress:
            continue
        try:
            rules.append(_rule(index, key))
        except NotANetwork as exc:
            if key[4] == "allow":
                partial = partial or str(exc)  # an unreadable allow may only admit more
                continue
            return _Direction((), (), None, str(exc))  # an unreadable deny may refuse anything
    rules.sort(key=lambda r: keys[r.index][6])  # type: ignore[index]
    return _Direction(tuple(_pieces(rules)), tuple(world_openings(rules, first_match=True)), partial, None)


def _entry(entries: list[Any], piece: _Piece) -> dict[str, Any]:
    index, protocol, low, high = piece
    entry = dict(entries[index])
    if protocol is not None:
        entry.update(protocol=protocol, from_port=low, to_port=high)
    return entry


def allowed_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The effective allow entries of one ACL's ``entries`` (see the module docstring).

    ``NotANetwork`` when a deny cannot be read; allows that cannot be read are left out.
    """
    keys = tuple(_key(item) for item in entries)
    result: list[dict[str, Any]] = []
    for egress in (False, True):
        direction = _direction(keys, egress)
        if direction.unknown:
            raise NotANetwork(direction.unknown)
        result.extend(_entry(entries, piece) for piece in direction.pieces)
    return result


def derive_nacl_facts(graph: Graph) -> None:
    """``allowed_entries``, ``world_ingress`` and ``world_egress`` of every network ACL."""
    derived, derived_unknown, derived_partial = graph.derived, graph.derived_unknown, graph.derived_partial
    for uid in graph.of_type(NETWORK_ACL):
        resource = graph.resources[uid]
        reason = None
        if "entries" in resource.unknown:
            reason = f"entries unknown: {resource.unknown['entries']}"
        elif "entries" in resource.partial:  # an unseen earlier deny or later allow could change the effect
            reason = f"entries known only in part: {resource.partial['entries']}"
        entries = list(resource.attributes.get("entries") or [])
        keys = tuple(_key(item) for item in entries)
        directions = {egress: _direction(keys, egress) for egress in (False, True)} if reason is None else {}
        reason = reason or next((d.unknown for d in directions.values() if d.unknown), None)
        if reason is not None:
            for fact in FACTS:
                derived_unknown[uid][fact] = reason
            continue
        derived[uid]["allowed_entries"] = [_entry(entries, piece) for egress in (False, True)
                                           for piece in directions[egress].pieces]
        for fact, egress in (("world_ingress", False), ("world_egress", True)):
            derived[uid][fact] = [o.as_item() for o in directions[egress].openings]
        partial = next((d.partial for d in directions.values() if d.partial), None)
        if partial:
            derived_partial[uid]["allowed_entries"] = partial
        for fact, egress in (("world_ingress", False), ("world_egress", True)):
            if directions[egress].partial:
                derived_partial[uid][fact] = directions[egress].partial
