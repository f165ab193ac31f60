"""Intrinsic functions over values known only at deployment give unknown values with a reason, never an error.

Each case puts one function over an unknown or list value into a property haguard maps, and checks
that the template loads and the attribute is unknown with a reason naming the cause. Values AWS
itself rejects (an index past a known list, a missing map key with everything known) stay errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.iac.cloudformation import load_cloudformation

HEAD = """\
Parameters:
  Names: {Type: CommaDelimitedList}
  Zone: {Type: String}
  Home: {Type: String, Default: eu-west-3}
Mappings:
  Sizes:
    prod: {class: db.r6g.large}
Resources:
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Subnets: [subnet-1, subnet-2]}
  Net:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
"""


def _subnet_zone(tmp_path: Path, expression: str) -> tuple[str | None, str | None]:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + f"  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Net\n"
                    f"      CidrBlock: 10.0.1.0/24\n      AvailabilityZone: {expression}\n")
    (subnet,) = [r for r in load_cloudformation(path).resources if r.name == "A"]
    return subnet.attributes.get("availability_zone"), subnet.unknown.get("availability_zone")


@pytest.mark.parametrize(("expression", "reason"), [
    ("!Select [0, !GetAtt Lb.SecurityGroups]", "Fn::Select: !GetAtt Lb.SecurityGroups is known only after deployment"),
    ("!Select ['1', !GetAtt Lb.SecurityGroups]", "Fn::Select: !GetAtt Lb.SecurityGroups"),
    ('!Select ["0", !Split [",", !GetAtt Lb.DNSName]]', "Fn::Split: !GetAtt Lb.DNSName"),
    ("!Select [0, !Ref Names]", "unresolved !Ref Names (parameter without default)"),
    ("!Select [!Ref Zone, [a, b]]", "unresolved !Ref Zone"),
    ("!Join ['', !GetAtt Lb.SecurityGroups]", "Fn::Join: !GetAtt Lb.SecurityGroups"),
    ("!Join ['-', [x, !GetAtt Lb.DNSName]]", "Fn::Join: !GetAtt Lb.DNSName is known only after deployment"),
    ("!Join [!Ref Zone, [a, b]]", "unresolved !Ref Zone"),
    ("!Sub ['${Groups}', {Groups: !GetAtt Lb.SecurityGroups}]", "!Sub ${Groups}"),
    ("!Sub '${Lb.DNSName}-a'", "!Sub ${Lb.DNSName}: !GetAtt Lb.DNSName is known only after deployment"),
    ("!FindInMap [Sizes, !Ref Zone, class]", "unresolved !Ref Zone"),
    ("!FindInMap [Sizes, !GetAtt Lb.DNSName, class]", "Fn::FindInMap key: !GetAtt Lb.DNSName"),
    ("!FindInMap [Sizes, !Ref Names, class]", "unresolved !Ref Names"),
    ("!Select [0, !GetAZs {Ref: Lb}]", "Fn::GetAZs: !Ref Lb"),
    ("!Select [30, !GetAZs us-east-1]", "Fn::Select index 30 of the zones of us-east-1"),
    ("!Select [0, !Cidr [!GetAtt Net.CidrBlockAssociations, 2, 8]]", "Fn::Cidr: !GetAtt Net.CidrBlockAssociations"),
    ("!Base64 {Ref: Lb}", "Fn::Base64: !Ref Lb"),
    ("!Select [0, !Select [0, [!GetAtt Lb.SecurityGroups]]]", "Fn::Select: !GetAtt Lb.SecurityGroups"),
])
def test_functions_over_unknown_or_list_values_are_unknown(tmp_path: Path, expression: str, reason: str) -> None:
    value, unknown = _subnet_zone(tmp_path, expression)
    assert value is None
    assert unknown is not None and reason in unknown, unknown


@pytest.mark.parametrize(("expression", "zone"), [
    ("!Select ['1', !GetAZs {Ref: Home}]", "eu-west-3b"),  # GetAZs of a Ref to a parameter, string index
    ("!Select [' 2 ', !GetAZs {Ref: 'AWS::Region'}]", "{region}#az3"),  # the deploy Region: symbolic
    ("!Select [1, !Split [',', 'us-east-1a,us-east-1b']]", "us-east-1b"),
    ("!Select [0, !Ref Names]", None),
    ("!FindInMap [Sizes, prod, class]", "db.r6g.large"),
])
def test_known_values_still_resolve(tmp_path: Path, expression: str, zone: str | None) -> None:
    value, unknown = _subnet_zone(tmp_path, expression)
    assert value == zone
    assert (unknown is None) == (zone is not None)


@pytest.mark.parametrize(("expression", "message"), [
    ("!Select [5, [a, b]]", "Fn::Select index 5 is out of range"),
    ("!Select [-1, !GetAZs '']", "Fn::Select index -1 is out of range"),
    ("!Select [first, [a]]", "Fn::Select index must be a number"),
    ("!FindInMap [Sizes, dev, class]", "Fn::FindInMap: no key 'dev'"),
    ("!Select [0, !Cidr [10.0.0.0/16, 1000000000, 8]]", "Fn::Cidr count 1000000000 is outside 1 to 256"),
    ("!Select [0, !Cidr [10.0.0.0/16, 0, 8]]", "Fn::Cidr count 0 is outside 1 to 256"),
    ("!Select [0, !Cidr [10.0.0.0/24, 256, 4]]", "Fn::Cidr"),
])
def test_values_aws_rejects_stay_one_line_errors(tmp_path: Path, expression: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        _subnet_zone(tmp_path, expression)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{tmp_path / 't.yaml'}:")


def test_cidr_at_aws_maximum_count_is_evaluated(tmp_path: Path) -> None:
    value, _ = _subnet_zone(tmp_path, "!Select [255, !Cidr [10.0.0.0/8, 256, 16]]")
    assert value == "10.255.0.0/16"


def test_json_template_with_list_values(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"Resources": {"Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {}},'
                    ' "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBInstanceClass": "db.m5.large",'
                    ' "Engine": "mysql", "EngineVersion": {"Fn::Select": ["0", {"Fn::GetAtt": ["Lb",'
                    ' "SecurityGroups"]}]}, "AvailabilityZone": {"Fn::Select": [1, {"Fn::Split": [",",'
                    ' {"Fn::GetAtt": ["Lb", "CanonicalHostedZoneID"]}]}]}}}}}')
    (db,) = [r for r in load_cloudformation(path).resources if r.name == "Db"]
    assert "!GetAtt Lb.SecurityGroups" in db.unknown["engine_version"]
    assert "!GetAtt Lb.CanonicalHostedZoneID" in db.unknown["availability_zone"]


def test_no_echo_parameter_values_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Parameters:\n  Secret: {Type: String, NoEcho: true, Default: hunter2-s3cret}\n"
                    "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                    "      Tags: [{Key: k, Value: !Sub 'x-${Secret}'}]\n")
    (bucket,) = load_cloudformation(path, parameters={"Secret": "given-s3cret"}).resources
    assert "s3cret" not in bucket.model_dump_json()
    assert bucket.unknown["tags.k"] == "!Ref Secret: a NoEcho parameter, whose value haguard does not read"
