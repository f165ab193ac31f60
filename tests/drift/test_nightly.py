"""``haguard nightly``: record, drift since the previous run of the scope, Markdown/HTML/JSON outputs, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.examples import EXAMPLE_PATH

POLICIES = "dynamodb-pitr,rds-instance-multi-az"


def _changed_example(tmp_path: Path) -> Path:
    data = json.loads(EXAMPLE_PATH.read_text())
    for item in data["resources"]:
        if item["type"] == "aws.rds.db_instance" and item["name"] == "orders-db":
            item["attributes"]["multi_az"] = False
        if item["type"] == "aws.dynamodb.table" and item["name"] == "sessions":
            item["attributes"]["pitr_enabled"] = False
            item["attributes"]["tags"] = {"Owner": "<script>alert(1)</script> | `x`"}
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data))
    return path


def _nightly(tmp_path: Path, snapshot: Path, *extra: str) -> int:
    return main(["nightly", "--snapshot", str(snapshot), "--history", str(tmp_path / "h.db"), "--only", POLICIES,
                 "--json", str(tmp_path / "n.json"), "--markdown", str(tmp_path / "n.md"),
                 "--html", str(tmp_path / "n.html"), *extra])


def test_first_then_second_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _nightly(tmp_path, EXAMPLE_PATH, "--fail-on", "critical", "--fail-on-new", "high") == 0
    first = json.loads((tmp_path / "n.json").read_text())
    assert first["drift"] is None and first["previous_run_id"] is None and first["run_id"] == 1
    assert "First run of this scope" in (tmp_path / "n.md").read_text()
    assert "first run of this scope" in capsys.readouterr().out

    changed = _changed_example(tmp_path)
    assert _nightly(tmp_path, changed, "--fail-on", "critical") == 0  # no critical failure, no --fail-on-new
    assert _nightly(tmp_path, changed, "--fail-on", "critical", "--fail-on-new", "high") == 0  # run 2 -> 3: none new
    second = json.loads((tmp_path / "n.json").read_text())
    assert second["previous_run_id"] == 2 and second["drift"]["summary"]["drifted"] is False
    assert [p["run_id"] for p in second["trend"]] == [1, 2, 3]
    assert second["trend"][0]["counts"]["high"] < second["trend"][2]["counts"]["high"]


def test_new_failures_fail_the_run_and_fill_the_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _nightly(tmp_path, EXAMPLE_PATH, "--fail-on", "critical")
    assert _nightly(tmp_path, _changed_example(tmp_path), "--fail-on", "critical", "--fail-on-new", "high") == 1
    out = capsys.readouterr().out
    assert "since run 1: 2 new failures (2 high)" in out
    result = json.loads((tmp_path / "n.json").read_text())
    new = {(c["policy_id"], c["resource_name"]) for c in result["drift"]["findings"]["new_failures"]}
    assert new == {("rds-instance-multi-az", "orders-db"), ("dynamodb-pitr", "sessions")}
    markdown = (tmp_path / "n.md").read_text()
    assert markdown.startswith("## haguard nightly: FAILED")
    assert "<details><summary>New failures (2)</summary>" in markdown
    outside_code = re.sub(r"`[^`\n]*`", "", markdown)
    assert "<script>" not in outside_code and "<script>" in markdown  # only ever inside a code span
    html = (tmp_path / "n.html").read_text()
    assert 'id="drift"' in html and 'id="trend"' in html and "rds-instance-multi-az" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_markdown_stays_within_its_limit(tmp_path: Path) -> None:
    main(["nightly", "--example", "--history", str(tmp_path / "h.db")])
    main(["nightly", "--snapshot", str(_changed_example(tmp_path)), "--history", str(tmp_path / "h.db"),
          "--markdown", str(tmp_path / "n.md"), "--markdown-limit", "1800"])
    text = (tmp_path / "n.md").read_text()
    assert len(text) <= 1800 and "more (see the JSON report)" in text
    assert text.count("<details>") == text.count("</details>")


def test_unwritable_output_fails_before_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["nightly", "--example", "--history", str(tmp_path / "h.db"),
                 "--html", str(tmp_path / "missing" / "n.html")])
    assert code == 2
    assert "no such directory" in capsys.readouterr().err
    assert not (tmp_path / "h.db").exists()
