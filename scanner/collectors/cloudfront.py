"""CloudFront collector: distributions with their origins, origin groups and logging (a global service).

``ListDistributions`` gives ids and ARNs; ``GetDistributionConfig`` (one per distribution, no batch
call) gives the whole configuration, logging included. A failed read leaves that distribution's
configured attributes unknown.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Relation, Resource
from ..model.values import Unknown
from .base import CallContext, Collected
from .engine import build

SERVICE = "cloudfront"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "cloudfront:ListDistributions": ("aws.cloudfront.distribution",),
    "cloudfront:GetDistributionConfig": ("aws.cloudfront.distribution",),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Every distribution and its configuration."""
    summaries: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params = {"Marker": marker} if marker else {}
        page = ctx.call(SERVICE, "ListDistributions", unknown_types=OPERATIONS["cloudfront:ListDistributions"],
                        **params)
        listing = (page or {}).get("DistributionList") or {}
        summaries.extend(listing.get("Items") or [])
        marker = listing.get("NextMarker") if listing.get("IsTruncated") else None
        if not marker:
            break

    def config(summary: dict[str, Any]) -> dict[str, Any]:
        response, error = ctx.try_call(SERVICE, "GetDistributionConfig", unknown_types=(), Id=summary["Id"])
        item = {"Id": summary["Id"], "ARN": summary.get("ARN")}
        item["DistributionConfig"] = (response or {}).get("DistributionConfig") if response else {"error": error}
        return item

    return {"distributions": ctx.map(config, summaries)}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources from the raw ``fetch`` output (pure)."""
    out = Collected()
    for item in raw.get("distributions") or []:
        config = item.get("DistributionConfig") or {}
        if "error" in config:
            item = {**item, "DistributionConfig": Unknown(config["error"] or "GetDistributionConfig failed")}
        resource = build(out, "aws.cloudfront.distribution", item, account, region)
        default_target_is_group(resource)
        origins(resource, out)
    return out


_S3_ORIGIN = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$")


def origins(resource: Resource, out: Collected) -> None:
    """Hook ``origins``: an S3 origin ``serves`` from its bucket (the domain name holds the bucket's name);
    any other origin (a load balancer, a custom domain) is named by a DNS name whose resource the
    distribution does not say, so the relation is incomplete."""
    unresolved = []
    for origin in resource.attributes.get("origins") or []:
        domain = str(origin.get("domain_name") or "")
        match = _S3_ORIGIN.match(domain)
        if match:
            out.relations.append(Relation(src=resource.uid, kind="serves", dst=f"arn:aws:s3:::{match['bucket']}"))
        elif domain:
            unresolved.append(f"{origin.get('id')} ({domain})")
    if "origins" in resource.unknown:
        resource.unknown_relations["serves"] = resource.unknown["origins"]
    elif unresolved:
        resource.unknown_relations["serves"] = (
            "origins named by DNS name, not resolved to a resource: " + ", ".join(unresolved))


def default_target_is_group(resource: Any) -> None:
    """Hook ``origins``: whether the default behaviour targets an origin group."""
    groups = {g.get("id") for g in resource.attributes.get("origin_groups") or []}
    target = resource.attributes.get("default_target_origin_id")
    if "origins" in resource.unknown:
        resource.unknown["default_target_is_group"] = resource.unknown["origins"]
    elif target is not None:
        resource.attributes["default_target_is_group"] = target in groups
