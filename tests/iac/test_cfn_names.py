"""``Ref``/``GetAtt`` of a resource the template names resolve to that name (``scanner.iac.cfn_names``): values
built from them read as AWS reports them, and the references stay relations."""

from __future__ import annotations

import pytest

from scanner.iac.cfn_intrinsics import Resolver
from scanner.iac.cfn_names import NAMED_RESOURCES, name_rule
from scanner.iac.cfn_values import RefText, ResourceRef, Unknown
from scanner.iac.cfn_yaml import LDict
from scanner.iac.cloudformation import load_cloudformation
from scanner.model import Resource, Snapshot

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: Prod}
  Secret: {Type: String, NoEcho: true, Default: hidden}
Resources:
  Apps:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: apps}
  Api:
    Type: AWS::ECS::Service
    Properties: {ServiceName: !Sub "api-${Env}", Cluster: !Ref Apps, DesiredCount: 2}
  Anonymous:
    Type: AWS::ECS::Service
    Properties: {Cluster: !Ref Apps, DesiredCount: 2}
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: !Sub service/${Apps}/${Api.Name}
      MinCapacity: 2
      MaxCapacity: 4
  JoinedTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: !Join ["/", [service, !Ref Apps, !GetAtt Anonymous.Name]]
      MinCapacity: 2
      MaxCapacity: 4
  Orders:
    Type: AWS::RDS::DBInstance
    Properties: {DBInstanceIdentifier: Orders-DB, Engine: postgres, DBInstanceClass: db.t3.micro}
  Unnamed:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro}
  Hidden:
    Type: AWS::RDS::DBInstance
    Properties: {DBInstanceIdentifier: !Ref Secret, Engine: postgres, DBInstanceClass: db.t3.micro}
  OrdersCpu:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: CPUUtilization
      Namespace: AWS/RDS
      ComparisonOperator: GreaterThanThreshold
      Threshold: 80
      EvaluationPeriods: 1
      Period: 60
      Statistic: Average
      Dimensions: [{Name: DBInstanceIdentifier, Value: !Ref Orders}]
  UnnamedCpu:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: CPUUtilization
      Namespace: AWS/RDS
      ComparisonOperator: GreaterThanThreshold
      Threshold: 80
      EvaluationPeriods: 1
      Period: 60
      Statistic: Average
      Dimensions: [{Name: DBInstanceIdentifier, Value: !Ref Unnamed}]
  HiddenCpu:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: CPUUtilization
      Namespace: AWS/RDS
      ComparisonOperator: GreaterThanThreshold
      Threshold: 80
      EvaluationPeriods: 1
      Period: 60
      Statistic: Average
      Dimensions: [{Name: DBInstanceIdentifier, Value: !Ref Hidden}]
