"""Comparing a matched IaC resource with its live counterpart, on the normalised vocabulary.

Only what the IaC knows is compared: an attribute the IaC leaves unset (``None``) makes no claim; one
it cannot know (a parameter without default, a value known after apply, a symbolic Availability
Zone) is *unverifiable*, with the reason; so is one the live side could not read. References to
other IaC resources are translated to the live uids they were matched to before comparing. Dicts
compare key by key on the IaC's keys (AWS adds ``aws:*`` tags of its own); relations compare per
kind the IaC declares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...model import Resource
from ..model import AttributeChange
from ..values import IgnoreRules, diff_values
from .model import Unverifiable

SYMBOLIC_ZONE = re.compile(r"#az\d+$")


class Untranslatable(Exception):
    """An IaC value refers to something with no live counterpart."""


def _translate(value: Any, mapping: Mapping[str, str], iac_uids: set[str]) -> Any:
    if isinstance(value, str):
        if value in mapping:
            return mapping[value]
        if value in iac_uids:
            raise Untranslatable(f"refers to {value}, which was not found live")
        if SYMBOLIC_ZONE.search(value):
            raise Untranslatable(f"symbolic Availability Zone {value} (give --region)")
        return value
    if isinstance(value, dict):
        return {k: _translate(v, mapping, iac_uids) for k, v in value.items()}
    if isinstance(value, list):
        return [_translate(v, mapping, iac_uids) for v in value]
    return value


def _declared(iac_value: Any, live_value: Any) -> Any:
    """The part of the live value the IaC speaks about (dict keys the IaC sets)."""
    if isinstance(iac_value, dict) and isinstance(live_value, dict):
        return {k: _declared(v, live_value.get(k)) for k, v in iac_value.items()}
    return live_value


def compare_attributes(iac: Resource, live: Resource, mapping: Mapping[str, str], iac_uids: set[str],
                       ignore: IgnoreRules) -> tuple[list[AttributeChange], list[Unverifiable]]:
    """Attribute changes (before = IaC, after = live) and the attributes that cannot be compared."""
    changes: list[AttributeChange] = []
    unverifiable: list[Unverifiable] = []
    for path, reason in sorted(iac.unknown.items()):
        if not ignore.ignores(iac.type, path):
            unverifiable.append(Unverifiable(iac_uid=iac.uid, path=path, reason=f"IaC value unknown: {reason}"))
    for name, value in iac.attributes.items():
        if value is None or name in iac.unknown or ignore.ignores(iac.type, name):
            continue
        if name in live.unknown:
            unverifiable.append(Unverifiable(iac_uid=iac.uid, path=name,
                                             reason=f"live value unknown: {live.unknown[name]}"))
            continue
        try:
            declared = _translate(value, mapping, iac_uids)
        except Untranslatable as exc:
            unverifiable.append(Unverifiable(iac_uid=iac.uid, path=name, reason=str(exc)))
            continue
        actual = _declared(declared, live.attributes.get(name))
        for path, before, after in diff_values(declared, actual, name):
            if (before is None and not path.endswith("]")) or ignore.ignores(iac.type, path):
                continue  # a key the IaC does not set (a list item only live has is drift, though)
            changes.append(AttributeChange(path=path, before=before, after=after))
    return changes, unverifiable


def compare_relations(iac: Resource, live: Resource, iac_edges: Mapping[str, set[str]],
                      live_edges: Mapping[tuple[str, str], set[str]], mapping: Mapping[str, str],
                      ignore: IgnoreRules) -> tuple[list[AttributeChange], list[Unverifiable]]:
    """Per relation kind the IaC declares: the live targets differ from the declared ones."""
    changes: list[AttributeChange] = []
    unverifiable: list[Unverifiable] = []
    for kind, targets in sorted(iac_edges.items()):
        path = f"relations.{kind}"
        if ignore.ignores(iac.type, path):
            continue
        if kind in iac.unknown_relations:
            unverifiable.append(Unverifiable(iac_uid=iac.uid, path=path,
                                             reason=f"IaC targets unknown: {iac.unknown_relations[kind]}"))
            continue
        unmatched = sorted(t for t in targets if t not in mapping)
        if unmatched:
            unverifiable.append(Unverifiable(iac_uid=iac.uid, path=path,
                                             reason=f"refers to {', '.join(unmatched)}, not found live"))
            continue
        declared = sorted(mapping[t] for t in targets)
        actual = sorted(live_edges.get((live.uid, kind), set()))
        if declared != actual:
            changes.append(AttributeChange(path=path, before=declared, after=actual))
    return changes, unverifiable
