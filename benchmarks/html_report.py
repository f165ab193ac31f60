"""Time the HTML report and ``haguard graph`` as whole processes on synthetic snapshots (run on demand).

    python -m benchmarks.html_report [--runs 3] [--sizes 55 1000 10000]

Per size: the median wall time of ``haguard scan --snapshot S --format json`` (the floor: load,
graph, policies, a small report), of the same with ``--format html`` (plus the topology picture),
and of ``haguard graph --snapshot S --format graphml`` and ``--format mermaid``, with the sizes of
what they write. ``55`` is the bundled example.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import synthetic_snapshot
from scanner.examples import EXAMPLE_PATH

COMMANDS = {
    "scan json": ["scan", "--format", "json"],
    "scan html": ["scan", "--format", "html"],
    "graph graphml": ["graph", "--format", "graphml"],
    "graph mermaid": ["graph", "--format", "mermaid"],
}


def _time(argv: list[str], snapshot: Path, out: Path, runs: int) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "scanner.cli", *argv, "--snapshot", str(snapshot),
                                 "--output", str(out)], capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} exited {result.returncode}: {result.stderr}")
    return statistics.median(times), out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[55, 1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            snapshot = Path(tmp) / f"s{size}.json"
            if size == 55:
                snapshot.write_bytes(EXAMPLE_PATH.read_bytes())
            else:
                snapshot.write_text(json.dumps(synthetic_snapshot(size)))
            figures = []
            for label, argv in COMMANDS.items():
                seconds, written = _time(argv, snapshot, Path(tmp) / "out", args.runs)
                figures.append(f"{label} {seconds:.2f} s ({written / 1024:.0f} KiB)")
            print(f"{size} resources: " + "; ".join(figures))


if __name__ == "__main__":
    main()
