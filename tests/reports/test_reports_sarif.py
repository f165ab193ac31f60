"""SARIF 2.1.0 output: schema-valid, rules per policy, results only for non-passing findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from reports_factory import finding, policy, sample_report

from scanner.model import Location, Severity, Status
from scanner.reports.sarif import artifact_uri, render_sarif

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def _validate(text: str) -> dict[str, Any]:
    data = json.loads(text)
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    return data


def test_sample_report_is_valid_sarif() -> None:
    run = _validate(render_sarif(sample_report()))["runs"][0]
    assert run["tool"]["driver"]["name"] == "haguard"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    # 3 fail + 1 unknown + 1 error + 1 suppressed; the 2 passes are left out
    assert len(run["results"]) == 6
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rule_fields() -> None:
    rules = {r["id"]: r for r in json.loads(render_sarif(sample_report()))["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["rds-multi-az"]
    assert rule["name"] == "RdsMultiAz"
    assert rule["shortDescription"]["text"] == "RDS DB instances are Multi-AZ"
    assert "Fix rds-multi-az." in rule["help"]["text"]
    assert "**Remediation:** Fix rds-multi-az." in rule["help"]["markdown"]
    assert rule["properties"]["tags"] == ["resilience"]
    assert float(rule["properties"]["security-severity"]) >= 7.0
    assert rule["helpUri"] == "https://docs.example.test/rds-multi-az"
    levels = {rid: r["defaultConfiguration"]["level"] for rid, r in rules.items()}
    assert levels == {"backup-plan-exists": "error", "rds-multi-az": "error", "asg-multi-az": "error",
                      "nat-gw-per-az": "warning", "alarm-on-lb": "note", "tags-owner": "note"}


def test_located_finding_points_at_file_and_line() -> None:
    run = json.loads(render_sarif(sample_report()))["runs"][0]
    located = next(r for r in run["results"] if r["ruleId"] == "rds-multi-az")
    physical = located["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "stacks/db.yaml"}, "region": {"startLine": 12}}
    assert located["level"] == "error"
    assert "orders" in located["message"]["text"]
    assert located["partialFingerprints"]["haguard/v1"] == located_finding_id()


def located_finding_id() -> str:
    return next(f.id for f in sample_report().findings if f.policy_id == "rds-multi-az" and f.status is Status.FAIL)


def test_unlocated_finding_has_a_logical_location_only() -> None:
    report = sample_report(findings=[finding("alarm-on-lb", "arn:aws:elasticloadbalancing:lb/app")])
    result = _validate(render_sarif(report))["runs"][0]["results"][0]
    assert result["locations"] == [{"logicalLocations": [
        {"name": "lb/app", "fullyQualifiedName": "arn:aws:elasticloadbalancing:lb/app", "kind": "resource"}]}]
    assert result["level"] == "note"


def test_suppressions_are_in_source_when_located_else_external() -> None:
    report = sample_report(findings=[
        finding("nat-gw-per-az", "subnet-a", Status.SUPPRESSED, location=Location(file="main.tf", line=3),
                suppression="single-AZ dev stack"),
        finding("nat-gw-per-az", "subnet-b", Status.SUPPRESSED),
    ])
    results = _validate(render_sarif(report))["runs"][0]["results"]
    assert [r["suppressions"] for r in results] == [
        [{"kind": "inSource", "justification": "single-AZ dev stack"}],
        [{"kind": "external", "justification": "accepted risk until Q3"}],
    ]


def test_unknown_is_a_note_when_unknown_is_allowed() -> None:
    unknown = finding("backup-plan-exists", "db-1", Status.UNKNOWN)
    assert json.loads(render_sarif(sample_report(findings=[unknown])))["runs"][0]["results"][0]["level"] == "error"
    allowed = sample_report(findings=[unknown], allow_unknown=True)
    assert json.loads(render_sarif(allowed))["runs"][0]["results"][0]["level"] == "note"


def test_finding_of_an_unlisted_policy_gets_a_rule() -> None:
    report = sample_report(findings=[finding("rds-multi-az", "db-1")], policies=[policy("alarm-on-lb")])
    run = _validate(render_sarif(report))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["alarm-on-lb", "rds-multi-az"]
    assert run["results"][0]["ruleIndex"] == 1


def test_secrets_are_redacted_in_messages() -> None:
    leaky = finding("rds-multi-az", "db-1", evidence=[{"attr": "master_password", "value": "hunter2"}])
    text = render_sarif(sample_report(findings=[leaky], fail_on=Severity.LOW))
    assert "hunter2" not in text and "master_password = ***" in text


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("stacks/db.yaml", "stacks/db.yaml"),
        ("./stacks/db.yaml", "stacks/db.yaml"),
        ("stacks\\prod\\db.yaml", "stacks/prod/db.yaml"),
        ("my stacks/db #1.yaml", "my%20stacks/db%20%231.yaml"),
    ],
)
def test_artifact_uri_is_relative_with_forward_slashes(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_absolute_paths_below_the_working_directory_become_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert artifact_uri(str(tmp_path / "tf" / "main.tf")) == "tf/main.tf"
    assert artifact_uri("/elsewhere/main.tf").startswith("file:///")
