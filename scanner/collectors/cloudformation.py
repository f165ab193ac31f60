"""CloudFormation collector: deployed stacks and, per stack, the physical resource behind each logical id.

IaC drift (``haguard drift --iac``) matches a template's resources to live ones through this
mapping. ``ListStackResources`` is used rather than ``DescribeStackResources``, which returns only
the first 100 resources of a stack; both are read-only and return the same fields. Parameters and
outputs are not read (they may hold secrets). A stack whose resources cannot be listed keeps its
``resources`` unknown, with the reason.
"""

from __future__ import annotations

from typing import Any

from .base import CallContext, Collected
from .engine import build, failed

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
        listed = failed(f"stack resources not listed: {entry['error']}", "stack resources") if "error" in entry \
            else [r for r in entry.get("resources") or [] if r.get("LogicalResourceId")]
        build(out, _STACK, {**entry["stack"], "Resources": listed}, account, region)
    return out
