"""S3 buckets: versioning, replication and lifecycle.

The live collector hands over ``{"Name", "Versioning", "Replication", "Lifecycle"}`` per bucket: the
``GetBucketVersioning``, ``GetBucketReplication`` and ``GetBucketLifecycleConfiguration`` responses
(an ``Unknown`` where a call failed). Terraform declares replication and lifecycle in their own
resources (``aws_s3_bucket_replication_configuration``, ``aws_s3_bucket_lifecycle_configuration``),
whose blocks the same item declarations read.
"""


from typing import ClassVar

from .. import normalise
from ._base import RECOVERY, Attributes, Item
from ._fields import Hook, Live, attr
from .backup import BACKUP_FACT_ITEMS, BACKUP_FACTS

_METRICS_ONLY = "read from CloudWatch metrics over the lag window (live only)"


class ReplicationRule(Item):
    """One replication rule."""

    id: str | None = attr(None, "`ID` of the rule (AWS assigns one when none is given); the `RuleId` dimension "
                          "of its replication metrics.", cfn="Id", tf="id", live="ID")
    status: str = attr("Enabled", "`Status`.", cfn="Status", tf="status", live="Status")
    destination_bucket: str | None = attr(None, "`Destination.Bucket` (ARN, or the IaC bucket's uid).",
                                          cfn="Destination.Bucket", tf="destination.bucket", live="Destination.Bucket",
                                          ref=True)
    destination_region: str | None = attr(
        None, "Region of the destination bucket (live: its location).", live=Hook("destination_regions"),
        why="IaC names the destination bucket, whose Region a bucket ARN does not carry (live only)")
    replication_time_enabled: bool = attr(
        False, "S3 Replication Time Control (`Destination.ReplicationTime.Status`, 15 minutes).",
        cfn="Destination.ReplicationTime.Status", tf="destination.replication_time.status",
        live="Destination.ReplicationTime.Status", conv=normalise.enabled)
    metrics_enabled: bool = attr(False, "Replication metrics (`Destination.Metrics.Status`).",
                                 cfn="Destination.Metrics.Status", tf="destination.metrics.status",
                                 live="Destination.Metrics.Status", conv=normalise.enabled)


class Transition(Item):
    """One lifecycle transition of current object versions."""

    days: int | None = attr(None, "Days after creation.", cfn="TransitionInDays", tf="days", live="Days")
    storage_class: str = attr(..., "Target storage class.", cfn="StorageClass", tf="storage_class",
                              live="StorageClass")


class NoncurrentTransition(Item):
    """One lifecycle transition of noncurrent object versions."""

    days: int | None = attr(None, "Days after becoming noncurrent.", cfn="TransitionInDays", tf="noncurrent_days",
                            live="NoncurrentDays")
    storage_class: str = attr(..., "Target storage class.", cfn="StorageClass", tf="storage_class",
                              live="StorageClass")


class LifecycleRule(Item):
    """One lifecycle rule."""

    status: str = attr("Enabled", "`Status`.", cfn="Status", tf="status", live="Status")
    transitions: list[Transition] = attr([], "Transitions of current versions.", cfn="Transitions|Transition",
                                         tf="transition", live="Transitions")
    noncurrent_transitions: list[NoncurrentTransition] = attr(
        [], "Transitions of noncurrent versions.", cfn="NoncurrentVersionTransitions|NoncurrentVersionTransition",
        tf="noncurrent_version_transition", live="NoncurrentVersionTransitions")
    expiration_days: int | None = attr(None, "Days after which current versions expire.",
                                       cfn="ExpirationInDays", tf="expiration.days", live="Expiration.Days")
    noncurrent_expiration_days: int | None = attr(
        None, "Days after which noncurrent versions expire.",
        cfn="NoncurrentVersionExpiration.NoncurrentDays|NoncurrentVersionExpirationInDays",
        tf="noncurrent_version_expiration.noncurrent_days", live="NoncurrentVersionExpiration.NoncurrentDays")
    abort_incomplete_upload_days: int | None = attr(
        None, "Days after which incomplete multipart uploads are aborted.",
        cfn="AbortIncompleteMultipartUpload.DaysAfterInitiation",
        tf="abort_incomplete_multipart_upload.days_after_initiation",
        live="AbortIncompleteMultipartUpload.DaysAfterInitiation")


class Bucket(Attributes):
    """An S3 bucket."""

    type_name: ClassVar[str] = "aws.s3.bucket"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::S3::Bucket",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_s3_bucket",)
    live: ClassVar[Live] = Live("s3:ListBuckets", "arn:aws:s3:::{id}", id="Name", name="Name")
    derived: ClassVar[dict[str, str]] = {
        **RECOVERY, **BACKUP_FACTS,
        "replicates_cross_region": "True when an enabled replication rule's destination bucket is in another Region "
        "(the rule's destination Region, or the destination bucket's in the snapshot; one CloudFormation template "
        "is one Region); false when none is; unknown when a destination's Region is not known (derived by the graph).",
        "replication_destinations_versioned": "True when the destination bucket of every enabled replication rule "
        "is in the snapshot with versioning Enabled; unknown when one is not in the snapshot (derived by the graph).",
        "is_replication_destination": "True when an enabled replication rule of another bucket in the snapshot "
        "writes into this bucket (the DR copy).",
    }
    derived_items: ClassVar[dict[str, type[Item]]] = dict(BACKUP_FACT_ITEMS)
    evidence_context: ClassVar[dict[str, tuple[str, ...]]] = {
        "replication_latency_max_seconds": ("lag_window_seconds",),
        "replication_failed_operations": ("lag_window_seconds",)}

    tags: dict[str, str] = attr({}, "Resource tags. Default: none.", cfn="Tags", tf="tags", live="Tagging.TagSet")
    versioning: str = attr("Disabled", "`Status`: Disabled (never enabled), Enabled, Suspended.",
                           cfn="VersioningConfiguration.Status", tf=Hook("versioning"), live="Versioning.Status")
    replication_rules: list[ReplicationRule] = attr(
        [], "Replication rules.", cfn="ReplicationConfiguration.Rules", tf=Hook("replication"),
        live="Replication.ReplicationConfiguration.Rules")
    lifecycle_rules: list[LifecycleRule] = attr(
        [], "Lifecycle rules.", cfn="LifecycleConfiguration.Rules", tf=Hook("lifecycle"), live="Lifecycle.Rules")
    replication_latency_max_seconds: float | None = attr(
        None, "Maximum CloudWatch `ReplicationLatency` (s) over the window of the enabled rules with replication "
        "metrics (published in each destination bucket's Region; live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)
    replication_failed_operations: float | None = attr(
        None, "Sum of CloudWatch `OperationsFailedReplication` over the window (source Region); null when S3 "
        "published none (S3 publishes it only when replication runs; live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)
    lag_window_seconds: int | None = attr(
        None, "Window (seconds) over which the lag maximum was read from CloudWatch (live).",
        live=Hook("metrics"), why=_METRICS_ONLY, volatile=True)


MODELS: tuple[type[Attributes], ...] = (Bucket,)
