"""The backup policies through ``haguard iac``: CloudFormation and Terraform give the same verdicts.

``data/backup_faults`` holds one resource per fault the backup policies look for beside a correct twin,
written once as a CloudFormation template and once as a Terraform directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

FAULTS = Path(__file__).parent / "data" / "backup_faults"
SOURCES = {"cloudformation": FAULTS / "template.yaml", "terraform": FAULTS / "tf"}
OURS = ("stateful-in-backup-plan", "redis-snapshot-retention", "backup-plan-daily", "deletion-protection",
        "s3-versioning", "backup-copy-other-region", "backup-immutability", "backup-cold-tier")
LIVE_ONLY = ("pitr-freshness", "recovery-point-recency", "restore-within-rto")

NAMES = {
    "LockedVault": "aws_backup_vault.locked", "OpenVault": "aws_backup_vault.open",
    "DailyPlan": "aws_backup_plan.daily", "WeeklyPlan": "aws_backup_plan.weekly",
    "Orders": "aws_db_instance.orders", "Legacy": "aws_db_instance.legacy", "Carts": "aws_dynamodb_table.carts",
    "Data": "aws_s3_bucket.data", "Uploads": "aws_s3_bucket.uploads", "AccessLogs": "aws_s3_bucket.access_logs",
    "Sessions": "aws_elasticache_replication_group.sessions", "Cache": "aws_elasticache_cluster.cache",
    "Alb": "aws_lb.alb", "Nlb": "aws_lb.nlb",
}
EXPECTED: dict[tuple[str, str], str] = {
    # selected by ARN (Orders), ARN pattern (the buckets), pattern + tag condition (Carts); Legacy by none
    ("stateful-in-backup-plan", "Orders"): "pass",
    ("stateful-in-backup-plan", "Carts"): "pass",
    ("stateful-in-backup-plan", "Data"): "pass",
    ("stateful-in-backup-plan", "Uploads"): "pass",
    ("stateful-in-backup-plan", "Legacy"): "fail",
    # a replication group left at the default 0 days; a single-node Redis cluster keeping 7
    ("redis-snapshot-retention", "Sessions"): "fail",
    ("redis-snapshot-retention", "Cache"): "pass",
    ("backup-plan-daily", "DailyPlan"): "pass",
    ("backup-plan-daily", "WeeklyPlan"): "fail",
    ("deletion-protection", "Orders"): "pass",
    ("deletion-protection", "Legacy"): "fail",
    ("deletion-protection", "Carts"): "pass",
    ("deletion-protection", "Alb"): "pass",
    ("deletion-protection", "Nlb"): "fail",
    ("s3-versioning", "Data"): "pass",
    ("s3-versioning", "Uploads"): "fail",
    # the daily plan copies to us-west-2; the weekly plan (Carts) copies nowhere; Legacy has no plan
    ("backup-copy-other-region", "Orders"): "pass",
    ("backup-copy-other-region", "Data"): "pass",
    ("backup-copy-other-region", "Uploads"): "pass",
    ("backup-copy-other-region", "Carts"): "fail",
    ("backup-copy-other-region", "Legacy"): "fail",
    ("backup-immutability", "LockedVault"): "pass",
    ("backup-immutability", "OpenVault"): "fail",
    ("backup-cold-tier", "DailyPlan"): "pass",
    ("backup-cold-tier", "WeeklyPlan"): "fail",
}


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["iac", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _verdicts(report: dict, source: str) -> dict[tuple[str, str], str]:
    """(policy id, CloudFormation logical id) -> status."""
    logical = {tf: cfn for cfn, tf in NAMES.items()}
    found = {}
    for f in report["findings"]:
        name = f["resource_uid"].rsplit("#", 1)[-1]
        found[(f["policy_id"], name if source == "cloudformation" else logical.get(name, name))] = f["status"]
    return found


@pytest.mark.parametrize("source", SOURCES)
def test_each_fault_fails_and_each_twin_passes(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _report(capsys, str(SOURCES[source]), "--region", "us-east-1", "--only",
                           ",".join(OURS + LIVE_ONLY))
    assert code == 1
    assert _verdicts(report, source) == EXPECTED  # nothing else judged: AccessLogs is not a data bucket


@pytest.mark.parametrize("source", SOURCES)
def test_a_fixed_copy_of_each_fault_passes(source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fixing the planted values (and nothing else) turns every fail into a pass."""
    if source == "cloudformation":
        fixed = tmp_path / "template.yaml"
        text = SOURCES[source].read_text()
        for old, new in (
                ("BackupVaultName: open\n", "BackupVaultName: open\n      LockConfiguration: {MinRetentionDays: 7}\n"),
                ("cron(0 5 ? * SUN *)\n            Lifecycle: {DeleteAfterDays: 365}",
                 "cron(0 5 ? * * *)\n            Lifecycle: {DeleteAfterDays: 365, MoveToColdStorageAfterDays: 30}\n"
                 "            CopyActions: [{DestinationBackupVaultArn: "
                 "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr}]"),
                ("Resources: [!GetAtt Orders.DBInstanceArn,", "Resources: [!GetAtt Orders.DBInstanceArn, "
                 "!GetAtt Legacy.DBInstanceArn,"),
                ("      Engine: mysql\n", "      Engine: mysql\n      DeletionProtection: true\n"),
                ("Status: Suspended", "Status: Enabled"),
                ("      AutomaticFailoverEnabled: true\n", "      AutomaticFailoverEnabled: true\n"
                 "      SnapshotRetentionLimit: 7\n"),
                ("      Type: network\n", "      Type: network\n      LoadBalancerAttributes:\n"
                 "        - {Key: deletion_protection.enabled, Value: \"true\"}\n")):
            assert old in text, old
            text = text.replace(old, new)
        fixed.write_text(text)
    else:
        fixed = tmp_path / "tf"
        fixed.mkdir()
        text = (SOURCES[source] / "main.tf").read_text()
        for old, new in (
                ('resource "aws_backup_vault" "open" {\n  name = "open"\n}\n',
                 'resource "aws_backup_vault" "open" {\n  name = "open"\n}\n\n'
                 'resource "aws_backup_vault_lock_configuration" "open" {\n'
                 '  backup_vault_name  = aws_backup_vault.open.name\n  min_retention_days = 7\n}\n'),
                ('schedule          = "cron(0 5 ? * SUN *)"\n    lifecycle {\n      delete_after = 365\n    }',
                 'schedule          = "cron(0 5 ? * * *)"\n    lifecycle {\n      delete_after = 365\n'
                 '      cold_storage_after = 30\n    }\n    copy_action {\n'
                 '      destination_vault_arn = "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr"\n    }'),
                ("resources    = [aws_db_instance.orders.arn,",
                 "resources    = [aws_db_instance.orders.arn, aws_db_instance.legacy.arn,"),
                ('  engine                      = "mysql"\n',
                 '  engine                      = "mysql"\n  deletion_protection         = true\n'),
                ('status = "Suspended"', 'status = "Enabled"'),
                ("  automatic_failover_enabled = true\n",
                 "  automatic_failover_enabled = true\n  snapshot_retention_limit   = 7\n"),
                ('  load_balancer_type = "network"\n',
                 '  load_balancer_type = "network"\n  enable_deletion_protection = true\n')):
            assert old in text, old
            text = text.replace(old, new)
        (fixed / "main.tf").write_text(text)
    code, report = _report(capsys, str(fixed), "--region", "us-east-1", "--only", ",".join(OURS))
    verdicts = _verdicts(report, source)
    assert set(verdicts) == set(EXPECTED)
    assert {key for key, status in verdicts.items() if status != "pass"} == set()
    assert code == 0


