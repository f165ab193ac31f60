"""CloudFormation collector: deployed stacks and, per stack, the physical resource behind each logical id.

IaC drift (``haguard drift --iac``) matches a template's resources to live ones through this
mapping. ``ListStackResources`` is used rather than ``DescribeStackResources``, which returns only
the first 100 resources of a stack; both are read-only and return the same fields. Parameters and
outputs are not read (they may hold secrets). A stack whose resources cannot be listed keeps its
``resources`` unknown, with the reason.
"""

from __future__ import annotations

from typing import Any

from ..model import Resource
from .base import CallContext, Collected

SERVICE = "cloudformation"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "cloudformation:DescribeStacks": ("aws.cloudformation.stack",),
    "cloudformation:ListStackResources": ("aws.cloudformation.stack",),
}
_STACK = "aws.cloudformation.stack"
_GONE = frozenset({"DELETE_COMPLETE"})


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Live stacks, then each stack's resources."""
    stacks = ctx.paginate(SERVICE, "DescribeStacks", "Stacks",
                          unknown_types=OPERATIONS["cloudformation:DescribeStacks"])
    live = [s for s in stacks or [] if s.get("StackStatus") not in _GONE]

    def resources(stack: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"stack": stack}
        items = ctx.paginate(SERVICE, "ListStackResources", "StackResourceSummaries", unknown_types=(),
                             StackName=stack.get("StackId") or stack["StackName"])
        if items is None:
            entry["error"] = ctx.last_error
        else:
            entry["resources"] = items
        return entry

    return {"stacks": ctx.map(resources, live)}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Stack resources from the raw ``fetch`` output (pure)."""
    out = Collected()
    for entry in raw.get("stacks") or []:
        out.resources.append(_stack(entry, account, region))
    return out


def _stack(entry: dict[str, Any], account: str, region: str) -> Resource:
    stack = entry["stack"]
    name = stack["StackName"]
    attrs: dict[str, Any] = {"status": stack.get("StackStatus"),
                             "tags": {t["Key"]: t.get("Value", "") for t in stack.get("Tags") or [] if "Key" in t}}
    unknown: dict[str, str] = {}
    if "error" in entry:
        unknown["resources"] = f"stack resources not listed: {entry['error']}"
    else:
        attrs["resources"] = [
            {"logical_id": item["LogicalResourceId"], "physical_id": item.get("PhysicalResourceId"),
             "cfn_type": item.get("ResourceType", ""), "status": item.get("ResourceStatus")}
            for item in entry.get("resources") or [] if item.get("LogicalResourceId")]
    uid = stack.get("StackId") or f"arn:aws:cloudformation:{region}:{account}:stack/{name}"
    return Resource(uid=uid, type=_STACK, name=name, account=account, region=region, attributes=attrs,
                    unknown=unknown)
