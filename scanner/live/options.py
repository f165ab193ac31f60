"""``LiveOptions``: what a live scan covers and how hard it may push the AWS APIs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SEVEN_DAYS_SECONDS = 7 * 24 * 3600


class LiveOptions(BaseModel):
    """Options of one live scan (from ``haguard scan`` arguments)."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str] = Field(
        default_factory=list,
        description="Regions to scan; `all` = every Region enabled for the account; empty = the session's Region.",
    )
    profile: str | None = Field(None, description="AWS named profile (else the default credential chain).")
    role_arn: str | None = Field(
        None, description="Role to assume in each target account; `{account}` is replaced by the account id."
    )
    accounts: list[str] = Field(default_factory=list, description="Target account ids (empty = current account).")
    org: bool = Field(False, description="Scan every ACTIVE account of the organization (organizations:ListAccounts).")
    external_id: str | None = Field(None, description="ExternalId passed to sts:AssumeRole.")
    workers: int = Field(8, ge=1, le=64, description="Concurrent collector tasks.")
    lag_window_seconds: int = Field(
        SEVEN_DAYS_SECONDS, ge=60, description="Window over which replication-lag metrics are read (default 7 d)."
    )
