"""Backup facts: which AWS Backup selections select each data store, where its backups are copied, its
newest recovery point and latest restore (live), each plan rule's schedule, and which vaults are in use.

A selection selects a resource as AWS Backup does: (``Resources`` by ARN or ARN pattern, OR ``ListOfTags``)
AND every ``Conditions`` test, minus ``NotResources``; a selection with none of them selects everything.
It only reaches resources of its own account and Region. Tests the source cannot decide are unknown, never
a match or a miss: an IaC resource has no ARN yet (only an ARN pattern that covers or excludes its whole
type decides), and a tag missing from an IaC resource may still come from CloudFormation stack tags or the
Terraform provider's ``default_tags`` at deploy time. Each decided match by pattern or tag becomes a
``backs_up`` edge, so the RPO/RTO estimator sees it. Meanings of the facts: ``BACKUP_FACTS`` in
``scanner/model/vocabulary/backup.py``; the reasoning: ``docs/backups.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import Resource
from ..model.normalise import arn_region
from .model import Graph
from .schedule import interval_seconds

Tri = bool | None
STORE_TYPES = ("aws.rds.db_instance", "aws.rds.db_cluster", "aws.dynamodb.table", "aws.efs.file_system",
               "aws.s3.bucket")
SELECTION = "aws.backup.selection"
PLAN = "aws.backup.plan"
VAULT = "aws.backup.vault"
IAC_KINDS = frozenset({"cloudformation", "terraform-plan", "terraform-hcl"})
TERRAFORM_KINDS = frozenset({"terraform-plan", "terraform-hcl"})
_TAG_PREFIX = "aws:ResourceTag/"
_MAX_REASONS = 3

# service, resource type and the separator before the name in the resource's ARN
_ARN_SHAPES: dict[str, tuple[str, str, str]] = {
    "aws.rds.db_instance": ("rds", "db", ":"),
    "aws.rds.db_cluster": ("rds", "cluster", ":"),
    "aws.dynamodb.table": ("dynamodb", "table", "/"),
    "aws.efs.file_system": ("elasticfilesystem", "file-system", "/"),
    "aws.s3.bucket": ("s3", "", ""),
}


# -- three-valued helpers --------------------------------------------------------------------------

def _any(values: Iterable[Tri]) -> Tri:
    seen_unknown = False
    for value in values:
        if value is True:
            return True
        seen_unknown = seen_unknown or value is None
    return None if seen_unknown else False


def _all(values: Iterable[Tri]) -> Tri:
    seen_unknown = False
    for value in values:
        if value is False:
            return False
        seen_unknown = seen_unknown or value is None
    return None if seen_unknown else True


def _not(value: Tri) -> Tri:
    return None if value is None else not value


def wildcard_match(pattern: str, text: str) -> bool:
    """True when ``text`` matches ``pattern``, whose ``*`` stands for any characters (AWS Backup's only
    wildcard). Linear in practice, never exponential: the last ``*`` alone is ever backtracked to."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] != "*" and pattern[p] == text[t]:
            p, t = p + 1, t + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, t, p + 1
        elif star >= 0:
            mark += 1
            p, t = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


# -- the resource side -----------------------------------------------------------------------------

