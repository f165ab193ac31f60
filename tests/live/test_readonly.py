"""The read-only guard refuses writes on every client the live scan creates."""

from __future__ import annotations

import pytest
from moto import mock_aws

from scanner.live.readonly import ReadOnlyViolation, is_read_only
from scanner.live.session import create_session, make_client, retry_config


@mock_aws
def test_refuses_run_instances_before_sending() -> None:
    ec2 = make_client(create_session(), "ec2", "us-east-1", retry_config())
    with pytest.raises(ReadOnlyViolation, match=r"read-only: refused to call ec2:RunInstances"):
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    assert ec2.describe_instances()["Reservations"] == []  # nothing was created


@mock_aws
def test_refuses_delete_db_instance_but_allows_reads() -> None:
    session = create_session()
    make_client(session, "rds", "us-east-1", retry_config())  # guard on one client ...
    plain = session.client("rds", region_name="us-east-1")  # ... is not installed on others
    plain.create_db_instance(DBInstanceIdentifier="orders", DBInstanceClass="db.t3.micro", Engine="postgres",
                             MasterUsername="u", MasterUserPassword="password1", AllocatedStorage=20)
    rds = make_client(session, "rds", "us-east-1", retry_config())
    with pytest.raises(ReadOnlyViolation, match=r"rds:DeleteDBInstance"):
        rds.delete_db_instance(DBInstanceIdentifier="orders", SkipFinalSnapshot=True)
    assert [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]] == ["orders"]
    assert rds.get_paginator("describe_db_instances").paginate().build_full_result()["DBInstances"]


@pytest.mark.parametrize(("action", "allowed"), [
    ("ec2:DescribeVpcs", True), ("organizations:ListAccounts", True), ("dynamodb:BatchGetItem", True),
    ("cloudwatch:GetMetricData", True), ("sts:AssumeRole", True), ("sts:GetCallerIdentity", True),
    ("logs:SearchLogGroups", True), ("cloudtrail:LookupEvents", True),
    ("ec2:RunInstances", False), ("rds:DeleteDBInstance", False), ("s3:PutObject", False),
    ("ec2:CreateTags", False), ("sts:AssumeRoleWithWebIdentity", False), ("ec2:GetPasswordData", False),
    ("secretsmanager:GetSecretValue", False), ("s3:GetObject", False),
])
def test_is_read_only(action: str, allowed: bool) -> None:
    service, operation = action.split(":")
    assert is_read_only(service, operation) is allowed
