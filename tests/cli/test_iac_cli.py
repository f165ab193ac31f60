"""``haguard iac``: detection, reports with file:line, SARIF and JUnit validity, input errors, no boto3."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scanner.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "iac" / "data"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Retention: {Type: Number, Default: 1}
Resources:
  Orders:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      BackupRetentionPeriod: !Ref Retention
  Sessions:
    Type: AWS::DynamoDB::Table
    Metadata:
      haguard:
        skip: [{id: dynamodb-pitr, reason: cache table rebuilt on start}]
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "stack.yaml"
    path.write_text(TEMPLATE)
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["iac", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_findings_point_at_file_and_line(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json(capsys, str(template))
    assert code == 1
    by_policy = {f["policy_id"]: f for f in report["findings"]}
    multi_az = by_policy["rds-instance-multi-az"]
    assert multi_az["status"] == "fail"
    assert multi_az["location"] == {"file": str(template), "line": 5}
    assert by_policy["rds-backup-retention"]["status"] == "fail"
    assert by_policy["dynamodb-pitr"]["status"] == "suppressed"
    assert "cache table rebuilt on start" in by_policy["dynamodb-pitr"]["suppression"]
    assert report["source"]["kind"] == "cloudformation"


def test_param_override_changes_the_verdict(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = _json(capsys, str(template), "--param", "Retention=14", "--only", "rds-backup-retention")
    assert [f["status"] for f in report["findings"]] == ["pass"]


def test_sarif_validates_and_has_regions(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.sarif"
    assert main(["iac", str(template), "--format", "sarif", "-o", str(out)]) == 1
    sarif = json.loads(out.read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    located = [r for r in results if r["ruleId"] == "rds-instance-multi-az"]
    assert located[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert any(r.get("suppressions") for r in results)


def test_junit_parses(template: Path, tmp_path: Path) -> None:
    from junitparser import JUnitXml

    out = tmp_path / "out.xml"
    assert main(["iac", str(template), "--format", "junit", "-o", str(out)]) == 1
    xml = JUnitXml.fromfile(str(out))
    cases = [case for suite in xml for case in suite]
    assert any(case.classname == "rds-instance-multi-az" and not case.is_passed for case in cases)


def test_directory_detection_and_terraform(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json(capsys, str(DATA / "tf" / "plan_app" / "plan.json"))
    assert code in (0, 1) and report["source"]["kind"] == "terraform-plan"
    code, report = _json(capsys, str(DATA / "tf" / "hcl_network"))
    assert report["source"]["kind"] == "terraform-hcl"
    assert all(f["location"] and f["location"]["file"].endswith(".tf") for f in report["findings"])


@pytest.mark.parametrize(("path", "line"), [
    ("cfn/errors/syntax.yaml", 6),
    ("cfn/errors/no_resources.yaml", 1),
    ("cfn/errors/unknown_function.yaml", 6),
    ("cfn/errors/bad.json", 5),
    ("tf/plan_truncated.json", 22),
    ("tf/hcl_syntax_error", 6),
])
def test_malformed_input_is_one_line_exit_2(path: str, line: int, capsys: pytest.CaptureFixture[str]) -> None:
    target = DATA / path
    assert main(["iac", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert re.match(rf"{re.escape(str(target))}(/main\.tf)?:{line}: ", lines[0]), lines[0]


def test_not_iac_is_an_error_unless_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "workflow.yaml"
    other.write_text("on: push\njobs: {}\n")
    assert main(["iac", str(other)]) == 2
    assert "not a CloudFormation template" in capsys.readouterr().err
    assert main(["iac", "--ignore-unrecognised", str(other)]) == 0


def test_iac_path_never_imports_boto3(template: Path, tmp_path: Path) -> None:
    code = ("import sys; from scanner.cli import main; "
            f"rc = main(['iac', {str(template)!r}, '--format', 'sarif', '-o', {str(tmp_path / 'r.sarif')!r}]); "
            "print(rc, sorted(m for m in ('boto3', 'botocore', 'networkx', 'rich', 'jinja2', 'scanner.history', "
            "'sqlite3', 'scanner.iac.hcl_eval') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "1 []", result.stderr


def test_own_process_loads_with_the_collector_paused_then_enabled(template: Path, tmp_path: Path) -> None:
    output = str(tmp_path / "r.json")
    code = ("import gc, os, sys; from scanner.cli import main; "
            f"sys.argv = ['haguard', 'iac', {str(template)!r}, '--format', 'json', '-o', {output!r}]; "
            "rc = main(); print(rc, gc.isenabled(), gc.get_freeze_count() > 1000, 'scanner.graph' in sys.modules, "
            "os.environ.get('PYDANTIC_DISABLE_PLUGINS'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "1 True True True __all__", result.stderr
    in_process = subprocess.run([sys.executable, "-c", code.replace("rc = main()", "rc = main(sys.argv[1:])")],
                                capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert in_process.stdout.split()[:2] == ["1", "True"], in_process.stderr  # a caller's argv: gc untouched
    assert in_process.stdout.split()[-1] == "None"