@dataclass
class _Target:
    """What a selection is tested against: a store's ARN (when known), tags, account and Region."""

    resource: Resource
    arn: str | None
    tags: dict[str, str] | None
    tags_why: str | None
    deploy_time_tags: bool  # IaC: tags can still be added when it is deployed

    @classmethod
    def of(cls, resource: Resource, source_kind: str) -> _Target:
        arn = resource.uid if resource.uid.startswith("arn:") else None
        reason = resource.unknown.get("tags")
        tags = None if reason else {str(k): str(v) for k, v in (resource.attributes.get("tags") or {}).items()}
        return cls(resource, arn, tags, reason and f"tags of {resource.uid} unknown: {reason}",
                   source_kind in IAC_KINDS)

    def partition(self) -> str | None:
        region = self.resource.region
        if region is None:
            return None
        return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _unknown_arn_match(pattern: str, target: _Target) -> tuple[Tri, str | None]:
    """An ARN pattern against a resource whose ARN is not known yet (IaC): true only when the pattern covers
    every ARN the resource can get, false only when it excludes them all."""
    service, kind, sep = _ARN_SHAPES[target.resource.type]
    if pattern and set(pattern) == {"*"}:
        return True, None
    fields = pattern.split(":", 5)
    s3 = service == "s3"
    known: list[str | None] = ["arn", target.partition(), service, "" if s3 else target.resource.region,
                               "" if s3 else target.resource.account]
    why = f"the ARN of {target.resource.uid} is known only once it is deployed"
    literal_prefix = pattern.split("*", 1)[0]
    known_prefix = ""
    for value in known:  # the ARN's start, as far as it is known
        if value is None:
            break
        known_prefix += value + ":"
    common = min(len(literal_prefix), len(known_prefix))
    if literal_prefix[:common] != known_prefix[:common]:
        return False, None
    whole_fields = all("*" not in f or f == "*" for f in fields[:5])
    if len(fields) == 6 and whole_fields and not s3:
        resource = fields[5]
        head = resource.split(sep, 1)[0] if sep in resource else resource
        if "*" not in head and head != kind:  # region/account never hold ':', so the type is the sixth field
            return False, None
    verdict: Tri = True
    star_seen = False  # past a wildcard a field may sit at another position: a mismatch no longer excludes
    for index, value in enumerate(fields):
        if index == len(fields) - 1 and value == "*":
            return verdict, None if verdict else why
        if index < 5:
            if "*" in value:
                star_seen = True
                verdict = verdict if value == "*" else None
            elif known[index] is None:
                verdict = None
            elif value != known[index]:
                if not star_seen:
                    return False, None
                verdict = None
        elif s3 or value not in (f"{kind}{sep}*", "*"):
            verdict = None
    if len(fields) < 6:  # fewer fields than an ARN has, and no wildcard at the end to stand for the rest
        return (None, why) if star_seen else (False, None)
    return verdict, None if verdict else why


def _arn_match(pattern: str, target: _Target) -> tuple[Tri, str | None]:
    if target.arn is not None:
        return wildcard_match(pattern, target.arn), None
    return _unknown_arn_match(pattern, target)


def _tag_test(target: _Target, operator: str, key: str, value: str) -> tuple[Tri, str | None]:
    """One tag condition (``equals``, ``not_equals``, ``like``, ``not_like``) on the target's tags."""
    if target.tags is None:
        return None, target.tags_why
    key = key.removeprefix(_TAG_PREFIX)
    if key not in target.tags:
        if target.deploy_time_tags:
            return None, (f"{target.resource.uid} has no tag {key!r} in the source, but stack tags or the provider's "
                          "default_tags may add it when it is deployed")
        return operator.startswith("not_"), None
    actual = target.tags[key]
    matched = actual == value if operator.endswith("equals") else wildcard_match(value, actual)
    return (not matched if operator.startswith("not_") else matched), None


# -- the selection side ----------------------------------------------------------------------------

_CONDITIONS = (("condition_string_equals", "equals"), ("condition_string_not_equals", "not_equals"),
               ("condition_string_like", "like"), ("condition_string_not_like", "not_like"))


