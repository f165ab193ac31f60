"""Time load, graph and policy evaluation on synthetic snapshots (run on demand, not in tests).

Usage: ``python -m benchmarks.evaluate [N ...]`` (default 10000 100000). For each N a synthetic
snapshot is written to a temporary file, then ``load_snapshot``, ``build_graph`` and the whole pack
(``scanner.policy.load_pack`` + ``scanner.policy.evaluate``) are timed; peak RSS is the process's.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.synthetic import synthetic_snapshot
from scanner.graph import build_graph
from scanner.model import load_snapshot

DEFAULT_SIZES = (10_000, 100_000)


@dataclass
class Row:
    """Timings (seconds) for one snapshot size; ``policies`` is None when the engine is missing."""

    n: int
    relations: int
    load: float
    graph: float
    policies: float | None
    findings: int | None
    peak_rss_mb: float


def _policy_engine() -> tuple[Callable[[], Any], Callable[[Any, Any], Any]] | None:
    try:
        from scanner.policy import evaluate, load_pack
    except ImportError:
        return None
    return load_pack, evaluate


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, directory: Path) -> Row:
    """Generate, write and time one size."""
    data = synthetic_snapshot(n)
    path = directory / f"synthetic-{n}.json"
    path.write_text(json.dumps(data))
    relations = len(data["relations"])
    del data
    snapshot, load = _timed(lambda: load_snapshot(path))
    graph, graph_time = _timed(lambda: build_graph(snapshot))
    engine = _policy_engine()
    policies = findings = None
    if engine is not None:
        load_pack, evaluate = engine
        result, policies = _timed(lambda: evaluate(load_pack(), graph))
        findings = len(result) if hasattr(result, "__len__") else None
    return Row(n, relations, load, graph_time, policies, findings, _peak_rss_mb())


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str]) -> int:
    """Run the benchmark for the sizes in ``argv`` and print a table."""
    try:
        sizes = [int(arg) for arg in argv] or list(DEFAULT_SIZES)
    except ValueError:
        print("usage: python -m benchmarks.evaluate [N ...]", file=sys.stderr)
        return 2
    if _policy_engine() is None:
        print("note: scanner.policy (load_pack, evaluate) is not available yet; policy times are '-'")
    header = f"{'resources':>10} {'relations':>10} {'load s':>7} {'graph s':>8} {'policies s':>10} " \
             f"{'total s':>8} {'findings':>9} {'peak RSS MiB':>13}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            row = measure(n, Path(tmp))
            total = row.load + row.graph + (row.policies or 0.0)
            print(f"{row.n:>10} {row.relations:>10} {_fmt(row.load):>7} {_fmt(row.graph):>8} "
                  f"{_fmt(row.policies):>10} {_fmt(total):>8} {row.findings if row.findings is not None else '-':>9} "
                  f"{row.peak_rss_mb:>13.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
