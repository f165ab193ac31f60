"""Transforms, macros, preprocessor tags, the Rules section and SAM: evaluated as far as they can be,
the rest unknown or listed with a one-line warning, never a refused file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.errors import InputError
from scanner.iac.cloudformation import load_template

DB = ("    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n"
      "      DBInstanceClass: db.m6g.large\n      MultiAZ: false\n")


def _write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _iac(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["iac", str(path), "--format", "json", *extra])
    out, err = capsys.readouterr()
    return code, out, err


# -- preprocessor tags and macros -------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["!Rain::Embed", "!Rain::S3Http", "!Foo", "!include", "!Env::Var"])
def test_unknown_tags_evaluate_as_unknown_with_one_warning(tmp_path: Path, tag: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "Resources:\n  Net:\n    Type: AWS::EC2::VPC\n    Properties:\n"
                            f"      CidrBlock: {tag} cidr.txt\n      Tags: [{{Key: a, Value: {tag} a.txt}}]\n"
                            f"  Db:\n{DB}")
    code, out, err = _iac(path, capsys)
    assert code == 1 and '"rds-instance-multi-az"' in out  # the rest of the template is still evaluated
    warnings = err.strip().splitlines()
    assert warnings == [f"{path}:5: warning: {tag} (2 uses) is no CloudFormation function (a preprocessor's?): "
                        "evaluated with the values it gives unknown"]
    loaded = load_template(path)
    vpc = next(r for r in loaded.snapshot.resources if r.name == "Net")
    assert vpc.unknown["cidr_block"] == f"{tag} (line 5) is not a CloudFormation function: its value is unknown"
    assert "tags.a" in vpc.unknown


def test_rain_module_as_a_type_is_listed_and_references_to_it_are_unknown(tmp_path: Path) -> None:
    path = _write(tmp_path, "Resources:\n  Bucket:\n    Type: !Rain::Module ./bucket.yaml\n"
                            "  Site: !Rain::Embed site.yaml\n"
                            "  Group:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n"
                            "      DBSubnetGroupDescription: d\n      SubnetIds: [!Ref Site, !GetAtt Bucket.Arn,"
                            " !Ref BucketMadeByModule]\n")
    loaded = load_template(path)
    assert [(u.logical_id, u.line, u.reason) for u in loaded.unevaluated] == [
        ("Bucket", 2, "its Type is given by !Rain::Module"), ("Site", 4, "its body is given by !Rain::Embed")]
    (group,) = loaded.snapshot.resources
    assert group.unknown_relations["in_subnet"] == "!Ref Site: its body is given by !Rain::Embed"
    assert len(loaded.warnings) == 2


def test_macro_transform_evaluates_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "AWSTemplateFormatVersion: '2010-09-09'\nTransform: [CorpDefaults]\n"
                            "Resources:\n  Db:\n" + DB + "      DBSubnetGroupName: !Ref GroupTheMacroAdds\n"
                            "      AvailabilityZone: !FindInMap [MacroMap, a, b]\n"
                            "      Tags: [{Key: x, Value: {'Fn::Corp::Upper': abc}}]\n")
    code, out, err = _iac(path, capsys)
    assert code == 1 and '"rds-instance-multi-az"' in out
    lines = err.strip().splitlines()
    assert lines[0] == (f"{path}:2: warning: Transform CorpDefaults: a macro haguard cannot run; the template is "
                        "evaluated as written and the names it adds are unknown")
    assert lines[1] == f"{path}:12: warning: Fn::Corp::Upper: evaluated as unknown"
    db = load_template(path).snapshot.resources[0]
    assert db.unknown_relations["in_subnet_group"].startswith("!Ref GroupTheMacroAdds: not in the template "
                                                              "(made by the CorpDefaults transform?)")
    assert "Fn::FindInMap MacroMap.a.b: not in the template" in db.unknown["availability_zone"]


def test_fn_transform_include_in_resources_and_properties(tmp_path: Path) -> None:
    path = _write(tmp_path, "Resources:\n  Fn::Transform:\n    Name: AWS::Include\n"
                            "    Parameters: {Location: 's3://b/more.yaml'}\n"
                            "  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
                            "      Fn::Transform: {Name: AWS::Include, Parameters: {Location: 's3://b/db.yaml'}}\n"
                            "  Other:\n" + DB.replace("MultiAZ: false", "Tags: [{Key: k, Value: {'Fn::Transform':"
                                                      " {Name: Upper}}}]"))
    loaded = load_template(path)
    assert {u.logical_id: u.reason for u in loaded.unevaluated} == {
        "Fn::Transform": "a macro's input, expanded at deploy time",
        "Db": "its Properties are given by Fn::Transform (a macro)"}
    (other,) = loaded.snapshot.resources
    assert other.unknown["tags.k"] == "Fn::Transform Upper: macro output is known only at deploy time"
    assert any("Fn::Transform Upper: evaluated as unknown" in w for w in loaded.warnings)


def test_undefined_names_without_a_generator_are_still_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"t.yaml:5: Ref to undefined name 'Nope'"):
        load_template(_write(tmp_path, "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
                                       "      DBSubnetGroupName: !Ref Nope\n"))
    with pytest.raises(InputError, match=r"unknown intrinsic function Fn::Upper"):
        load_template(_write(tmp_path, "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
                                       "      Engine: {'Fn::Upper': x}\n"))


# -- Rules -------------------------------------------------------------------------------------------

RULES_YAML = """\
Parameters:
  Env: {Type: String, Default: dev}
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1,subnet-2'}
Rules:
  ProdSubnetsInVpc:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !EachMemberEquals [!ValueOfAll ['AWS::EC2::Subnet::Id', VpcId], !Ref Vpc]
        AssertDescription: all subnets in one VPC
      - Assert: !Contains [[prod, dev], !Ref Env]
      - Assert: !EachMemberIn [!ValueOfAll ['AWS::EC2::Subnet::Id', VpcId], !RefAll 'AWS::EC2::VPC::Id']
      - Assert: !Not [!Equals [!ValueOf [Subnets, VpcId], '']]
