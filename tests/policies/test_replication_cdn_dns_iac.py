"""The replication, CDN and DNS policies through ``haguard iac``: CloudFormation and Terraform agree.

``data/replication_cdn_dns`` holds one template and one Terraform directory with each fault beside a
correct twin (a bucket replicating inside one template is local in CloudFormation; a Terraform bucket is
in its provider's Region, so a copy made with an aliased DR provider is in another Region).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

DATA = Path(__file__).parent / "data" / "replication_cdn_dns"
OURS = frozenset({"cdn-origin-failover", "redis-replicas-per-shard", "s3-crr-cross-region",
                  "dns-failover-pairs", "dns-health-check-live", "dns-failover-ttl"})
SOURCES = {"cloudformation": "template.yaml", "terraform": "tf"}

EXPECTED: dict[str, dict[tuple[str, str], str]] = {
    "cloudformation": {
        ("cdn-origin-failover", "SingleOrigin"): "fail",
        ("cdn-origin-failover", "FailoverPair"): "pass",
        ("redis-replicas-per-shard", "LoneRedis"): "fail",
        ("redis-replicas-per-shard", "PairedRedis"): "pass",
        ("redis-replicas-per-shard", "ShardedRedis"): "pass",
        ("s3-crr-cross-region", "SameRegionSource"): "fail",
        ("s3-crr-cross-region", "ExternalDestination"): "unknown",
        ("s3-crr-cross-region", "Unreplicated"): "fail",
        ("dns-failover-pairs", "AppPrimary"): "pass",
        ("dns-failover-pairs", "AppSecondary"): "pass",
        ("dns-failover-pairs", "ApiPrimary"): "fail",
        ("dns-failover-pairs", "WwwPrimary"): "pass",
        ("dns-failover-pairs", "WwwSecondary"): "pass",
        ("dns-failover-ttl", "AppPrimary"): "pass",
        ("dns-failover-ttl", "AppSecondary"): "fail",
        ("dns-failover-ttl", "ApiPrimary"): "pass",
        ("dns-failover-ttl", "WwwPrimary"): "unknown",  # TTL from a parameter without a default
        ("dns-failover-ttl", "WwwSecondary"): "pass",
    },
    "terraform": {
        ("cdn-origin-failover", "aws_cloudfront_distribution.single_origin"): "fail",
        ("cdn-origin-failover", "aws_cloudfront_distribution.failover_pair"): "pass",
        ("redis-replicas-per-shard", "aws_elasticache_replication_group.lone_redis"): "fail",
        ("redis-replicas-per-shard", "aws_elasticache_replication_group.paired_redis"): "pass",
        ("redis-replicas-per-shard", "aws_elasticache_replication_group.sharded_redis"): "pass",
        ("s3-crr-cross-region", "aws_s3_bucket.external_destination"): "unknown",
        ("s3-crr-cross-region", "aws_s3_bucket.unreplicated"): "fail",
        # each bucket is in its provider's Region: the copy of the aliased DR provider is in us-west-2
        ("s3-crr-cross-region", "aws_s3_bucket.module_source"): "pass",
        ("s3-crr-cross-region", "aws_s3_bucket.local_source"): "fail",  # both with the default provider
        ("dns-failover-pairs", "aws_route53_record.app_primary"): "pass",
        ("dns-failover-pairs", "aws_route53_record.app_secondary"): "pass",
        ("dns-failover-pairs", "aws_route53_record.api_primary"): "fail",
        ("dns-failover-ttl", "aws_route53_record.app_primary"): "pass",
        ("dns-failover-ttl", "aws_route53_record.app_secondary"): "fail",
        ("dns-failover-ttl", "aws_route53_record.api_primary"): "pass",
    },
}


def test_live_only_policies_are_not_run_on_iac(capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = _findings(capsys, DATA / SOURCES["cloudformation"])
    assert not [f for f in findings if f["policy_id"] == "dns-health-check-live"]


def _findings(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[dict]]:
    code = main(["iac", str(path), "--format", "json"])
    return code, [f for f in json.loads(capsys.readouterr().out)["findings"] if f["policy_id"] in OURS]


@pytest.mark.parametrize("source", SOURCES)
def test_each_fault_fails_and_each_twin_passes(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = _findings(capsys, DATA / SOURCES[source])
    assert code == 1
    verdicts = {(f["policy_id"], f["resource_uid"].rsplit("#", 1)[-1]): f["status"] for f in findings}
    assert verdicts == EXPECTED[source]


@pytest.mark.parametrize("source", SOURCES)
def test_an_unknown_destination_region_says_why(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = _findings(capsys, DATA / SOURCES[source])
    external = next(f for f in findings if f["policy_id"] == "s3-crr-cross-region" and f["status"] == "unknown")
    assert "arn:aws:s3:::data-dr-us-west-2" in external["message"]
    assert "not known" in external["message"]
