"""S3 replication facts: whether a bucket replicates to another Region, and into versioned buckets."""

from __future__ import annotations

from .model import Graph

BUCKET = "aws.s3.bucket"
_ARN = "arn:aws:s3:::"


def _name(arn_or_name: str) -> str:
    return arn_or_name.removeprefix(_ARN).split("/", 1)[0]


def derive_replication(graph: Graph) -> None:
    """``replicates_cross_region``, ``replication_destinations_versioned`` and ``is_replication_destination``
    on buckets (the vocabulary's ``derived`` descriptions say what each means)."""
    buckets = {uid: graph.resources[uid] for uid in graph.of_type(BUCKET)}
    by_name = {str(r.name): uid for uid, r in buckets.items() if r.name}
    one_region = graph.source.kind == "cloudformation"  # a template deploys into one Region
    # Terraform resources carry their provider's Region (an aliased DR provider's, or None when unknown)
    for uid, bucket in buckets.items():
        unknown = graph.derived_unknown[uid]
        if "replication_rules" in bucket.unknown:
            reason = bucket.unknown["replication_rules"]
            unknown["replicates_cross_region"] = unknown["replication_destinations_versioned"] = reason
            continue
        cross: bool | None = False
        versioned: bool | None = True
        cross_reason = versioned_reason = ""
        for index, rule in enumerate(bucket.attributes.get("replication_rules") or []):
            if rule.get("status") != "Enabled":
                continue
            target = str(rule.get("destination_bucket") or "")
            dest_uid = target if target in buckets else by_name.get(_name(target)) if target else None
            if dest_uid is not None and dest_uid != uid:
                graph.derived[dest_uid]["is_replication_destination"] = True
            other = _other_region(bucket.region, rule.get("destination_region"),
                                  buckets[dest_uid].region if dest_uid is not None else None,
                                  dest_uid is not None, one_region)
            if other is True:
                cross = True
            elif other is None and cross is False:
                cross = None
                cross_reason = (bucket.unknown.get(f"replication_rules.{index}.destination_region")
                                or _region_unknown(target))
            if versioned is False:
                continue
            if dest_uid is None:
                versioned, versioned_reason = None, f"destination {target or '(none)'} is not in the snapshot"
            elif "versioning" in buckets[dest_uid].unknown:
                versioned, versioned_reason = None, buckets[dest_uid].unknown["versioning"]
            else:
                versioned = False if buckets[dest_uid].attributes.get("versioning", "Disabled") != "Enabled" \
                    else versioned
        _set(graph, uid, "replicates_cross_region", cross, cross_reason)
        _set(graph, uid, "replication_destinations_versioned", versioned, versioned_reason)
    for uid in buckets:
        graph.derived[uid].setdefault("is_replication_destination", False)


def _other_region(source: str | None, stated: str | None, destination: str | None, in_snapshot: bool,
                  one_region: bool) -> bool | None:
    """Whether the destination is in another Region than the source; ``None`` when that is not known."""
    if stated is None and in_snapshot and one_region:
        return False  # both buckets in one CloudFormation template
    region = stated if stated is not None else destination if in_snapshot else None
    if region is None or source is None:
        return None
    return region != source


def _region_unknown(target: str) -> str:
    if not target:
        return "an enabled replication rule names no destination bucket"
    return f"the Region of destination {target} is not known"


def _set(graph: Graph, uid: str, fact: str, value: bool | None, reason: str) -> None:
    if value is None:
        graph.derived_unknown[uid][fact] = reason
    else:
        graph.derived[uid][fact] = value


__all__ = ["derive_replication"]
