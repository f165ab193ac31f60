"""S3 collector: buckets with versioning, replication rules and lifecycle rules (tags: not collected).

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
from .base import CallContext, Collected

SERVICE = "s3"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "s3:ListBuckets": ("aws.s3.bucket",),
    "s3:GetBucketLocation": ("aws.s3.bucket",),
    "s3:GetBucketVersioning": ("aws.s3.bucket",),
    "s3:GetBucketReplication": ("aws.s3.bucket",),
    "s3:GetBucketLifecycleConfiguration": ("aws.s3.bucket",),
}

_BUCKET = "aws.s3.bucket"
# Per-bucket operation -> (attribute it feeds, the error code meaning "not configured").
_SETTINGS: dict[str, tuple[str, str | None]] = {
    "GetBucketVersioning": ("versioning", None),
    "GetBucketReplication": ("replication_rules", "ReplicationConfigurationNotFoundError"),
    "GetBucketLifecycleConfiguration": ("lifecycle_rules", "NoSuchLifecycleConfiguration"),
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
        out.resources.append(_bucket(entry, account, regions))
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


def _bucket(entry: dict[str, Any], account: str, regions: dict[str, str | None]) -> Resource:
    attrs: dict[str, Any] = {}
    unknown: dict[str, str] = {}
    for operation, (attr, not_found) in _SETTINGS.items():
        error = entry["errors"].get(operation)
        if error is not None and error != not_found:
            unknown[attr] = f"{operation}: {error}"
            continue
        response = entry["responses"].get(operation, {})
        if attr == "versioning":
            attrs[attr] = response.get("Status") or "Disabled"
        elif attr == "replication_rules":
            rules = (response.get("ReplicationConfiguration") or {}).get("Rules") or []
            attrs[attr] = [_replication_rule(rule, regions) for rule in rules]
            unknown.update({f"replication_rules.{i}.destination_region": "destination bucket Region not readable"
                            for i, rule in enumerate(attrs[attr]) if rule.get("destination_bucket")
                            and "destination_region" not in rule})
        elif attr == "lifecycle_rules":
            attrs[attr] = [_lifecycle_rule(rule) for rule in response.get("Rules") or []]
        else:
            attrs[attr] = {t["Key"]: t.get("Value", "") for t in response.get("TagSet") or []}
    if "GetBucketLocation" in entry["errors"]:
        unknown["region"] = f"GetBucketLocation: {entry['errors']['GetBucketLocation']}"
    return Resource(uid=bucket_uid(entry["name"]), type=_BUCKET, name=entry["name"], account=account,
                    region=entry.get("region"), attributes=attrs, unknown=unknown)


def _replication_rule(rule: dict[str, Any], regions: dict[str, str | None]) -> dict[str, Any]:
    destination = rule.get("Destination") or {}
    item: dict[str, Any] = {"status": rule.get("Status", "Enabled"),
                            "replication_time_enabled": (destination.get("ReplicationTime") or {}).get("Status")
                            == "Enabled"}
    if destination.get("Bucket"):
        item["destination_bucket"] = destination["Bucket"]
        target_region = regions.get(bucket_name(destination["Bucket"]))
        if target_region:
            item["destination_region"] = target_region
    return item


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    transitions = [{k: v for k, v in (("days", t.get("Days")), ("storage_class", t.get("StorageClass")))
                    if v is not None} for t in rule.get("Transitions") or []]
    item: dict[str, Any] = {"status": rule.get("Status", "Enabled"), "transitions": transitions}
    noncurrent = (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays")
    if noncurrent is not None:
        item["noncurrent_expiration_days"] = noncurrent
    abort = (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")
    if abort is not None:
        item["abort_incomplete_upload_days"] = abort
    return item
