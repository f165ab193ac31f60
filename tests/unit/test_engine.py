"""Engine semantics: Kleene logic, params and config, suppressions, waivers, coverage errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.graph import build_graph
from scanner.model import CoverageGap, Status
from scanner.policy import evaluate, load_config, load_pack
from scanner.policy.engine import check_config


def _policy(tmp_path: Path, body: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def _run(tmp_path: Path, body: str, snap, config=None, today=None):
    pack = load_pack([_policy(tmp_path, body)], replace=True)
    return {f.resource_uid: f for f in evaluate(pack, build_graph(snap), config, today=today)}


POLICY = """
id: test-policy
title: Test
severity: high
resource: aws.rds.db_instance
params: {min_days: 7}
where: {attr: engine, equals: postgres}
assert: {attr: backup_retention_days, gte: {param: min_days}}
remediation: fix it
"""


def test_where_unknown_and_assert_true_passes_but_assert_false_is_unknown(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "ok", "type": "aws.rds.db_instance", "attributes": {"backup_retention_days": 9},
         "unknown": {"engine": "unresolved"}},
        {"uid": "bad", "type": "aws.rds.db_instance", "attributes": {"backup_retention_days": 1},
         "unknown": {"engine": "unresolved"}},
        {"uid": "mysql", "type": "aws.rds.db_instance", "attributes": {"engine": "mysql"}},
    ])
    findings = _run(tmp_path, POLICY, snap)
    assert findings["ok"].status is Status.PASS
    assert findings["bad"].status is Status.UNKNOWN
    assert "mysql" not in findings
    assert any(e.get("unknown") == "unresolved" for e in findings["bad"].evidence)


def test_failing_finding_carries_value_test_and_remediation(tmp_path: Path) -> None:
    snap = snapshot([{"uid": "db", "type": "aws.rds.db_instance", "name": "orders",
                      "attributes": {"engine": "postgres", "backup_retention_days": 3}}])
    finding = _run(tmp_path, POLICY, snap)["db"]
    assert finding.status is Status.FAIL
    assert finding.remediation == "fix it"
    assert {"resource": "db", "attr": "backup_retention_days", "value": 3, "test": "gte 7"} in finding.evidence
    assert "backup_retention_days = 3 (expected gte 7)" in finding.message


def test_config_overrides_params_and_severity_and_disables(tmp_path: Path) -> None:
    snap = snapshot([{"uid": "db", "type": "aws.rds.db_instance",
                      "attributes": {"engine": "postgres", "backup_retention_days": 9}}])
    config_path = _policy(tmp_path, "params: {min_days: 14}\npolicies:\n  test-policy: {severity: low}\n",
                          "haguard.yaml")
    finding = _run(tmp_path, POLICY, snap, load_config(config_path))["db"]
    assert finding.status is Status.FAIL and finding.severity.value == "low"
    config_path.write_text("policies:\n  test-policy: {enabled: false}\n")
    assert _run(tmp_path, POLICY, snap, load_config(config_path)) == {}


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("params:\n  min_days: seven\n", 2, "param 'min_days' must be an integer"),
    ("policies:\n  nope: {severity: low}\n", 2, "unknown policy id 'nope'"),
    ("policies:\n  test-policy:\n    params: {max: 1}\n", 3, "unknown parameter max of policy test-policy"),
    ("waivers:\n  - {id: test-policy, reason: x, expires: someday}\n", 2, "expires"),
    ("colour: blue\n", 1, "unknown key"),
])
def test_bad_config_names_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    pack = load_pack([_policy(tmp_path, POLICY)], replace=True)
    path = _policy(tmp_path, text, "haguard.yaml")
    with pytest.raises(InputError) as caught:
        check_config(pack, load_config(path))
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


def test_inline_suppression_and_waivers(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "inline", "type": "aws.rds.db_instance", "attributes": {"engine": "postgres"},
         "suppressions": {"test-policy": "dev database"}},
        {"uid": "arn:db:waived", "type": "aws.rds.db_instance", "attributes": {"engine": "postgres"}},
        {"uid": "arn:db:expired", "type": "aws.rds.db_instance", "name": "old", "attributes": {"engine": "postgres"}},
    ])
    config = _policy(tmp_path, "waivers:\n"
                     "  - {id: test-policy, resource: 'arn:db:waiv*', reason: migrating, expires: 2027-01-01}\n"
                     "  - {id: test-policy, resource: old, reason: legacy, expires: 2026-01-01}\n", "haguard.yaml")
    findings = _run(tmp_path, POLICY, snap, load_config(config), today=dt.date(2026, 11, 27))
    assert findings["inline"].status is Status.SUPPRESSED and "dev database" in findings["inline"].suppression
    assert findings["arn:db:waived"].status is Status.SUPPRESSED
    assert "until 2027-01-01" in findings["arn:db:waived"].suppression
    assert findings["arn:db:expired"].status is Status.FAIL
    assert "waiver expired on 2026-01-01" in findings["arn:db:expired"].message


def test_coverage_gap_gives_error_findings_for_policies_reading_the_type(tmp_path: Path) -> None:
    snap = snapshot([])
    snap.coverage.append(CoverageGap(account="1", region="eu-west-1", service="rds", operation="DescribeDBInstances",
                                     error="AccessDenied", resource_types=["aws.rds.db_instance"]))
    snap.coverage.append(CoverageGap(account="1", region="eu-west-1", service="dynamodb", operation="ListTables",
                                     error="AccessDenied", resource_types=["aws.dynamodb.table"]))
    findings = list(_run(tmp_path, POLICY, snap).values())
    assert len(findings) == 1
    assert findings[0].status is Status.ERROR
    assert "rds:DescribeDBInstances failed (AccessDenied)" in findings[0].message


RELATED = """
id: related-policy
title: Subnets of groups are private
severity: high
resource: aws.rds.db_subnet_group
assert:
  related: in_subnet
  each: {attr: is_public, equals: false}
remediation: x
"""


def test_incomplete_relation_set_never_passes_each(tmp_path: Path) -> None:
    snap = snapshot([
        {"uid": "rt", "type": "aws.ec2.route_table", "attributes": {"routes": []}},
        {"uid": "s", "type": "aws.ec2.subnet"},
        {"uid": "complete", "type": "aws.rds.db_subnet_group"},
        {"uid": "partial", "type": "aws.rds.db_subnet_group", "unknown_relations": {"in_subnet": "!Ref Param"}},
    ], [("s", "uses_route_table", "rt"), ("complete", "in_subnet", "s"), ("partial", "in_subnet", "s")])
    findings = _run(tmp_path, RELATED, snap)
    assert findings["complete"].status is Status.PASS
    assert findings["partial"].status is Status.UNKNOWN
    assert any("!Ref Param" in str(e.get("unknown")) for e in findings["partial"].evidence)
    assert findings["complete"].evidence[0]["selector"] == "each -> in_subnet"


def test_fast_findings_equal_validated_ones(tmp_path: Path) -> None:
    from scanner.model import Finding

    snap = snapshot([{"uid": "db", "type": "aws.rds.db_instance", "attributes": {"engine": "postgres"}}])
    finding = _run(tmp_path, POLICY, snap)["db"]
    assert set(finding.__dict__) == set(Finding.model_fields)
    assert Finding.model_validate(finding.model_dump()) == finding
    assert finding.model_dump_json()
