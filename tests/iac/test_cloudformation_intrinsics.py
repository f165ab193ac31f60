"""Intrinsic functions, conditions and unknown values, on tiny inline templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.iac.cloudformation import load_cloudformation
from scanner.model import Resource, Snapshot


def load(tmp_path: Path, text: str, **options: Any) -> Snapshot:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    return load_cloudformation(path, **options)


def one(tmp_path: Path, resource: str, **options: Any) -> Resource:
    """Load a template whose Resources is ``resource`` and return its resource named A."""
    snap = load(tmp_path, resource, **options)
    return next(r for r in snap.resources if r.name == "A")


def test_getazs_with_an_explicit_region_is_concrete(tmp_path: Path) -> None:
    subnet = one(tmp_path, "Resources:\n  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
                           "      AvailabilityZone: !Select [2, !GetAZs eu-west-2]\n")
    assert subnet.attributes["availability_zone"] == "eu-west-2c"


def test_getazs_outside_select_is_unknown(tmp_path: Path) -> None:
    group = one(tmp_path, "Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n"
                          "      MinSize: 1\n      MaxSize: 1\n      AvailabilityZones: !GetAZs ''\n")
    assert "zone list" in group.unknown["availability_zones"]


def test_sub_with_unknown_variable_is_unknown(tmp_path: Path) -> None:
    vpc = one(tmp_path, "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n"
                        "      CidrBlock: !Sub '${AWS::AccountId}/16'\n")
    assert vpc.unknown["cidr_block"] == "unresolved !Ref AWS::AccountId (pseudo parameter known only at deploy time)"


def test_pseudo_parameters_known_from_region(tmp_path: Path) -> None:
    vpc = one(tmp_path, "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n"
                        "      Tags: [{Key: p, Value: !Sub '${AWS::Partition}:${AWS::Region}:${AWS::URLSuffix}'}]\n",
              region="cn-north-1")
    assert vpc.attributes["tags"] == {"p": "aws-cn:cn-north-1:amazonaws.com.cn"}


def test_getatt_of_a_declared_property_resolves(tmp_path: Path) -> None:
    snap = load(tmp_path, "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.9.0.0/16}\n"
                          "  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref V\n"
                          "      AvailabilityZone: us-west-2b\n"
                          "      CidrBlock: !Select [1, !Cidr [!GetAtt V.CidrBlock, 2, 8]]\n"
                          "  I:\n    Type: AWS::EC2::Instance\n    Properties:\n"
                          "      AvailabilityZone: !GetAtt A.AvailabilityZone\n      SubnetId: !Ref A\n")
    resources = {r.name: r for r in snap.resources}
    assert resources["A"].attributes["cidr_block"] == "10.9.1.0/24"
    assert resources["I"].attributes["availability_zone"] == "us-west-2b"


def test_getatt_of_a_runtime_attribute_is_unknown(tmp_path: Path) -> None:
    db = one(tmp_path, "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties: {AvailabilityZone: x}\n"
                       "  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
                       "      EngineVersion: !GetAtt S.Ipv6CidrBlocks\n")
    assert db.unknown["engine_version"] == "!GetAtt S.Ipv6CidrBlocks is known only after deployment"


def test_import_value_in_a_relation_is_an_unknown_relation(tmp_path: Path) -> None:
    snap = load(tmp_path, "Resources:\n  A:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n"
                          "      DBSubnetGroupDescription: d\n"
                          "      SubnetIds: [!ImportValue net-PrivateA, subnet-literal]\n")
    (group,) = snap.resources
    assert group.unknown_relations == {"in_subnet": "!ImportValue net-PrivateA (exported by another stack)"}
    assert [(r.kind, r.dst) for r in snap.relations] == [("in_subnet", "subnet-literal")]


def test_ssm_parameters_are_unknown(tmp_path: Path) -> None:
    vpc = one(tmp_path, "Parameters:\n  Cidr: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /net/cidr}\n"
                        "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: !Ref Cidr}\n")
    assert "SSM" in vpc.unknown["cidr_block"]


def test_equals_compares_numbers_as_strings(tmp_path: Path) -> None:
    vpc = one(tmp_path, "Parameters:\n  N: {Type: Number, Default: 2}\nConditions:\n  Two: !Equals [!Ref N, 2]\n"
                        "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n"
                        "      CidrBlock: !If [Two, 10.2.0.0/16, 10.1.0.0/16]\n")
    assert vpc.attributes["cidr_block"] == "10.2.0.0/16"


@pytest.mark.parametrize(("expr", "kept"), [
    ("!And [!Condition Off, !Condition Unknown]", False),  # false wins over unknown
    ("!Or [!Condition On, !Condition Unknown]", True),  # true wins over unknown
    ("!Not [!Condition Off]", True),
])
def test_kleene_logic_decides_resource_conditions(tmp_path: Path, expr: str, kept: bool) -> None:
    snap = load(tmp_path, "Conditions:\n  On: !Equals [a, a]\n  Off: !Equals [a, b]\n"
                          "  Unknown: !Equals [!Ref 'AWS::Region', us-east-1]\n"
                          f"  C: {expr}\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Condition: C\n"
                          "  B:\n    Type: AWS::S3::Bucket\n")
    assert ("A" in {r.name for r in snap.resources}) is kept


def test_ref_to_a_resource_whose_condition_is_false_is_unknown(tmp_path: Path) -> None:
    snap = load(tmp_path, "Conditions:\n  Off: !Equals [a, b]\nResources:\n"
                          "  G:\n    Type: AWS::RDS::DBSubnetGroup\n    Condition: Off\n"
                          "    Properties: {DBSubnetGroupDescription: d, SubnetIds: [s-1]}\n"
                          "  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n"
                          "      DBSubnetGroupName: !Ref G\n      PubliclyAccessible: false\n")
    (db,) = snap.resources
    assert db.unknown_relations == {"in_subnet_group": "!Ref G: its condition Off is false"}


def test_route_to_an_unknown_gateway_makes_routes_unknown(tmp_path: Path) -> None:
    snap = load(tmp_path, "Parameters:\n  Gw: {Type: String}\nResources:\n"
                          "  A:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: vpc-1}\n"
                          "  R:\n    Type: AWS::EC2::Route\n    Properties:\n"
                          "      RouteTableId: !Ref A\n      DestinationCidrBlock: 0.0.0.0/0\n"
                          "      GatewayId: !Ref Gw\n")
    (table,) = snap.resources
    assert "routes" not in table.attributes
    assert table.unknown["routes"] == "unresolved !Ref Gw (parameter without default)"


@pytest.mark.parametrize(("prop", "target_type"), [
    ("GatewayId: igw-1", "internet_gateway"), ("GatewayId: vgw-1", "vpn_gateway"),
    ("TransitGatewayId: tgw-1", "transit_gateway"), ("VpcPeeringConnectionId: pcx-1", "vpc_peering"),
    ("InstanceId: i-1", "instance"), ("EgressOnlyInternetGatewayId: eigw-1", "egress_only_internet_gateway"),
])
def test_route_target_types(tmp_path: Path, prop: str, target_type: str) -> None:
    snap = load(tmp_path, "Resources:\n  A:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: vpc-1}\n"
                          "  R:\n    Type: AWS::EC2::Route\n    Properties:\n"
                          f"      RouteTableId: !Ref A\n      DestinationCidrBlock: 0.0.0.0/0\n      {prop}\n")
    (route,) = snap.resources[0].attributes["routes"]
    assert route["target_type"] == target_type
    assert route["target"] == prop.split(": ")[1]


def test_network_acl_entries_and_association(tmp_path: Path) -> None:
    snap = load(tmp_path, "Resources:\n  A:\n    Type: AWS::EC2::NetworkAcl\n    Properties: {VpcId: vpc-1}\n"
                          "  E:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n"
                          "      NetworkAclId: !Ref A\n      RuleNumber: 100\n      Protocol: 6\n"
                          "      RuleAction: ALLOW\n      CidrBlock: 0.0.0.0/0\n      PortRange: {From: 22, To: 22}\n"
                          "  S:\n    Type: AWS::EC2::Subnet\n    Properties: {AvailabilityZone: x}\n"
                          "  Assoc:\n    Type: AWS::EC2::SubnetNetworkAclAssociation\n"
                          "    Properties: {SubnetId: !Ref S, NetworkAclId: !Ref A}\n")
    acl = next(r for r in snap.resources if r.name == "A")
    assert acl.attributes["entries"] == [{"rule_number": 100, "egress": False, "action": "allow", "protocol": "tcp",
                                          "cidr": "0.0.0.0/0", "from_port": 22, "to_port": 22, "icmp_type": None,
                                          "icmp_code": None}]
    assert [(r.src, r.kind, r.dst) for r in snap.relations if r.kind == "uses_network_acl"] == [
        (f"{tmp_path / 't.yaml'}#S", "uses_network_acl", f"{tmp_path / 't.yaml'}#A")]


def test_listener_rule_links_load_balancer_to_target_group(tmp_path: Path) -> None:
    snap = load(tmp_path, "Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
                          "  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n"
                          "  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n"
                          "    Properties: {LoadBalancerArn: !Ref Lb, DefaultActions: [{Type: fixed-response}]}\n"
                          "  Rule:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n"
                          "      ListenerArn: !Ref L\n      Priority: 1\n      Conditions: []\n"
                          "      Actions: [{Type: forward,\n"
                          "                 ForwardConfig: {TargetGroups: [{TargetGroupArn: !Ref Tg}]}}]\n")
    assert [(r.src.split("#")[1], r.kind, r.dst.split("#")[1]) for r in snap.relations] == [("Lb", "targets", "Tg")]


def test_global_table_replicas(tmp_path: Path) -> None:
    table = one(tmp_path, "Resources:\n  A:\n    Type: AWS::DynamoDB::GlobalTable\n    Properties:\n"
                          "      BillingMode: PAY_PER_REQUEST\n      Replicas:\n"
                          "        - {Region: us-east-1, PointInTimeRecoverySpecification: "
                          "{PointInTimeRecoveryEnabled: true}}\n"
                          "        - {Region: us-west-2}\n")  # ReplicaSpecification.Region, as AWS documents it
    assert table.attributes["replica_regions"] == ["us-east-1", "us-west-2"]
    assert table.attributes["pitr_enabled"] is False  # not on every replica


def test_unknown_tag_value_is_unknown_per_key(tmp_path: Path) -> None:
    bucket = one(tmp_path, "Parameters:\n  Owner: {Type: String}\nResources:\n  A:\n    Type: AWS::S3::Bucket\n"
                           "    Properties:\n      Tags: [{Key: owner, Value: !Ref Owner}, {Key: app, Value: shop}]\n")
    assert bucket.attributes["tags"] == {"app": "shop"}
    assert bucket.unknown == {"tags.owner": "unresolved !Ref Owner (parameter without default)"}


def test_nested_getatt_short_form_and_join(tmp_path: Path) -> None:
    bucket = one(tmp_path, "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: {Engine: mysql}\n"
                           "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n"
                           "        - {Key: endpoint, Value: !GetAtt Db.Endpoint.Address}\n"
                           "        - {Key: path, Value: !Join ['/', [a, !Select [0, [b]], c]]}\n")
    assert bucket.unknown == {"tags.endpoint": "!GetAtt Db.Endpoint.Address is known only after deployment"}
    assert bucket.attributes["tags"] == {"path": "a/b/c"}


def test_transform_templates_tolerate_names_the_macro_creates(tmp_path: Path) -> None:
    snap = load(tmp_path, "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources:\n"
                          "  Fn::ForEach::Subnets:\n    - Name\n    - [A, B]\n"
                          "    - Subnet${Name}: {Type: AWS::EC2::Subnet}\n"
                          "  F:\n    Type: AWS::Serverless::Function\n    Properties: {Role: !GetAtt FRole.Arn}\n"
                          "  A:\n    Type: AWS::RDS::DBSubnetGroup\n"
                          "    Properties: {DBSubnetGroupDescription: d, SubnetIds: [!Ref SubnetA, !Ref FRole]}\n")
    resources = {r.name: r for r in snap.resources}
    assert set(resources) == {"A", "SubnetA", "SubnetB"}  # the loop expanded; the SAM function is not evaluated
    assert resources["A"].unknown_relations["in_subnet"] == (
        "!Ref FRole: not in the template (made by the AWS::Serverless-2016-10-31 transform?)")
    assert ("in_subnet", f"{tmp_path / 't.yaml'}#SubnetA") in {(r.kind, r.dst) for r in snap.relations}


def test_yaml_one_one_booleans_are_names(tmp_path: Path) -> None:
    vpc = one(tmp_path, "Conditions:\n  Off: !Equals [a, b]\nResources:\n  A:\n    Type: AWS::EC2::VPC\n"
                        "    Properties:\n      CidrBlock: !If [Off, 10.0.0.0/8, 10.1.0.0/16]\n"
                        "      Tags: [{Key: flag, Value: yes}]\n")
    assert vpc.attributes["cidr_block"] == "10.1.0.0/16"
    assert vpc.attributes["tags"] == {"flag": "yes"}


def test_every_vocabulary_type_loads_with_all_properties_omitted(tmp_path: Path) -> None:
    from scanner.model.vocabulary import RESOURCE_TYPES, type_for_cfn

    cfn_types = sorted({cfn for model in RESOURCE_TYPES.values() for cfn in model.cfn_types})
    body = "".join(f"  R{index}:\n    Type: {cfn}\n" for index, cfn in enumerate(cfn_types))
    snap = load(tmp_path, "Resources:\n" + body)
    assert [r.type for r in snap.resources] == [type_for_cfn(cfn) for cfn in cfn_types]


def test_instance_classic_elb_and_endpoint(tmp_path: Path) -> None:
    snap = load(tmp_path, "Resources:\n  I:\n    Type: AWS::EC2::Instance\n    Properties:\n"
                          "      InstanceType: m7g.large\n      Monitoring: true\n"
                          "      UserData: !Base64 secret-script\n"
                          "      NetworkInterfaces: [{DeviceIndex: '0', SubnetId: subnet-9, GroupSet: [sg-9]}]\n"
                          "  Clb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n"
                          "      Listeners: [{LoadBalancerPort: '80', InstancePort: '80', Protocol: HTTP}]\n"
                          "      AvailabilityZones: [!Select [0, !GetAZs ''], !Select [1, !GetAZs '']]\n"
                          "      CrossZone: true\n      ConnectionDrainingPolicy: {Enabled: true, Timeout: 60}\n"
                          "      Instances: [!Ref I]\n"
                          "  E:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n"
                          "      VpcEndpointType: Interface\n      ServiceName: com.amazonaws.eu-west-1.s3\n"
                          "      VpcId: vpc-1\n      SubnetIds: [subnet-1, subnet-2]\n      SecurityGroupIds: [sg-1]\n")
    resources = {r.name: r for r in snap.resources}
    assert resources["I"].attributes["detailed_monitoring"] is True
    assert "secret-script" not in str(snap.to_json())
    assert resources["Clb"].attributes["availability_zones"] == ["{region}#az1", "{region}#az2"]
    assert resources["Clb"].attributes["cross_zone_enabled"] is True
    assert resources["Clb"].attributes["connection_draining"] is True
    assert resources["E"].attributes["endpoint_type"] == "Interface"
    edges = {(r.src.split("#")[-1], r.kind, r.dst.split("#")[-1]) for r in snap.relations}
    assert edges == {("I", "in_subnet", "subnet-9"), ("I", "uses_security_group", "sg-9"),
                     ("Clb", "targets", "I"), ("E", "in_vpc", "vpc-1"), ("E", "in_subnet", "subnet-1"),
                     ("E", "in_subnet", "subnet-2"), ("E", "uses_security_group", "sg-1")}


def test_replication_group_without_node_count_is_unknown(tmp_path: Path) -> None:
    group = one(tmp_path, "Resources:\n  A:\n    Type: AWS::ElastiCache::ReplicationGroup\n"
                          "    Properties: {ReplicationGroupDescription: d, MultiAZEnabled: true}\n")
    assert group.attributes["multi_az"] is True
    assert "node count not set" in group.unknown["node_groups"]