"""


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    path = tmp_path_factory.mktemp("names") / "t.yaml"
    path.write_text(TEMPLATE)
    return load_cloudformation(path)


def named(snapshot: Snapshot, name: str) -> Resource:
    return next(r for r in snapshot.resources if r.name == name)


def related(snapshot: Snapshot, src: str, kind: str) -> set[str]:
    uid = named(snapshot, src).uid
    return {r.dst.rsplit("#", 1)[1] for r in snapshot.relations if r.src == uid and r.kind == kind}


def test_sub_of_named_resources_is_the_name_and_keeps_the_relation(snapshot: Snapshot) -> None:
    target = named(snapshot, "Target")
    assert target.attributes["resource_id"] == "service/apps/api-Prod"
    assert related(snapshot, "Target", "scales") == {"Api"}


def test_getatt_of_an_unnamed_resource_stays_unknown(snapshot: Snapshot) -> None:
    target = named(snapshot, "JoinedTarget")
    assert "resource_id" not in target.attributes
    assert "known only after deployment" in target.unknown["resource_id"]
    assert related(snapshot, "JoinedTarget", "scales") == {"Anonymous"}


def test_ref_of_a_named_instance_is_its_identifier_as_aws_stores_it(snapshot: Snapshot) -> None:
    assert named(snapshot, "OrdersCpu").attributes["dimensions"] == {"DBInstanceIdentifier": "orders-db"}
    assert related(snapshot, "OrdersCpu", "alarms_on") == {"Orders"}


def test_ref_of_an_unnamed_or_secretly_named_instance_is_unknown(snapshot: Snapshot) -> None:
    for alarm, target in (("UnnamedCpu", "Unnamed"), ("HiddenCpu", "Hidden")):
        resource = named(snapshot, alarm)
        assert "dimensions" in resource.unknown and "dimensions" not in resource.attributes
        assert related(snapshot, alarm, "alarms_on") == {target}
    assert "hidden" not in str(named(snapshot, "HiddenCpu").model_dump())


def _resolver(resources: dict[str, object]) -> Resolver:
    return Resolver(LDict({"Resources": LDict(resources)}), "t.yaml", None, None)


def test_ref_returns_the_name_only_where_aws_documents_it() -> None:
    resolver = _resolver({
        "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "assets"}},
        "S": {"Type": "AWS::ECS::Service", "Properties": {"ServiceName": "api"}},
        "T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}},
        "Self": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "Self"}}},
    })
    assert resolver.resolve({"Ref": "B"}) == ResourceRef("B", None, "assets")
    assert resolver.resolve({"Ref": "S"}) == ResourceRef("S")  # a service's Ref is its ARN
    assert resolver.resolve({"Fn::GetAtt": ["S", "Name"]}) == ResourceRef("S", "Name", "api")
    assert resolver.resolve({"Fn::GetAtt": ["B", "Arn"]}) == ResourceRef("B", "Arn")
    assert resolver.resolve({"Fn::GetAtt": ["T", "TopicName"]}) == ResourceRef("T", "TopicName", "alerts")
    assert resolver.resolve({"Ref": "Self"}).value is None  # circular: never a guess
    text = resolver.resolve({"Fn::Sub": "arn:aws:s3:::${B}/*"})
    assert isinstance(text, RefText) and text == "arn:aws:s3:::assets/*" and text.logical_ids == ("B",)
    assert isinstance(resolver.resolve({"Fn::Sub": "${S}"}), Unknown)


def test_every_rule_names_a_known_attribute_or_ref() -> None:
    for cfn_type, rule in NAMED_RESOURCES.items():
        assert rule.ref or rule.attributes, cfn_type
        assert name_rule(cfn_type, None) is (rule if rule.ref else None)
        assert name_rule(cfn_type, "NotAnAttribute") is None


def test_join_of_names_names_every_resource() -> None:
    resolver = _resolver({
        "B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs"}},
        "C": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": "apps"}},
    })
    text = resolver.resolve({"Fn::Join": ["-", [{"Ref": "B"}, "x", {"Ref": "C"}]]})
    assert isinstance(text, RefText) and text == "logs-x-apps" and text.logical_ids == ("B", "C")
    assert resolver.resolve({"Fn::Join": ["-", ["a", "b"]]}) == "a-b"
    assert not isinstance(resolver.resolve({"Fn::Join": ["-", ["a", "b"]]}), RefText)


def test_split_of_a_name_keeps_its_resource() -> None:
    resolver = _resolver({"C": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": "team-apps"}},
                          "U": {"Type": "AWS::ECS::Cluster", "Properties": {}}})
    parts = resolver.resolve({"Fn::Split": ["-", {"Ref": "C"}]})
    assert parts == ["team", "apps"] and all(isinstance(p, RefText) and p.logical_ids == ("C",) for p in parts)
    assert resolver.resolve({"Fn::Select": [1, {"Fn::Split": ["-", {"Ref": "C"}]}]}) == "apps"
    assert isinstance(resolver.resolve({"Fn::Split": ["-", {"Ref": "U"}]}), Unknown)
