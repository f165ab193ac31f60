"""Bounds on the work one input may cause, each raisable through an environment variable.

A limit that is reached is an ``InputError`` (exit 2) naming the limit, the value found and how to
raise it, never a hang, a memory blow-up or a ``RecursionError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Limit:
    """One bound: ``default`` unless the environment variable ``env`` sets another positive integer."""

    env: str
    default: int
    what: str

    def value(self) -> int:
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default
        try:
            number = int(raw.strip().replace("_", ""))
        except ValueError:
            number = 0
        if number <= 0:
            raise InputError(f"{self.env}={raw!r}: expected a positive integer")
        return number

    def error(self, found: str, file: str | None, line: int | None = None, why: str = "") -> InputError:
        """The one-line error for ``found`` going past this limit."""
        reason = f" ({why})" if why else ""
        return InputError(f"{found}: over the limit of {self.value():,} {self.what}{reason}; "
                          f"set {self.env} to raise it", file, line)


NESTING = Limit("HAGUARD_MAX_NESTING", 100, "levels of nesting")
ALIAS_NODES = Limit("HAGUARD_MAX_YAML_ALIAS_NODES", 100_000, "nodes added by YAML aliases")
TEMPLATE_BYTES = Limit("HAGUARD_MAX_TEMPLATE_BYTES", 10 * 1024 * 1024, "bytes (10x AWS's 1 MB template limit)")
TEMPLATE_RESOURCES = Limit("HAGUARD_MAX_TEMPLATE_RESOURCES", 5000, "resources (10x AWS's 500 per template)")
FOREACH_NODES = Limit("HAGUARD_MAX_FOREACH_NODES", 100_000, "nodes made by Fn::ForEach")

AWS_TEMPLATE_BYTES = 1024 * 1024
AWS_TEMPLATE_RESOURCES = 500

__all__ = ["ALIAS_NODES", "AWS_TEMPLATE_BYTES", "AWS_TEMPLATE_RESOURCES", "FOREACH_NODES", "NESTING", "TEMPLATE_BYTES",
           "TEMPLATE_RESOURCES", "Limit"]
