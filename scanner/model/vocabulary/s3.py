"""S3 buckets: versioning, replication and lifecycle."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import Attributes, Item


class ReplicationRule(Item):
    """One replication rule."""

    status: str = "Enabled"
    destination_bucket: str | None = None
    destination_region: str | None = None
    replication_time_enabled: bool = False


class Transition(Item):
    """One lifecycle transition."""

    days: int | None = None
    storage_class: str


class LifecycleRule(Item):
    """One lifecycle rule."""

    status: str = "Enabled"
    transitions: list[Transition] = Field(default_factory=list)
    noncurrent_expiration_days: int | None = None
    abort_incomplete_upload_days: int | None = None


class Bucket(Attributes):
    """An S3 bucket."""

    type_name: ClassVar[str] = "aws.s3.bucket"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::S3::Bucket",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_s3_bucket",)

    versioning: str = Field("Disabled", description="`Status`: Disabled (never enabled), Enabled, Suspended.")
    replication_rules: list[ReplicationRule] = Field(default_factory=list)
    lifecycle_rules: list[LifecycleRule] = Field(default_factory=list)


MODELS: tuple[type[Attributes], ...] = (Bucket,)
