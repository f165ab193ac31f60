"""What one Terraform load shares: its options, limits, parsed directories, and what it collects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .hcl_eval import Evaluator
from .hcl_values import LimitError, Limits
from .tf_config import ModuleConfig, read_module
from .tf_mapping import TfResource

MAX_CHAIN = 120
"""References (local -> output -> attribute...) chained deeper than this are unknown."""


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


class Loader:
    """What one load shares: options, limits, parsed module directories and what it collects."""

    def __init__(self, root: Path, options: Options) -> None:
        self.root = root
        self.options = options
        self.limits = Limits(max_elements=max(100_000, options.max_instances * 10),
                             max_steps=max(5_000_000, options.max_instances * 2_000))
        self.evaluator = Evaluator()
        self.items: list[TfResource] = []
        self.files: list[Path] = []
        self.warnings: list[LoadWarning] = []
        self.region: str | None = None
        self.instances = 0
        self.chain = 0
        self._configs: dict[Path, ModuleConfig] = {}

    def config(self, directory: Path) -> ModuleConfig:
        if directory not in self._configs:
            config = self._configs[directory] = read_module(directory)
            self.files.extend(config.files)
        return self._configs[directory]

    def warn(self, message: str, file: Path | str | None, line: int | None, kind: str = "warning",
             subject: str | None = None) -> None:
        warning = LoadWarning(message, str(file) if file else None, line, kind, subject)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def spend(self, count: int, file: Path, line: int | None) -> None:
        """Count ``count`` more instances against ``--max-instances``."""
        self.instances += count
        if self.instances > self.options.max_instances:
            raise LimitError(f"the configuration expands to more than {self.options.max_instances} resource and "
                             "module instances (haguard's limit; raise it with --max-instances N)", str(file), line)
