"""What one Terraform load shares: its options, limits, parsed directories, and what it collects."""

from __future__ import annotations

from pathlib import Path

from .hcl_eval import Evaluator
from .hcl_values import LimitError, Limits
from .tf_config import ModuleConfig, read_module
from .tf_mapping import TfResource
from .tf_options import LoadWarning, Options

MAX_CHAIN = 120
"""References (local -> output -> attribute...) chained deeper than this are unknown."""


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