Resources:
  Db:
"""


def test_rules_section_parses_with_its_functions_and_is_not_evaluated(tmp_path: Path) -> None:
    loaded = load_template(_write(tmp_path, RULES_YAML + DB))
    assert [r.name for r in loaded.snapshot.resources] == ["Db"] and loaded.warnings == []


def test_rules_section_in_json_long_forms(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"Rules": {"R": {"Assertions": [{"Assert": {"Fn::Contains": [["a"], {"Ref": "P"}]}},'
                            ' {"Assert": {"Fn::EachMemberIn": [{"Fn::ValueOfAll": ["T", "Tag"]}, ["x"]]}}]}},'
                            ' "Parameters": {"P": {"Type": "String"}}, "Resources": {"B": {"Type":'
                            ' "AWS::S3::Bucket"}}}', "t.json")
    assert [r.name for r in load_template(path).snapshot.resources] == ["B"]


@pytest.mark.parametrize(("rules", "line", "message"), [
    ("Rules: [a]\n", 1, "Rules must be a mapping"),
    ("Rules:\n  R:\n    Assert: x\n", 3, "rule R: unknown key 'Assert'"),
    ("Rules:\n  R:\n    RuleCondition: !Equals [a, a]\n", 2, "rule R: Assertions must be a list"),
    ("Rules:\n  R:\n    Assertions:\n      - {AssertDescription: d}\n", 4, "each assertion needs an Assert"),
])
def test_malformed_rules_are_one_line_errors(tmp_path: Path, rules: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_template(_write(tmp_path, rules + "Resources:\n  B: {Type: 'AWS::S3::Bucket'}\n"))
    assert info.value.line == line and message in str(info.value)


def test_rule_functions_outside_rules_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r":4: Fn::Contains is a Rules function"):
        load_template(_write(tmp_path, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
                                       "    Properties: {BucketName: !Contains [[a], a]}\n"))


# -- AWS::LanguageExtensions -------------------------------------------------------------------------

LOOPS = """\
Transform: AWS::LanguageExtensions
Parameters:
  Zones: {Type: CommaDelimitedList, Default: 'eu-west-1a,eu-west-1b'}
  Tiers: {Type: CommaDelimitedList}
Mappings:
  Engines:
    Kinds: {List: [postgres, mysql]}
