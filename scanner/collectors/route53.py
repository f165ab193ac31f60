"""Route 53 collector: record sets of every hosted zone and the health checks (a global service).

Record sets have no ARN: their uid is ``arn:aws:route53:::hostedzone/ZONE/recordset/NAME/TYPE/SETID``.
A health check's status is read with one ``GetHealthCheckStatus`` per check (no batch call); a failed
read leaves only its ``healthy`` attribute unknown.
"""

from __future__ import annotations

from typing import Any

from .base import CallContext, Collected
from .engine import build

SERVICE = "route53"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "route53:ListHostedZones": ("aws.route53.record_set",),
    "route53:ListResourceRecordSets": ("aws.route53.record_set",),
    "route53:ListHealthChecks": ("aws.route53.health_check",),
    "route53:GetHealthCheckStatus": ("aws.route53.health_check",),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Zones and their record sets; health checks and their status."""
    records: list[dict[str, Any]] = []
    for zone in ctx.paginate(SERVICE, "ListHostedZones", "HostedZones",
                             unknown_types=OPERATIONS["route53:ListHostedZones"]) or []:
        zone_id = zone["Id"].rsplit("/", 1)[-1]
        for record in ctx.paginate(SERVICE, "ListResourceRecordSets", "ResourceRecordSets",
                                   unknown_types=OPERATIONS["route53:ListResourceRecordSets"],
                                   HostedZoneId=zone_id) or []:
            records.append({**record, "HostedZoneId": zone_id})
    checks = ctx.paginate(SERVICE, "ListHealthChecks", "HealthChecks",
                          unknown_types=OPERATIONS["route53:ListHealthChecks"]) or []

    def status(check: dict[str, Any]) -> dict[str, Any]:
        response, error = ctx.try_call(SERVICE, "GetHealthCheckStatus", unknown_types=(), HealthCheckId=check["Id"])
        if response is None:
            return {**check, "StatusError": error}
        return {**check, "Observations": response.get("HealthCheckObservations", [])}

    return {"records": records, "health_checks": ctx.map(status, checks)}


def record_uid(record: dict[str, Any]) -> str:
    """A record set's uid: zone, name, type and set identifier."""
    parts = [record.get("HostedZoneId", ""), str(record.get("Name", "")).rstrip("."), record.get("Type", ""),
             record.get("SetIdentifier", "")]
    return "arn:aws:route53:::hostedzone/{}/recordset/{}/{}/{}".format(*parts).rstrip("/")


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for record in raw.get("records") or []:
        if record.get("Type") in ("NS", "SOA"):
            continue
        build(out, "aws.route53.record_set", {**record, "RecordUid": record_uid(record)}, account, region)
    for check in raw.get("health_checks") or []:
        resource = build(out, "aws.route53.health_check", check, account, region)
        health_status(resource, check)
    return out


def health_status(resource: Any, check: dict[str, Any]) -> None:
    """Hook ``health_status``: healthy when most checkers report success (as Route 53 decides)."""
    if "StatusError" in check:
        resource.unknown["healthy"] = check["StatusError"]
        return
    statuses = [str((o.get("StatusReport") or {}).get("Status", "")) for o in check.get("Observations") or []]
    if not statuses:
        resource.unknown["healthy"] = "no checker has reported yet"
        return
    resource.attributes["healthy"] = sum(s.startswith("Success") for s in statuses) * 2 > len(statuses)
