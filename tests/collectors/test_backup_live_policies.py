"""The live-only backup policies over collected data: pitr-freshness from moto's RDS and DynamoDB,
recovery-point-recency and restore-within-rto from AWS Backup listings.

moto 5.2.5 serves ``LatestRestorableTime`` (the instance's creation time) and DynamoDB's
``LatestRestorableDateTime`` (now), but implements neither ``ListRecoveryPointsByBackupVault`` nor
``ListRestoreJobs`` nor backup selections: those are answered with responses shaped like AWS's. A stalled
or missing restorable time is made by rewriting moto's parsed answer (moto cannot stall a backup).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, deny, recorded, snapshot_of

from scanner.collectors import backup, dynamodb, rds
from scanner.collectors.base import Collected
from scanner.graph import build_graph
from scanner.policy import evaluate, load_pack

pytestmark = pytest.mark.usefixtures("aws")
NOW = datetime.now(timezone.utc)
DB_ARN = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:"
VAULT_ARN = f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:main"


def _verdicts(collected: Collected, ctx: Any, policy: str) -> dict[str, tuple[str, str]]:
    graph = build_graph(snapshot_of(collected, ctx))
    return {f.resource_uid: (f.status.value, f.message) for f in evaluate(load_pack(), graph, only={policy})}


def _rewrite(operation: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    """A client hook editing ``operation``'s parsed response (``after-call``)."""

    def install(client: Any) -> None:
        service = client.meta.service_model.service_id.hyphenize()

        def handler(parsed: dict[str, Any], **_: Any) -> None:
            edit(parsed)

        client.meta.events.register(f"after-call.{service}.{operation}", handler)

    return install


def _db(name: str, retention: int = 7) -> None:
    boto3.client("rds", region_name=REGION).create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", BackupRetentionPeriod=retention,
        MasterUsername="app", MasterUserPassword="not-a-secret-1", AllocatedStorage=20)


# -- pitr-freshness ----------------------------------------------------------------------------------

def test_pitr_freshness_from_rds_fresh_stalled_and_silent() -> None:
    for name in ("fresh", "stalled", "silent", "off"):
        _db(name, retention=0 if name == "off" else 7)

    def stall(parsed: dict[str, Any]) -> None:
        for item in parsed["DBInstances"]:
            if item["DBInstanceIdentifier"] == "stalled":
                item["LatestRestorableTime"] = NOW - timedelta(minutes=90)
            if item["DBInstanceIdentifier"] in ("silent", "off"):
                item.pop("LatestRestorableTime", None)

    collected, ctx = collect(rds, hooks=[_rewrite("DescribeDBInstances", stall)])
    found = _verdicts(collected, ctx, "pitr-freshness")
    assert found[DB_ARN + "fresh"][0] == "pass"
    status, message = found[DB_ARN + "stalled"]
    assert status == "fail" and "pitr_lag_seconds" in message
    status, message = found[DB_ARN + "silent"]
    assert status == "unknown" and "no LatestRestorableTime" in message
    assert DB_ARN + "off" not in found  # no automated backups: rds-backup-retention's finding, not this one


def test_pitr_freshness_from_dynamodb_and_denied_continuous_backups() -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    for name in ("orders", "carts"):
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        client.update_continuous_backups(TableName=name,
                                         PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
    collected, ctx = collect(dynamodb)
    assert {uid: status for uid, (status, _) in _verdicts(collected, ctx, "pitr-freshness").items()} == {
        table + "orders": "pass", table + "carts": "pass"}

    def late(parsed: dict[str, Any]) -> None:
        pitr = parsed["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        pitr["LatestRestorableDateTime"] = NOW - timedelta(seconds=400)

    collected, ctx = collect(dynamodb, hooks=[_rewrite("DescribeContinuousBackups", late)])
    assert {s for s, _ in _verdicts(collected, ctx, "pitr-freshness").values()} == {"fail"}
    collected, ctx = collect(dynamodb, hooks=[deny("DescribeContinuousBackups")])
    found = _verdicts(collected, ctx, "pitr-freshness")
    assert {s for s, _ in found.values()} == {"unknown"}
    assert all("AccessDenied" in m for _, m in found.values())


# -- recovery points and restores ------------------------------------------------------------------

def _plan() -> tuple[str, list[Callable[[Any], None]]]:
    """A plan with a daily and a continuous rule, and a selection of every RDS instance."""
    client = boto3.client("backup", region_name=REGION)
    client.create_backup_vault(BackupVaultName="main")
    plan = client.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "main", "ScheduleExpression": "cron(0 5 ? * * *)"},
        {"RuleName": "pitr", "TargetBackupVaultName": "main", "EnableContinuousBackup": True}]})
    plan_id = plan["BackupPlanId"]
    rules = client.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
    rule_ids = {r["RuleName"]: r["RuleId"] for r in rules}
    selection = {"SelectionName": "all-dbs", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
                 "Resources": [f"arn:aws:rds:{REGION}:{ACCOUNT}:db:*"]}
    hooks = [recorded("ListBackupSelections", {"BackupSelectionsList": [
                 {"SelectionId": "sel-1", "SelectionName": "all-dbs", "BackupPlanId": plan_id}]}),
             recorded("GetBackupSelection", {"BackupSelection": selection, "SelectionId": "sel-1",
                                             "BackupPlanId": plan_id})]
    return rule_ids["pitr"], hooks


