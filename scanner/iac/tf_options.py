"""The Terraform load's options and warnings, apart from the loader (``haguard iac`` needs them for any input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LoadWarning:
    """Something the load evaluated with unknowns or did not evaluate, at ``file``:``line``.

    ``kind`` is ``warning`` (printed), ``not-evaluated`` (a remote module: printed, and what a
    report's not-evaluated list holds) or ``unmodelled`` (a resource type haguard does not model:
    listed, not printed); ``subject`` is the address concerned.
    """

    message: str
    file: str | None = None
    line: int | None = None
    kind: str = "warning"
    subject: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else f"{self.file}: " if self.file else ""
        return f"{where}warning: {self.message}"


@dataclass
class Options:
    """What the caller decides about a Terraform load."""

    variables: dict[str, str] = field(default_factory=dict)
    var_files: tuple[Path, ...] = ()
    max_instances: int = 10_000


__all__ = ["LoadWarning", "Options"]