def test_without_a_region_copies_and_partition_patterns_are_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    """A CloudFormation store's Region (and partition) are known only with --region: unknown, not fail or pass."""
    _, report = _report(capsys, str(SOURCES["cloudformation"]), "--only", "backup-copy-other-region")
    verdicts = _verdicts(report, "cloudformation")
    assert verdicts[("backup-copy-other-region", "Orders")] == "unknown"
    assert verdicts[("backup-copy-other-region", "Data")] == "unknown"
    assert verdicts[("backup-copy-other-region", "Legacy")] == "fail"  # selected by nothing at all
    orders = next(f for f in report["findings"] if f["resource_uid"].endswith("#Orders"))
    assert "--region" in orders["message"]


def test_a_tag_selection_leaves_untagged_iac_stores_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Stack tags (or Terraform default_tags) may add the selection's tag at deploy time."""
    text = SOURCES["cloudformation"].read_text().replace(
        '        Resources: ["arn:aws:dynamodb:*:*:table/*"]\n        Conditions:\n          StringEquals:\n'
        '            - {ConditionKey: "aws:ResourceTag/backup", ConditionValue: weekly}\n',
        "        ListOfTags:\n"
        "          - {ConditionType: STRINGEQUALS, ConditionKey: backup, ConditionValue: weekly}\n")
    assert "ListOfTags" in text
    template = tmp_path / "template.yaml"
    template.write_text(text)
    _, report = _report(capsys, str(template), "--region", "us-east-1", "--only", "stateful-in-backup-plan")
    verdicts = _verdicts(report, "cloudformation")
    assert verdicts[("stateful-in-backup-plan", "Carts")] == "pass"  # tagged in the template
    assert verdicts[("stateful-in-backup-plan", "Legacy")] == "unknown"
    legacy = next(f for f in report["findings"] if f["resource_uid"].endswith("#Legacy"))
    assert "stack tags" in legacy["message"]


