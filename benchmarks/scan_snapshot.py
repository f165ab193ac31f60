"""Time ``haguard scan --snapshot`` as a whole process on synthetic 100k and 1M-resource snapshots.

    python -m benchmarks.scan_snapshot [--sizes 100000 1000000] [--formats json sarif] [--dir DIR]

For each size a synthetic snapshot (``benchmarks.synthetic``) is written once to DIR (kept there when
``--dir`` is given, so later runs reuse it). Then, per format:

- **whole process**: ``python -m scanner.cli scan --snapshot FILE --format FMT --output OUT`` exactly as a
  user runs it; wall time, CPU time (user + sys) and peak RSS come from the child's ``wait4`` resource usage;
- **per stage**: a child process runs the same stages the CLI runs (load, graph, evaluate, resilience rows,
  report built, report written) and prints, after each stage, its wall and CPU time and the process's peak
  RSS so far (``ru_maxrss``) and current RSS, so the memory each stage adds is visible.

Wall time suffers when the machine is shared; CPU time is printed beside it for that reason.
Targets on the 2-core development machine: 100k <= 5 s and <= 1 GB; 1M <= 60 s and <= 8 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.source_tree import ROOT, child_env

DEFAULT_SIZES = (100_000, 1_000_000)
DEFAULT_FORMATS = ("json", "sarif")
TARGETS = {100_000: (5.0, 1024.0), 1_000_000: (60.0, 8192.0)}
"""Size -> (seconds, MiB) on the development machine."""



def write_snapshot(n: int, directory: Path) -> Path:
    """The synthetic snapshot of ``n`` resources in ``directory`` (generated in a child, reused if present)."""
    path = directory / f"synthetic-{n}.json"
    if not path.exists():
        code = ("import sys, orjson; from benchmarks.synthetic import synthetic_snapshot; "
                "open(sys.argv[2], 'wb').write(orjson.dumps(synthetic_snapshot(int(sys.argv[1]))))")
        subprocess.run([sys.executable, "-c", code, str(n), str(path)], check=True, env=child_env(), cwd=ROOT)
    return path


def run_whole(snapshot: Path, fmt: str, output: Path) -> dict[str, Any]:
    """One ``haguard scan --snapshot`` process: exit code, wall and CPU seconds, peak RSS, report size."""
    argv = [sys.executable, "-m", "scanner.cli", "scan", "--snapshot", str(snapshot), "--format", fmt,
            "--output", str(output)]
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=child_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    return {"exit": child.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mib": usage.ru_maxrss / 1024, "bytes": output.stat().st_size if output.exists() else 0,
            "stderr": stderr.strip()[-300:]}


def run_stages(snapshot: Path, fmt: str, output: Path) -> list[dict[str, Any]]:
    """The CLI's stages in a child process (see ``_stages_main``): one row per stage."""
    argv = [sys.executable, "-m", "benchmarks.scan_snapshot", "--stages", str(snapshot), fmt, str(output)]
    result = subprocess.run(argv, env=child_env(), cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"stage child failed (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    rows: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return rows


def _rss_mib() -> tuple[float, float]:
    """(peak RSS so far, current RSS) of this process in MiB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return peak, pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def _stages_main(snapshot: str, fmt: str, output: str) -> int:
    """Run the stages of ``haguard scan --snapshot`` with the CLI's own functions, printing JSON rows."""
    rows: list[dict[str, Any]] = []
    mark, cpu_mark = time.perf_counter(), time.process_time()

    def stage(name: str) -> None:
        nonlocal mark, cpu_mark
        now, cpu_now = time.perf_counter(), time.process_time()
        peak, current = _rss_mib()
        rows.append({"stage": name, "wall": now - mark, "cpu": cpu_now - cpu_mark, "peak_mib": peak,
                     "rss_mib": current})
        mark, cpu_mark = now, cpu_now

    from scanner.cli import build_parser
    from scanner.commands import common

    args = build_parser("scan").parse_args(["scan", "--snapshot", snapshot, "--format", fmt, "--output", output])
    pack, config = common.load_pack_and_config(args)
    stage("start")
    from scanner.graph import build_graph
    from scanner.model import load_snapshot
    from scanner.policy import evaluate

    loaded = load_snapshot(args.snapshot)
    stage("load")
    graph = build_graph(loaded)
    stage("graph")
    findings = evaluate(pack, graph, config, **common.evaluation_selection(args))
    stage("evaluate")
    resilience = common.resilience_of(graph, common.recovery_targets(pack, config))
    stage("resilience")
    report = common.build_scan_report(args, pack, findings, list(loaded.coverage), loaded.source, [loaded],
                                      resilience)
    stage("build")
    common.write_report(args, report)
    stage("write")
    print(json.dumps(rows))
    return 0


def _fmt_row(label: str, row: dict[str, Any]) -> str:
    return (f"  {label:<10} wall {row['wall']:7.2f} s  cpu {row['cpu']:7.2f} s  peak {row['peak_mib']:7.0f} MiB  "
            f"report {row['bytes'] / 1e6:8.1f} MB  exit {row['exit']}")


def main(argv: list[str] | None = None) -> int:
    """Generate the snapshots, run the whole processes and the stage breakdowns, print the figures."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--stages"]:
        return _stages_main(*argv[1:4])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--formats", nargs="+", default=list(DEFAULT_FORMATS))
    parser.add_argument("--dir", type=Path, help="keep the generated snapshots here and reuse them")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage breakdown")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            snapshot = write_snapshot(n, directory)
            seconds, mib = TARGETS.get(n, (float("nan"), float("nan")))
            print(f"{n} resources ({snapshot.stat().st_size / 1e6:.0f} MB snapshot; target <= {seconds:g} s, "
                  f"<= {mib:g} MiB)")
            for fmt in args.formats:
                output = Path(tmp) / f"report-{n}.{fmt}"
                whole = run_whole(snapshot, fmt, output)
                verdict = "ok" if whole["wall"] <= seconds and whole["peak_mib"] <= mib else "OVER TARGET"
                print(_fmt_row(fmt, whole) + f"  {verdict}")
                if whole["exit"] not in (0, 1):
                    print(f"    stderr: {whole['stderr']}")
                    continue
                if not args.no_stages:
                    for row in run_stages(snapshot, fmt, output):
                        print(f"    {row['stage']:<10} {row['wall']:7.2f} s  cpu {row['cpu']:6.2f} s"
                              f"   peak so far {row['peak_mib']:7.0f} MiB"
                              f"   current {row['rss_mib']:7.0f} MiB")
                output.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
