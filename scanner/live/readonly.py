"""A botocore event hook that refuses every AWS operation that is not a read.

haguard only reads. The hook is registered on every client the live scan creates, so a collector
bug that calls a mutating API fails loudly before any request is signed or sent.
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Search", "Lookup")
ALLOWED = frozenset({"sts:AssumeRole", "sts:GetCallerIdentity"})
# Reads that return secrets or customer data: haguard never needs them.
DENIED = frozenset({
    "ec2:GetPasswordData", "ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot", "ec2:GetLaunchTemplateData",
    "s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
    "ssm:GetParametersByPath", "lambda:GetFunction",
})


class ReadOnlyViolation(RuntimeError):
    """A collector tried to call an operation that is not read-only (a bug in haguard)."""

    def __init__(self, action: str) -> None:
        super().__init__(f"haguard is read-only: refused to call {action} (only Describe*/List*/Get*/BatchGet*/"
                         "Search*/Lookup* operations are allowed)")
        self.action = action


def is_read_only(service: str, operation: str) -> bool:
    """True when ``service:operation`` (boto3 service name, CamelCase operation) may be called."""
    action = f"{service}:{operation}"
    if action in ALLOWED:
        return True
    if action in DENIED:
        return False
    return operation.startswith(READ_PREFIXES)


def refuse_writes(model: Any, **_: Any) -> None:
    """``before-parameter-build`` handler: raise ``ReadOnlyViolation`` for a non-read operation."""
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise ReadOnlyViolation(f"{service}:{model.name}")


def install(client: Any) -> Any:
    """Register the read-only guard on ``client`` and return it.

    ``before-parameter-build`` runs (for every handler, no short-circuit) before the request is
    serialised, signed or stubbed: a ``before-call`` handler that answers a call cannot bypass it.
    """
    client.meta.events.register_first("before-parameter-build", refuse_writes, unique_id="haguard-read-only")
    return client
