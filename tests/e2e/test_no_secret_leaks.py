"""Acceptance: secrets planted in every place a user can put one never leave haguard.

Planted: secret-named tags (``DB_PASS``, ``ApiKey``, ``Credentials``, ``pwd``, a connection string), value
shapes under ordinary keys (an AKIA key id, a secret access key, a PEM block, a JWT, a URI with a
password, a user-data-like script exporting a password), a CloudFormation ``NoEcho`` parameter used
through ``!Sub`` and ``!Join``, a policy whose message prints the tags, and bad-type errors that
would echo the value. Every report format, the saved snapshot (``scan --save`` of a live scan on
moto) and stderr are searched: none of the planted values may appear.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from scanner.cli import main
from scanner.model import SNAPSHOT_SCHEMA

FORMATS = ("rich", "json", "sarif", "junit", "markdown", "html")

SECRETS: dict[str, str] = {
    "DB_PASS": "plant-dbpass-1a2b",
    "ApiKey": "plant-apikey-3c4d",
    "Credentials": "plant-cred-5e6f",
    "pwd": "plant-pwd-7g8h",
    "connectionString": "Server=db;Uid=app;Password=plant-connpw-9i0j",
}
"""Tag key -> value: secret by their key."""
SHAPES: dict[str, tuple[str, str]] = {
    "Owner": ("postgres://admin:plant-uripw-k1l2@db.example.com/app", "plant-uripw-k1l2"),
    "KeyRef": ("AKIAPLNT0123456789AB", "AKIAPLNT0123456789AB"),
    "Rotation": ("plNTsecretKEY0123456789abcdefghijKLMNOPq", "plNTsecretKEY0123456789abcdefghijKLMNOPq"),
    "Cert": ("-----BEGIN PRIVATE KEY-----\nMIIplantedpemZZ\n-----END PRIVATE KEY-----", "MIIplantedpemZZ"),
    "Session": ("eyJhbGciOiJIUzI1NiJ9.eyJwbGFudGVkIjoiand0In0.plantedjwtsig9", "plantedjwtsig9"),
    "Bootstrap": ("#!/bin/sh\nexport DB_PASSWORD=plant-userdata-m3n4\nrun", "plant-userdata-m3n4"),
}
"""Tag key (ordinary) -> (value, the part of it that is secret): secret by their shape."""
NOECHO = "plant-noecho-Zq9x"
KEPT = {"team": "orders", "KeySchema": "HASH", "kms_key_id": "alias/app"}
"""Ordinary tags the evidence needs: they must survive."""

PLANTED = [*SECRETS.values(), *(part for _, part in SHAPES.values()), NOECHO, "plant-connpw-9i0j"]

TAGS_POLICY = """\
id: shows-tags
title: Database instances carry no tags
severity: high
resource: aws.rds.db_instance
assert: {attr: tags, exists: false}
remediation: Remove the tags.
"""


def _tags() -> dict[str, str]:
    return {**SECRETS, **{key: value for key, (value, _) in SHAPES.items()}, **KEPT}


def _assert_clean(text: str, where: str) -> None:
    leaked = [secret for secret in PLANTED if secret in text]
    assert not leaked, f"{where} leaks {leaked}"


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    directory = tmp_path / "policies" / "hygiene"
    directory.mkdir(parents=True)
    (directory / "shows-tags.yaml").write_text(TAGS_POLICY)
    return directory.parent


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _scan_every_format(source: list[str], policies: Path, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for fmt in FORMATS:
        for verbose in ([], ["--verbose", "--show-passed"]):
            target = tmp_path / f"report-{fmt}{'-v' if verbose else ''}"
            code, out, err = _run([*source, "--policies", str(policies), "--format", fmt, "--output", str(target),
                                   *verbose], capsys)
            assert code == 1, err
            texts[f"{fmt}{verbose}"] = target.read_text(encoding="utf-8") + out + err
        code, out, err = _run([*source, "--policies", str(policies), "--format", fmt, "--verbose"], capsys)
        texts[f"{fmt} stdout"] = out + err
    return texts


def test_snapshot_scan_prints_no_planted_secret(tmp_path: Path, policies: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = tmp_path / "planted.json"
    snapshot.write_text(json.dumps({
        "schema": SNAPSHOT_SCHEMA, "source": {"kind": "aws", "accounts": ["111122223333"], "regions": ["us-east-1"]},
        "resources": [{"uid": "arn:aws:rds:us-east-1:111122223333:db:orders", "type": "aws.rds.db_instance",
                       "name": "orders", "account": "111122223333", "region": "us-east-1",
                       "attributes": {"engine": "postgres", "tags": _tags()}}],
    }))
    texts = _scan_every_format(["scan", "--snapshot", str(snapshot)], policies, tmp_path, capsys)
    for where, text in texts.items():
        _assert_clean(text, where)
    report = json.loads((tmp_path / "report-json-v").read_text())
    shown = next(f for f in report["findings"] if f["policy_id"] == "shows-tags")
    assert shown["status"] == "fail" and "team" in shown["message"]
    tags = shown["evidence"][0]["value"]
    assert {key: tags[key] for key in KEPT} == KEPT  # ordinary identifiers are kept
    assert all(tags[key] == "***" for key in SECRETS)
    assert tags["Owner"] == "postgres://***@db.example.com/app"


def test_template_noecho_parameter_is_never_printed(tmp_path: Path, policies: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(f"""\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DbPassword: {{Type: String, NoEcho: true, Default: {NOECHO}}}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUserPassword: !Ref DbPassword
      Tags:
        - {{Key: Connection, Value: !Sub "postgres://app:${{DbPassword}}@db/app"}}
        - {{Key: Label, Value: !Sub "label-${{DbPassword}}-end"}}
        - {{Key: Joined, Value: !Join ["/", [a, !Ref DbPassword]]}}
        - {{Key: team, Value: orders}}