def test_live_only_policies_are_not_run_on_iac(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = _report(capsys, str(SOURCES["cloudformation"]), "--region", "us-east-1")
    assert not {f["policy_id"] for f in report["findings"]} & set(LIVE_ONLY)


ALIASED_VAULTS = '''
provider "aws" {
  region = "us-east-1"
}
provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}
resource "aws_backup_vault" "dr" {
  provider = aws.dr
  name     = "dr"
}
resource "aws_backup_vault" "local" {
  name = "local"
}
resource "aws_backup_plan" "to_dr" {
  name = "to-dr"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.local.name
    copy_action {
      destination_vault_arn = aws_backup_vault.dr.arn
    }
  }
}
resource "aws_backup_plan" "to_local" {
  name = "to-local"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.local.name
    copy_action {
      destination_vault_arn = aws_backup_vault.local.arn
    }
  }
}
resource "aws_backup_selection" "orders" {
  name         = "orders"
  plan_id      = aws_backup_plan.to_dr.id
  iam_role_arn = "arn:aws:iam::111122223333:role/backup"
  resources    = [aws_db_instance.orders.arn]
}
resource "aws_backup_selection" "billing" {
  name         = "billing"
  plan_id      = aws_backup_plan.to_local.id
  iam_role_arn = "arn:aws:iam::111122223333:role/backup"
  resources    = [aws_db_instance.billing.arn]
}
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
resource "aws_db_instance" "billing" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
'''


def test_a_terraform_copy_vault_has_its_providers_region(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A vault of the configuration referenced by a copy action lands in its (aliased) provider's Region."""
    (tmp_path / "main.tf").write_text(ALIASED_VAULTS)
    _, report = _report(capsys, str(tmp_path), "--only", "backup-copy-other-region")
    verdicts = {uid.rsplit("#", 1)[-1]: f for uid, f in ((f["resource_uid"], f["status"]) for f in report["findings"])}
    assert verdicts == {"aws_db_instance.orders": "pass", "aws_db_instance.billing": "fail"}
