"""A resource whose Condition is unknown is evaluated as if created, and every report format says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.iac.cloudformation import load_template

TEMPLATE = """\
Parameters:
  Stage: {Type: String}
Conditions:
  IsLive: !Equals [!Ref Stage, live]
Resources:
  Ledger:
    Type: AWS::RDS::DBInstance
    Condition: IsLive
    Properties:
      Engine: postgres
      DBInstanceClass: db.m6g.large
      MultiAZ: false
  Plain:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.m6g.large
      MultiAZ: false
"""
PRESUMED = "evaluated as if created: condition IsLive unknown: unresolved !Ref Stage (parameter without default)"


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.yaml"
    path.write_text(TEMPLATE)
    return path


def test_unknown_condition_is_evaluated_as_if_created(template: Path) -> None:
    loaded = load_template(template)
    resources = {r.name: r for r in loaded.snapshot.resources}
    assert resources["Ledger"].presumed == PRESUMED
    assert resources["Ledger"].attributes["multi_az"] is False  # evaluated, not dropped nor unknown
    assert resources["Plain"].presumed is None
    assert loaded.presumed == {f"{template}#Ledger": PRESUMED}


def test_known_conditions_presume_nothing(template: Path) -> None:
    live = {r.name: r for r in load_template(template, parameters={"Stage": "live"}).snapshot.resources}
    assert live["Ledger"].presumed is None
    assert "Ledger" not in {r.name for r in load_template(template, parameters={"Stage": "dev"}).snapshot.resources}


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "html", "rich"])
def test_every_format_shows_the_presumption(template: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["iac", str(template), "--only", "rds-instance-multi-az", "--format", fmt, "-o", str(out)]) == 1
    text = out.read_text()
    if fmt == "json":
        findings = {f["resource_name"]: f for f in json.loads(text)["findings"]}
        assert findings["Ledger"]["status"] == "fail" and findings["Ledger"]["presumed"] == PRESUMED
        assert findings["Plain"]["presumed"] is None
    else:
        assert text.count("condition IsLive unknown") == 1, text  # the Ledger finding only
        assert "unresolved !Ref Stage" in text


def test_a_fold_in_under_an_unknown_condition_presumes_its_target(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("Parameters:\n  Public: {Type: String}\nConditions:\n  Open: !Equals [!Ref Public, 'yes']\n"
                    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
                    "  Group:\n    Type: AWS::EC2::SecurityGroup\n"
                    "    Properties: {GroupDescription: g, VpcId: !Ref Vpc}\n"
                    "  Ssh:\n    Type: AWS::EC2::SecurityGroupIngress\n    Condition: Open\n"
                    "    Properties: {GroupId: !Ref Group, IpProtocol: tcp, FromPort: 22, ToPort: 22,"
                    " CidrIp: 0.0.0.0/0}\n")
    resources = {r.name: r for r in load_template(path).snapshot.resources}
    group = resources["Group"]
    assert [rule["from_port"] for rule in group.attributes["ingress"]] == [22]  # as if Ssh is created
    assert group.presumed == ("evaluated as if Ssh is created: condition Open unknown: unresolved !Ref Public "
                              "(parameter without default)")
    assert resources["Vpc"].presumed is None
