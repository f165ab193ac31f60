"""Redaction of secret-looking evidence and the compact evidence lines."""

from __future__ import annotations

import pytest
from reports_factory import finding

from scanner.reports.evidence import REDACTED, evidence_lines, format_item, is_secret_key, redact


@pytest.mark.parametrize("key", ["password", "MasterUserPassword", "client_secret", "user_data", "UserData",
                                 "userdata", "auth_token", "private_key"])
def test_secret_keys_match(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["multi_az", "engine", "user", "data", "key_name", 3, None])
def test_other_keys_do_not_match(key: object) -> None:
    assert not is_secret_key(key)


def test_redact_walks_nested_values_and_leaves_the_input_alone() -> None:
    item = {"engine": "postgres", "config": {"Password": "p4ss", "nested": [{"token": "t0k"}]}}
    assert redact(item) == {"engine": "postgres", "config": {"Password": REDACTED, "nested": [{"token": REDACTED}]}}
    assert item["config"]["Password"] == "p4ss"


def test_redact_attribute_items_by_attribute_name() -> None:
    item = {"attr": "container.environment", "value": {"DB_PASS": "x"}, "resource": "svc"}
    assert redact(item) == {"attr": "container.environment", "value": {"DB_PASS": REDACTED}, "resource": "svc"}
    environment = {"attr": "environment", "value": {"MODE": "x"}}
    assert redact(environment) == {"attr": "environment", "value": {"MODE": REDACTED}}
    assert redact({"attr": "multi_az", "value": False}) == {"attr": "multi_az", "value": False}


def test_evidence_lines_are_redacted() -> None:
    f = finding("rds-multi-az", "db-1", evidence=[{"attr": "user_data", "value": "echo s3cr3t"}])
    assert evidence_lines(f) == ["user_data = ***"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"attr": "multi_az", "value": False}, "multi_az = false"),
        ({"attr": "engine", "value": "postgres"}, "engine = postgres"),
        ({"attr": "subnets", "value": ["a", "b"]}, 'subnets = ["a", "b"]'),
        ({"attr": "multi_az", "unknown": "known after apply"}, "multi_az = ? (known after apply)"),
        ({"attr": "multi_az", "value": True, "resource": "other"}, "other: multi_az = true"),
        ({"attr": "multi_az", "value": True, "resource": "db-1"}, "multi_az = true"),
        ({"src": "db-1", "kind": "in_subnet", "dst": "subnet-1"}, "db-1 -[in_subnet]-> subnet-1"),
        ({"path": ["subnet-1", "uses_route_table", "rtb-1", "routes_to", "igw-1"]},
         "subnet-1 -[uses_route_table]-> rtb-1 -[routes_to]-> igw-1"),
        ({"path": [{"src": "a", "kind": "targets", "dst": "b"}, {"src": "b", "kind": "targets", "dst": "c"}]},
         "a -[targets]-> b -[targets]-> c"),
        ({"count": 1, "expected": ">= 2"}, "count = 1, expected = >= 2"),
    ],
)
def test_format_item_shapes(item: dict[str, object], expected: str) -> None:
    assert format_item(item, "db-1") == expected


def test_long_values_are_cut_unless_unlimited() -> None:
    item = {"attr": "name", "value": "x" * 500}
    assert len(format_item(item, limit=50)) == len("name = ") + 50
    assert format_item(item, limit=None) == "name = " + "x" * 500