def _point(db: str, hours: float, status: str = "COMPLETED", rule: str = "daily-rule", n: int = 0) -> dict[str, Any]:
    created = (NOW - timedelta(hours=hours)).isoformat()
    return {"RecoveryPointArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:awsbackup-{db}-{n}",
            "BackupVaultName": "main", "BackupVaultArn": VAULT_ARN, "ResourceArn": DB_ARN + db,
            "ResourceType": "RDS", "Status": status, "CreationDate": created, "CreatedBy": {"BackupRuleId": rule}}


Hooks = list[Callable[[Any], None]]


def _scan(selections: Hooks, *listings: Callable[[Any], None]) -> tuple[Collected, Any]:
    """RDS from moto plus AWS Backup with the recorded selections and ``listings``."""
    collected, ctx = collect(rds)
    stores, more = collect(backup, hooks=[*selections, *listings])
    collected.extend(stores)
    ctx.gaps.extend(more.gaps)
    return collected, ctx


@pytest.fixture
def plan() -> tuple[str, Hooks]:
    """The continuous rule's id and the selection hooks; five instances the selection selects."""
    rule, hooks = _plan()
    for name in ("daily", "late", "failed", "continuous", "never"):
        _db(name)
    return rule, hooks


def _both(plan: tuple[str, Hooks], points: list[dict[str, Any]], jobs: list[dict[str, Any]]
          ) -> tuple[Collected, Any]:
    return _scan(plan[1], recorded("ListRecoveryPointsByBackupVault", {"RecoveryPoints": points}),
                 recorded("ListRestoreJobs", {"RestoreJobs": jobs}))


def test_recovery_point_recency_from_vault_listings(plan: tuple[str, Hooks]) -> None:
    points = [_point("daily", 23.5, n=1), _point("daily", 47.5, n=2), _point("late", 30.0),
              _point("failed", 2.0, status="FAILED"), _point("failed", 50.0, n=3),
              _point("continuous", 400.0, rule=plan[0])]
    collected, ctx = _both(plan, points, [])
    vault = by_uid(snapshot_of(collected, ctx))[VAULT_ARN]
    entries = {e["resource_arn"].rsplit(":", 1)[1]: e for e in vault.attributes["recovery_points"]}
    assert (entries["daily"]["completed"], entries["failed"]["completed"]) == (2, 1)  # the FAILED job is no point
    assert entries["continuous"] == {**entries["continuous"], "continuous": True, "completed": 0}
    found = {uid.rsplit(":", 1)[1]: status for uid, (status, _) in
             _verdicts(collected, ctx, "recovery-point-recency").items()}
    assert found == {"daily": "pass", "late": "fail", "failed": "fail", "continuous": "pass", "never": "fail"}


def test_an_unlisted_vault_leaves_recency_unknown(plan: tuple[str, Hooks]) -> None:
    collected, ctx = _scan(plan[1], deny("ListRecoveryPointsByBackupVault"),
                           recorded("ListRestoreJobs", {"RestoreJobs": []}))
    found = _verdicts(collected, ctx, "recovery-point-recency")
    assert len(found) == 5 and {s for s, _ in found.values()} == {"unknown"}
    assert all("AccessDenied" in m for _, m in found.values())
    assert not ctx.gaps  # the vault itself was listed


def test_restore_within_rto_from_restore_jobs(plan: tuple[str, Hooks]) -> None:
    def job(db: str, minutes: float, days_ago: float, via_point: bool = False) -> dict[str, Any]:
        done = NOW - timedelta(days=days_ago)
        entry = {"RestoreJobId": f"job-{db}", "Status": "COMPLETED", "CreationDate": (
                 done - timedelta(minutes=minutes)).isoformat(), "CompletionDate": done.isoformat(),
                 "RecoveryPointArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:awsbackup-{db}-0",
                 "CreatedBy": {"RestoreTestingPlanArn": f"arn:aws:backup:{REGION}:{ACCOUNT}:restore-testing-plan:m"}}
        if not via_point:  # older jobs carry neither: they are joined through the recovery point
            entry |= {"BackupVaultArn": VAULT_ARN, "SourceResourceArn": DB_ARN + db}
        return entry

    points = [_point(db, 3.0) for db in ("daily", "late", "failed", "continuous")]
    jobs = [job("daily", 42.0, 3.0), job("late", 75.0, 1.0), job("failed", 20.0, 45.0),
            job("continuous", 12.0, 2.0, via_point=True)]
    collected, ctx = _both(plan, points, jobs)
    vault = by_uid(snapshot_of(collected, ctx))[VAULT_ARN]
    restores = {e["resource_arn"].rsplit(":", 1)[1]: e for e in vault.attributes["restores"]}
    assert restores["daily"]["minutes"] == 42.0 and restores["daily"]["restore_testing_plan"].endswith(":m")
    found = {uid.rsplit(":", 1)[1]: (status, message) for uid, (status, message) in
             _verdicts(collected, ctx, "restore-within-rto").items()}
    assert {db: status for db, (status, _) in found.items()} == {
        "daily": "pass", "late": "fail", "failed": "fail", "continuous": "pass", "never": "fail"}
    assert "restore_minutes = 75.0" in found["late"][1]
    assert "restore_age_days" in found["failed"][1]

    collected, ctx = _scan(plan[1], recorded("ListRecoveryPointsByBackupVault", {"RecoveryPoints": points}),
                           deny("ListRestoreJobs"))
    found = _verdicts(collected, ctx, "restore-within-rto")
    assert len(found) == 5 and {s for s, _ in found.values()} == {"unknown"}
