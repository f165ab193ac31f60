"""AWS Backup collector: backup plans (rules) and backup selections (``member_of`` plan, ``backs_up``).

A selection's ``backs_up`` edges are drawn only for literal resource ARNs (minus ``NotResources``).
A selection that also picks resources by ARN pattern (``*``) or by tags cannot be resolved to edges
here, so its ``backs_up`` relation is marked incomplete (``unknown_relations``) and its ``resources`` /
``tag_conditions`` attributes keep what it selects.
Selections have no ARN: their uid is ``<plan ARN>/selection/<SelectionId>``.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected

SERVICE = "backup"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "backup:ListBackupPlans": ("aws.backup.plan", "aws.backup.selection"),
    "backup:GetBackupPlan": ("aws.backup.plan",),
    "backup:ListBackupSelections": ("aws.backup.selection",),
    "backup:GetBackupSelection": ("aws.backup.selection",),
}

_PLAN = "aws.backup.plan"
_SELECTION = "aws.backup.selection"


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
    return {"plans": out}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for entry in raw.get("plans") or []:
        summary = entry["summary"]
        plan_uid = summary["BackupPlanArn"]
        attrs: dict[str, Any] = {}
        unknown: dict[str, str] = {}
        if "plan_error" in entry:
            unknown["rules"] = f"plan not read: {entry['plan_error']}"
        else:
            attrs["rules"] = [_rule(rule) for rule in (entry.get("plan") or {}).get("Rules") or []]
        name = summary.get("BackupPlanName") or (entry.get("plan") or {}).get("BackupPlanName")
        out.resources.append(Resource(uid=plan_uid, type=_PLAN, name=name, account=account, region=region,
                                      attributes=attrs, unknown=unknown))
        for selection in entry["selections"]:
            _selection(selection, plan_uid, account, region, out)
    return out


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    lifecycle = rule.get("Lifecycle") or {}
    item: dict[str, Any] = {"continuous": bool(rule.get("EnableContinuousBackup")),
                            "copy_destinations": [c["DestinationBackupVaultArn"] for c in rule.get("CopyActions") or []
                                                  if c.get("DestinationBackupVaultArn")]}
    for attr, value in (("name", rule.get("RuleName")), ("schedule", rule.get("ScheduleExpression")),
                        ("delete_after_days", lifecycle.get("DeleteAfterDays")),
                        ("move_to_cold_after_days", lifecycle.get("MoveToColdStorageAfterDays"))):
        if value is not None:
            item[attr] = value
    return item


def _selection(selection: dict[str, Any], plan_uid: str, account: str, region: str, out: Collected) -> None:
    uid = f"{plan_uid}/selection/{selection['SelectionId']}"
    resources = list(selection.get("Resources") or [])
    excluded = set(selection.get("NotResources") or [])
    tags = {t["ConditionKey"]: t.get("ConditionValue", "") for t in selection.get("ListOfTags") or []
            if t.get("ConditionKey")}
    for condition in (selection.get("Conditions") or {}).get("StringEquals") or []:
        if condition.get("ConditionKey"):
            tags[condition["ConditionKey"].removeprefix("aws:ResourceTag/")] = condition.get("ConditionValue", "")
    patterns = [r for r in resources if "*" in r]
    unknown_relations: dict[str, str] = {}
    if patterns or tags:
        unknown_relations["backs_up"] = "selection picks resources by " + " and ".join(
            part for part, used in (("ARN pattern", patterns), ("tags", tags)) if used)
    out.resources.append(Resource(uid=uid, type=_SELECTION, name=selection.get("SelectionName"), account=account,
                                  region=region, attributes={"resources": resources, "tag_conditions": tags},
                                  unknown_relations=unknown_relations))
    out.relations.append(Relation(src=uid, kind="member_of", dst=plan_uid))
    out.relations.extend(Relation(src=uid, kind="backs_up", dst=arn) for arn in resources
                         if "*" not in arn and arn not in excluded)
