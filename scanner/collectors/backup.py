"""AWS Backup collector: plans (rules), selections (``member_of`` plan, ``backs_up``) and vaults (Vault Lock,
recovery points, restores).

A selection's ``backs_up`` edges are drawn only for literal resource ARNs (minus ``NotResources``).
A selection that also picks resources by ARN pattern (``*``) or by tags cannot be resolved to edges
here, so its ``backs_up`` relation is marked incomplete (``unknown_relations``) and its ``resources`` /
``tag_conditions`` attributes keep what it selects.
Selections have no ARN: their uid is ``<plan ARN>/selection/<SelectionId>``.

Each vault carries, per protected resource, its newest completed recovery point (one paginated
``ListRecoveryPointsByBackupVault`` per vault) and the latest completed restore job of one of its recovery
points (one paginated ``ListRestoreJobs`` per Region, ``ByStatus=COMPLETED``, joined by ``BackupVaultArn``).
A continuous-backup rule keeps one recovery point that it updates instead of creating new ones, so such
points (``CreatedBy.BackupRuleId`` of a rule with ``EnableContinuousBackup``) are counted apart: their
creation date says when continuous backup began, not how fresh it is. Ages are measured from the
collection's start. A failed listing leaves the vault's ``recovery_points`` (or every vault's ``restores``)
unknown with the reason, without a coverage gap.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from ..model import Relation, Resource
from ..model.mapping import Mapped
from ..model.normalise import seconds_between
from .base import CallContext, Collected
from .engine import build, failed

SERVICE = "backup"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "backup:ListBackupPlans": ("aws.backup.plan", "aws.backup.selection"),
    "backup:GetBackupPlan": ("aws.backup.plan",),
    "backup:ListBackupSelections": ("aws.backup.selection",),
    "backup:GetBackupSelection": ("aws.backup.selection",),
    "backup:ListBackupVaults": ("aws.backup.vault",),
    "backup:ListRecoveryPointsByBackupVault": ("aws.backup.vault",),
    "backup:ListRestoreJobs": ("aws.backup.vault",),
}

PLAN = "aws.backup.plan"
SELECTION = "aws.backup.selection"
VAULT = "aws.backup.vault"
COMPLETED = frozenset({"COMPLETED", "AVAILABLE"})  # AVAILABLE: the newer name of a usable recovery point


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Plans, each plan's rules and its selections."""
    plans = ctx.paginate(SERVICE, "ListBackupPlans", "BackupPlansList",
                         unknown_types=OPERATIONS["backup:ListBackupPlans"])
    out = []
    for plan in plans or []:
        plan_id = plan["BackupPlanId"]
        entry: dict[str, Any] = {"summary": plan, "selections": []}
        detail = ctx.call(SERVICE, "GetBackupPlan", unknown_types=(), BackupPlanId=plan_id)
        if detail is None:
            entry["plan_error"] = ctx.last_error
        else:
            entry["plan"] = detail.get("BackupPlan", {})
        selections = ctx.paginate(SERVICE, "ListBackupSelections", "BackupSelectionsList",
                                  unknown_types=OPERATIONS["backup:ListBackupSelections"], BackupPlanId=plan_id)
        for selection in selections or []:
            got = ctx.call(SERVICE, "GetBackupSelection", unknown_types=OPERATIONS["backup:GetBackupSelection"],
                           BackupPlanId=plan_id, SelectionId=selection["SelectionId"])
            if got is not None:
                entry["selections"].append({"SelectionId": selection["SelectionId"], **got.get("BackupSelection", {})})
        out.append(entry)
    taken_at = datetime.now(timezone.utc).isoformat()
    vaults = ctx.paginate(SERVICE, "ListBackupVaults", "BackupVaultList",
                          unknown_types=OPERATIONS["backup:ListBackupVaults"])

    listings: dict[str, Any] = {}
    for vault in vaults or []:  # in turn: a failed page's reason is read from ctx.last_error
        points = ctx.paginate(SERVICE, "ListRecoveryPointsByBackupVault", "RecoveryPoints", unknown_types=(),
                              BackupVaultName=vault["BackupVaultName"])
        listings[vault["BackupVaultName"]] = {"points": points} if points is not None else {"error": ctx.last_error}
    restores = ctx.paginate(SERVICE, "ListRestoreJobs", "RestoreJobs", unknown_types=(), ByStatus="COMPLETED")
    raw: dict[str, Any] = {"plans": out, "vaults": vaults or [], "taken_at": taken_at, "recovery_points": listings,
                           "restore_jobs": restores}
    if restores is None:
        raw["restore_error"] = ctx.last_error
    return raw


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for entry in raw.get("plans") or []:
        summary = entry["summary"]
        detail = failed(f"plan not read: {entry['plan_error']}", "plan") if "plan_error" in entry else (
            entry.get("plan") or {})
        plan = build(out, PLAN, {**summary, "BackupPlan": detail}, account, region)
        for selection in entry["selections"]:
            uid = f"{plan.uid}/selection/{selection['SelectionId']}"
            resource = build(out, SELECTION, {**selection, "SelectionUid": uid, "BackupPlanArn": plan.uid},
                             account, region, mapped=Mapped(attributes={"tag_conditions": tag_conditions(selection)}))
            selected(resource, out)
    continuous = {rule.get("RuleId") for entry in raw.get("plans") or []
                  for rule in (entry.get("plan") or {}).get("Rules") or [] if rule.get("EnableContinuousBackup")}
    listings: dict[str, Any] = raw.get("recovery_points") or {}
    restores = _restores_by_vault(raw, listings)
    for vault in raw.get("vaults") or []:
        resource = build(out, VAULT, vault, account, region)
        recovery_points_of(resource, listings.get(vault["BackupVaultName"]), continuous - {None}, raw.get("taken_at"))
        restores_of(resource, restores.get(resource.uid, []), raw.get("restore_error"), raw.get("taken_at"))
    return out


