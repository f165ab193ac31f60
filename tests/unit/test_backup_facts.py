"""Backup facts the graph derives (``scanner/graph/backups.py``): selection matching as AWS Backup does it,
including IaC stores whose ARN is not known yet, rule schedules, copies and idle vaults."""

from __future__ import annotations

import time
from typing import Any

import pytest

from scanner.graph import build_graph
from scanner.graph.backups import wildcard_match
from scanner.model import Relation, Resource, Snapshot, Source

ACCOUNT, REGION = "111111111111", "us-east-1"


def _graph(resources: list[dict[str, Any]], relations: list[tuple[str, str, str]] = (), kind: str = "synthetic"
           ) -> Any:
    return build_graph(Snapshot(source=Source(kind=kind), resources=[
        Resource(**{"account": ACCOUNT, "region": REGION, **r}) for r in resources],
        relations=[Relation(src=s, kind=k, dst=d) for s, k, d in relations]))


def _selection(**attributes: Any) -> dict[str, Any]:
    return {"uid": "sel", "type": "aws.backup.selection", "attributes": attributes}


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("arn:aws:rds:*:*:db:*", "arn:aws:rds:us-east-1:1:db:orders", True),
    ("arn:aws:rds:*:*:db:*", "arn:aws:rds:us-east-1:1:cluster:orders", False),
    ("*orders*", "arn:aws:dynamodb:us-east-1:1:table/orders-v2", True),
    ("orders", "orders-v2", False),
    ("a*b*c", "abc", True),
    ("a*b*c", "acb", False),
    ("", "", True),
])
def test_wildcard_match(pattern: str, text: str, expected: bool) -> None:
    assert wildcard_match(pattern, text) is expected


def test_wildcard_match_stays_fast_on_hostile_patterns() -> None:
    started = time.perf_counter()
    assert not wildcard_match("*a" * 200 + "b", "a" * 5000)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("pattern", "expected"), [
    ("*", True),
    ("arn:aws:rds:*:*:db:*", True),
    (f"arn:aws:rds:{REGION}:{ACCOUNT}:db:*", True),
    ("arn:aws:rds:us-west-2:*:db:*", False),          # another Region: excluded whatever the name
    ("arn:aws:rds:*:*:cluster:*", False),             # another resource type
    ("arn:aws:dynamodb:*:*:table/*", False),          # another service
    ("arn:aws:rds:*:*:db:orders-*", None),             # the name AWS gives it is not known yet
    ("arn:aws-cn:rds:*:*:db:*", False),               # another partition
])
def test_an_iac_store_is_matched_by_what_its_arn_can_be(pattern: str, expected: bool | None) -> None:
    graph = _graph([{"uid": "t.yaml#Orders", "type": "aws.rds.db_instance"}, _selection(resources=[pattern])],
                   kind="cloudformation")
    facts = graph.derived["t.yaml#Orders"]
    if expected is None:
        assert "in_backup_plan" not in facts
        assert "known only once it is deployed" in graph.derived_unknown["t.yaml#Orders"]["in_backup_plan"]
    else:
        assert facts["in_backup_plan"] is expected


def test_a_pattern_or_tag_match_becomes_a_backs_up_edge() -> None:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
    graph = _graph([{"uid": arn, "type": "aws.dynamodb.table", "attributes": {"tags": {"backup": "daily"}}},
                    _selection(list_of_tags=[{"key": "backup", "value": "daily"}])])
    assert graph.derived[arn]["in_backup_plan"] is True
    assert [uid for uid, _ in graph.neighbours("sel", "backs_up")] == [arn]


@pytest.mark.parametrize(("conditions", "expected"), [
    ({"condition_string_like": [{"key": "aws:ResourceTag/env", "value": "prod*"}]}, True),
    ({"condition_string_not_equals": [{"key": "env", "value": "production"}]}, False),
    ({"condition_string_not_like": [{"key": "team", "value": "*"}]}, True),  # no such tag: not like holds
    ({"condition_string_equals": [{"key": "env", "value": "production"},
                                  {"key": "tier", "value": "data"}]}, False),  # every condition must hold
])
def test_conditions_narrow_a_selection(conditions: dict[str, Any], expected: bool) -> None:
    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
    graph = _graph([{"uid": arn, "type": "aws.rds.db_instance", "attributes": {"tags": {"env": "production"}}},
                    _selection(resources=["arn:aws:rds:*:*:db:*"], **conditions)])
    assert graph.derived[arn]["in_backup_plan"] is expected


def test_a_selection_naming_nothing_selects_everything_of_its_account_and_region() -> None:
    here, there = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:a", f"arn:aws:rds:{REGION}:222222222222:db:b"
    graph = _graph([{"uid": here, "type": "aws.rds.db_instance"},
                    {"uid": there, "type": "aws.rds.db_instance", "account": "222222222222"}, _selection()])
    assert (graph.derived[here]["in_backup_plan"], graph.derived[there]["in_backup_plan"]) == (True, False)


def test_a_failed_selection_listing_makes_every_store_unknown() -> None:
    from scanner.model import CoverageGap

    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:a"
    snapshot = Snapshot(source=Source(kind="aws"), resources=[
        Resource(uid=arn, type="aws.rds.db_instance", account=ACCOUNT, region=REGION)], coverage=[
        CoverageGap(account=ACCOUNT, region=REGION, service="backup", operation="ListBackupPlans",
                    error="AccessDenied", resource_types=["aws.backup.plan", "aws.backup.selection"])])
    graph = build_graph(snapshot)
    assert "ListBackupPlans failed" in graph.derived_unknown[arn]["in_backup_plan"]


def test_rule_schedules_and_copies() -> None:
    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:a"
    rules = [{"name": "d", "schedule": "cron(0 */6 ? * * *)", "delete_after_days": 30, "move_to_cold_after_days": 30,
              "copy_destinations": ["arn:aws:backup:eu-west-1:1:backup-vault:dr",
                                    f"arn:aws:backup:{REGION}:1:backup-vault:same"]}]
    graph = _graph([{"uid": arn, "type": "aws.rds.db_instance", "attributes": {"backup_replication_regions": [
                        "us-west-2"]}},
                    {"uid": "plan", "type": "aws.backup.plan", "attributes": {"rules": rules}},
                    _selection(resources=[arn])], [("sel", "member_of", "plan")])
    [schedule] = graph.derived["plan"]["rule_schedules"]
    assert (schedule["interval_hours"], schedule["deleted_after_cold_move"]) == (6.0, False)
    copies = {(c["mechanism"], c["region"], c["other_region"]) for c in graph.derived[arn]["backup_copies"]}
    assert copies == {("backup-copy", "eu-west-1", True), ("backup-copy", REGION, False),
                      ("automated-backup-replication", "us-west-2", True)}
    assert arn not in graph.derived_partial


def test_iac_vaults_are_never_idle_and_recovery_facts_are_unknown() -> None:
    graph = _graph([{"uid": "t.yaml#Vault", "type": "aws.backup.vault"},
                    {"uid": "t.yaml#Db", "type": "aws.rds.db_instance"}], kind="cloudformation")
    assert graph.derived["t.yaml#Vault"]["idle"] is False
    assert "live scan" in graph.derived_unknown["t.yaml#Db"]["recovery_point_age_hours"]
