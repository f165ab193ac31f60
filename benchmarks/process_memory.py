"""Run a command and sample the resident memory of it and every process it starts (benchmarks only).

``measure(cmd, env)`` returns the exit code, the wall time and the peak RSS of each process of the
tree (the command itself is ``main``; workers are named by pid), sampled every 50 ms with psutil.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psutil

SAMPLE_SECONDS = 0.05


@dataclass
class Measured:
    """A finished command: exit code, wall seconds, peak RSS (bytes) per process, stderr."""

    returncode: int
    wall: float
    peaks: dict[str, int] = field(default_factory=dict)
    stderr: str = ""

    def peak_mib(self, who: str = "main") -> float:
        return self.peaks.get(who, 0) / 2**20

    def workers_mib(self) -> list[float]:
        """Peak RSS of the child processes that did real work (over 40 MiB: not the resource tracker), largest first."""
        return sorted((v / 2**20 for k, v in self.peaks.items() if k != "main" and v > 40 * 2**20), reverse=True)


def measure(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> Measured:
    """Run ``cmd`` to completion, sampling the RSS of its process tree."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        return _measure(cmd, env, cwd, errors)


def _measure(cmd: list[str], env: dict[str, str], cwd: Path | None, errors: IO[str]) -> Measured:
    start = time.perf_counter()
    with open("/dev/null", "w") as devnull:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=devnull, stderr=errors, text=True)
    root = psutil.Process(process.pid)
    peaks: dict[str, int] = {}
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for proc in tree:
            try:
                rss = proc.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            name = "main" if proc.pid == root.pid else f"pid {proc.pid}"
            peaks[name] = max(peaks.get(name, 0), rss)
        time.sleep(SAMPLE_SECONDS)
    process.wait()
    wall = time.perf_counter() - start
    errors.seek(0)
    return Measured(process.returncode, wall, peaks, errors.read())
