"""Bounds on the work one input may cause, each named, documented and raisable by an environment variable.

A limit that is reached is an ``InputError`` (one line, exit 2) saying what was found, the limit and
the variable that raises it, never a hang, a memory blow-up or a ``RecursionError``. See
``docs/limits.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Limit:
    """One bound: its environment variable, default and what it counts."""

    env: str
    default: int
    counts: str

    def value(self) -> int:
        """The bound in force: the environment variable when set (a positive integer), else the default."""
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default
        try:
            value = int(raw.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0:
            raise InputError(f"{self.env}={raw!r}: expected a positive integer")
        return value

    def exceeded(self, what: str, file: str | None = None, line: int | None = None, why: str = "") -> InputError:
        """The error for ``what`` going past this limit (``why`` a hint at the likely cause)."""
        reason = f" ({why})" if why else ""
        return InputError(f"{what}: more than the limit of {self.value():,} {self.counts}{reason} "
                          f"(set {self.env} to raise it)", file, line)


MAX_INPUT_BYTES = Limit("HAGUARD_MAX_INPUT_BYTES", 1 << 30, "bytes")
"""Size of any input file, and of a snapshot once decompressed (a gzip bomb stops here)."""

MAX_NESTING = Limit("HAGUARD_MAX_NESTING", 100, "levels of nesting")
"""Depth of nested mappings and lists in templates, snapshots, configs and policies; condition chains."""

MAX_YAML_ALIAS_NODES = Limit("HAGUARD_MAX_YAML_ALIAS_NODES", 100_000, "nodes added by YAML aliases")
"""Nodes YAML aliases add to a template, config or policy (an alias bomb stops here)."""

MAX_TEMPLATE_BYTES = Limit("HAGUARD_MAX_TEMPLATE_BYTES", 10 * 1024 * 1024, "bytes (10x AWS's 1 MB template limit)")
"""Size of one CloudFormation template."""

MAX_TEMPLATE_RESOURCES = Limit("HAGUARD_MAX_TEMPLATE_RESOURCES", 5000, "resources (10x AWS's 500 per template)")
"""Resources of one template, after ``Fn::ForEach``."""

MAX_FOREACH_NODES = Limit("HAGUARD_MAX_FOREACH_NODES", 100_000, "nodes made by Fn::ForEach")
"""Nodes ``Fn::ForEach`` loops may make."""

AWS_TEMPLATE_BYTES = 1024 * 1024
AWS_TEMPLATE_RESOURCES = 500

ALL_LIMITS = (MAX_INPUT_BYTES, MAX_NESTING, MAX_YAML_ALIAS_NODES, MAX_TEMPLATE_BYTES, MAX_TEMPLATE_RESOURCES,
              MAX_FOREACH_NODES)

__all__ = ["ALL_LIMITS", "AWS_TEMPLATE_BYTES", "AWS_TEMPLATE_RESOURCES", "MAX_FOREACH_NODES", "MAX_INPUT_BYTES",
           "MAX_NESTING", "MAX_TEMPLATE_BYTES", "MAX_TEMPLATE_RESOURCES", "MAX_YAML_ALIAS_NODES", "Limit"]
