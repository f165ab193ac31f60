"""EFS collector: file systems, their mount targets (``in_subnet``, security groups) and lifecycle.

Mount targets, their security groups and the lifecycle configuration need one call per file system
(per mount target for security groups); a failure there marks only that relation / attribute
unknown on that file system. The vocabulary has no backup-policy attribute yet, so
``DescribeBackupPolicy`` is not called.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected

SERVICE = "efs"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "efs:DescribeFileSystems": ("aws.efs.file_system",),
    "efs:DescribeMountTargets": ("aws.efs.file_system",),
    "efs:DescribeMountTargetSecurityGroups": ("aws.efs.file_system",),
    "efs:DescribeLifecycleConfiguration": ("aws.efs.file_system",),
}

_FILE_SYSTEM = "aws.efs.file_system"


def fetch(ctx: CallContext) -> dict[str, Any]:
    """File systems, then per file system its mount targets (with security groups) and lifecycle."""
    systems = ctx.paginate(SERVICE, "DescribeFileSystems", "FileSystems",
                           unknown_types=OPERATIONS["efs:DescribeFileSystems"])
    out = []
    for system in systems or []:
        fs_id = system["FileSystemId"]
        entry: dict[str, Any] = {"file_system": system, "errors": {}}
        targets = ctx.paginate(SERVICE, "DescribeMountTargets", "MountTargets", unknown_types=(), FileSystemId=fs_id)
        if targets is None:
            entry["errors"]["in_subnet"] = entry["errors"]["uses_security_group"] = ctx.last_error
        else:
            entry["mount_targets"] = targets
            for target in targets:
                groups = ctx.call(SERVICE, "DescribeMountTargetSecurityGroups", unknown_types=(),
                                  MountTargetId=target["MountTargetId"])
                if groups is None:
                    entry["errors"]["uses_security_group"] = ctx.last_error
                else:
                    target["SecurityGroups"] = groups.get("SecurityGroups", [])
        lifecycle = ctx.call(SERVICE, "DescribeLifecycleConfiguration", unknown_types=(), FileSystemId=fs_id)
        if lifecycle is None:
            entry["errors"]["lifecycle_transition_to_ia"] = ctx.last_error
        else:
            entry["lifecycle_policies"] = lifecycle.get("LifecyclePolicies", [])
        out.append(entry)
    return {"file_systems": out}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for entry in raw.get("file_systems") or []:
        system = entry["file_system"]
        fs_id = system["FileSystemId"]
        uid = system.get("FileSystemArn") or f"arn:aws:elasticfilesystem:{region}:{account}:file-system/{fs_id}"
        errors: dict[str, str] = entry.get("errors") or {}
        attrs: dict[str, Any] = {"encrypted": bool(system.get("Encrypted")),
                                 "tags": {t["Key"]: t.get("Value", "") for t in system.get("Tags") or []}}
        if system.get("AvailabilityZoneName"):
            attrs["one_zone_availability_zone"] = system["AvailabilityZoneName"]
        unknown: dict[str, str] = {}
        if "lifecycle_transition_to_ia" in errors:
            unknown["lifecycle_transition_to_ia"] = errors["lifecycle_transition_to_ia"]
        else:
            transition = next((p["TransitionToIA"] for p in entry.get("lifecycle_policies") or []
                               if p.get("TransitionToIA")), None)
            if transition:
                attrs["lifecycle_transition_to_ia"] = transition
        unknown_relations = {kind: errors[kind] for kind in ("in_subnet", "uses_security_group") if kind in errors}
        out.resources.append(Resource(uid=uid, type=_FILE_SYSTEM, name=system.get("Name") or fs_id, account=account,
                                      region=region, attributes=attrs, unknown=unknown,
                                      unknown_relations=unknown_relations))
        targets = entry.get("mount_targets") or []
        for subnet in sorted({t["SubnetId"] for t in targets if t.get("SubnetId")}):
            out.relations.append(Relation(src=uid, kind="in_subnet",
                                          dst=f"arn:aws:ec2:{region}:{account}:subnet/{subnet}"))
        for group in sorted({g for t in targets for g in t.get("SecurityGroups") or []}):
            out.relations.append(Relation(src=uid, kind="uses_security_group",
                                          dst=f"arn:aws:ec2:{region}:{account}:security-group/{group}"))
    return out
