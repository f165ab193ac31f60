"""Time ``haguard drift A B`` as a user runs it: the whole process, report written (on demand, not in tests).

Usage: ``python -m benchmarks.drift [N ...]`` (default 100000). For each N, snapshot A is the
synthetic snapshot of N resources and B is A after a night of changes: 1% of the resources changed
(a DB set single-AZ, PITR off, a subnet mapping public IPs...), 0.2% removed and 0.2% added. Both are
written as JSON files, then ``haguard drift A B --format json --output FILE`` runs as a subprocess
(median of ``--repeat`` runs, default 3), and the report's counts are printed. Also timed: the
snapshot against itself (no drift), and Markdown output.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.synthetic import synthetic_snapshot

ROOT = Path(__file__).resolve().parents[1]
CHANGED, REMOVED, ADDED = 0.01, 0.002, 0.002


def nightly_changes(snapshot: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    """A copy of ``snapshot`` after a night: some resources changed, removed and added."""
    rng = random.Random(seed)
    changed = json.loads(json.dumps(snapshot))
    resources = changed["resources"]
    for item in rng.sample(resources, int(len(resources) * CHANGED)):
        attrs = item["attributes"]
        kind = item["type"]
        if kind == "aws.rds.db_instance":
            attrs["multi_az"] = not attrs.get("multi_az", False)
        elif kind == "aws.dynamodb.table":
            attrs["pitr_enabled"] = not attrs.get("pitr_enabled", False)
        elif kind == "aws.ec2.subnet":
            attrs["map_public_ip_on_launch"] = not attrs.get("map_public_ip_on_launch", False)
        else:
            attrs["tags"] = {"changed-by": "benchmark"}
    removed = set(rng.sample(range(len(resources)), int(len(resources) * REMOVED)))
    gone = {resources[i]["uid"] for i in removed}
    changed["resources"] = [r for i, r in enumerate(resources) if i not in removed]
    changed["relations"] = [r for r in changed["relations"] if r["src"] not in gone and r["dst"] not in gone]
    for n in range(int(len(resources) * ADDED)):
        changed["resources"].append({"uid": f"arn:aws:dynamodb:us-east-1:111122223333:table/new-{n}",
                                     "type": "aws.dynamodb.table", "name": f"new-{n}", "account": "111122223333",
                                     "region": "us-east-1", "attributes": {"pitr_enabled": n % 3 == 0}})
    return changed


CPU_SECONDS: list[float] = []
"""CPU time (user + system, parent and forked child) of each run, for loaded machines."""


def _run(args: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if result.returncode not in (0, 1):
        raise SystemExit(f"haguard drift failed ({result.returncode}): {result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in options.sizes:
            before = synthetic_snapshot(n)
            after = nightly_changes(before)
            a, b, out = Path(tmp, "a.json"), Path(tmp, "b.json"), Path(tmp, "drift.json")
            a.write_text(json.dumps(before))
            b.write_text(json.dumps(after))
            drift = [_run(["drift", str(a), str(b), "--format", "json", "--output", str(out)])
                     for _ in range(options.repeat)]
            drift_cpu = statistics.median(CPU_SECONDS[-options.repeat:])
            summary = json.loads(out.read_text())["summary"]
            same = [_run(["drift", str(a), str(a), "--format", "json", "--output", str(out)])
                    for _ in range(options.repeat)]
            assert json.loads(out.read_text())["summary"]["drifted"] is False
            markdown = _run(["drift", str(a), str(b), "--format", "markdown", "--output", str(out)])
            print(f"{n} resources ({len(before['relations'])} relations): drift A B {statistics.median(drift):.2f} s "
                  f"(runs: {', '.join(f'{t:.2f}' for t in drift)}; CPU {drift_cpu:.2f} s in two processes); "
                  f"A A {statistics.median(same):.2f} s; "
                  f"markdown {markdown:.2f} s")
            print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(f"  changed {summary['resources_changed']}, removed {summary['resources_removed']}, added "
                  f"{summary['resources_added']}, relations -{summary['relations_removed']}, new failures "
                  f"{summary['new_failures']}, resolved {summary['resolved']}, still failing "
                  f"{summary['still_failing']}")


if __name__ == "__main__":
    main()