Conditions:
  Fn::ForEach::Flags:
    - Kind
    - [a, b]
    - Is${Kind}: !Equals [!Ref 'AWS::Region', !Ref Kind]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Fn::ForEach::Subnets:
    - Zone
    - !Ref Zones
    - Subnet&{Zone}:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref Vpc
          AvailabilityZone: !Ref Zone
          CidrBlock: !Sub '10.0.${Zone}.0/24'
          Tags:
            - {Key: count, Value: !Length {Ref: Zones}}
            - {Key: json, Value: !ToJsonString {zone: !Ref Zone}}
  Fn::ForEach::Databases:
    - Engine
    - !FindInMap [Engines, Kinds, List]
    - Fn::ForEach::Sizes:
        - Size
        - [Small, Large]
        - ${Engine}${Size}:
            Type: AWS::RDS::DBInstance
            Properties:
              Engine: !Ref Engine
              DBInstanceClass: db.m6g.large
              MultiAZ: false
              Fn::ForEach::Flags:
                - Flag
                - [StorageEncrypted, DeletionProtection]
                - ${Flag}: true
  Fn::ForEach::Unknown:
    - Tier
    - !Ref Tiers
    - ${Tier}Db: {Type: 'AWS::RDS::DBInstance'}
  Group:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: d
      SubnetIds: [!Ref Subneteuwest1a, !Ref Subneteuwest1b, !Ref AppDb]
