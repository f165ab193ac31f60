"""Bounds on the work one input may cause, each named, documented and raisable by an environment variable.

A limit that is reached is an ``InputError`` (one line, exit 2) saying which limit, its value and the
variable that raises it. See ``docs/limits.md``.
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

    def exceeded(self, what: str, file: str | None = None, line: int | None = None) -> InputError:
        """The error for ``what`` going past this limit."""
        return InputError(f"{what}: more than the limit of {self.value():,} {self.counts} (set {self.env} to raise it)",
                          file, line)


MAX_INPUT_BYTES = Limit("HAGUARD_MAX_INPUT_BYTES", 1 << 30, "bytes")
"""Size of any input file, and of a snapshot once decompressed (a gzip bomb stops here)."""

MAX_NESTING = Limit("HAGUARD_MAX_NESTING", 100, "levels of nesting")
"""Depth of nested mappings and lists in snapshots, configs and policies."""

MAX_YAML_NODES = Limit("HAGUARD_MAX_YAML_NODES", 250_000, "YAML nodes after alias expansion")
"""Nodes a YAML config or policy expands to, aliases included (an alias bomb stops here)."""

ALL_LIMITS = (MAX_INPUT_BYTES, MAX_NESTING, MAX_YAML_NODES)
