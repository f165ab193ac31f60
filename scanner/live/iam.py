"""The minimal IAM policy a live scan needs, generated from the collectors' ``OPERATIONS``.

boto3 service names and operation names mostly equal IAM prefixes and actions; the exceptions are
listed here (from the AWS Service Authorization Reference).
"""

from __future__ import annotations

from typing import Any

from .registry import CollectorSet, load_collectors, operations

IAM_PREFIXES: dict[str, str] = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "stepfunctions": "states",
    "opensearch": "es",
}
IAM_ACTIONS: dict[tuple[str, str], str] = {
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "GetBucketReplication"): "GetReplicationConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "GetLifecycleConfiguration",
    ("s3", "GetBucketLifecycle"): "GetLifecycleConfiguration",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "GetObjectLockConfiguration"): "GetBucketObjectLockConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "GetBucketNotification",
    ("s3", "GetBucketCors"): "GetBucketCORS",
    ("s3", "GetBucketAccelerateConfiguration"): "GetAccelerateConfiguration",
    ("s3", "GetBucketAnalyticsConfiguration"): "GetAnalyticsConfiguration",
    ("s3", "GetBucketIntelligentTieringConfiguration"): "GetIntelligentTieringConfiguration",
    ("s3", "GetBucketInventoryConfiguration"): "GetInventoryConfiguration",
    ("s3", "GetBucketMetricsConfiguration"): "GetMetricsConfiguration",
    ("s3control", "GetPublicAccessBlock"): "GetAccountPublicAccessBlock",
}
BASELINE: tuple[tuple[str, str], ...] = (
    ("sts", "GetCallerIdentity"),
    ("sts", "AssumeRole"),
    ("organizations", "ListAccounts"),
    ("ec2", "DescribeRegions"),
    ("cloudwatch", "GetMetricData"),
)
"""Calls the orchestration itself makes (identity, scope, lag metrics)."""


def iam_action(service: str, operation: str) -> str:
    """The IAM action (``prefix:Action``) that authorises boto3 ``service``'s ``operation``."""
    prefix = IAM_PREFIXES.get(service, service)
    return f"{prefix}:{IAM_ACTIONS.get((service, operation), operation)}"


def required_actions(collectors: CollectorSet | None = None) -> list[str]:
    """Sorted, distinct IAM actions of the baseline and every collector's ``OPERATIONS``."""
    collectors = collectors if collectors is not None else load_collectors()
    calls = set(BASELINE)
    for module in collectors.all_modules():
        calls.update(operations(module))
    return sorted({iam_action(service, operation) for service, operation in calls})


def minimal_iam_policy(collectors: CollectorSet | None = None) -> dict[str, Any]:
    """An IAM policy document (one statement, ``Resource: *``) allowing exactly what a scan calls."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "HaguardReadOnlyScan",
            "Effect": "Allow",
            "Action": required_actions(collectors),
            "Resource": "*",
        }],
    }
