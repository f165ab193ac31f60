"""Generated CloudFormation templates (JSON, long-form YAML, short-form YAML with unknown tags): loading one
gives a snapshot or a one-line ``InputError`` naming the file, never another exception.

``HAGUARD_FUZZ_EXAMPLES`` sets the number of examples per test (the suite runs a few hundred in all;
``benchmarks/cfn_fuzz.py`` runs 10,000).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import InputError
from scanner.iac.cfn_yaml import SHORT_FORMS
from scanner.iac.cloudformation import TemplateLoad, load_template

EXAMPLES = int(os.environ.get("HAGUARD_FUZZ_EXAMPLES", "100"))
NAMES = ["Vpc", "Subnet", "Db", "Table", "Group", "Env", "Zones", "Missing", "AWS::Region", "AWS::NoValue",
         "AWS::AccountId"]
CONDITIONS = ["IsProd", "HasZone", "Nope"]
TYPES = ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::RDS::DBInstance", "AWS::RDS::DBSubnetGroup",
         "AWS::DynamoDB::Table", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::Route",
         "AWS::EC2::RouteTable", "AWS::AutoScaling::AutoScalingGroup", "AWS::S3::Bucket",
         "AWS::ElasticLoadBalancingV2::Listener", "AWS::Serverless::Function", "Custom::Thing", "AWS::Lambda::Function"]
PROPERTIES = ["CidrBlock", "AvailabilityZone", "VpcId", "SubnetIds", "MultiAZ", "Engine", "Tags", "GroupId",
              "IpProtocol", "FromPort", "ToPort", "CidrIp", "RouteTableId", "GatewayId", "DestinationCidrBlock",
              "MinSize", "MaxSize", "BackupRetentionPeriod", "PointInTimeRecoverySpecification", "Key", "Value",
              "DBSubnetGroupName", "SecurityGroupIngress", "Fn::ForEach::Loop", "Fn::Transform"]
FUNCTIONS = [f"Fn::{name}" for name in ("GetAtt", "Sub", "If", "Select", "Join", "FindInMap", "ImportValue", "Split",
                                        "Base64", "Cidr", "GetAZs", "Equals", "And", "Or", "Not", "Transform",
                                        "Length", "ToJsonString", "Contains", "ValueOf", "Foo", "ForEach")]

scalars = st.one_of(st.text(max_size=6), st.integers(-2, 300), st.booleans(), st.none(),
                    st.sampled_from(["10.0.0.0/16", "us-east-1a", "", ",", "${Env}", "${Db.Arn}", "0", "1", "true",
                                     "!Rain::Embed", *NAMES, *CONDITIONS]))


def _functions(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    args = st.lists(children, max_size=4)
    return st.one_of(
        st.builds(lambda name: {"Ref": name}, st.sampled_from(NAMES)),
        st.builds(lambda name, attr: {"Fn::GetAtt": [name, attr]}, st.sampled_from(NAMES),
                  st.sampled_from(["Arn", "CidrBlock", "AvailabilityZone", "SecurityGroups", "X"])),
        st.builds(lambda name: {"Condition": name}, st.sampled_from(CONDITIONS)),
        st.builds(lambda index, items: {"Fn::Select": [index, items]}, children, children),
        st.builds(lambda block, count, bits: {"Fn::Cidr": [block, count, bits]}, children,
                  st.one_of(st.integers(-1, 300), children), st.integers(-1, 140)),
        st.builds(lambda name, arg: {name: arg}, st.sampled_from(FUNCTIONS), st.one_of(children, args)),
    )


values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(PROPERTIES), children, max_size=3),
    _functions(children)), max_leaves=14)

def _mostly(good: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` nine times in ten, else ``other``."""
    return st.integers(0, 9).flatmap(lambda n: good if n else other)


properties = st.dictionaries(st.sampled_from(PROPERTIES), values, max_size=5)
bodies = st.fixed_dictionaries({"Type": st.sampled_from(TYPES)}, optional={
    "Properties": _mostly(properties, values), "Condition": st.sampled_from(CONDITIONS),
    "Metadata": values})
