"""What a live scan covers: the accounts (with a session each) and the Regions.

Accounts: the caller's own account, ``--accounts 111,222`` or ``--org`` (every ACTIVE account of
the organization); other accounts are reached by assuming ``--role-arn`` (``{account}`` replaced).
An account whose role cannot be assumed becomes a coverage gap, not a crash: the rest is scanned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model import CoverageGap
from .options import LiveOptions
from .session import call_or_input_error, caller_account, check_region, create_session, make_client, retry_config

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|\{account\}):role/[\w+=,.@/-]+$")
SESSION_NAME = "haguard"
ClientHook = Callable[[Any], None]
ENABLED_REGION_STATUSES = frozenset({"opt-in-not-required", "opted-in"})


@dataclass
class Target:
    """One account to scan and the session holding its credentials."""

    account: str
    session: Any  # boto3.Session (not imported at module import time)


@dataclass
class Scope:
    """The accounts and Regions of a scan, and what resolving them cost or could not reach."""

    targets: list[Target]
    regions: list[str]
    caller_account: str
    api_calls: int = 0
    gaps: list[CoverageGap] = field(default_factory=list)


def resolve_scope(options: LiveOptions, config: Config | None = None, all_types: tuple[str, ...] = (),
                  hooks: Sequence[ClientHook] = (), assume: bool = True) -> Scope:
    """Create the session, check credentials and resolve accounts and Regions.

    ``all_types`` scopes the coverage gap recorded for an account whose role cannot be assumed;
    ``hooks`` are called on every client created (tests record or fault-inject calls through them).
    With ``assume=False`` no role is assumed here: other accounts' targets have no session, because
    the shards' workers assume the role themselves.
    """
    config = config or retry_config(options.workers)
    requested = list(dict.fromkeys(options.regions))
    session = create_session(options.profile)
    probe = [r for r in requested if r != "all"]
    home = (probe[0] if probe else None) or session.region_name
    if home is None and requested:
        home = "us-east-1"
    if home is None:
        raise InputError("no AWS Region: pass --region REGION (repeatable, or 'all') or set AWS_REGION")
    for region in probe:
        check_region(session, region)
    account = caller_account(session, home, config, hooks)
    scope = Scope(targets=[], regions=[], caller_account=account, api_calls=1)
    scope.regions = _regions(session, requested or [home], home, config, scope, hooks)
    for target_account in _accounts(session, options, account, home, config, scope, hooks):
        if target_account == account:
            scope.targets.append(Target(target_account, session))
            continue
        if not assume:
            scope.targets.append(Target(target_account, None))
            continue
        assumed = assume_role(session, options, target_account, home, config, scope, all_types, hooks)
        if assumed is not None:
            scope.targets.append(Target(target_account, assumed))
    return scope


def _regions(session: boto3.Session, requested: list[str], home: str, config: Config, scope: Scope,
             hooks: Sequence[ClientHook]) -> list[str]:
    if "all" not in requested:
        return requested
    client = make_client(session, "ec2", home, config, hooks)
    scope.api_calls += 1
    response = call_or_input_error(client.describe_regions, "ec2:DescribeRegions", AllRegions=False)
    enabled = sorted(r["RegionName"] for r in response.get("Regions", [])
                     if r.get("OptInStatus", "opt-in-not-required") in ENABLED_REGION_STATUSES)
    return list(dict.fromkeys([*enabled, *(r for r in requested if r != "all")]))


def _accounts(session: boto3.Session, options: LiveOptions, caller: str, home: str, config: Config,
              scope: Scope, hooks: Sequence[ClientHook]) -> list[str]:
    if options.org and options.accounts:
        raise InputError("--org and --accounts exclude each other")
    for account in options.accounts:
        if not ACCOUNT_ID.match(account):
            raise InputError(f"--accounts: {account!r} is not a 12-digit AWS account id")
    if options.org:
        accounts = _organization_accounts(session, home, config, scope, hooks)
    else:
        accounts = list(dict.fromkeys(options.accounts)) or [caller]
    others = [a for a in accounts if a != caller]
    if others and not options.role_arn:
        raise InputError(f"account {others[0]} is not the caller's account {caller}: pass --role-arn "
                         "(e.g. arn:aws:iam::{account}:role/haguard-read) to reach it")
    if options.role_arn and not ROLE_ARN.match(options.role_arn):
        raise InputError(f"--role-arn {options.role_arn!r} is not an IAM role ARN (use {{account}} for the account id)")
    if options.role_arn and len(others) > 1 and "{account}" not in options.role_arn:
        raise InputError("--role-arn must contain {account} when several accounts are scanned")
    return accounts


def _organization_accounts(session: boto3.Session, home: str, config: Config, scope: Scope,
                           hooks: Sequence[ClientHook]) -> list[str]:
    client = make_client(session, "organizations", home, config, hooks)
    accounts: list[str] = []

    def list_all() -> None:
        for page in client.get_paginator("list_accounts").paginate():
            scope.api_calls += 1
            accounts.extend(a["Id"] for a in page.get("Accounts", []) if _active(a))

    call_or_input_error(list_all, "organizations:ListAccounts")
    return sorted(dict.fromkeys(accounts))


def _active(account: dict[str, Any]) -> bool:
    state = account.get("State") or account.get("Status")
    return str(state).upper() == "ACTIVE"


def assume_role(session: boto3.Session, options: LiveOptions, account: str, home: str, config: Config,
                scope: Scope, all_types: tuple[str, ...] = (),
                hooks: Sequence[ClientHook] = ()) -> boto3.Session | None:
    """A session in ``account`` through ``sts:AssumeRole``; ``None`` (and a coverage gap) when refused."""
    import boto3
    from botocore.exceptions import ClientError

    assert options.role_arn is not None
    params: dict[str, Any] = {"RoleArn": options.role_arn.replace("{account}", account),
                              "RoleSessionName": SESSION_NAME}
    if options.external_id:
        params["ExternalId"] = options.external_id
    client = make_client(session, "sts", home, config, hooks)
    scope.api_calls += 1

    def request() -> dict[str, Any] | str:
        try:
            return dict(client.assume_role(**params)["Credentials"])
        except ClientError as exc:  # refused: this account becomes a coverage gap
            return str(exc.response.get("Error", {}).get("Code") or "ClientError")

    credentials = call_or_input_error(request, "sts:AssumeRole")
    if isinstance(credentials, str):
        scope.gaps.append(CoverageGap(account=account, service="sts", operation="AssumeRole", error=credentials,
                                      resource_types=list(all_types)))
        return None
    return boto3.Session(profile_name=options.profile, aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=home)

