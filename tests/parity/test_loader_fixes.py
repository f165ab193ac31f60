"""Regression tests for the loader differences the parity test found.

* CloudFormation: an Aurora cluster whose member instances the template declares with their zones
  has a known ``multi_az`` (it was always unknown, so a single-AZ cluster was never a failure).
* Terraform: ``preferred_cache_cluster_azs`` places the nodes of a replication group sized by
  ``replicas_per_node_group`` (the zones were only read with ``num_cache_clusters``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.iac.cloudformation import load_cloudformation
from scanner.iac.tf_mapping import map_resource

_CLUSTER = """
Parameters:
  Cluster: {Type: String}
Resources:
  Ledger:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-postgresql}
%s
"""
_MEMBER = """  Ledger%d:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: aurora-postgresql, DBInstanceClass: db.r6g.large, DBClusterIdentifier: %s%s}
"""


def _cluster(tmp_path: Path, *members: tuple[str | None, str]) -> tuple[dict, dict]:
    body = "".join(_MEMBER % (i, cluster, f", AvailabilityZone: {zone}" if zone else "")
                   for i, (zone, cluster) in enumerate(members))
    path = tmp_path / "aurora.yaml"
    path.write_text(_CLUSTER % body)
    ledger = next(r for r in load_cloudformation(path).resources if r.name == "Ledger")
    return ledger.attributes, ledger.unknown


@pytest.mark.parametrize(("zones", "multi_az"), [(("us-east-1a", "us-east-1b"), True),
                                                 (("us-east-1a",), False),
                                                 (("us-east-1a", "us-east-1a"), False)])
def test_aurora_multi_az_from_declared_member_zones(tmp_path: Path, zones: tuple[str, ...], multi_az: bool) -> None:
    attributes, unknown = _cluster(tmp_path, *((zone, "!Ref Ledger") for zone in zones))
    assert attributes["multi_az"] is multi_az
    assert "multi_az" not in unknown


@pytest.mark.parametrize("members", [
    (),  # no instance in the template
    (("us-east-1a", "!Ref Ledger"), (None, "!Ref Ledger")),  # RDS picks the second instance's zone
    (("us-east-1a", "!Ref Ledger"), ("us-east-1b", "!Ref Cluster")),  # a member of an unknown cluster
])
def test_aurora_multi_az_stays_unknown_when_a_zone_or_member_is_unknown(
        tmp_path: Path, members: tuple[tuple[str | None, str], ...]) -> None:
    attributes, unknown = _cluster(tmp_path, *members)
    assert "multi_az" in unknown
    assert "multi_az" not in attributes


def test_terraform_replicas_per_node_group_uses_preferred_zones() -> None:
    mapped = map_resource("aws_elasticache_replication_group", {
        "replicas_per_node_group": 1, "preferred_cache_cluster_azs": ["us-east-1a", "us-east-1b"]})
    (group,) = mapped.attributes["node_groups"]
    assert [m["availability_zone"] for m in group["members"]] == ["us-east-1a", "us-east-1b"]
    assert group["primary_availability_zone"] == "us-east-1a"


def test_terraform_several_shards_do_not_take_the_single_shard_zones() -> None:
    mapped = map_resource("aws_elasticache_replication_group", {
        "num_node_groups": 2, "replicas_per_node_group": 1, "preferred_cache_cluster_azs": ["us-east-1a"]})
    assert [m.get("availability_zone") for g in mapped.attributes["node_groups"] for m in g["members"]] == [None] * 4
