"""S3 collector: buckets with versioning, replication rules, lifecycle rules and tags.

S3 is global: the orchestrator runs this collector in one Region only. ``ListBuckets`` lists every
bucket of the account; each bucket's Region comes from the ``BucketRegion`` field of that response
when AWS returns it, else from one ``GetBucketLocation`` per bucket (``None`` means us-east-1, ``EU``
means eu-west-1). The per-bucket settings need one call each (no batch API). "Not configured" errors
(``ReplicationConfigurationNotFoundError``, ``NoSuchLifecycleConfiguration``, ``NoSuchTagSet``) mean
AWS's default (none); any other error leaves that attribute unknown on that bucket only.
"""

from __future__ import annotations

from typing import Any

from ..model import Resource
from ..model.values import Unknown
from .base import CallContext, Collected
from .engine import build

SERVICE = "s3"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "s3:ListBuckets": ("aws.s3.bucket",),
    "s3:GetBucketLocation": ("aws.s3.bucket",),
    "s3:GetBucketVersioning": ("aws.s3.bucket",),
    "s3:GetBucketReplication": ("aws.s3.bucket",),
    "s3:GetBucketLifecycleConfiguration": ("aws.s3.bucket",),
    "s3:GetBucketTagging": ("aws.s3.bucket",),
}

BUCKET = "aws.s3.bucket"
# Per-bucket operation -> (the item key its response goes under, the error code meaning "not configured").
_SETTINGS: dict[str, tuple[str, str | None]] = {
    "GetBucketVersioning": ("Versioning", None),
    "GetBucketReplication": ("Replication", "ReplicationConfigurationNotFoundError"),
    "GetBucketLifecycleConfiguration": ("Lifecycle", "NoSuchLifecycleConfiguration"),
    "GetBucketTagging": ("Tagging", "NoSuchTagSet"),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Every bucket, its Region and its settings; destination Regions of replication rules."""
    listed = ctx.paginate(SERVICE, "ListBuckets", "Buckets", unknown_types=OPERATIONS["s3:ListBuckets"])

    def settings(bucket: dict[str, Any]) -> dict[str, Any]:
        name = bucket["Name"]
        entry: dict[str, Any] = {"name": name, "responses": {}, "errors": {}}
        entry["region"] = bucket.get("BucketRegion") or _location(ctx, name, entry["errors"])
        for operation in _SETTINGS:
            response, error = ctx.try_call(SERVICE, operation, unknown_types=(), Bucket=name)
            if response is None:
                entry["errors"][operation] = _code(error)
            else:
                entry["responses"][operation] = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        return entry

    buckets = ctx.map(settings, listed or [])
    regions = {b["name"]: b["region"] for b in buckets if b["region"]}
    destinations: dict[str, str | None] = {}
    for entry in buckets:
        for rule in entry["responses"].get("GetBucketReplication", {}).get("ReplicationConfiguration", {}).get(
                "Rules", []):
            target = bucket_name((rule.get("Destination") or {}).get("Bucket", ""))
            if target and target not in regions and target not in destinations:
                destinations[target] = _location(ctx, target, {})
    return {"buckets": buckets, "destination_regions": {**destinations, **regions}}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources from the raw ``fetch`` output (pure); ``region`` is unused (buckets carry their own)."""
    out = Collected()
    regions: dict[str, str | None] = raw.get("destination_regions") or {}
    for entry in raw.get("buckets") or []:
        _bucket(entry, account, regions, out)
    return out


def bucket_uid(name: str) -> str:
    """A bucket's ARN."""
    return f"arn:aws:s3:::{name}"


def bucket_name(arn_or_name: str) -> str:
    """The bucket name of an S3 bucket ARN (a bare name is returned unchanged)."""
    return arn_or_name.removeprefix("arn:aws:s3:::").split("/", 1)[0]


def _code(last_error: str | None) -> str:
    return (last_error or "error").split(": ", 1)[-1]


def _location(ctx: CallContext, name: str, errors: dict[str, str]) -> str | None:
    response, error = ctx.try_call(SERVICE, "GetBucketLocation", unknown_types=(), Bucket=name)
    if response is None:
        errors["GetBucketLocation"] = _code(error)
        return None
    constraint = response.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


def _bucket(entry: dict[str, Any], account: str, regions: dict[str, str | None], out: Collected) -> None:
    item: dict[str, Any] = {"Name": entry["name"]}
    for operation, (key, not_found) in _SETTINGS.items():
        error = entry["errors"].get(operation)
        if error is not None and error != not_found:
            item[key] = Unknown(f"{operation}: {error}")
        else:
            item[key] = entry["responses"].get(operation, {})
    resource = build(out, BUCKET, item, account, entry.get("region") or "", resource_region=entry.get("region"))
    if "GetBucketLocation" in entry["errors"]:
        resource.unknown["region"] = f"GetBucketLocation: {entry['errors']['GetBucketLocation']}"
    destination_regions(resource, regions)


def destination_regions(resource: Resource, regions: dict[str, str | None]) -> None:
    """Each replication rule's destination Region, from the destination bucket's location."""
    for index, rule in enumerate(resource.attributes.get("replication_rules") or []):
        target = rule.get("destination_bucket")
        if not target:
            continue
        region = regions.get(bucket_name(target))
        if region:
            rule["destination_region"] = region
        else:
            resource.unknown[f"replication_rules.{index}.destination_region"] = "destination bucket Region not readable"
