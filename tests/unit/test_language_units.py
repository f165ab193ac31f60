"""Language additions for the replication and CDN policies: a param scaled into the attribute's unit
(``{param: NAME, times: N}``) and ``contains`` with a list operand (every element)."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.graph import build_graph
from scanner.model import Status
from scanner.policy import evaluate, load_config, load_pack
from scanner.policy.engine import check_config


def _write(tmp_path: Path, body: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def _run(tmp_path: Path, body: str, snap, config=None) -> dict:
    pack = load_pack([_write(tmp_path, body)], replace=True)
    return {f.resource_uid: f for f in evaluate(pack, build_graph(snap), config)}


SCALED = """
id: scaled
title: t
severity: high
resource: aws.dynamodb.table
params: {max_replica_lag_seconds: 300}
assert: {attr: replication_latency_max_ms, lte: {param: max_replica_lag_seconds, times: 1000}}
remediation: r
"""


def _table(uid: str, latency_ms: float) -> dict:
    return {"uid": uid, "type": "aws.dynamodb.table", "attributes": {"replication_latency_max_ms": latency_ms}}


def test_a_param_in_seconds_bounds_a_value_in_milliseconds(tmp_path: Path) -> None:
    snap = snapshot([_table("edge", 300000.0), _table("over", 300001.0), _table("fast", 900.0)])
    findings = _run(tmp_path, SCALED, snap)
    assert {uid: f.status for uid, f in findings.items()} == {
        "edge": Status.PASS, "over": Status.FAIL, "fast": Status.PASS}
    (entry,) = [e for e in findings["over"].evidence if e.get("attr") == "replication_latency_max_ms"]
    assert (entry["value"], entry["test"]) == (300001.0, "lte 300000")


def test_a_config_override_is_scaled_too(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "params: {max_replica_lag_seconds: 1}\n", "haguard.yaml"))
    findings = _run(tmp_path, SCALED, snapshot([_table("fast", 900.0), _table("slow", 1500.0)]), config)
    assert (findings["fast"].status, findings["slow"].status) == (Status.PASS, Status.FAIL)


def test_a_scaled_param_must_be_a_number_in_the_policy_and_in_the_config(tmp_path: Path) -> None:
    path = _write(tmp_path, SCALED.replace("max_replica_lag_seconds: 300}", "max_replica_lag_seconds: five}"))
    with pytest.raises(InputError, match="needs a number"):
        load_pack([path], replace=True)
    path = _write(tmp_path, SCALED.replace("times: 1000", "times: lots"))
    with pytest.raises(InputError, match="times"):
        load_pack([path], replace=True)
    pack = load_pack([_write(tmp_path, SCALED)], replace=True)
    config = load_config(_write(tmp_path, "params: {max_replica_lag_seconds: soon}\n", "haguard.yaml"))
    with pytest.raises(InputError, match="max_replica_lag_seconds"):
        check_config(pack, config)


CODES = """
id: codes
title: t
severity: high
resource: aws.cloudfront.distribution
params: {failover_status_codes: [500, 502, 503, 504]}
assert:
  items: origin_groups
  each: {attr: failover_status_codes, contains: {param: failover_status_codes}}
remediation: r
"""


def _distribution(uid: str, codes: list[int] | None) -> dict:
    group = {"id": "g", "members": ["a", "b"]}
    if codes is not None:
        group["failover_status_codes"] = codes
    return {"uid": uid, "type": "aws.cloudfront.distribution", "attributes": {"origin_groups": [group]}}


def test_contains_a_list_means_every_element(tmp_path: Path) -> None:
    snap = snapshot([_distribution("all", [504, 503, 502, 500, 404]), _distribution("some", [500, 502, 503]),
                     _distribution("none", [])])
    findings = _run(tmp_path, CODES, snap)
    assert {uid: f.status for uid, f in findings.items()} == {
        "all": Status.PASS, "some": Status.FAIL, "none": Status.FAIL}


def test_contains_a_list_on_text_is_not_comparable(tmp_path: Path) -> None:
    body = CODES.replace("items: origin_groups\n  each: {attr: failover_status_codes, contains: "
                         "{param: failover_status_codes}}",
                         "{attr: default_target_origin_id, contains: {param: failover_status_codes}}")
    snap = snapshot([{"uid": "d", "type": "aws.cloudfront.distribution",
                      "attributes": {"default_target_origin_id": "500-502"}}])
    assert _run(tmp_path, body, snap)["d"].status is Status.UNKNOWN
