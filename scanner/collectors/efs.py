"""EFS collector: file systems, their mount targets (``in_subnet``, security groups) and lifecycle.

Mount targets, their security groups and the lifecycle configuration need one call per file system
(per mount target for security groups); a failure there marks only that relation / attribute
unknown on that file system. The vocabulary has no backup-policy attribute yet, so
``DescribeBackupPolicy`` is not called.
"""

from __future__ import annotations

from typing import Any

from ..model.vocabulary.efs import FILE_SYSTEM
from .base import CallContext, Collected
from .engine import build, failed

SERVICE = "efs"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "efs:DescribeFileSystems": ("aws.efs.file_system",),
    "efs:DescribeMountTargets": ("aws.efs.file_system",),
    "efs:DescribeMountTargetSecurityGroups": ("aws.efs.file_system",),
    "efs:DescribeLifecycleConfiguration": ("aws.efs.file_system",),
}



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
        errors: dict[str, str] = entry.get("errors") or {}
        targets: Any = entry.get("mount_targets") or []
        if "in_subnet" in errors:
            targets = failed(errors["in_subnet"], "mount targets")
        elif "uses_security_group" in errors:
            targets = [{k: v for k, v in t.items() if k != "SecurityGroups"} for t in targets]
        item = {**entry["file_system"], "MountTargets": targets,
                "LifecyclePolicies": failed(errors["lifecycle_transition_to_ia"], "lifecycle")
                if "lifecycle_transition_to_ia" in errors else entry.get("lifecycle_policies") or []}
        resource = build(out, FILE_SYSTEM, item, account, region)
        if "uses_security_group" in errors:
            resource.unknown_relations["uses_security_group"] = errors["uses_security_group"]
    return out
