"""CloudFormation loader errors: one ``FILE:LINE: message`` line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.iac.cloudformation import load_cloudformation

ERRORS = Path(__file__).parent / "data" / "cfn" / "errors"


@pytest.fixture(autouse=True)
def _in_errors_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ERRORS)


@pytest.mark.parametrize(("name", "expected"), [
    ("syntax.yaml", "syntax.yaml:6: YAML syntax error: did not find expected ',' or ']'"),
    ("no_resources.yaml", "no_resources.yaml:1: template has no Resources mapping"),
    ("unknown_function.yaml", "unknown_function.yaml:6: unknown intrinsic function Fn::Foo"),
    ("undefined_ref.yaml", "undefined_ref.yaml:6: Ref to undefined name 'MissingVpc'"),
    ("bad_type.yaml", "bad_type.yaml:6: AWS::RDS::DBInstance Db: MultiAZ: expected a boolean, got [1]"),
    ("missing_reason.yaml", "missing_reason.yaml:7: Metadata.haguard.skip rds-instance-multi-az: a reason is required"),
    ("bad.json", "bad.json:5: invalid JSON: Expecting property name enclosed in double quotes (column 49)"),
])
def test_error_names_file_and_line(name: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        load_cloudformation(name)
    assert str(info.value) == expected
    assert "\n" not in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(InputError, match=r"^nope\.yaml: cannot read template"):
        load_cloudformation("nope.yaml")


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    load_cloudformation(path)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("Resources:\n  A:\n    Properties: {}\n", 2, "resource A has no Type"),
    ("Resources:\n  A: [1]\n", 2, "resource A must be a mapping"),
    ("Resources:\n  A:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::S3::Bucket\n", 4, "duplicate key 'A'"),
    ("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Condition: Nope\n", 4, "undefined condition 'Nope'"),
    ("Conditions:\n  X: !Condition Y\n  Y: !Condition X\nResources:\n  A:\n    Type: AWS::S3::Bucket\n"
     "    Condition: X\n", 3, "circular condition"),
    ("Resources:\n  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: !Sub '${Nope}'\n", 5,
     "Ref to undefined name 'Nope'"),
    ("Resources:\n  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      AvailabilityZone: !Select [9, [a]]\n", 5,
     "Fn::Select index 9 is out of range"),
    ("Mappings:\n  M: {k: {v: 1}}\nResources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n"
     "      CidrBlock: !FindInMap [M, k, w]\n", 7, "Fn::FindInMap: no key 'w'"),
    ("Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !GetAtt Nope.Arn\n", 5,
     "Fn::GetAtt of undefined resource 'Nope'"),
    ("Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MinSize: 1\n"
     "      MaxSize: lots\n", 6, "MaxSize: expected an integer, got 'lots'"),
    ("Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n"
     "        - {FromPort: 22, ToPort: 22}\n", 5, "SecurityGroupIngress: IpProtocol is required"),
    ("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Metadata:\n      haguard:\n        skip: nope\n", 6,
     "Metadata.haguard.skip must be a list"),
    ("- just\n- a list\n", 1, "a CloudFormation template must be a mapping"),
])
def test_more_input_errors(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        _load(tmp_path, text)
    assert info.value.line == line
    assert str(info.value).startswith(f"{tmp_path / 't.yaml'}:{line}: ")
    assert message in str(info.value)