""")
    texts = _scan_every_format(["iac", str(template)], policies, tmp_path, capsys)
    for where, text in texts.items():
        _assert_clean(text, where)
    # A NoEcho value is not read (unknown), so tags built from it carry no text of it at all.
    assert '"team": "orders"' in texts["json stdout"]


@pytest.mark.parametrize("property_text", [
    "MultiAZ: !Ref DbPassword",                                      # a boolean expected
    "BackupRetentionPeriod: !Ref DbPassword",                        # an integer expected
    "AvailabilityZone: !Select [!Ref DbPassword, [a, b]]",           # an index expected
    "DBInstanceClass: !FindInMap [Sizes, !Ref DbPassword, Class]",   # a missing map key
])
def test_bad_type_errors_do_not_echo_a_noecho_value(property_text: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text(f"""\
Parameters:
  DbPassword: {{Type: String, NoEcho: true, Default: {NOECHO}}}
Mappings:
  Sizes: {{small: {{Class: db.t3.micro}}}}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      {property_text}
""")
    code, out, err = _run(["iac", str(template), "--format", "json"], capsys)
    _assert_clean(out + err, "stderr")
    assert code in (1, 2)
    if code == 2:
        assert err.count("\n") == 1 and str(template) in err


def test_snapshot_type_error_does_not_echo_the_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = tmp_path / "bad.json"
    snapshot.write_text(json.dumps({
        "schema": SNAPSHOT_SCHEMA, "source": {"kind": "aws"},
        "resources": [{"uid": "db", "type": "aws.rds.db_instance",
                       "attributes": {"multi_az": SECRETS["DB_PASS"], "tags": {"pwd": 7}}}]}))
    code, out, err = _run(["scan", "--snapshot", str(snapshot)], capsys)
    assert code == 2 and str(snapshot) in err
    _assert_clean(out + err, "stderr")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    empty = tmp_path / "aws-empty"
    empty.write_text("")
    for name, value in (("AWS_CONFIG_FILE", str(empty)), ("AWS_SHARED_CREDENTIALS_FILE", str(empty)),
                        ("AWS_EC2_METADATA_DISABLED", "true"), ("AWS_ACCESS_KEY_ID", "testing"),
                        ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def test_live_scan_saved_snapshot_and_reports_are_clean(aws: None, tmp_path: Path, policies: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    rds = boto3.client("rds", region_name="us-east-1")
    rds.create_db_instance(DBInstanceIdentifier="orders", Engine="postgres", DBInstanceClass="db.t3.micro",
                           MasterUsername="app", MasterUserPassword="plant-master-pw1", AllocatedStorage=20,
                           Tags=[{"Key": k, "Value": v} for k, v in _tags().items()])
    saved = tmp_path / "saved.json.gz"
    code, out, err = _run(["scan", "--region", "us-east-1", "--policies", str(policies), "--format", "json",
                           "--verbose", "--save", str(saved)], capsys)
    assert code == 1, err
    stored = gzip.decompress(saved.read_bytes()).decode()
    for text, where in ((stored, "saved snapshot"), (out, "json report"), (err, "stderr")):
        _assert_clean(text, where)
        assert "plant-master-pw1" not in text
    assert '"team": "orders"' in stored
    texts = _scan_every_format(["scan", "--snapshot", str(saved)], policies, tmp_path, capsys)
    for where, text in texts.items():
        _assert_clean(text, f"re-scan {where}")
