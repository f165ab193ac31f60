"""The multi-AZ and network policies through ``haguard iac``: CloudFormation and Terraform give the same verdicts.

Two inputs, each written once as a CloudFormation template and once as a Terraform directory:

- a correct three-tier application in two AZs whose only fault is a bastion security group with SSH
  open to the world (the issue's example): exactly the admin-access and edge-ingress policies fail;
- one resource per fault the policies look for, beside a correct twin.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

DATA = Path(__file__).parent / "data"
THREE_TIER = DATA / "three_tier_bastion"
FAULTS = DATA / "network_faults"

OURS = frozenset({
    "lb-cross-zone", "lb-targets-in-every-az", "ecs-service-multi-az", "eks-multi-az", "zonal-infra-multi-az",
    "elasticache-multi-az", "redis-auto-failover", "rds-instance-multi-az", "vpc-tiered-subnets",
    "no-internet-path-to-data", "internet-ingress-only-at-edge", "admin-access-bastion-vpn-ssm",
    "no-public-ip-private-tiers", "private-egress-via-nat-gw", "lb-scheme-matches-subnets",
    "cdn-origin-not-directly-public", "eks-endpoint-private",
})
SOURCES = {"cloudformation": "template.yaml", "terraform": "tf"}


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["iac", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _verdicts(report: dict) -> dict[tuple[str, str], str]:
    """(policy id, logical id or Terraform address) -> status, for the policies of this module."""
    return {(f["policy_id"], f["resource_uid"].rsplit("#", 1)[-1]): f["status"]
            for f in report["findings"] if f["policy_id"] in OURS}


# -- the three-tier template ---------------------------------------------------------------

BASTION_SG = {"cloudformation": "BastionSg", "terraform": "aws_security_group.bastion"}


@pytest.mark.parametrize("source", SOURCES)
def test_a_bastion_open_to_the_world_fails_the_admin_and_edge_policies_only(
        source: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _report(capsys, str(THREE_TIER / SOURCES[source]))
    assert code == 1
    verdicts = _verdicts(report)
    failing = {key for key, status in verdicts.items() if status != "pass"}
    assert failing == {("admin-access-bastion-vpn-ssm", BASTION_SG[source]),
                       ("internet-ingress-only-at-edge", BASTION_SG[source])}
    # the rest of the architecture was judged, not skipped
    judged = {policy for policy, _ in verdicts}
    assert judged >= {"vpc-tiered-subnets", "no-internet-path-to-data", "private-egress-via-nat-gw",
                      "no-public-ip-private-tiers", "lb-scheme-matches-subnets", "zonal-infra-multi-az",
                      "rds-instance-multi-az"}
    admin = next(f for f in report["findings"] if f["policy_id"] == "admin-access-bastion-vpn-ssm"
                 and f["resource_uid"].endswith(BASTION_SG[source]))
    assert admin["severity"] == "high"
    assert "0.0.0.0/0" in admin["message"]


@pytest.mark.parametrize("source", SOURCES)
def test_ssh_from_the_vpn_cidr_given_as_admin_cidrs_passes(
        source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = THREE_TIER / SOURCES[source]
    fixed = tmp_path / original.name
    if source == "cloudformation":
        text = original.read_text().replace("FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0",
                                            "FromPort: 22, ToPort: 22, CidrIp: 10.200.0.0/16")
        fixed.write_text(text)
    else:
        fixed.mkdir()
        text = (original / "main.tf").read_text().replace(
            'description = "SSH from anywhere"\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
            '    cidr_blocks = ["0.0.0.0/0"]',
            'description = "SSH from the VPN"\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
            '    cidr_blocks = ["10.200.0.0/16"]')
        (fixed / "main.tf").write_text(text)
    assert "10.200.0.0/16" in text
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {admin_cidrs: [10.200.0.0/16]}\n")
    code, report = _report(capsys, str(fixed), "--config", str(config), "--only", ",".join(sorted(OURS)))
    assert {status for status in _verdicts(report).values()} == {"pass"}
    assert code == 0
    # without the VPN CIDR as a parameter, SSH from it is not an admin path
    code, report = _report(capsys, str(fixed), "--only", "admin-access-bastion-vpn-ssm")
    assert _verdicts(report)[("admin-access-bastion-vpn-ssm", BASTION_SG[source])] == "fail"
    assert code == 1


# -- one fault per policy --------------------------------------------------------------------------

NAMES = {
    "PublicA": "aws_subnet.public_a", "PrivateA": "aws_subnet.private_a", "PrivateB": "aws_subnet.private_b",
    "Vpc": "aws_vpc.main", "NatBox": "aws_instance.nat_box", "PublicAcl": "aws_network_acl.public",
    "PrivateAcl": "aws_network_acl.private", "DbSgOpen": "aws_security_group.db_open",
    "ExposedDb": "aws_db_instance.exposed", "DrReplica": "aws_db_instance.dr_replica", "Nlb": "aws_lb.nlb",
    "NlbCrossZone": "aws_lb.nlb_cross_zone", "OneAzService": "aws_ecs_service.one_az",
    "Eks": "aws_eks_cluster.public", "EksPrivate": "aws_eks_cluster.private",
    "OneAzNodes": "aws_eks_node_group.one_az", "OneZoneFs": "aws_efs_file_system.one_zone",
    "SingleAzEndpoint": "aws_vpc_endpoint.logs", "Sessions": "aws_elasticache_cluster.sessions",
    "Memcached": "aws_elasticache_cluster.memcached", "Cdn": "aws_cloudfront_distribution.cdn",
}
EXPECTED: dict[tuple[str, str], str] = {
    ("admin-access-bastion-vpn-ssm", "PublicAcl"): "fail",
    ("admin-access-bastion-vpn-ssm", "PrivateAcl"): "pass",
    ("admin-access-bastion-vpn-ssm", "DbSgOpen"): "pass",
    ("cdn-origin-not-directly-public", "Cdn"): "fail",
    ("ecs-service-multi-az", "OneAzService"): "fail",
    ("eks-endpoint-private", "Eks"): "fail",
    ("eks-endpoint-private", "EksPrivate"): "pass",
    ("eks-multi-az", "Eks"): "pass",
    ("eks-multi-az", "OneAzNodes"): "fail",
    ("elasticache-multi-az", "Sessions"): "fail",
    ("elasticache-multi-az", "Memcached"): "pass",
    ("redis-auto-failover", "Sessions"): "fail",
    ("internet-ingress-only-at-edge", "DbSgOpen"): "fail",
    ("lb-cross-zone", "Nlb"): "fail",
    ("lb-cross-zone", "NlbCrossZone"): "pass",
    ("lb-scheme-matches-subnets", "Nlb"): "fail",
    ("lb-scheme-matches-subnets", "NlbCrossZone"): "pass",
    ("no-internet-path-to-data", "ExposedDb"): "fail",
    ("no-internet-path-to-data", "NatBox"): "pass",
    ("no-internet-path-to-data", "OneAzService"): "pass",
    ("no-public-ip-private-tiers", "OneAzService"): "fail",
    ("no-public-ip-private-tiers", "PrivateA"): "pass",
    ("private-egress-via-nat-gw", "PrivateA"): "fail",
    ("private-egress-via-nat-gw", "PrivateB"): "fail",
    ("rds-instance-multi-az", "ExposedDb"): "pass",
    ("rds-instance-multi-az", "DrReplica"): "fail",
    ("vpc-tiered-subnets", "Vpc"): "pass",
    ("zonal-infra-multi-az", "OneZoneFs"): "fail",
    ("zonal-infra-multi-az", "SingleAzEndpoint"): "fail",
}


@pytest.mark.parametrize("source", SOURCES)
def test_each_fault_fails_its_policy_and_its_twin_passes(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = _report(capsys, str(FAULTS / SOURCES[source]))
    verdicts = _verdicts(report)
    rename = (lambda name: name) if source == "cloudformation" else NAMES.__getitem__
    got = {(policy, name): verdicts.get((policy, rename(name)), "none") for policy, name in EXPECTED}
    assert got == EXPECTED
    assert not report.get("unevaluated")


@pytest.mark.parametrize("source", SOURCES)
def test_a_single_az_read_replica_names_its_source(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = _report(capsys, str(FAULTS / SOURCES[source]), "--only", "rds-instance-multi-az")
    replica = NAMES["DrReplica"] if source == "terraform" else "DrReplica"
    source_db = NAMES["ExposedDb"] if source == "terraform" else "ExposedDb"
    finding = next(f for f in report["findings"] if f["resource_uid"].endswith(replica))
    assert finding["status"] == "fail"
    [entry] = [e for e in finding["evidence"] if e.get("attr") == "multi_az"]
    assert entry["context"]["is_read_replica"] is True
    assert [uid.rsplit("#", 1)[-1] for uid in entry["context"]["replica_of"]] == [source_db]
    assert "replica_of" in finding["message"]