"""


def test_for_each_expands_resources_with_the_loop_identifiers(tmp_path: Path) -> None:
    loaded = load_template(_write(tmp_path, LOOPS))
    resources = {r.name: r for r in loaded.snapshot.resources}
    assert set(resources) == {"Vpc", "Subneteuwest1a", "Subneteuwest1b", "Group", "postgresSmall", "postgresLarge",
                              "mysqlSmall", "mysqlLarge"}
    subnet = resources["Subneteuwest1b"]
    assert subnet.attributes["availability_zone"] == "eu-west-1b"
    assert subnet.attributes["cidr_block"] == "10.0.eu-west-1b.0/24"
    assert subnet.attributes["tags"] == {"count": "2", "json": '{"zone":"eu-west-1b"}'}
    assert subnet.location is not None and subnet.location.line == 17  # the loop's line
    db = resources["mysqlLarge"]
    assert db.attributes["engine"] == "mysql"
    assert db.attributes["storage_encrypted"] is True and db.attributes["deletion_protection"] is True
    group = resources["Group"]
    assert group.unknown_relations["in_subnet"].startswith("!Ref AppDb: not in the template (made by "
                                                           "Fn::ForEach::Unknown, not expanded?)")
    assert [(u.logical_id, u.reason) for u in loaded.unevaluated] == [
        ("Fn::ForEach::Unknown", "the resources it makes are unknown: unresolved !Ref Tiers (parameter without "
                                 "default)")]
    assert loaded.warnings == [f"{tmp_path / 't.yaml'}:45: warning: Fn::ForEach::Unknown in Resources is not "
                               "expanded: unresolved !Ref Tiers (parameter without default)"]


def test_for_each_with_a_known_collection_from_parameters(tmp_path: Path) -> None:
    loaded = load_template(_write(tmp_path, LOOPS), parameters={"Tiers": "App,Web"})
    names = {r.name for r in loaded.snapshot.resources}
    assert {"AppDb", "WebDb"} <= names and loaded.unevaluated == []
    group = next(r for r in loaded.snapshot.resources if r.name == "Group")
    # the loop resolved; what it names (a DB instance as a subnet) is no subnet, so the subnets are not known
    assert group.unknown_relations["in_subnet"].startswith("refers to AppDb, a AWS::RDS::DBInstance, which cannot")


def test_for_each_in_conditions(tmp_path: Path) -> None:
    text = LOOPS.replace("  Vpc:\n    Type: AWS::EC2::VPC\n", "  Vpc:\n    Type: AWS::EC2::VPC\n    Condition: Isa\n")
    vpc = next(r for r in load_template(_write(tmp_path, text), region="a").snapshot.resources if r.name == "Vpc")
    assert vpc.presumed is None
    assert "Vpc" not in {r.name for r in load_template(_write(tmp_path, text), region="b").snapshot.resources}


def test_unexpanded_loop_in_properties_lists_the_resource(tmp_path: Path) -> None:
    loaded = load_template(_write(tmp_path, "Transform: AWS::LanguageExtensions\nParameters:\n"
                                            "  Flags: {Type: CommaDelimitedList}\nResources:\n  Db:\n"
                                            + DB + "      Fn::ForEach::F:\n        - F\n        - !Ref Flags\n"
                                            "        - ${F}: true\n"))
    assert loaded.snapshot.resources == []
    assert [(u.logical_id, u.type) for u in loaded.unevaluated] == [("Db", "AWS::RDS::DBInstance")]
    assert "Fn::ForEach::F in the properties of Db is not expanded" in loaded.warnings[0]


@pytest.mark.parametrize(("text", "message"), [
    ("Resources:\n  Fn::ForEach::X:\n    - I\n    - [a]\n    - B${I}: {Type: 'AWS::S3::Bucket'}\n",
     ":2: Fn::ForEach needs 'Transform: AWS::LanguageExtensions'"),
    ("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::X:\n    - I\n    - [a, b]\n"
     "    - Bucket: {Type: 'AWS::S3::Bucket'}\n", ":3: Fn::ForEach::X makes the key 'Bucket' twice"),
    ("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::X: [I, [a]]\n",
     ":3: Fn::ForEach::X takes [identifier, collection, {OutputKey: OutputValue}]"),
    ("Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::X:\n    - I\n    - [[a]]\n"
     "    - B${I}: {Type: 'AWS::S3::Bucket'}\n", ":3: Fn::ForEach::X: collection items must be strings"),
    ("Transform: AWS::LanguageExtensions\nResources:\n  A: {Type: 'AWS::S3::Bucket'}\n  Fn::ForEach::X:\n"
     "    - I\n    - [A]\n    - ${I}: {Type: 'AWS::S3::Bucket'}\n", ":4: Fn::ForEach::X makes the key 'A' twice"),
])
def test_malformed_loops_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_template(_write(tmp_path, text))
    assert message in str(info.value)


def test_nested_loops_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = "[" + ", ".join(f"v{i}" for i in range(60)) + "]"
    loops = "".join(f"{'  ' * (2 * d + 1)}Fn::ForEach::L{d}:\n{'  ' * (2 * d + 2)}- I{d}\n"
                    f"{'  ' * (2 * d + 2)}- {items}\n{'  ' * (2 * d + 2)}-\n" for d in range(5))
    body = "  " * 11 + "R${I0}${I1}${I2}${I3}${I4}: {Type: 'AWS::S3::Bucket'}\n"
    path = _write(tmp_path, "Transform: AWS::LanguageExtensions\nResources:\n" + loops + body)
    monkeypatch.setenv("HAGUARD_MAX_FOREACH_NODES", "20000")  # the default bound takes seconds to reach
    with pytest.raises(InputError) as info:  # 60^5 copies would never end
        load_template(path)
    assert str(info.value) == (f"{path}:19: Fn::ForEach::L4 keeps expanding: more than the limit of 20,000 "
                               "nodes made by Fn::ForEach (set HAGUARD_MAX_FOREACH_NODES to raise it)")


def test_loops_stop_at_the_resource_limit(tmp_path: Path) -> None:
    items = "[" + ", ".join(f"v{i}" for i in range(80)) + "]"
    path = _write(tmp_path, "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - I\n"
                            f"    - {items}\n    - Fn::ForEach::B:\n        - J\n        - {items}\n"
                            "        - R${I}${J}: {Type: 'AWS::S3::Bucket'}\n")
    with pytest.raises(InputError) as info:  # 6,400 resources: past 10x AWS's 500
        load_template(path)
    assert str(info.value).startswith(f"{path}:6: Fn::ForEach::B makes the template more than 5,000 resources")
    assert "HAGUARD_MAX_TEMPLATE_RESOURCES" in str(info.value)


# -- SAM -------------------------------------------------------------------------------------------

def test_sam_resources_are_listed_not_dropped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function: {Timeout: 3}\n"
                            "Resources:\n  Api:\n    Type: AWS::Serverless::Function\n"
                            "    Properties: {Handler: a.b, Runtime: python3.12, Role: !GetAtt ApiRole.Arn}\n"
                            "  Orders:\n    Type: AWS::Serverless::SimpleTable\n  Db:\n" + DB)
    code, out, _ = _iac(path, capsys)
    assert code == 1 and '"rds-instance-multi-az"' in out
    reason = "a SAM resource: haguard does not expand the AWS::Serverless-2016-10-31 transform"
    assert [(u["source_type"], u["location"]["line"], u["reason"]) for u in json.loads(out)["unevaluated"]] == [
        ("AWS::Serverless::Function", 5, reason), ("AWS::Serverless::SimpleTable", 8, reason)]
    assert [u.logical_id for u in load_template(path).unevaluated] == ["Api", "Orders"]


def test_warning_lines_are_one_line_each_and_name_file_and_line(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "Transform: [AWS::LanguageExtensions, Macro1, Macro2]\nResources:\n"
                            "  A: {Type: 'AWS::S3::Bucket', Properties: {BucketName: !Rain::Embed n.txt}}\n")
    code, _, err = _iac(path, capsys)
    assert code != 2  # evaluated with a warning per construct, not refused
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert all(re.match(rf"{re.escape(str(path))}:\d+: warning: ", line) for line in lines), lines
