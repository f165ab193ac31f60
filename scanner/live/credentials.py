"""Assumed-role sessions that refresh their credentials before they expire.

A scan of a large organisation outlives the one-hour default of an ``sts:AssumeRole`` session. The
session built here holds botocore ``RefreshableCredentials`` whose refresh calls ``AssumeRole``
again: when less than ``refresh_margin`` seconds remain, the next request refreshes them (others
keep signing with the still-valid credentials meanwhile); when less than two thirds of the margin
remain, every request waits for the refresh. The credentials live in the process that assumed the
role and are never serialised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

SESSION_NAME = "haguard"
DEFAULT_DURATION_SECONDS = 3600
DEFAULT_REFRESH_MARGIN_SECONDS = 900
MIN_DURATION_SECONDS = 900
MAX_DURATION_SECONDS = 43200


@dataclass(frozen=True)
class RoleSettings:
    """How the per-account role is assumed (no credentials: those stay in the assuming process)."""

    role_arn: str
    external_id: str | None = None
    duration_seconds: int = DEFAULT_DURATION_SECONDS
    refresh_margin_seconds: int = DEFAULT_REFRESH_MARGIN_SECONDS

    def arn_for(self, account: str) -> str:
        """The role ARN in ``account`` (``{account}`` replaced)."""
        return self.role_arn.replace("{account}", account)


class AssumeRoleRefused(Exception):
    """``sts:AssumeRole`` was refused (the account becomes a coverage gap); ``code`` is AWS's."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CallCounter:
    """A thread-safe counter of API calls (``take`` returns and resets it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0

    def add(self, n: int = 1) -> None:
        with self._lock:
            self._count += n

    def take(self) -> int:
        """The calls counted since the last ``take``."""
        with self._lock:
            count, self._count = self._count, 0
            return count


def assumed_role_session(base: boto3.Session, account: str, role: RoleSettings, region: str, config: Config,
                         make_client: Callable[..., Any], hooks: Sequence[Callable[[Any], None]] = (),
                         counter: CallCounter | None = None) -> boto3.Session:
    """A boto3 session in ``account`` whose credentials refresh themselves; ``AssumeRoleRefused`` if denied.

    The first ``AssumeRole`` happens here (so a refused role is known before any collection);
    ``make_client`` is ``scanner.live.session.make_client`` (guarded, quick retries, ``hooks``).
    """
    import boto3
    from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials
    from botocore.exceptions import ClientError

    sts = make_client(base, "sts", region, config, hooks)
    params: dict[str, Any] = {"RoleArn": role.arn_for(account), "RoleSessionName": SESSION_NAME,
                              "DurationSeconds": role.duration_seconds}
    if role.external_id:
        params["ExternalId"] = role.external_id

    def fetch() -> dict[str, Any]:
        if counter is not None:
            counter.add()
        try:
            credentials = sts.assume_role(**params)["Credentials"]
        except ClientError as exc:
            raise AssumeRoleRefused(str(exc.response.get("Error", {}).get("Code") or "ClientError")) from None
        return {"access_key": credentials["AccessKeyId"], "secret_key": credentials["SecretAccessKey"],
                "token": credentials["SessionToken"], "expiry_time": credentials["Expiration"].isoformat()}

    margin = role.refresh_margin_seconds
    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="assume-role",
        advisory_timeout=margin, mandatory_timeout=margin * 2 // 3)

    class _Provider(CredentialProvider):
        METHOD = "assume-role"

        def load(self) -> RefreshableCredentials:
            return credentials

    from .session import botocore_session

    core = botocore_session()
    core.register_component("credential_provider", CredentialResolver(providers=[_Provider()]))
    return boto3.Session(botocore_session=core, region_name=region)
