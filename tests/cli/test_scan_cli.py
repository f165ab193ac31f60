"""``haguard scan`` over the bundled example and saved snapshots: reports, exit codes, input errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scanner.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())


def _json_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["scan", "--example", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_example_json_report_validates_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json_report(capsys)
    assert code == 1
    jsonschema.validate(report, SCHEMA)
    assert report["schema"] == "haguard.report/1"
    failing = {(f["policy_id"], f["resource_name"]) for f in report["findings"] if f["status"] == "fail"}
    assert ("dynamodb-pitr", "audit-log") in failing
    assert ("rds-not-publicly-accessible", "reporting-db") in failing
    assert ("nat-gw-per-az", "private-c") in failing
    required = {"policy_id", "resource_uid", "resource_type", "status", "severity", "message", "evidence"}
    for finding in report["findings"]:
        assert required <= set(finding)
    assert report["summary"]["by_status"]["fail"] == len([f for f in report["findings"] if f["status"] == "fail"])


def test_json_report_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    first = _json_report(capsys)[1]
    second = _json_report(capsys)[1]
    assert first == second
    ids = [f["id"] for f in first["findings"]]
    assert len(ids) == len(set(ids))


def test_fail_on_only_and_skip(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json_report(capsys, "--only", "dynamodb-pitr", "--fail-on", "critical")
    assert code == 0 and {f["policy_id"] for f in report["findings"]} == {"dynamodb-pitr"}
    code, _ = _json_report(capsys, "--only", "dynamodb-pitr", "--fail-on", "high")
    assert code == 1
    code, report = _json_report(capsys, "--skip", "dynamodb-pitr")
    assert "dynamodb-pitr" not in {f["policy_id"] for f in report["findings"]}


def test_output_file_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("json", "sarif", "junit", "markdown", "html", "rich"):
        out = tmp_path / f"report.{fmt}"
        assert main(["scan", "--example", "--format", fmt, "--output", str(out)]) == 1
        assert capsys.readouterr().out == ""
        text = out.read_text()
        assert "audit-log" in text, fmt
        assert "\x1b[" not in text
    assert list(tmp_path.glob(".*")) == []


def test_saved_snapshot_gives_the_same_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.examples import EXAMPLE_PATH
    from scanner.model import load_snapshot, save_snapshot

    path = tmp_path / "snap.json.gz"
    save_snapshot(load_snapshot(EXAMPLE_PATH), path)
    code = main(["scan", "--snapshot", str(path), "--format", "json"])
    from_file = json.loads(capsys.readouterr().out)
    assert code == 1
    assert from_file["findings"] == _json_report(capsys)[1]["findings"]


@pytest.mark.parametrize(("args", "pattern"), [
    (["scan", "--example", "--only", "no-such-policy"], r"unknown policy id no-such-policy"),
    (["scan", "--example", "--fail-on", "severe"], r"invalid choice: 'severe'"),
    (["scan", "--example", "--format", "pdf"], r"invalid choice: 'pdf'"),
    (["scan", "--snapshot", "missing.json"], r"^missing\.json: cannot read snapshot"),
    (["bogus"], r"invalid choice: 'bogus'"),
    (["scan", "--example", "--snapshot", "x.json"], r"not allowed with argument"),
])
def test_usage_errors_are_one_line_exit_2(args: list[str], pattern: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err), err


def test_malformed_snapshot_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema": "haguard.snapshot/1",\n "source": {"kind": "aws"},\n "resources": [\n')
    assert main(["scan", "--snapshot", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(rf"{re.escape(str(path))}:4: invalid JSON: .*", err), err


def test_bad_config_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("params:\n  min_azs: two\n")
    assert main(["scan", "--example", "--config", str(config)]) == 2
    assert capsys.readouterr().err.startswith(f"{config}:2: param 'min_azs' must be an integer")


def test_config_param_changes_the_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("policies:\n  lb-multi-az: {params: {min_azs: 4}}\n")
    _, report = _json_report(capsys, "--only", "lb-multi-az", "--config", str(config))
    assert {f["status"] for f in report["findings"]} == {"fail"}


def test_console_script_plain_text_when_not_a_tty(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", "--example"], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "\x1b[" not in result.stdout
    assert "audit-log" in result.stdout and "FAILED" in result.stdout
    assert "Traceback" not in result.stderr


def test_scan_of_a_snapshot_does_not_import_boto3(tmp_path: Path) -> None:
    code = ("import sys; from scanner.cli import main; rc = main(['scan', '--example', '--format', 'json', "
            f"'-o', {str(tmp_path / 'r.json')!r}]); "
            "print(rc, 'boto3' in sys.modules, 'botocore' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.split() == ["1", "False", "False"], result.stderr


def test_policy_list_show_schema_and_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "list"]) == 0
    assert "nat-gw-per-az" in capsys.readouterr().out
    assert main(["policy", "show", "dynamodb-pitr"]) == 0
    assert "pitr_enabled" in capsys.readouterr().out
    assert main(["policy", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert main(["policy", "test"]) == 0
    assert re.search(r"(\d+)/\1 policy cases passed", capsys.readouterr().out)


def test_incomplete_coverage_never_exits_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.model import CoverageGap, Snapshot, Source, save_snapshot

    snapshot = Snapshot(source=Source(kind="aws", accounts=["1"], regions=["eu-west-1"]), coverage=[
        CoverageGap(account="1", region="eu-west-1", service="rds", operation="DescribeDBInstances",
                    error="AccessDenied", resource_types=["aws.rds.db_instance"])])
    path = tmp_path / "partial.json"
    save_snapshot(snapshot, path)
    args = ["scan", "--snapshot", str(path), "--format", "json", "--fail-on", "critical"]
    assert main([*args, "--only", "dynamodb-pitr"]) == 1  # nothing fails, but RDS was not collected
    report = json.loads(capsys.readouterr().out)
    assert report["coverage"][0]["operation"] == "DescribeDBInstances"
    assert main([*args, "--only", "dynamodb-pitr", "--allow-unknown"]) == 0
    capsys.readouterr()
    assert main([*args, "--only", "rds-instance-multi-az", "--fail-on", "high"]) == 1
    errors = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["status"] == "error"]
    assert errors and "AccessDenied" in errors[0]["message"]