@dataclass
class _Selection:
    """A backup selection compiled for matching."""

    resource: Resource
    plans: list[str]
    literal: set[str]
    resources: list[str] | None
    not_resources: list[str] | None
    list_of_tags: list[tuple[str, str]] | None
    conditions: list[tuple[str, str, str]] | None
    unknown: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: Graph, resource: Resource) -> _Selection:
        attrs, unknown = resource.attributes, resource.unknown

        def listed(name: str) -> list[Any] | None:
            return None if name in unknown else list(attrs.get(name) or [])

        tags = listed("list_of_tags")
        conditions: list[tuple[str, str, str]] | None = []
        for name, operator in _CONDITIONS:
            items = listed(name)
            if items is None or conditions is None:
                conditions = None
                continue
            conditions.extend((operator, str(i.get("key") or ""), str(i.get("value") or "")) for i in items)
        reasons = {name: unknown[name] for name in ("resources", "not_resources", "list_of_tags",
                                                     *(n for n, _ in _CONDITIONS)) if name in unknown}
        return cls(resource, [uid for uid, _ in graph.neighbours(resource.uid, "member_of")],
                   {uid for uid, _ in graph.neighbours(resource.uid, "backs_up")}, listed("resources"),
                   listed("not_resources"),
                   None if tags is None else [(str(t.get("key") or ""), str(t.get("value") or "")) for t in tags],
                   conditions, reasons)

    def _why(self, name: str) -> str:
        return f"{name} of selection {self.resource.uid} unknown: {self.unknown[name]}"

    def only_named(self, uids: set[str]) -> set[str] | None:
        """The resources a selection that names resources only (no tags, patterns or ARNs) can select.

        ``match`` is a definite no for every other target (``None``: the selection may select others).
        """
        if not self.resources or self.list_of_tags != []:
            return None
        if any(entry not in uids and ("*" in entry or entry.startswith("arn:")) for entry in self.resources):
            return None
        return self.literal | {entry for entry in self.resources if entry in uids}

    def _listed(self, entries: list[str] | None, name: str, target: _Target, uids: set[str]
                ) -> tuple[Tri, list[str]]:
        """Does ``target`` match one of ``entries`` (ARNs, patterns, IaC uids)?"""
        if entries is None:
            return None, [self._why(name)]
        results: list[Tri] = []
        reasons: list[str] = []
        for entry in entries:
            if entry == target.resource.uid:
                return True, []
            if entry in uids:  # another resource of the source
                continue
            if "*" in entry or entry.startswith("arn:"):
                result, why = _arn_match(entry, target)
                results.append(result)
                if why:
                    reasons.append(why)
        return _any(results), reasons

    def match(self, target: _Target, uids: set[str]) -> tuple[Tri, str, list[str]]:
        """(selected?, how it was selected, why it is unknown)."""
        mine, theirs = self.resource, target.resource
        for meta in ("account", "region"):
            if getattr(mine, meta) and getattr(theirs, meta) and getattr(mine, meta) != getattr(theirs, meta):
                return False, "", []
        reasons: list[str] = []
        if theirs.uid in self.literal:
            included: Tri = True
            how = "ARN"
        else:
            explicit = self.resources is None or bool(self.resources) or self.list_of_tags is None or bool(
                self.list_of_tags)
            by_arn, why_arn = self._listed(self.resources, "resources", target, uids)
            by_tags: Tri = False
            if self.list_of_tags is None:
                by_tags = None
                reasons.append(self._why("list_of_tags"))
            else:
                results = [_tag_test(target, "equals", key, value) for key, value in self.list_of_tags]
                by_tags = _any(result for result, _ in results)
                reasons.extend(why for _, why in results if why)
            included = _any((by_arn, by_tags)) if explicit else True
            reasons.extend(why_arn)
            how = "ARN pattern" if by_arn else "tags" if by_tags else "everything (no resources or tags named)"
        if self.conditions is None:
            conditions: Tri = None
            reasons.extend(self._why(n) for n, _ in _CONDITIONS if n in self.unknown)
        else:
            tests = [_tag_test(target, op, key, value) for op, key, value in self.conditions]
            conditions = _all(result for result, _ in tests)
            reasons.extend(why for _, why in tests if why)
        excluded, why_excluded = self._listed(self.not_resources, "not_resources", target, uids)
        reasons.extend(why_excluded)
        result = _all((included, conditions, _not(excluded)))
        return result, how, [] if result is not None else list(dict.fromkeys(reasons))


# -- derivations -----------------------------------------------------------------------------------

def _gap(graph: Graph, resource: Resource, types: tuple[str, ...]) -> str | None:
    """The coverage gap that hides resources of ``types`` in the resource's account and Region, if any."""
    for gap in graph.coverage:
        if set(types) & set(gap.resource_types) and (resource.account in (None, gap.account)) and (
                resource.region in (None, gap.region)):
            return f"{gap.service}:{gap.operation} failed in {gap.account}/{gap.region}: {gap.error}"
    return None


def derive_rule_schedules(graph: Graph) -> None:
    """``rule_schedules`` of every backup plan."""
    for uid in graph.of_type(PLAN):
        plan = graph.resources[uid]
        if "rules" in plan.unknown:
            graph.derived_unknown[uid]["rule_schedules"] = f"rules unknown: {plan.unknown['rules']}"
            continue
        schedules = []
        for rule in plan.attributes.get("rules") or []:
            interval = interval_seconds(rule.get("schedule"))
            retention, cold = rule.get("delete_after_days"), rule.get("move_to_cold_after_days")
            schedules.append({
                "name": rule.get("name"), "interval_hours": None if interval is None else interval / 3600,
                "retention_days": retention, "move_to_cold_after_days": cold,
                "continuous": bool(rule.get("continuous")),
                "deleted_after_cold_move": retention is None or cold is None or retention > cold})
        graph.derived[uid]["rule_schedules"] = schedules


