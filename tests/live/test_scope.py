"""Scope: Regions (explicit or all enabled), accounts (current, listed, organization) and AssumeRole."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from faults import inject
from moto import mock_aws

from scanner.errors import InputError
from scanner.live.options import LiveOptions
from scanner.live.scope import resolve_scope

ROLE = "arn:aws:iam::{account}:role/haguard-read"


def _members(count: int) -> list[str]:
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    return [org.create_account(AccountName=f"m{i}", Email=f"m{i}@example.com")["CreateAccountStatus"]["AccountId"]
            for i in range(count)]


def _identity(session: Any) -> str:
    return str(session.client("sts", region_name="us-east-1").get_caller_identity()["Account"])


@mock_aws
def test_current_account_and_explicit_regions() -> None:
    scope = resolve_scope(LiveOptions(regions=["eu-west-1", "us-east-1", "eu-west-1"]))
    assert scope.caller_account == "123456789012"
    assert [t.account for t in scope.targets] == ["123456789012"]
    assert scope.regions == ["eu-west-1", "us-east-1"]
    assert scope.api_calls == 1


@mock_aws
def test_default_region_from_session() -> None:
    assert resolve_scope(LiveOptions()).regions == ["us-east-1"]


@mock_aws
def test_no_region_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(InputError, match="no AWS Region: pass --region"):
        resolve_scope(LiveOptions())


@mock_aws
def test_all_regions_are_the_enabled_ones() -> None:
    scope = resolve_scope(LiveOptions(regions=["all"]))
    listed = boto3.client("ec2", region_name="us-east-1").describe_regions(AllRegions=True)["Regions"]
    disabled = {r["RegionName"] for r in listed if r["OptInStatus"] == "not-opted-in"}
    assert "us-east-1" in scope.regions and "eu-west-1" in scope.regions
    assert disabled and not disabled & set(scope.regions)
    assert scope.regions == sorted(scope.regions)
    assert scope.api_calls == 2


@mock_aws
def test_unknown_region_rejected_before_any_call() -> None:
    with pytest.raises(InputError, match="unknown AWS Region 'moon-1'"):
        resolve_scope(LiveOptions(regions=["moon-1"]))


@mock_aws
def test_organization_accounts_are_assumed() -> None:
    members = _members(2)
    boto3.client("organizations", region_name="us-east-1").close_account(AccountId=members[1])
    recorded: list[dict[str, Any]] = []

    def record(client: Any) -> None:
        client.meta.events.register("provide-client-params.sts.AssumeRole", lambda params, **_: recorded.append(params))

    scope = resolve_scope(LiveOptions(org=True, role_arn=ROLE, external_id="ext-1"), hooks=[record])
    accounts = [t.account for t in scope.targets]
    assert accounts == sorted(["123456789012", members[0]])  # the closed account is not ACTIVE
    assert [_identity(t.session) for t in scope.targets] == accounts
    assert recorded == [{"RoleArn": f"arn:aws:iam::{members[0]}:role/haguard-read", "RoleSessionName": "haguard",
                         "ExternalId": "ext-1"}]


@mock_aws
def test_listed_accounts() -> None:
    scope = resolve_scope(LiveOptions(accounts=["111111111111", "222222222222"], role_arn=ROLE))
    assert [(t.account, _identity(t.session)) for t in scope.targets] == [
        ("111111111111", "111111111111"), ("222222222222", "222222222222")]


@mock_aws
def test_refused_assume_role_becomes_a_gap() -> None:
    fault = inject(1.0, "AccessDenied", services={"sts"}, operations={"AssumeRole"})
    scope = resolve_scope(LiveOptions(accounts=["111111111111"], role_arn=ROLE), all_types=("aws.ec2.vpc",),
                          hooks=[fault.install])
    assert scope.targets == []
    [gap] = scope.gaps
    assert (gap.account, gap.operation, gap.error, gap.resource_types) == (
        "111111111111", "AssumeRole", "AccessDenied", ["aws.ec2.vpc"])


@pytest.mark.parametrize(("options", "message"), [
    ({"accounts": ["111111111111"]}, "pass --role-arn"),
    ({"accounts": ["1234"], "role_arn": ROLE}, "not a 12-digit AWS account id"),
    ({"accounts": ["111111111111"], "org": True}, "exclude each other"),
    ({"accounts": ["111111111111"], "role_arn": "haguard-read"}, "is not an IAM role ARN"),
    ({"accounts": ["111111111111", "222222222222"], "role_arn": "arn:aws:iam::111111111111:role/r"},
     "must contain {account}"),
])
@mock_aws
def test_bad_account_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("{", r"\{").replace("}", r"\}")):
        resolve_scope(LiveOptions(**options))
