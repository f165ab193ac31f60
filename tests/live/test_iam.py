"""The generated IAM policy: mapping to IAM actions, and agreement with what a scan really calls."""

from __future__ import annotations

import fake_metrics
import fake_network
import fake_rds
import pytest
from live_recorder import CallRecorder
from live_seed import seed_account
from moto import mock_aws

from scanner.live.iam import iam_action, minimal_iam_policy, required_actions
from scanner.live.options import LiveOptions
from scanner.live.readonly import is_read_only
from scanner.live.registry import CollectorSet, load_collectors, operations
from scanner.live.scan import collect_live

FAKES = CollectorSet(collectors=[fake_network, fake_rds], metrics=fake_metrics)


@pytest.mark.parametrize(("service", "operation", "action"), [
    ("s3", "ListBuckets", "s3:ListAllMyBuckets"),
    ("s3", "GetBucketReplication", "s3:GetReplicationConfiguration"),
    ("s3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
    ("s3", "GetBucketLocation", "s3:GetBucketLocation"),
    ("s3", "GetBucketVersioning", "s3:GetBucketVersioning"),
    ("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("elbv2", "DescribeTargetHealth", "elasticloadbalancing:DescribeTargetHealth"),
    ("elb", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
    ("efs", "DescribeMountTargets", "elasticfilesystem:DescribeMountTargets"),
    ("rds", "DescribeDBInstances", "rds:DescribeDBInstances"),
    ("cloudwatch", "GetMetricData", "cloudwatch:GetMetricData"),
])
def test_iam_action(service: str, operation: str, action: str) -> None:
    assert iam_action(service, operation) == action


def test_policy_shape() -> None:
    policy = minimal_iam_policy(FAKES)
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert statement["Action"] == [
        "cloudwatch:GetMetricData", "ec2:DescribeRegions", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
        "organizations:ListAccounts", "rds:DescribeDBClusters", "rds:DescribeDBInstances",
        "rds:DescribeDBSubnetGroups", "rds:DescribeGlobalClusters", "sts:AssumeRole", "sts:GetCallerIdentity"]


def test_registered_collectors_declare_only_reads() -> None:
    collectors = load_collectors()
    for module in collectors.all_modules():
        for service, operation in operations(module):
            assert is_read_only(service, operation), f"{module.__name__}: {service}:{operation}"
    actions = required_actions(collectors)
    assert actions == sorted(set(actions))
    assert "s3:ListAllMyBuckets" in actions and "s3:ListBuckets" not in actions


@mock_aws
def test_policy_agrees_with_the_calls_of_a_scan() -> None:
    """The test the issue asks for: the generated policy == the operations a scan calls."""
    import boto3

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    org.create_account(AccountName="m", Email="m@example.com")
    seed_account(("us-east-1",))
    recorder = CallRecorder()
    collect_live(LiveOptions(regions=["us-east-1"], org=True, role_arn="arn:aws:iam::{account}:role/r"),
                 collectors=FAKES, client_hooks=[recorder.install])
    collect_live(LiveOptions(regions=["all"]), collectors=CollectorSet(), client_hooks=[recorder.install])
    recorded = sorted({iam_action(service, operation) for service, operation in recorder.calls})
    assert recorded == required_actions(FAKES)
