"""AWS Backup collector: plans and rules from moto; selections from recorded responses.

moto 5.2.5 does not implement ``ListBackupSelections`` / ``GetBackupSelection`` (nor creating a
selection), so those two calls are answered with responses shaped like AWS's.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, deny, edges, recorded, snapshot_of

from scanner.collectors import backup

pytestmark = pytest.mark.usefixtures("aws")
DB = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
DR_VAULT = f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:dr"


def _seed() -> str:
    client = boto3.client("backup", region_name=REGION)
    client.create_backup_vault(BackupVaultName="main")
    return client.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "main", "ScheduleExpression": "cron(0 5 ? * * *)",
         "Lifecycle": {"DeleteAfterDays": 120, "MoveToColdStorageAfterDays": 30},
         "CopyActions": [{"DestinationBackupVaultArn": DR_VAULT}]},
        {"RuleName": "pitr", "TargetBackupVaultName": "main", "EnableContinuousBackup": True,
         "Lifecycle": {"DeleteAfterDays": 35}}]})["BackupPlanArn"]


SELECTIONS = {
    "sel-literal": {"SelectionName": "databases", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
                    "Resources": [DB, TABLE], "NotResources": [TABLE]},
    "sel-tags": {"SelectionName": "tagged", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
                 "Resources": ["arn:aws:rds:*:*:db:*"],
                 "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                 "ConditionValue": "daily"}]},
}


def _selections(plan_arn: str) -> list[Any]:
    plan_id = plan_arn.rsplit(":", 1)[1]
    listing = {"BackupSelectionsList": [{"SelectionId": sid, "SelectionName": s["SelectionName"],
                                         "BackupPlanId": plan_id} for sid, s in SELECTIONS.items()]}

    def get(params: dict[str, Any]) -> dict[str, Any]:
        sid = params["url_path"].rstrip("/").rsplit("/", 1)[1]
        return {"BackupSelection": SELECTIONS[sid], "SelectionId": sid, "BackupPlanId": plan_id}

    return [recorded("ListBackupSelections", listing), recorded("GetBackupSelection", get)]


def test_plan_rules_from_moto() -> None:
    plan_arn = _seed()
    collected, ctx = collect(backup, hooks=_selections(plan_arn))
    plan = by_uid(snapshot_of(collected, ctx))[plan_arn]
    assert plan.name == "daily"
    daily, pitr = plan.attributes["rules"]
    assert (daily["name"], daily["schedule"], daily["delete_after_days"], daily["move_to_cold_after_days"],
            daily["continuous"], daily["copy_destinations"]) == (
        "daily", "cron(0 5 ? * * *)", 120, 30, False, [DR_VAULT])
    assert (pitr["continuous"], pitr["delete_after_days"], pitr["move_to_cold_after_days"]) == (True, 35, None)
    assert not ctx.gaps


def test_selections_member_of_plan_and_backs_up_literal_arns() -> None:
    plan_arn = _seed()
    collected, ctx = collect(backup, hooks=_selections(plan_arn))
    res = by_uid(snapshot_of(collected, ctx))
    literal, tagged = f"{plan_arn}/selection/sel-literal", f"{plan_arn}/selection/sel-tags"
    assert edges(collected, "member_of") == {(literal, plan_arn), (tagged, plan_arn)}
    # NotResources excludes the table; the ARN pattern is kept as data, not turned into an edge.
    assert edges(collected, "backs_up") == {(literal, DB)}
    assert res[literal].unknown_relations == {}
    assert res[tagged].attributes["tag_conditions"] == {"backup": "daily"}
    assert res[tagged].attributes["resources"] == ["arn:aws:rds:*:*:db:*"]
    assert "ARN pattern and tags" in res[tagged].unknown_relations["backs_up"]


def test_denied_plan_detail_leaves_rules_unknown() -> None:
    plan_arn = _seed()
    collected, ctx = collect(backup, hooks=[*_selections(plan_arn), deny("GetBackupPlan")])
    plan = by_uid(snapshot_of(collected, ctx))[plan_arn]
    assert plan.unknown == {"rules": "plan not read: GetBackupPlan: AccessDenied"}
    assert "rules" not in plan.attributes


def test_access_denied_on_list_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(backup, hooks=[deny("ListBackupPlans")])
    assert {r.type for r in collected.resources} == {"aws.backup.vault"}  # vaults come from their own call
    assert [(g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("ListBackupPlans", "AccessDenied", ["aws.backup.plan", "aws.backup.selection"])]


def test_denied_selection_listing_is_a_selection_gap() -> None:
    plan_arn = _seed()
    collected, ctx = collect(backup, hooks=[deny("ListBackupSelections")])
    assert [r.uid for r in collected.resources if r.type != "aws.backup.vault"] == [plan_arn]
    assert [g.resource_types for g in ctx.gaps] == [["aws.backup.selection"]]
