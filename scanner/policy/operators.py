"""The attribute tests of the policy language (``equals``, ``in``, ``gt``, ``matches``, ``in_networks``...).

Each is three-valued: ``True``, ``False``, or ``None`` when the values cannot be compared.
"""

from __future__ import annotations

from typing import Any

from ..graph.addresses import NotANetwork, parse_network
from .patterns import search

Tri = bool | None

ORDERING = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b,
             "lte": lambda a, b: a <= b}


def test_value(op: str, value: Any, operand: Any) -> Tri:
    """One attribute test; values that cannot be compared (``5 in "abc"``, ``"a" > 1``) are unknown."""
    try:
        return _test_values(op, value, operand)
    except (TypeError, ValueError):
        return None


def _test_values(op: str, value: Any, operand: Any) -> Tri:
    if op == "exists":
        return (value is not None) == bool(operand)
    if op == "equals":
        return value == operand
    if op == "not_equals":
        return value != operand
    if op in ("in", "not_in"):
        if isinstance(operand, str) and not isinstance(value, str):
            return None
        found = value in operand if isinstance(operand, (list, tuple, set, str)) else value == operand
        return found if op == "in" else not found
    if op == "in_networks":
        return in_networks(value, operand)
    if value is None:
        return None  # ordering, matching or containment on a value that is not set: undecidable
    if op in ORDERING:
        if isinstance(value, bool) != isinstance(operand, bool):
            return None  # true > 0 is not a comparison a policy means
        return ORDERING[op](value, operand)
    if op == "matches":
        return search(str(operand), str(value))
    if op == "contains":
        if isinstance(operand, list):  # every element: the failover codes include 500, 502, 503 and 504
            return all(o in value for o in operand) if isinstance(value, (list, tuple, set, dict)) else None
        if isinstance(value, str) and not isinstance(operand, str):
            return None
        return operand in value if isinstance(value, (list, tuple, set, str, dict)) else False
    raise AssertionError(op)


def in_networks(value: Any, operand: Any) -> Tri:
    """Whether the CIDR ``value`` lies inside one of the ``operand`` networks (``10.8.1.0/24`` in ``10.8.0.0/16``).

    Not set is in no network (as with ``in``); a value that is not an IP network (``${var.cidr}``) is
    unknown. Operand entries that are not networks (prefix-list ids beside the CIDRs) contain nothing.
    """
    if value is None:
        return False
    if not isinstance(value, str):
        return None
    family, start, end = parse_network(value)  # NotANetwork (a ValueError): unknown
    for entry in operand if isinstance(operand, (list, tuple)) else [operand]:
        try:
            kind, low, high = parse_network(str(entry))
        except NotANetwork:
            continue
        if kind == family and low <= start and end <= high:
            return True
    return False
