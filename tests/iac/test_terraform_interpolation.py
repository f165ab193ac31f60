"""HCL as public modules write it: references inside interpolated strings are relations, encoding and
collection functions evaluate over known values (references kept), unknown stays unknown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tf_helpers import relations, resource

from scanner.iac import hcl_syntax
from scanner.iac.hcl_eval import Evaluator
from scanner.iac.hcl_functions import FUNCTIONS
from scanner.iac.hcl_values import Env, EvalError, Limits
from scanner.iac.terraform_hcl import load_terraform_hcl
from scanner.model.values import Reference, Unknown

NAMES: dict[str, Any] = {
    "var": {"name": "web", "unknown": Unknown("not given"),
            "sg": Reference(("aws_security_group.app",)),
            "bucket": Reference(("aws_s3_bucket.b",), "assets", True)},
}


def evaluate(text: str) -> Any:
    def root(name: str) -> Any:
        if name not in NAMES:
            raise EvalError(f"{name} is not declared")
        return NAMES[name]

    return Evaluator().evaluate(hcl_syntax.parse_expression(text), Env(root, Limits(), {}, FUNCTIONS))


def load(tmp_path: Path, text: str) -> Any:
    (tmp_path / "main.tf").write_text(text)
    return load_terraform_hcl(tmp_path)


# -- interpolation -----------------------------------------------------------------------------------


def test_known_references_in_a_string_keep_the_text_and_the_relation() -> None:
    value = evaluate('"arn:aws:s3:::${var.bucket}/*"')
    assert value == Reference(("aws_s3_bucket.b",), "arn:aws:s3:::assets/*", True, identity=False)


def test_unknown_references_in_a_string_are_a_relation_with_an_unknown_value() -> None:
    value = evaluate('"sg-${var.sg}-${var.bucket}"')
    assert isinstance(value, Reference)
    assert value.targets == ("aws_security_group.app", "aws_s3_bucket.b") and not value.known
    assert "aws_security_group.app" in value.describe()


@pytest.mark.parametrize("text", ['"x-${var.unknown}-${var.sg}"', '"${var.sg}-${var.unknown}"'])
def test_an_unknown_that_is_not_a_reference_keeps_the_string_unknown(text: str) -> None:
    assert isinstance(evaluate(text), Unknown)  # the unknown part could name anything: no relation claimed


def test_a_string_without_references_stays_a_string() -> None:
    assert evaluate('"pre-${var.name}"') == "pre-web"


def test_interpolated_references_become_relations_and_values(tmp_path: Path) -> None:
    snapshot = load(tmp_path, '''
resource "aws_ecs_cluster" "apps" {
  name = "apps"
}
resource "aws_ecs_service" "api" {
  name    = "api"
  cluster = aws_ecs_cluster.apps.id
}
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.apps.name}/${aws_ecs_service.api.name}"
  min_capacity       = 2
  max_capacity       = 6
}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = "${aws_vpc.v.id}"
  cidr_block = "10.0.1.0/24"
}
resource "aws_lb" "l" {
  subnets  = ["subnet-${aws_subnet.a.id}"]
  internal = true
}
''')
    target = resource(snapshot, "aws_appautoscaling_target.t")
    assert target.attributes["resource_id"] == "service/apps/api"
    assert "scales" not in target.unknown_relations
    found = relations(snapshot)
    assert ("aws_appautoscaling_target.t", "scales", "aws_ecs_service.api") in found
    assert ("aws_lb.l", "in_subnet", "aws_subnet.a") in found
    assert ("aws_subnet.a", "in_vpc", "aws_vpc.v") in found


def test_interpolating_something_undeclared_is_unknown_not_a_pass(tmp_path: Path) -> None:
    snapshot = load(tmp_path, '''
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.nope.name}/api"
  min_capacity       = 2
  max_capacity       = 6
}
''')
    target = resource(snapshot, "aws_appautoscaling_target.t")
    assert "resource_id" in target.unknown and "resource_id" not in target.attributes
    assert "scales" in target.unknown_relations


# -- functions over references -------------------------------------------------------------------------


def test_jsonencode_of_known_values_keeps_their_references() -> None:
    value = evaluate('jsonencode({Resource = "arn:aws:s3:::${var.bucket}/*", Name = var.name})')
    assert isinstance(value, Reference) and value.known and value.targets == ("aws_s3_bucket.b",)
    assert json.loads(value.value) == {"Name": "web", "Resource": "arn:aws:s3:::assets/*"}


@pytest.mark.parametrize("text", ["jsonencode({a = var.sg})", "yamlencode([var.unknown])",
                                  'jsonencode({a = "${var.sg}-x"})'])
def test_encoding_an_unknown_part_is_unknown(text: str) -> None:
    value = evaluate(text)
    assert isinstance(value, Unknown) or (isinstance(value, Reference) and not value.known)


def test_yamlencode_round_trips() -> None:
    import yaml

    value = evaluate('yamlencode({a = [1, "two"], b = {c = true}})')
    assert isinstance(value, str) and yaml.safe_load(value) == {"a": [1, "two"], "b": {"c": True}}


@pytest.mark.parametrize(("text", "expected"), [
    ('concat(["a"], [var.name])', ["a", "web"]),
    ('merge({a = 1}, {b = var.name})', {"a": 1, "b": "web"}),
    ('lookup({web = 3}, var.name, 0)', 3),
    ('element(["x", var.name], 1)', "web"),
    ('format("%s-%d", var.name, 2)', "web-2"),
    ('length(tolist(toset(["a", "a", var.name])))', 2),
    ('coalesce("", var.name)', "web"),
    ('try(var.nope, var.name)', "web"),
])
def test_common_functions_over_known_values(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_collection_functions_keep_references_inside() -> None:
    assert evaluate("concat([var.sg], [var.bucket])") == [NAMES["var"]["sg"], NAMES["var"]["bucket"]]
    assert evaluate("lookup({a = var.sg}, \"a\")") == NAMES["var"]["sg"]


@pytest.mark.parametrize(("text", "expected"), [
    ('format("arn:aws:s3:::%s/*", var.bucket)', "arn:aws:s3:::assets/*"),
    ('join("/", ["service", var.bucket])', "service/assets"),
    ("upper(var.bucket)", "ASSETS"),
])
def test_text_functions_keep_the_references_of_their_arguments(text: str, expected: str) -> None:
    assert evaluate(text) == Reference(("aws_s3_bucket.b",), expected, True, identity=False)


def test_text_functions_over_an_unknown_reference_are_a_relation_with_an_unknown_value() -> None:
    value = evaluate('format("%s/%s", var.bucket, var.sg)')
    assert isinstance(value, Reference) and not value.known
    assert value.targets == ("aws_s3_bucket.b", "aws_security_group.app")
    assert isinstance(evaluate('join("-", [var.sg, var.unknown])'), Unknown)


def test_jsonencode_over_an_unknown_reference_is_a_relation_with_an_unknown_value() -> None:
    value = evaluate('jsonencode({Statement = [{Resource = "${var.sg}/*", Effect = "Allow"}]})')
    assert isinstance(value, Reference) and not value.known and value.targets == ("aws_security_group.app",)
    assert isinstance(evaluate("jsonencode({a = var.sg, b = var.unknown})"), Unknown)


def test_encoding_a_whole_resource_is_never_null(tmp_path: Path) -> None:
    snapshot = load(tmp_path, '''
resource "aws_ecs_cluster" "apps" {
  name = "apps"
}
resource "aws_appautoscaling_target" "t" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = jsonencode(aws_ecs_cluster.apps)
  min_capacity       = 2
  max_capacity       = 6
}
''')
    target = resource(snapshot, "aws_appautoscaling_target.t")
    assert "resource_id" not in target.attributes and "resource_id" in target.unknown


def test_coalesce_skips_a_configured_reference_whose_value_is_empty() -> None:
    NAMES["var"]["empty_ref"] = Reference(("aws_s3_bucket.e",), "", True)
    try:
        assert evaluate("coalesce(var.empty_ref, var.bucket)") == NAMES["var"]["bucket"]
        assert evaluate("coalesce(var.sg, var.bucket)") == NAMES["var"]["sg"]  # known only at apply
    finally:
        del NAMES["var"]["empty_ref"]


def test_template_directives_keep_their_references() -> None:
    value = evaluate('"a%{ if var.name == "web" }-${var.bucket}%{ endif }"')
    assert value == Reference(("aws_s3_bucket.b",), "a-assets", True, identity=False)
    value = evaluate('"%{ for x in [var.bucket, var.sg] }${x},%{ endfor }"')
    assert isinstance(value, Reference) and not value.known
    assert value.targets == ("aws_s3_bucket.b", "aws_security_group.app")
    assert evaluate('"%{ for x in ["a", "b"] }${x}%{ endfor }!"') == "ab!"
