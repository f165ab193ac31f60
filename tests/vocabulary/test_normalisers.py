"""The shared normalisers, and that every source gives a rule the same attributes through them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.collectors import ec2
from scanner.graph import build_graph
from scanner.iac.cloudformation import load_cloudformation
from scanner.iac.tf_mapping import TfResource, build_snapshot, map_resource
from scanner.model import Snapshot, Source, normalise
from scanner.policy import evaluate, load_pack


@pytest.mark.parametrize(("given", "expected"), [
    ("-1", "all"), (-1, "all"), ("ALL", "all"), ("6", "tcp"), ("TCP", "tcp"), ("17", "udp"), ("1", "icmp"),
    ("58", "icmpv6"), ("icmp6", "icmpv6"), ("50", "50"),
])
def test_protocols(given: Any, expected: str) -> None:
    assert normalise.protocol(given) == expected


@pytest.mark.parametrize(("proto", "ports", "expected"), [
    ("tcp", (22, 22), {"from_port": 22, "to_port": 22}),
    ("tcp", (-1, -1), {"from_port": 0, "to_port": 65535}),  # -1 on tcp is every port, never no port
    ("udp", ("-1", "-1"), {"from_port": 0, "to_port": 65535}),
    ("tcp", (None, None), {"from_port": 0, "to_port": 65535}),
    ("all", (None, None), {"from_port": 0, "to_port": 65535}),
    ("icmp", (8, 0), {"icmp_type": 8, "icmp_code": 0}),
    ("icmpv6", (-1, -1), {"icmp_type": -1, "icmp_code": -1}),
    ("50", (None, None), {}),
])
def test_rule_ports(proto: str, ports: tuple[Any, Any], expected: dict[str, int]) -> None:
    assert normalise.rule_ports(proto, *ports) == expected


def test_rule_ports_out_of_range() -> None:
    with pytest.raises(ValueError, match="out of range"):
        normalise.rule_ports("tcp", 0, 70000)


@pytest.mark.parametrize(("value", "expected"), [(True, True), ("true", True), ("False", False)])
def test_booleans(value: Any, expected: bool) -> None:
    assert normalise.boolean(value) is expected


@pytest.mark.parametrize(("value", "expected"), [("enabled", True), ("ENABLED", True), ("Disabled", False),
                                                 (True, True)])
def test_enabled_strings(value: Any, expected: bool) -> None:
    assert normalise.enabled(value) is expected


def test_transitional_states_are_not_a_setting() -> None:
    with pytest.raises(ValueError):
        normalise.enabled("enabling")


def test_durations_tags_and_uids() -> None:
    assert [normalise.duration_seconds(v) for v in (300, "5m", "12h", "7d")] == [300, 300, 43200, 604800]
    assert normalise.after_days("AFTER_30_DAYS") == 30
    assert normalise.tags([{"Key": "a", "Value": "1"}]) == normalise.tags([{"key": "a", "value": "1"}]) == {"a": "1"}
    assert normalise.format_uid("arn:aws:rds:{region}:{account}:db:{id}", "orders", "1", "eu-west-1") == \
        "arn:aws:rds:eu-west-1:1:db:orders"
    assert normalise.format_uid("x{id}", "arn:aws:s3:::b", "1", "r") == "arn:aws:s3:::b"
    assert normalise.region_of("arn:aws:rds:us-west-2:1:auto-backup:ab-1") == normalise.region_of("us-west-2")


def _rules_by_source(tmp_path: Path, protocol: str, low: int, high: int) -> dict[str, list[dict[str, Any]]]:
    """The same ingress rule from CloudFormation, Terraform and a DescribeSecurityGroups response."""
    template = tmp_path / "t.yaml"
    template.write_text(f"Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                        f"      GroupDescription: g\n      SecurityGroupIngress:\n"
                        f"        - {{IpProtocol: '{protocol}', FromPort: {low}, ToPort: {high}, CidrIp: 0.0.0.0/0}}\n")
    cfn = load_cloudformation(template).resources[0].attributes["ingress"]
    mapped = map_resource("aws_security_group", {"ingress": [{"protocol": protocol, "from_port": low, "to_port": high,
                                                              "cidr_blocks": ["0.0.0.0/0"]}]}, address="g")
    tf = build_snapshot("terraform-plan", [], [TfResource("g", "aws_security_group", "g", mapped)]).resources[0]
    live = ec2.parse({"security_groups": [{"GroupId": "sg-1", "IpPermissions": [
        {"IpProtocol": protocol, "FromPort": low, "ToPort": high, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]},
        "111122223333", "us-east-1")
    live_snapshot = Snapshot(source=Source(kind="aws"), resources=live.resources)
    return {"cloudformation": cfn, "terraform": tf.attributes["ingress"],
            "live": live_snapshot.resources[0].attributes["ingress"]}


@pytest.mark.parametrize(("protocol", "low", "high"), [("icmp", 8, 0), ("1", 8, -1), ("58", 128, 0)])
def test_icmp_rules_read_the_same_from_every_source(tmp_path: Path, protocol: str, low: int, high: int) -> None:
    rules = _rules_by_source(tmp_path, protocol, low, high)
    assert rules["cloudformation"] == rules["terraform"] == rules["live"]
    [rule] = rules["live"]
    assert (rule["from_port"], rule["to_port"], rule["icmp_type"], rule["icmp_code"]) == (None, None, low, high)


@pytest.mark.parametrize("protocol", ["tcp", "udp", "6", "17"])
def test_minus_one_ports_on_tcp_and_udp_never_pass_a_port_policy(tmp_path: Path, protocol: str) -> None:
    for source, rules in _rules_by_source(tmp_path, protocol, -1, -1).items():
        snapshot = Snapshot(source=Source(kind="test"), resources=[
            {"uid": "g", "type": "aws.ec2.security_group", "attributes": {"ingress": rules}}])
        [finding] = evaluate(load_pack(), build_graph(snapshot), None, only={"sg-data-ports-not-open-to-world"})
        assert finding.status.value == "fail", source
        assert (rules[0]["from_port"], rules[0]["to_port"]) == (0, 65535), source
