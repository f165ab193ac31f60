"""AWS Backup collector: plans (rules), selections (``member_of`` plan, ``backs_up``) and vaults (Vault Lock).

A selection's ``backs_up`` edges are drawn only for literal resource ARNs (minus ``NotResources``).
A selection that also picks resources by ARN pattern (``*``) or by tags cannot be resolved to edges
here, so its ``backs_up`` relation is marked incomplete (``unknown_relations``) and its ``resources`` /
``tag_conditions`` attributes keep what it selects.
Selections have no ARN: their uid is ``<plan ARN>/selection/<SelectionId>``.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from ..model.mapping import Mapped
from .base import CallContext, Collected
from .engine import build, failed

SERVICE = "backup"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "backup:ListBackupPlans": ("aws.backup.plan", "aws.backup.selection"),
    "backup:GetBackupPlan": ("aws.backup.plan",),
    "backup:ListBackupSelections": ("aws.backup.selection",),
    "backup:GetBackupSelection": ("aws.backup.selection",),
    "backup:ListBackupVaults": ("aws.backup.vault",),
}

PLAN = "aws.backup.plan"
SELECTION = "aws.backup.selection"
VAULT = "aws.backup.vault"


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
    vaults = ctx.paginate(SERVICE, "ListBackupVaults", "BackupVaultList",
                          unknown_types=OPERATIONS["backup:ListBackupVaults"])
    return {"plans": out, "vaults": vaults or []}


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
    for vault in raw.get("vaults") or []:
        build(out, VAULT, vault, account, region)
    return out


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
