"""Path keys from params: ``{attr: "tags.{affinity_tag}", equals: {param: affinity_value}}`` reads the tag a
config names (the session-affinity policy's marker tag), checked when the policy and the config load."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.graph import build_graph
from scanner.model import Status
from scanner.policy import evaluate, load_config, load_pack

MARKED = """
id: marked
title: t
severity: high
resource: aws.elbv2.target_group
params: {affinity_tag: session-affinity, affinity_value: required}
where: {attr: "tags.{affinity_tag}", equals: {param: affinity_value}}
assert: {attr: stickiness_enabled, equals: true}
remediation: r
"""


def _pack(tmp_path: Path, body: str):
    path = tmp_path / "p.yaml"
    path.write_text(body)
    return load_pack([path], replace=True)


def _load_error(tmp_path: Path, body: str) -> str:
    with pytest.raises(InputError) as caught:
        _pack(tmp_path, body)
    return str(caught.value)


def _groups():
    return snapshot([
        {"uid": "sticky", "type": "aws.elbv2.target_group",
         "attributes": {"tags": {"session-affinity": "required", "app.kubernetes.io/part-of": "cart"},
                        "stickiness_enabled": True}},
        {"uid": "loose", "type": "aws.elbv2.target_group",
         "attributes": {"tags": {"session-affinity": "required"}}},
        {"uid": "other-value", "type": "aws.elbv2.target_group", "attributes": {"tags": {"session-affinity": "no"}}},
        {"uid": "untagged", "type": "aws.elbv2.target_group"},
        {"uid": "tags-unread", "type": "aws.elbv2.target_group", "unknown": {"tags": "DescribeTags: AccessDenied"}},
    ])


def test_the_key_comes_from_the_param(tmp_path: Path) -> None:
    findings = {f.resource_uid: f for f in evaluate(_pack(tmp_path, MARKED), build_graph(_groups()))}
    assert {uid: f.status for uid, f in findings.items()} == {
        "sticky": Status.PASS, "loose": Status.FAIL, "tags-unread": Status.UNKNOWN}
    # the evidence names the path as read, with the param's key in it
    assert any(e.get("attr") == "tags.session-affinity" and "DescribeTags" in e.get("unknown", "")
               for e in findings["tags-unread"].evidence)


def test_a_config_moves_the_key_even_to_one_with_dots(tmp_path: Path) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {affinity_tag: app.kubernetes.io/part-of, affinity_value: cart}\n")
    pack = _pack(tmp_path, MARKED)
    findings = evaluate(pack, build_graph(_groups()), load_config(config))
    assert {f.resource_uid: f.status for f in findings} == {"sticky": Status.PASS, "tags-unread": Status.UNKNOWN}


def test_a_path_key_needs_a_declared_string_param(tmp_path: Path) -> None:
    undeclared = MARKED.replace("{affinity_tag}", "{affinity_tags}")
    assert "undeclared param 'affinity_tags'" in _load_error(tmp_path, undeclared)
    numeric = MARKED.replace("affinity_tag: session-affinity", "affinity_tag: 3")
    assert "path key" in _load_error(tmp_path, numeric)


def test_a_config_giving_a_non_string_key_is_refused(tmp_path: Path) -> None:
    from scanner.policy import check_config

    config = tmp_path / "haguard.yaml"
    config.write_text("params: {affinity_tag: ''}\n")
    with pytest.raises(InputError, match="path key"):
        check_config(_pack(tmp_path, MARKED), load_config(config))


@pytest.mark.parametrize("attr", ["{affinity_tag}", "tags.x.{affinity_tag}x"])
def test_a_path_key_only_follows_an_attribute_name(tmp_path: Path, attr: str) -> None:
    body = MARKED.replace('"tags.{affinity_tag}"', f'"{attr}"')
    assert "path key" in _load_error(tmp_path, body)


def test_path_keys_are_refused_where_they_are_not_read(tmp_path: Path) -> None:
    body = MARKED.replace('assert: {attr: stickiness_enabled, equals: true}',
                          'assert: {count_distinct: {related: targets, attr: "tags.{affinity_tag}"}, gte: 1}')
    assert "path key may only follow" in _load_error(tmp_path, body)
