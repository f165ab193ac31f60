"""``LiveOptions``: what a live scan covers and how hard it may push the AWS APIs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    workers: int = Field(8, ge=1, le=64, description="Concurrent shards per process (threads).")
    executor: str = Field("threads", description="threads[:N] | processes[:N] | dask-local:N | dask://HOST:PORT.")
    budget_rate: float = Field(20.0, gt=0, le=10000, description="Requests per second per account, Region and service.")
    budget_burst: int = Field(100, ge=1, le=100000, description="Requests a budget bucket holds (burst).")
    session_duration_seconds: int = Field(3600, ge=900, le=43200, description="DurationSeconds of assumed roles.")
    refresh_margin_seconds: int = Field(900, ge=1, description="Refresh assumed-role credentials this long "
                                        "before they expire.")
    lag_window_seconds: int = Field(
        SEVEN_DAYS_SECONDS, ge=60, description="Window over which replication-lag metrics are read (default 7 d)."
    )

    @model_validator(mode="after")
    def _margin_below_duration(self) -> LiveOptions:
        if self.refresh_margin_seconds >= self.session_duration_seconds:
            raise ValueError("the refresh margin must be shorter than the session duration")
        return self
