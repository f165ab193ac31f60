"""Time ``haguard iac PLAN.json`` as a whole process on a generated Terraform plan (run on demand).

    python -m benchmarks.plan_scan [--sizes 10000] [--runs 3]

The plan is the parity architecture's plan (``tests/parity/data/hcl/plan.json``, about 100 resources
of every modelled type, with its configuration and references) instantiated as many times as the size
needs, as ``module "app" { count = N }`` would plan it: one child module per instance, every address
prefixed ``module.app[i].``, the references resolved inside each instance. The scan is
``python -m scanner.cli iac PLAN --format json --output FILE`` of this source tree, the report written;
wall time, CPU time and peak RSS are the child's. Target on the 2-core development machine: 10,000
resources in <= 3 s.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.source_tree import ROOT, child_env

BASE_PLAN = ROOT / "tests" / "parity" / "data" / "hcl" / "plan.json"
TARGETS = {10_000: 3.0}
"""Resources -> seconds on the development machine."""


def plan_of(n_resources: int) -> dict[str, Any]:
    """A plan of about ``n_resources`` resources: the base plan as ``module.app[0..k]``."""
    base = json.loads(BASE_PLAN.read_text())
    resources = base["planned_values"]["root_module"].get("resources", [])
    copies = max(1, -(-n_resources // len(resources)))
    children, changes = [], []
    for index in range(copies):
        prefix = f"module.app[{index}]"
        planned = []
        for entry in resources:
            moved = copy.deepcopy(entry)
            moved["address"] = f"{prefix}.{entry['address']}"
            planned.append(moved)
        children.append({"address": prefix, "resources": planned})
        for change in base.get("resource_changes", []):
            moved = copy.deepcopy(change)
            moved["address"] = f"{prefix}.{change['address']}"
            moved["module_address"] = prefix
            changes.append(moved)
    configuration = base.get("configuration", {})
    root = configuration.get("root_module", {})
    provider_config = configuration.get("provider_config", {})
    return {
        "format_version": base.get("format_version", "1.2"), "terraform_version": base.get("terraform_version"),
        "planned_values": {"root_module": {"child_modules": children}},
        "resource_changes": changes,
        "configuration": {"provider_config": provider_config, "root_module": {"module_calls": {"app": {
            "source": "./app", "count_expression": {"constant_value": copies}, "module": root}}}},
    }


def run_once(plan: Path, output: Path) -> dict[str, float]:
    """One ``haguard iac`` process: exit code, wall and CPU seconds, peak RSS in MiB."""
    argv = [sys.executable, "-m", "scanner.cli", "iac", str(plan), "--format", "json", "--output", str(output)]
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=child_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    return {"exit": os.waitstatus_to_exitcode(status), "wall": time.perf_counter() - start,
            "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    """Generate each plan, scan it ``--runs`` times, print medians and what the report holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            plan = Path(tmp) / f"plan-{size}.json"
            plan.write_text(json.dumps(plan_of(size)))
            output = Path(tmp) / "report.json"
            runs = [run_once(plan, output) for _ in range(args.runs)]
            report = json.loads(output.read_text()) if output.exists() else {}
            summary = report.get("summary", {})
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            peak = max(r["peak_mib"] for r in runs)
            target = TARGETS.get(size)
            verdict = "" if target is None else f"  target <= {target:g} s {'ok' if wall <= target else 'OVER TARGET'}"
            print(f"{size} resources ({plan.stat().st_size / 1e6:.1f} MB plan): wall {wall:.2f} s  cpu {cpu:.2f} s  "
                  f"peak {peak:.0f} MiB  exit {runs[0]['exit']}  report: {summary.get('resources')} resources, "
                  f"{len(report.get('findings', []))} findings, {summary.get('unevaluated')} unevaluated{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