def recovery_points_of(resource: Resource, listing: dict[str, Any] | None, continuous: set[Any],
                       taken_at: Any) -> None:
    """Hook ``recovery_points``: per resource ARN, the newest completed recovery point and how old it is."""
    if listing is None or "error" in listing:
        resource.unknown["recovery_points"] = (listing or {}).get("error") or "recovery points not listed"
        return
    by_resource: dict[str, dict[str, Any]] = {}
    for point in listing.get("points") or []:
        arn = point.get("ResourceArn")
        if not arn or point.get("Status") not in COMPLETED:
            continue
        entry = by_resource.setdefault(arn, {"resource_arn": arn, "resource_type": point.get("ResourceType"),
                                             "latest_created_at": None, "age_hours": None, "completed": 0,
                                             "continuous": False})
        if (point.get("CreatedBy") or {}).get("BackupRuleId") in continuous:
            entry["continuous"] = True
            continue
        entry["completed"] += 1
        created = _iso(point.get("CreationDate"))
        if created and (entry["latest_created_at"] is None or created > entry["latest_created_at"]):
            age = seconds_between(created, taken_at)
            entry["latest_created_at"] = created
            entry["age_hours"] = None if age is None else round(age / 3600, 3)
    resource.attributes["recovery_points"] = sorted(by_resource.values(), key=lambda e: e["resource_arn"])


def _restores_by_vault(raw: dict[str, Any], listings: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Completed restore jobs per vault ARN (a job without ``BackupVaultArn`` by the vault of its recovery point)."""
    vault_of_point = {point.get("RecoveryPointArn"): point.get("BackupVaultArn")
                      for listing in listings.values() for point in (listing or {}).get("points") or []}
    resource_of_point = {point.get("RecoveryPointArn"): point.get("ResourceArn")
                         for listing in listings.values() for point in (listing or {}).get("points") or []}
    jobs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for job in raw.get("restore_jobs") or []:
        vault = job.get("BackupVaultArn") or vault_of_point.get(job.get("RecoveryPointArn"))
        source = job.get("SourceResourceArn") or resource_of_point.get(job.get("RecoveryPointArn"))
        if vault and source and job.get("Status") == "COMPLETED":
            jobs[vault].append({**job, "SourceResourceArn": source})
    return jobs


def restores_of(resource: Resource, jobs: list[dict[str, Any]], error: str | None, taken_at: Any) -> None:
    """Hook ``restores``: per resource ARN, the latest completed restore job, how long it took and how old it is."""
    if error:
        resource.unknown["restores"] = error
        return
    latest: dict[str, dict[str, Any]] = {}
    for job in jobs:
        completed = _iso(job.get("CompletionDate"))
        arn = job["SourceResourceArn"]
        if completed is None or (arn in latest and latest[arn]["completed_at"] >= completed):
            continue
        took = seconds_between(job.get("CreationDate"), completed)
        age = seconds_between(completed, taken_at)
        latest[arn] = {"resource_arn": arn, "restore_job_id": job.get("RestoreJobId"), "completed_at": completed,
                       "minutes": None if took is None else round(took / 60, 2),
                       "age_days": None if age is None else round(age / 86400, 3),
                       "restore_testing_plan": (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn")}
    resource.attributes["restores"] = sorted(latest.values(), key=lambda e: e["resource_arn"])


def _iso(value: Any) -> str | None:
    """A boto3 timestamp (datetime) or ISO string as ISO 8601 in UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()
    return value if isinstance(value, str) and value else None


def tag_conditions(selection: dict[str, Any]) -> dict[str, str]:
    """Hook ``tag_conditions``: ``ListOfTags`` and ``Conditions.StringEquals`` as tag key -> value."""
    tags = {t["ConditionKey"]: t.get("ConditionValue", "") for t in selection.get("ListOfTags") or []
            if t.get("ConditionKey")}
    for condition in (selection.get("Conditions") or {}).get("StringEquals") or []:
        if condition.get("ConditionKey"):
            tags[condition["ConditionKey"].removeprefix("aws:ResourceTag/")] = condition.get("ConditionValue", "")
    return tags


def selected(resource: Resource, out: Collected) -> None:
    """Hook ``selected``: ``backs_up`` each literal ARN (minus ``NotResources``); patterns and tags leave
    the relation incomplete."""
    resources = resource.attributes.get("resources") or []
    excluded = set(resource.attributes.get("not_resources") or [])
    patterns = [r for r in resources if "*" in r]
    tags = resource.attributes.get("tag_conditions") or {}
    if patterns or tags:
        resource.unknown_relations["backs_up"] = "selection picks resources by " + " and ".join(
            part for part, used in (("ARN pattern", patterns), ("tags", tags)) if used)
    out.relations.extend(Relation(src=resource.uid, kind="backs_up", dst=arn) for arn in resources
                         if "*" not in arn and arn not in excluded)
