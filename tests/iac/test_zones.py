"""Symbolic Availability Zones become concrete once the Region is known."""

from __future__ import annotations

from scanner.iac.zones import concrete_zone, concretise, symbolic_zone


def test_symbolic_zones_by_index() -> None:
    assert symbolic_zone(0) == "{region}#az1"
    assert concrete_zone(symbolic_zone(2), "eu-west-1") == "eu-west-1c"
    assert concrete_zone("us-east-1f", "eu-west-1") == "us-east-1f"
    assert concrete_zone("{region}#az99", "eu-west-1") == "{region}#az99"  # out of range: left symbolic


def test_concretise_walks_nested_values() -> None:
    value = {"availability_zones": ["{region}#az1", "{region}#az2"],
             "node_groups": [{"members": [{"availability_zone": "{region}#az3"}]}], "port": 6379}
    assert concretise(value, "ap-south-2") == {
        "availability_zones": ["ap-south-2a", "ap-south-2b"],
        "node_groups": [{"members": [{"availability_zone": "ap-south-2c"}]}], "port": 6379}


def test_a_literal_zone_pins_the_symbolic_ones(tmp_path) -> None:
    """``!GetAZs`` index 0 next to a literal us-east-1a is the same AZ, not a second one."""
    from scanner.graph import build_graph
    from scanner.iac.detect import load_iac
    from scanner.model import Status
    from scanner.policy import evaluate, load_pack

    template = tmp_path / "asg.yaml"
    template.write_text("""\
Resources:
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: vpc-1, CidrBlock: 10.0.1.0/24,
      AvailabilityZone: !Select [0, !GetAZs '']}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: vpc-1, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1a}}
  Asg: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: '2', MaxSize: '4',
        VPCZoneIdentifier: [!Ref A, !Ref B]}}
""")
    (snapshot,) = load_iac([template])
    zones = {r.name: r.attributes["availability_zone"] for r in snapshot.resources if r.type == "aws.ec2.subnet"}
    assert zones == {"A": "us-east-1a", "B": "us-east-1a"}
    (finding,) = evaluate(load_pack(), build_graph(snapshot), only={"asg-multi-az"})
    assert finding.status is Status.FAIL
