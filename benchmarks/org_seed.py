"""A simulated AWS Organization on a moto server: N member accounts, each with a small stack per Region.

Each member account gets, in every seeded Region, a VPC with two private subnets, a PostgreSQL DB
instance in a subnet group and a DynamoDB table. Violations are planted by account index:

- ``index % 4 == 1``: the DB is single-AZ (``rds-instance-multi-az`` fails);
- ``index % 5 == 2``: the table has no point-in-time recovery (``dynamodb-pitr`` fails);
- everything else is compliant for those two policies (Multi-AZ DB, PITR on).

Seeding goes straight to the moto server (not through a test proxy), a few accounts at a time; with
``url=None`` it goes to moto's in-process backends (inside ``in_process_moto()``), which a
``ThreadedMotoServer`` in the same process then serves: no HTTP round trip per seeded resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

REGIONS = ("us-east-1", "eu-west-1")
ROLE = "haguard-audit"
ROLE_ARN = "arn:aws:iam::{account}:role/" + ROLE
MANAGEMENT = "123456789012"


@dataclass(frozen=True)
class Member:
    """A seeded member account and what was planted in it."""

    index: int
    account: str

    @property
    def single_az_db(self) -> bool:
        return self.index % 4 == 1

    @property
    def table_without_pitr(self) -> bool:
        return self.index % 5 == 2


def _session(url: str | None, **credentials: str) -> boto3.Session:
    from scanner.live.session import botocore_session  # shares the parsed service models

    return boto3.Session(botocore_session=botocore_session(), aws_access_key_id=credentials.get("key", "testing"),
                         aws_secret_access_key=credentials.get("secret", "testing"),
                         aws_session_token=credentials.get("token"), region_name="us-east-1")


def create_organization(url: str | None, n: int) -> list[Member]:
    """The organisation (management account 123456789012) with ``n`` member accounts."""
    org = _session(url).client("organizations", endpoint_url=url)
    org.create_organization(FeatureSet="ALL")
    members = []
    for index in range(n):
        status = org.create_account(AccountName=f"member-{index}", Email=f"member-{index}@example.com")
        members.append(Member(index, status["CreateAccountStatus"]["AccountId"]))
    return members


def member_session(url: str | None, account: str) -> boto3.Session:
    """A session in ``account`` (moto keeps each account's state apart)."""
    sts = _session(url).client("sts", endpoint_url=url)
    creds = sts.assume_role(RoleArn=ROLE_ARN.format(account=account), RoleSessionName="seed")["Credentials"]
    return _session(url, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])


def seed_member(url: str | None, member: Member, regions: tuple[str, ...] = REGIONS) -> None:
    """The small stack of one account in each Region."""
    session = member_session(url, member.account)
    for region in regions:
        ec2 = session.client("ec2", region_name=region, endpoint_url=url)
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24",
                                     AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"]
                   for i, zone in enumerate("ab")]
        rds = session.client("rds", region_name=region, endpoint_url=url)
        rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=subnets)
        rds.create_db_instance(DBInstanceIdentifier=f"orders-{member.index}", Engine="postgres",
                               DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="admin",
                               MasterUserPassword="NeverPrintMe-1234", DBSubnetGroupName="data",
                               MultiAZ=not member.single_az_db, BackupRetentionPeriod=7, PubliclyAccessible=False)
        dynamodb = session.client("dynamodb", region_name=region, endpoint_url=url)
        table = f"orders-{member.index}"
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        if not member.table_without_pitr:
            dynamodb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True})


def seed_organization(url: str | None, n: int, regions: tuple[str, ...] = REGIONS, threads: int = 8) -> list[Member]:
    """Create the organisation and seed every member account (accounts in parallel)."""
    members = create_organization(url, n)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(lambda m: seed_member(url, m, regions), members))
    return members


@contextmanager
def in_process_moto() -> Iterator[None]:
    """moto's in-process mock, keeping the state it creates (a server in this process serves it)."""
    import os

    from moto import mock_aws

    previous = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL",)}
    os.environ.pop("AWS_ENDPOINT_URL", None)
    mock = mock_aws()
    mock.start(reset=False)
    try:
        yield
    finally:
        mock.stop(remove_data=False)
        for key, value in previous.items():
            if value is not None:
                os.environ[key] = value


def reset(url: str) -> None:
    """Clear the moto server's state."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))


def expected_verdicts(members: list[Member], regions: tuple[str, ...] = REGIONS,
                      broken: frozenset[str] = frozenset()) -> dict[tuple[str, str, str, str], str]:
    """``(policy, account, region, resource name) -> status`` for the planted checks of reachable accounts."""
    expected: dict[tuple[str, str, str, str], Any] = {}
    for member in members:
        if member.account in broken:
            continue
        for region in regions:
            name = f"orders-{member.index}"
            expected[("rds-instance-multi-az", member.account, region, name)] = (
                "fail" if member.single_az_db else "pass")
            expected[("dynamodb-pitr", member.account, region, name)] = (
                "fail" if member.table_without_pitr else "pass")
    return expected
