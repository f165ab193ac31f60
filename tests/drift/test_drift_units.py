"""Drift building blocks: value paths, ignore rules, unknowns, coverage gaps, relative loading, forked evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.drift import Evaluation, compare, diff_values, load_sides
from scanner.drift.findings import diff_findings, pack_verdicts, unpack_verdicts, verdicts
from scanner.drift.incremental import load_relative, read_snapshot_json
from scanner.drift.parallel import ForkedEvaluation
from scanner.drift.sides import EvaluatedSide, evaluate_snapshot
from scanner.drift.values import IgnoreRules
from scanner.errors import InputError
from scanner.examples import EXAMPLE_PATH
from scanner.model import load_snapshot, snapshot_from_json
from scanner.policy import load_pack


def _example() -> dict[str, Any]:
    return json.loads(EXAMPLE_PATH.read_text())


def test_lists_of_objects_are_matched_on_their_identifying_field() -> None:
    before = {"routes": [{"destination": "0.0.0.0/0", "target": "nat-1"}, {"destination": "10.1.0.0/16",
                                                                           "target": "pcx-1"}]}
    after = {"routes": [{"destination": "10.1.0.0/16", "target": "pcx-1"}, {"destination": "0.0.0.0/0",
                                                                           "target": "igw-1"}]}
    assert list(diff_values(before, after)) == [("routes[destination=0.0.0.0/0].target", "nat-1", "igw-1")]
    assert list(diff_values(before, {"routes": list(reversed(before["routes"]))})) == []  # reordered: no change
    assert list(diff_values({"zones": ["a", "b"]}, {"zones": ["a"]})) == [("zones", ["a", "b"], ["a"])]
    assert list(diff_values({"tags": {"A": "1"}}, {"tags": {"B": "2"}})) == [("tags.A", "1", None),
                                                                            ("tags.B", None, "2")]


def test_ignore_rules_cover_children_and_types() -> None:
    rules = IgnoreRules(["tags", "aws.rds.*:engine_version", "*_at"])
    assert rules.ignores("aws.ec2.vpc", "tags.Owner")
    assert rules.ignores("aws.rds.db_instance", "engine_version")
    assert not rules.ignores("aws.rds.db_cluster_x", "multi_az")
    assert not rules.ignores("aws.elasticache.replication_group", "engine_version")
    assert rules.ignores("aws.s3.bucket", "created_at")
    assert not IgnoreRules().ignores("aws.s3.bucket", "tags")


def _side(data: dict[str, Any], label: str) -> EvaluatedSide:
    snapshot = snapshot_from_json(data, label)
    findings, facts = evaluate_snapshot(snapshot, Evaluation(pack=load_pack()))
    return EvaluatedSide(label=label, snapshot=snapshot, findings=findings, derived=facts)


def test_unknown_values_and_failed_collections_are_not_changes() -> None:
    before, after = _example(), _example()
    table = next(r for r in after["resources"] if r["type"] == "aws.dynamodb.table")
    table["attributes"].pop("pitr_enabled", None)
    table["unknown"] = {"pitr_enabled": "DescribeContinuousBackups: AccessDenied"}
    dbs = [r for r in after["resources"] if r["type"] == "aws.rds.db_instance"]
    after["resources"] = [r for r in after["resources"] if r["type"] != "aws.rds.db_instance"]
    gone = {r["uid"] for r in dbs}
    after["relations"] = [r for r in after["relations"] if r["src"] not in gone and r["dst"] not in gone]
    after["coverage"] = [{"service": "rds", "operation": "DescribeDBInstances", "error": "AccessDenied",
                          "resource_types": ["aws.rds.db_instance"]}]
    report = compare(_side(before, "a"), _side(after, "b"))
    [change] = [c for r in report.resources.changed if r.uid == table["uid"] for c in r.changes]
    assert change.path == "pitr_enabled" and change.after_unknown and change.after is None
    assert report.resources.removed == []
    assert {u.uid for u in report.resources.unverifiable} == gone
    assert all("DescribeDBInstances failed" in u.reason for u in report.resources.unverifiable)


def test_findings_buckets() -> None:
    base = _side(_example(), "a")
    changed = _example()
    for item in changed["resources"]:
        if item["type"] == "aws.rds.db_instance":
            item["attributes"]["multi_az"] = not item["attributes"].get("multi_az", False)
    drift = diff_findings(base.findings, _side(changed, "b").findings)
    new = {(c.policy_id, c.resource_name) for c in drift.new_failures}
    resolved = {(c.policy_id, c.resource_name) for c in drift.resolved}
    assert ("rds-instance-multi-az", "orders-db") in new
    assert ("rds-instance-multi-az", "reporting-db") in resolved
    assert all(c.before == c.after for c in drift.still_failing)
    assert unpack_verdicts(pack_verdicts(base.findings)) == verdicts(base.findings)


def test_relative_load_equals_a_full_load(tmp_path: Path) -> None:
    before, after = _example(), _example()
    after["resources"][0]["attributes"]["tags"] = {"changed": "yes"}
    after["resources"].pop(5)
    after["relations"] = after["relations"][1:]
    a_path, b_path = tmp_path / "a.json", tmp_path / "b.json"
    a_path.write_text(json.dumps(before))
    b_path.write_text(json.dumps(after))
    raw_a = read_snapshot_json(a_path)
    a = snapshot_from_json(raw_a, str(a_path))
    relative = load_relative(read_snapshot_json(b_path), raw_a, a, str(b_path))
    assert relative.to_json() == load_snapshot(b_path).to_json()
    assert relative.resources[1] is a.resources[1]  # unchanged: the same validated object


def test_forked_evaluation_matches_in_process_and_reports_bad_files(tmp_path: Path) -> None:
    evaluation = Evaluation(pack=load_pack())
    forked = ForkedEvaluation(EXAMPLE_PATH, evaluation)
    got, facts = forked.result()
    findings, expected_facts = evaluate_snapshot(load_snapshot(EXAMPLE_PATH), evaluation)
    assert got == verdicts(findings) and facts == expected_facts
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "haguard.snapshot/1", "source": {"kind": "aws"}, "resources": [1]}')
    with pytest.raises(InputError, match=r"\$\.resources\[0\]"):
        ForkedEvaluation(bad, evaluation).result()


def test_large_sides_take_the_parallel_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.drift.parallel as parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    changed = _example()
    changed["resources"][0]["attributes"]["tags"] = {"changed": "yes"}
    b_path = tmp_path / "b.json"
    b_path.write_text(json.dumps(changed))
    evaluation = Evaluation(pack=load_pack())
    parallel_sides = load_sides(str(EXAMPLE_PATH), str(b_path), evaluation, lambda: None)  # type: ignore[arg-type,return-value]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1 << 40)
    serial_sides = load_sides(str(EXAMPLE_PATH), str(b_path), evaluation, lambda: None)  # type: ignore[arg-type,return-value]
    assert compare(*parallel_sides).to_json() == compare(*serial_sides).to_json()
    assert compare(*parallel_sides).resources.changed
