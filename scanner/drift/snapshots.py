"""Resource and relation drift between two snapshots of the same scope.

Resources are matched by uid. A resource that is missing on one side while that side's collection of
its type failed (a coverage gap for its account and Region) is *unverifiable*, not removed or added;
an attribute unknown on one side is reported with the reason, never as a change to "nothing".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model import CoverageGap, Relation, Resource, Snapshot
from .model import AttributeChange, RelationDrift, RelationRef, ResourceChange, ResourceDrift, ResourceRef, Unverifiable
from .sides import Facts
from .values import IgnoreRules, diff_values


def diff_resources(before: Snapshot, after: Snapshot, ignore: IgnoreRules | None = None,
                   facts_before: Facts | None = None, facts_after: Facts | None = None
                   ) -> tuple[ResourceDrift, RelationDrift]:
    """Resources added, removed, changed (and unverifiable) and relations added and removed."""
    ignore = ignore or IgnoreRules()
    old = {r.uid: r for r in before.resources}
    new = {r.uid: r for r in after.resources}
    drift = ResourceDrift()
    gone: set[str] = set()
    for uid, resource in old.items():
        if uid not in new:
            gone.add(uid)
            gap = _gap_for(after.coverage, resource)
            if gap is None:
                drift.removed.append(_ref(resource))
            else:
                drift.unverifiable.append(_unverifiable(resource, "not collected after", gap))
    for uid, resource in new.items():
        if uid not in old:
            gone.add(uid)
            gap = _gap_for(before.coverage, resource)
            if gap is None:
                drift.added.append(_ref(resource))
            else:
                drift.unverifiable.append(_unverifiable(resource, "not collected before", gap))
    none: dict[str, Any] = {}
    fa, fb = facts_before or Facts(), facts_after or Facts()
    for uid, a in old.items():
        b = new.get(uid)
        if b is None:
            continue
        da, db = fa.known.get(uid, none), fb.known.get(uid, none)
        ua, ub = fa.unknown.get(uid, none), fb.unknown.get(uid, none)
        if (a.attributes == b.attributes and a.unknown == b.unknown and a.name == b.name and a.type == b.type
                and da == db and ua == ub):
            continue
        changes = resource_changes(a, b, ignore) + derived_changes(type_name=b.type, ignore=ignore, known_a=da,
                                                                   known_b=db, unknown_a=ua, unknown_b=ub)
        if changes:
            drift.changed.append(ResourceChange(**_ref(b).model_dump(), changes=changes))
    for items in (drift.added, drift.removed, drift.changed, drift.unverifiable):
        items.sort(key=lambda r: (r.type, r.uid))
    return drift, diff_relations(before.relations, after.relations, gone)


def resource_changes(a: Resource, b: Resource, ignore: IgnoreRules) -> list[AttributeChange]:
    """The attribute changes of one resource present on both sides (``--ignore`` rules applied)."""
    changes: list[AttributeChange] = []
    type_name = b.type
    for path, before, after in (("type", a.type, b.type), ("name", a.name, b.name)):
        if before != after and not ignore.ignores(type_name, path):
            changes.append(AttributeChange(path=path, before=before, after=after))
    changes.extend(_changes(type_name, ignore, a.attributes, b.attributes, a.unknown, b.unknown))
    return changes


def derived_changes(*, type_name: str, ignore: IgnoreRules, known_a: Mapping[str, Any], known_b: Mapping[str, Any],
                    unknown_a: Mapping[str, str], unknown_b: Mapping[str, str]) -> list[AttributeChange]:
    """Changes of the graph's derived facts (flagged ``derived``)."""
    if known_a == known_b and unknown_a == unknown_b:
        return []
    return [c.model_copy(update={"derived": True})
            for c in _changes(type_name, ignore, dict(known_a), dict(known_b), unknown_a, unknown_b)]


def _changes(type_name: str, ignore: IgnoreRules, values_a: dict[str, Any], values_b: dict[str, Any],
             unknown_a: Mapping[str, str], unknown_b: Mapping[str, str]) -> list[AttributeChange]:
    changes: list[AttributeChange] = []
    unknown_paths = set(unknown_a) | set(unknown_b)
    for path in sorted(unknown_paths):
        why_a, why_b = unknown_a.get(path), unknown_b.get(path)
        if why_a == why_b or ignore.ignores(type_name, path):
            continue
        changes.append(AttributeChange(path=path, before=None if why_a else _at(values_a, path),
                                       after=None if why_b else _at(values_b, path),
                                       before_unknown=why_a, after_unknown=why_b))
    for path, before, after in diff_values(values_a, values_b):
        if not _under(path, unknown_paths) and not ignore.ignores(type_name, path):
            changes.append(AttributeChange(path=path, before=before, after=after))
    return changes


def diff_relations(before: Iterable[Relation], after: Iterable[Relation], skip: set[str]) -> RelationDrift:
    """Relations added and removed, leaving out those of resources added or removed (implied by them)."""
    old = {_relation_key(r): r for r in before if r.src not in skip and r.dst not in skip}
    new = {_relation_key(r): r for r in after if r.src not in skip and r.dst not in skip}
    drift = RelationDrift(
        added=[_relation_ref(new[k]) for k in new.keys() - old.keys()],
        removed=[_relation_ref(old[k]) for k in old.keys() - new.keys()],
    )
    for items in (drift.added, drift.removed):
        items.sort(key=lambda r: (r.src, r.kind, r.dst))
    return drift


def _relation_key(relation: Relation) -> tuple[str, str, str, str]:
    attrs = relation.attributes
    return relation.src, relation.kind, relation.dst, repr(sorted(attrs.items())) if attrs else ""


def _relation_ref(relation: Relation) -> RelationRef:
    return RelationRef(src=relation.src, kind=relation.kind, dst=relation.dst, attributes=dict(relation.attributes))


def _ref(resource: Resource) -> ResourceRef:
    return ResourceRef.model_construct(uid=resource.uid, type=resource.type, name=resource.name,
                                       account=resource.account, region=resource.region)


def _unverifiable(resource: Resource, when: str, gap: CoverageGap) -> Unverifiable:
    return Unverifiable(**_ref(resource).model_dump(),
                        reason=f"{when}: {gap.service}:{gap.operation} failed ({gap.error})")


def _gap_for(gaps: list[CoverageGap], resource: Resource) -> CoverageGap | None:
    """The coverage gap that explains why ``resource`` may be missing from a side, if any."""
    for gap in gaps:
        if (resource.type in gap.resource_types and gap.account in (None, resource.account)
                and gap.region in (None, resource.region)):
            return gap
    return None


def _under(path: str, roots: set[str]) -> bool:
    return any(path == root or path.startswith((root + ".", root + "[")) for root in roots)


def _at(attributes: dict[str, Any], path: str) -> Any:
    value: Any = attributes
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
