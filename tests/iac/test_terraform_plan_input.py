"""Terraform plan JSON as users hand it over: detected by its own top-level keys whatever the layout,
bounded nesting, and values known only after apply that stay unknown unless the configuration says
otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.iac.terraform_plan import MAX_PLAN_DEPTH, load_terraform_plan, looks_like_terraform_plan

DB_VALUES = {"engine": "postgres", "instance_class": "db.t3.micro", "multi_az": False}


def plan(*, configuration: dict[str, Any] | None = None, after_unknown: dict[str, Any] | None = None,
         values: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    values = dict(DB_VALUES if values is None else values)
    document: dict[str, Any] = {
        "format_version": "1.2", **extra,
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
             "values": values}]}},
        "resource_changes": [{"address": "aws_db_instance.db", "change": {
            "actions": ["create"], "after": values, "after_unknown": after_unknown or {}}}]}
    if configuration is not None:
        document["configuration"] = configuration
    return document


def config(expressions: dict[str, Any]) -> dict[str, Any]:
    return {"root_module": {"resources": [{"address": "aws_db_instance.db", "mode": "managed",
                                           "type": "aws_db_instance", "name": "db", "expressions": expressions}]}}


def multi_az(capsys: pytest.CaptureFixture[str], *paths: Path, extra: tuple[str, ...] = ()) -> tuple[int, dict]:
    code = main(["iac", *map(str, paths), *extra, "--only", "rds-instance-multi-az", "--format", "json"])
    out = capsys.readouterr().out
    report = json.loads(out) if out.strip() else {}
    return code, {f["resource_uid"]: (f["status"], f["message"]) for f in report.get("findings", [])}


LAYOUTS = {
    "one line": lambda doc: json.dumps(doc, separators=(",", ":")),
    "bom": lambda doc: "\ufeff" + json.dumps(doc, indent=2),
    "crlf": lambda doc: json.dumps(doc, indent=2).replace("\n", "\r\n"),
    "planned_values after 2 MiB of variables": lambda doc: json.dumps(
        {"format_version": doc["format_version"], "variables": {"blob": {"value": "x" * (2 << 20)}},
         **{k: v for k, v in doc.items() if k != "format_version"}}),
    "keys sorted, a large configuration first": lambda doc: json.dumps(
        {**doc, "configuration": {"root_module": {"resources": [], "variables": {
            f"v{i}": {"default": "y" * 100} for i in range(30_000)}}}}, sort_keys=True),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_plan_is_detected_whatever_its_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                layout: str) -> None:
    path = tmp_path / "plan.json"
    text = LAYOUTS[layout](plan())
    path.write_bytes(text.encode("utf-8"))
    assert looks_like_terraform_plan(path)
    # the pre-commit hook runs over changed files with --ignore-unrecognised: the plan must fail, not be skipped
    code, found = multi_az(capsys, tmp_path, extra=("--ignore-unrecognised",))
    assert code == 1 and found["aws_db_instance.db"][0] == "fail"


@pytest.mark.parametrize("text", [
    json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Description": '"format_version": "planned_values":',
                "Resources": {}}),
    json.dumps({"wrapper": {"format_version": "1.2", "planned_values": {}}}),
    json.dumps([{"format_version": "1.2", "planned_values": {}}]),
    '{"name": "package", "version": "1.0.0"}',
    "",
])
def test_files_that_only_mention_plan_keys_are_not_plans(tmp_path: Path, text: str) -> None:
    path = tmp_path / "other.json"
    path.write_text(text)
    assert not looks_like_terraform_plan(path)


def test_a_truncated_plan_is_reported_not_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(), indent=1)[:-40])
    assert looks_like_terraform_plan(path)
    code = main(["iac", str(tmp_path), "--ignore-unrecognised"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"{path}:") and "invalid JSON" in err


@pytest.mark.parametrize("depth", [MAX_PLAN_DEPTH + 5, 100_000])
def test_deeply_nested_plans_are_a_one_line_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        depth: int) -> None:
    path = tmp_path / "plan.json"
    document = json.dumps(plan())
    path.write_text(document[:-1] + ', "variables": ' + "[" * depth + "]" * depth + "}")
    code = main(["iac", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"{path}: JSON nested deeper than {MAX_PLAN_DEPTH} levels (haguard's limit for plans)"


def test_known_after_apply_without_configuration_is_unknown_not_the_aws_default(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = {"engine": "postgres", "instance_class": "db.t3.micro"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(values=values, after_unknown={"multi_az": True})))
    code, found = multi_az(capsys, path)
    status, message = found["aws_db_instance.db"]
    assert (code, status) == (1, "unknown")
    assert "the plan has no configuration for aws_db_instance.db" in message
    snapshot = load_terraform_plan(path)
    assert "multi_az" not in snapshot.resources[0].attributes


@pytest.mark.parametrize(("expressions", "expected"), [
    ({}, "fail"),  # the configuration leaves multi_az to the provider: AWS's default, single-AZ
    ({"multi_az": {"references": ["var.multi"]}}, "unknown"),  # set from a value known only at apply
])
def test_known_after_apply_with_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              expressions: dict[str, Any], expected: str) -> None:
    values = {"engine": "postgres", "instance_class": "db.t3.micro"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(values=values, after_unknown={"multi_az": True},
                                    configuration=config(expressions))))
    _, found = multi_az(capsys, path)
    assert found["aws_db_instance.db"][0] == expected


def test_a_configuration_that_does_not_list_the_resource_says_nothing(tmp_path: Path) -> None:
    values = {"engine": "postgres", "instance_class": "db.t3.micro"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(values=values, after_unknown={"multi_az": True},
                                    configuration={"root_module": {"resources": []}})))
    assert "multi_az" in load_terraform_plan(path).resources[0].unknown


def test_a_fifo_is_not_read_by_detection(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert not looks_like_terraform_plan(fifo)  # returns at once instead of blocking on the pipe