loops = st.builds(lambda name, items, body: ["I", items, {name: body}],
                  st.sampled_from(["R${I}", "R&{I}", "R", "${I}"]),
                  _mostly(st.lists(st.sampled_from(["a", "b", "c-d", "1"]), max_size=3), values), bodies)
resources = st.builds(lambda plain, loop: {**plain, **({"Fn::ForEach::Many": loop} if loop else {})},
                      st.dictionaries(st.sampled_from(["Vpc", "Subnet", "Db", "Table", "Group"]),
                                      _mostly(bodies, values), min_size=1, max_size=6),
                      st.one_of(st.none(), loops))
rules = st.dictionaries(st.sampled_from(["R1", "R2"]), st.fixed_dictionaries(
    {"Assertions": st.lists(st.fixed_dictionaries({"Assert": values}), min_size=1, max_size=2)},
    optional={"RuleCondition": values}), max_size=2)

templates = st.fixed_dictionaries(
    {"Resources": _mostly(resources, values),
     "Conditions": st.fixed_dictionaries({name: values for name in CONDITIONS[:2]})},
    optional={
        "Parameters": st.dictionaries(st.sampled_from(["Env", "Zones"]), st.fixed_dictionaries(
            {"Type": st.sampled_from(["String", "CommaDelimitedList", "Number", "AWS::SSM::Parameter::Value<String>"])},
            optional={"Default": values, "NoEcho": st.booleans()}), max_size=2),
        "Mappings": st.dictionaries(st.sampled_from(["M", "Sizes"]), values, max_size=2),
        "Transform": _mostly(st.one_of(
            st.sampled_from(["AWS::LanguageExtensions", "AWS::LanguageExtensions", "AWS::Serverless-2016-10-31",
                             "Macro"]),
            st.lists(st.sampled_from(["AWS::LanguageExtensions", "Macro"]), max_size=2)), values),
        "Rules": _mostly(rules, values),
        "AWSTemplateFormatVersion": st.just("2010-09-09"),
    })


class _ShortFormDumper(yaml.SafeDumper):
    """Writes ``{"Fn::X": v}`` as ``!X v``, and strings starting with ``!Rain::Embed`` as that tag."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    if len(data) == 1:
        key, value = next(iter(data.items()))
        short = key[4:] if isinstance(key, str) and key.startswith("Fn::") else key
        if short in SHORT_FORMS and isinstance(value, (str, list, dict)):
            node = dumper.represent_data(value)
            node.tag = f"!{short}"
            return node
    return dumper.represent_dict(data)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if data == "!Rain::Embed":
        return yaml.ScalarNode("!Rain::Embed", "file.txt")
    return dumper.represent_str(data)


_ShortFormDumper.add_representer(dict, _represent_dict)
_ShortFormDumper.add_representer(str, _represent_str)


def _check(text: str, suffix: str, **options: Any) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"t{suffix}"
        path.write_text(text)
        try:
            loaded = load_template(path, **options)
        except InputError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc), str(exc)
            return
        assert isinstance(loaded, TemplateLoad)
        assert all(line.startswith(f"{path}") and "\n" not in line for line in loaded.warnings)


_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@_SETTINGS
@given(templates)
def test_json_templates_load_or_fail_in_one_line(template: dict[str, Any]) -> None:
    _check(json.dumps(template), ".json")


@_SETTINGS
@given(templates, st.sampled_from([{}, {"region": "eu-west-1", "parameters": {"Env": "prod", "Zones": "a,b"}}]))
def test_short_form_yaml_templates_load_or_fail_in_one_line(template: dict[str, Any], options: dict[str, Any]) -> None:
    _check(yaml.dump(template, Dumper=_ShortFormDumper, sort_keys=False), ".yaml", **options)


@_SETTINGS
@given(templates)
def test_long_form_yaml_templates_load_or_fail_in_one_line(template: dict[str, Any]) -> None:
    _check(yaml.safe_dump(template, sort_keys=False), ".yaml", region="us-east-1")
