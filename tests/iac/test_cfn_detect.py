"""Detection by structure: formatting (one line, BOM, key order, CRLF, flow style, size) cannot hide a
template, and a skipped file is always named on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.iac.cfn_detect import looks_like_cloudformation

VIOLATION = {"Db": {"Type": "AWS::RDS::DBInstance",
                    "Properties": {"Engine": "postgres", "DBInstanceClass": "db.m6g.large", "MultiAZ": False}}}


def _template(padding: int = 0, first: str = "Description") -> dict[str, object]:
    return {first: "x" * padding, "Resources": VIOLATION} if padding else {"Resources": VIOLATION}


TEMPLATES: dict[str, bytes] = {
    "one-line.json": json.dumps(_template()).encode(),
    "bom.json": b"\xef\xbb\xbf" + json.dumps(_template(), indent=2).encode(),
    "bom.yaml": b"\xef\xbb\xbfResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
                b"      Engine: postgres\n      DBInstanceClass: db.m6g.large\n      MultiAZ: false\n",
    "late.json": json.dumps(_template(padding=1_100_000)).encode(),
    "late.yaml": ("Description: " + "y" * 1_100_000 + "\nResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n"
                  "    Properties: {Engine: postgres, DBInstanceClass: db.m6g.large, MultiAZ: false}\n").encode(),
    "flow.yaml": b"{Resources: {Db: {Type: 'AWS::RDS::DBInstance', Properties: {Engine: postgres, "
                 b"DBInstanceClass: db.m6g.large, MultiAZ: false}}}}",
    "crlf.template": b"Resources:\r\n  Db:\r\n    Type: \"AWS::RDS::DBInstance\"\r\n    Properties:\r\n"
                     b"      Engine: postgres\r\n      DBInstanceClass: db.m6g.large\r\n      MultiAZ: false\r\n",
    "indented.json": b"   \n\t" + json.dumps(_template(), separators=(",", ":")).encode(),
    "keys-reordered.yml": b"Outputs: {}\nResources:\n  Db:\n    Properties:\n      Engine: postgres\n"
                          b"      DBInstanceClass: db.m6g.large\n      MultiAZ: false\n"
                          b"    Type: AWS::RDS::DBInstance\n",
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_templates_are_detected_whatever_the_layout(tmp_path: Path, name: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(TEMPLATES[name])
    assert looks_like_cloudformation(path)
    # under the pre-commit hook's flag the violation still fails the run
    assert main(["iac", "--ignore-unrecognised", "--format", "json", str(path)]) == 1
    assert '"rds-instance-multi-az"' in capsys.readouterr().out


@pytest.mark.parametrize(("name", "text"), [
    ("custom.yaml", "Resources:\n  Hook:\n    Type: Custom::Thing\n    Properties: {ServiceToken: arn}\n"),
    ("loop.yaml", "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::X: [I, [a], {'B${I}': {}}]\n"),
    ("version-only.json", '{"AWSTemplateFormatVersion": "2010-09-09"}'),
    ("broken.yaml", "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: [unclosed\n"),
    ("tags.yaml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: !Rain::Embed x.yaml\n"),
])
def test_other_template_shapes_are_detected(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert looks_like_cloudformation(path)


@pytest.mark.parametrize(("name", "text"), [
    ("compose.yaml", "services:\n  web:\n    image: nginx\n"),
    ("k8s.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  Resources: 'Type: AWS::S3::Bucket'\n"),
    ("nested.json", json.dumps({"spec": {"Resources": VIOLATION}})),
    ("types-elsewhere.yaml", "Resources: [AWS::S3::Bucket]\nType: AWS::EC2::VPC\n"),
    ("not-aws.yaml", "Resources:\n  A: {Type: 'Google::Storage::Bucket'}\n"),
    ("list.json", json.dumps([_template()])),
    ("empty.yaml", ""),
    ("notes.txt", "Resources:\n  A: {Type: 'AWS::S3::Bucket'}\n"),
])
def test_non_templates_are_not_detected(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert not looks_like_cloudformation(path)


def test_ignore_unrecognised_names_each_skipped_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "compose.yaml"
    other.write_text("services: {}\n")
    nested = tmp_path / "nested.json"
    nested.write_text(json.dumps({"spec": {"Resources": VIOLATION}}))
    assert main(["iac", "--ignore-unrecognised", str(other), str(nested)]) == 0
    err = capsys.readouterr().err.splitlines()
    skipped = [line for line in err if "skipped" in line]
    assert skipped == [f"{other}: skipped: not a CloudFormation template, Terraform plan JSON or .tf file",
                       f"{nested}: skipped: not a CloudFormation template, Terraform plan JSON or .tf file"]


def test_directory_walk_names_skipped_yaml_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "one-line.json").write_bytes(TEMPLATES["one-line.json"])
    (tmp_path / "ci.yml").write_text("on: push\n")
    (tmp_path / "README.md").write_text("# notes\n")
    assert main(["iac", "--format", "json", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{tmp_path / 'one-line.json'}#Db" in captured.out
    assert captured.err.splitlines() == [f"{tmp_path / 'ci.yml'}: skipped: not a CloudFormation template, "
                                         "Terraform plan JSON or .tf file"]  # README.md is no candidate


def test_one_line_json_findings_point_at_line_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one-line.json"
    path.write_bytes(TEMPLATES["one-line.json"])
    assert main(["iac", "--format", "json", str(path)]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["location"]["line"] for f in findings if f["resource_name"] == "Db"} == {1}
