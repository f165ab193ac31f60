"""Time load, graph and policy evaluation on synthetic snapshots (run on demand, not in tests).

Usage: ``python -m benchmarks.evaluate [N ...]`` (default 10000 100000). For each N a synthetic
snapshot is written to a temporary file, then ``load_snapshot``, ``build_graph`` and the whole pack
are timed; peak RSS is the process's. The pack is evaluated as ``haguard scan`` does (compact evidence
of passing findings, suppressions applied), one policy at a time, so the time of each policy theme is
printed below the table (wall and CPU seconds, policies, findings). Target on the 2-core development
machine: the whole pack over 100k resources in < 5 s.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
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
    themes: dict[str, list[float]] = field(default_factory=dict)
    """Theme -> [wall s, CPU s, policies, findings]."""


def _policy_engine() -> tuple[Callable[[], Any], Callable[[Any, Any], Any]] | None:
    try:
        from scanner.policy import evaluate, load_pack
    except ImportError:
        return None
    return load_pack, evaluate


def evaluate_by_theme(pack: Any, graph: Any) -> tuple[list[Any], dict[str, list[float]]]:
    """The pack's findings over ``graph`` as ``scanner.policy.evaluate(..., evidence="compact")`` gives them,
    and theme -> [wall s, CPU s, policies, findings], timing each policy."""
    from scanner.policy.engine import apply_suppressions, evaluate_policy, resolve_params

    themes: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    findings: list[Any] = []
    for loaded in pack.ordered():
        wall, cpu = time.perf_counter(), time.process_time()
        found = evaluate_policy(loaded, graph, resolve_params(loaded, None), loaded.policy.severity, "compact")
        row = themes[loaded.theme]
        row[0] += time.perf_counter() - wall
        row[1] += time.process_time() - cpu
        row[2] += 1
        row[3] += len(found)
        findings.extend(found)
    return apply_suppressions(findings, graph, None), dict(themes)


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
    themes: dict[str, list[float]] = {}
    if engine is not None:
        load_pack, _ = engine
        (result, themes), policies = _timed(lambda: evaluate_by_theme(load_pack(), graph))
        findings = len(result)
    return Row(n, relations, load, graph_time, policies, findings, _peak_rss_mb(), themes)


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
            for theme, (wall, cpu, count, found) in sorted(row.themes.items(), key=lambda item: -item[1][0]):
                print(f"{'':>10} theme {theme:<14} {wall:6.2f} s wall {cpu:6.2f} s CPU {int(count):>3} policies "
                      f"{int(found):>8} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
