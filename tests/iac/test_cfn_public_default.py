"""Omitted ``PubliclyAccessible``: private without an internet gateway, unknown with one (AWS's docs disagree)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.iac.cloudformation import load_cloudformation

TEMPLATE = """\
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24}}
  Group: {Type: AWS::RDS::DBSubnetGroup, Properties: {DBSubnetGroupDescription: d, SubnetIds: [!Ref A, !Ref B]}}
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, DBSubnetGroupName: !Ref Group}
"""
GATEWAY = """\
  Igw: {Type: AWS::EC2::InternetGateway}
  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
"""


@pytest.mark.parametrize(("extra", "expected"), [("", False), (GATEWAY, None)])
def test_omitted_publicly_accessible(tmp_path: Path, extra: str, expected: bool | None) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(TEMPLATE + extra)
    (db,) = [r for r in load_cloudformation(path).resources if r.name == "Db"]
    if expected is None:
        assert "publicly_accessible" not in db.attributes
        assert "set it explicitly" in db.unknown["publicly_accessible"]
    else:
        assert db.attributes["publicly_accessible"] is expected