def _copies(graph: Graph, store: Resource, plans: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Copies by the copy actions of ``plans``, and why the list may miss some."""
    copies: list[dict[str, Any]] = []
    partial: list[str] = []
    terraform = graph.source.kind in TERRAFORM_KINDS
    for plan_uid in plans:
        plan = graph.resources.get(plan_uid)
        if plan is None:
            partial.append(f"backup plan {plan_uid} is not in the snapshot")
            continue
        if "rules" in plan.unknown:
            partial.append(f"rules of {plan_uid} unknown: {plan.unknown['rules']}")
            continue
        for rule in plan.attributes.get("rules") or []:
            for destination in rule.get("copy_destinations") or []:
                vault = graph.resources.get(destination)
                other: Tri
                if vault is not None and not destination.startswith("arn:"):
                    if terraform:  # the vault's Region is its provider's (an alias may name another Region)
                        if vault.region is None:
                            partial.append(f"the Region of copy vault {destination} (its provider's) is not known")
                            continue
                        region = vault.region
                        other = None if store.region is None else region != store.region
                    else:
                        region, other = vault.region, False  # CloudFormation: a vault of the same stack
                else:
                    region = arn_region(destination)
                    if region is None:
                        partial.append(f"copy vault {destination} names no Region")
                        continue
                    other = None if store.region is None else region != store.region
                copies.append({"region": region, "mechanism": "backup-copy", "destination": destination,
                               "plan": plan_uid, "other_region": other})
    return copies, partial


def _replications(store: Resource) -> tuple[list[dict[str, Any]], list[str]]:
    """RDS cross-Region automated-backup replication as copies."""
    if store.type != "aws.rds.db_instance":
        return [], []
    if "backup_replication_regions" in store.unknown:
        return [], [f"automated-backup replication unknown: {store.unknown['backup_replication_regions']}"]
    return [{"region": region, "mechanism": "automated-backup-replication", "destination": region, "plan": None,
             "other_region": None if store.region is None else region != store.region}
            for region in store.attributes.get("backup_replication_regions") or []], []


def derive_selection_facts(graph: Graph) -> None:
    """``in_backup_plan`` and ``backup_copies`` of every store; ``backs_up`` edges for pattern/tag matches."""
    selections = [_Selection.of(graph, graph.resources[uid]) for uid in graph.of_type(SELECTION)]
    uids = set(graph.resources)
    named = [selection.only_named(uids) for selection in selections]
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for type_name in STORE_TYPES:
        for uid in graph.of_type(type_name):
            store = graph.resources[uid]
            target = _Target.of(store, graph.source.kind)
            found: list[Tri] = []
            plans: list[str] = []
            reasons: list[str] = []
            for selection, candidates in zip(selections, named, strict=True):
                if candidates is not None and uid not in candidates:
                    found.append(False)
                    continue
                result, how, why = selection.match(target, uids)
                found.append(result)
                if result:
                    plans.extend(selection.plans)
                    if uid not in selection.literal:
                        edges.append((selection.resource.uid, "backs_up", uid, {"matched_by": how}))
                elif result is None:
                    reasons.extend(why or [f"selection {selection.resource.uid} may select it"])
            gap = _gap(graph, store, (SELECTION, PLAN))
            if gap:
                found.append(None)
                reasons.insert(0, gap)
            selected = _any(found)
            facts, unknown = graph.derived[uid], graph.derived_unknown[uid]
            if selected is None:
                unknown["in_backup_plan"] = "; ".join(dict.fromkeys(reasons[:_MAX_REASONS]))
            else:
                facts["in_backup_plan"] = selected
            copies, partial = _copies(graph, store, list(dict.fromkeys(plans)))
            replicated, not_known = _replications(store)
            facts["backup_copies"] = copies + replicated
            partial += not_known
            if any(copy["other_region"] is None for copy in copies + replicated):
                partial.append(f"the Region of {uid} is not known, so whether a copy leaves it is not "
                               "(CloudFormation: give --region)")
            if selected is None:
                partial.insert(0, f"a selection may select it: {unknown['in_backup_plan']}")
            if partial:
                graph.derived_partial[uid]["backup_copies"] = "; ".join(dict.fromkeys(partial[:_MAX_REASONS]))
    graph.add_edges(edges)


def derive_idle_vaults(graph: Graph) -> None:
    """``idle`` of every vault: live, empty and written to by no plan rule (IaC vaults are never idle)."""
    if graph.source.kind in IAC_KINDS:
        for uid in graph.of_type(VAULT):
            graph.derived[uid]["idle"] = False
        return
    written: set[str] = set()
    unread: list[Resource] = []
    for uid in graph.of_type(PLAN):
        plan = graph.resources[uid]
        if "rules" in plan.unknown:
            unread.append(plan)
            continue
        for rule in plan.attributes.get("rules") or []:
            if rule.get("target_vault"):
                written.add(_scoped(plan, str(rule["target_vault"])))
            written.update(str(d) for d in rule.get("copy_destinations") or [])
    for uid in graph.of_type(VAULT):
        vault = graph.resources[uid]
        count = vault.attributes.get("number_of_recovery_points")
        if uid in written or _scoped(vault, vault.name or uid) in written or (count or 0) > 0 or (
                vault.attributes.get("recovery_points")):
            graph.derived[uid]["idle"] = False
            continue
        doubt = [p for p in unread if p.account in (None, vault.account) and p.region in (None, vault.region)]
        why = _gap(graph, vault, (PLAN,)) or (doubt and f"rules of {doubt[0].uid} unknown: {doubt[0].unknown['rules']}")
        if why or "number_of_recovery_points" in vault.unknown:
            graph.derived_unknown[uid]["idle"] = str(why or vault.unknown["number_of_recovery_points"])
        else:
            graph.derived[uid]["idle"] = True


def _scoped(resource: Resource, name: str) -> str:
    """A vault name written ``account/region/name`` (ARNs stay as they are)."""
    return name if name.startswith("arn:") else f"{resource.account}/{resource.region}/{name}"


def derive_recovery_points(graph: Graph) -> None:
    """``has_recovery_point``/``recovery_point_age_hours`` and the latest restore of every store (live)."""
    points: dict[str, list[dict[str, Any]]] = defaultdict(list)
    restores: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unread: dict[tuple[str | None, str | None], dict[str, str]] = defaultdict(dict)
    for uid in graph.of_type(VAULT):
        vault = graph.resources[uid]
        scope = (vault.account, vault.region)
        for name, index in (("recovery_points", points), ("restores", restores)):
            if name in vault.unknown:
                unread[scope].setdefault(name, f"{name.replace('_', ' ')} of vault {uid} not read: "
                                               f"{vault.unknown[name]}")
                continue
            for item in vault.attributes.get(name) or []:
                index[str(item.get("resource_arn"))].append(item)
    iac = graph.source.kind in IAC_KINDS
    for type_name in STORE_TYPES:
        for uid in graph.of_type(type_name):
            store = graph.resources[uid]
            facts, unknown = graph.derived[uid], graph.derived_unknown[uid]
            if iac:
                for name in ("has_recovery_point", "recovery_point_age_hours", "has_continuous_backup",
                             "has_restore_test", "restore_minutes", "restore_age_days"):
                    unknown[name] = "recovery points and restore jobs are known only from a live scan"
                continue
            gap = _gap(graph, store, (VAULT,))
            scope = (store.account, store.region)
            found = points.get(uid, [])
            snapshots = [p for p in found if p.get("age_hours") is not None]
            why = gap or unread[scope].get("recovery_points")
            if why:
                for name in ("has_recovery_point", "recovery_point_age_hours", "has_continuous_backup"):
                    unknown[name] = why
            else:
                facts["has_recovery_point"] = bool(snapshots)
                facts["recovery_point_age_hours"] = min((p["age_hours"] for p in snapshots), default=None)
                facts["has_continuous_backup"] = any(p.get("continuous") for p in found)
            why = gap or unread[scope].get("restores")
            if why:  # an unread vault may hold a later restore
                unknown["has_restore_test"] = unknown["restore_minutes"] = unknown["restore_age_days"] = why
                continue
            latest = max((r for r in restores.get(uid, []) if r.get("completed_at")),
                         key=lambda r: str(r["completed_at"]), default=None)
            facts["has_restore_test"] = latest is not None
            facts["restore_minutes"] = latest.get("minutes") if latest else None
            facts["restore_age_days"] = latest.get("age_days") if latest else None


def derive_backup_facts(graph: Graph) -> None:
    """Every backup fact (before the RPO/RTO estimator, which follows the ``backs_up`` edges drawn here)."""
    derive_rule_schedules(graph)
    derive_selection_facts(graph)
    derive_idle_vaults(graph)
    derive_recovery_points(graph)


__all__ = ["STORE_TYPES", "derive_backup_facts", "wildcard_match"]
