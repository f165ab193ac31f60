"""JSON report: stable text, schema validity, checked-in schema up to date, round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from reports_factory import finding, sample_report

from scanner.reports.json_report import render_json
from scanner.reports.report import Report
from scanner.reports.schema import SCHEMA_PATH, report_json_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_checked_in_schema_matches_the_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run: python -m scanner.reports.schema"
    schema = report_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == "haguard.report/2"


def test_json_validates_against_schema() -> None:
    for allow_unknown in (False, True):
        data = json.loads(render_json(sample_report(allow_unknown=allow_unknown)))
        errors = list(_validator().iter_errors(data))
        assert errors == []


def test_schema_rejects_a_broken_report() -> None:
    data = json.loads(render_json(sample_report()))
    data["summary"]["by_status"]["maybe"] = 1
    data["findings"][0]["status"] = "meh"
    assert len(list(_validator().iter_errors(data))) >= 2


def test_json_is_stable_and_round_trips() -> None:
    report = sample_report()
    text = render_json(report)
    assert text.endswith("}\n")
    assert text == render_json(sample_report())
    assert Report.model_validate(json.loads(text)) == report
    data = json.loads(text)
    assert data["schema"] == "haguard.report/2"
    assert list(data) == sorted(data)
    assert data["summary"]["failing"] == 3


def test_json_redacts_secret_evidence() -> None:
    leaky = finding("rds-multi-az", "db-1", evidence=[{"attr": "master_password", "value": "hunter2"},
                                                      {"user_data": "#!/bin/sh secret"}])
    text = render_json(sample_report(findings=[leaky]))
    assert "hunter2" not in text and "#!/bin/sh" not in text
    assert text.count('"***"') == 2


def test_schema_module_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = subprocess.run([sys.executable, "-m", "scanner.reports.schema", str(target)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert str(target) in result.stdout
    assert target.read_text(encoding="utf-8") == schema_text()
