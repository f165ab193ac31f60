"""A 200-account organisation scanned through a proxy adding 50 ms to every call (run on demand).

    python -m benchmarks.org_scan [--accounts 200] [--latency 0.05] [--runs threads:8,threads:32,...]

Seeds moto (in this process) with an Organization of N member accounts, each with a VPC, a DB and a
table in two Regions (``benchmarks/org_seed.py``), puts ``benchmarks/aws_proxy.py`` in front of it,
and times ``haguard scan --org --role-arn ...`` as a subprocess for each executor. A first, unmeasured
scan goes to moto and records its responses; the measured scans are answered from that recording
(after the same latency), so moto's own CPU time does not cap the scanner's throughput. Prints, per
run: wall time, API calls (and AssumeRole calls), the most calls one account/Region/service made in
any second (the request budget at work), the budget's floor for the busiest shard, and peak RSS of
the coordinating process and of each worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from moto.server import ThreadedMotoServer

from benchmarks.aws_proxy import AwsProxy, ProxyRules, max_rate
from benchmarks.org_seed import REGIONS, ROLE_ARN, in_process_moto, seed_organization
from benchmarks.process_memory import measure

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RUNS = "threads:8,threads:32,threads:64,dask-local:2x16,threads:64@5/10"


def _env(url: str, home: Path) -> dict[str, str]:
    credentials = home / "credentials"
    credentials.write_text("[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=url, AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_CONFIG_FILE=str(home / "x"),
               AWS_DEFAULT_REGION="us-east-1", PYTHONPATH=str(ROOT))
    return env


def _command(run: str, report: Path) -> list[str]:
    """``threads:32`` / ``dask-local:2x16`` / ``threads:64@RATE/BURST`` as a ``haguard scan`` command."""
    executor, _, budget = run.partition("@")
    kind, _, size = executor.partition(":")
    workers, _, threads = size.partition("x")
    regions = [arg for region in REGIONS for arg in ("--region", region)]
    cmd = [sys.executable, "-m", "scanner.cli", "scan", "--org", "--role-arn", ROLE_ARN, *regions,
           "--executor", f"{kind}:{workers}", "--workers", threads or workers, "--format", "json", "-o", str(report)]
    return cmd + (["--budget", budget] if budget else [])


def budget_floor(calls: Counter[tuple[str, str, str]], rate: float, burst: int) -> float:
    """Seconds the budget alone imposes on the busiest (account, Region, service)."""
    busiest = max(calls.values(), default=0)
    return max(0.0, (busiest - burst) / rate)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", default=DEFAULT_RUNS)
    args = parser.parse_args(argv)
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    upstream = f"http://{host}:{port}"
    with in_process_moto():
        seed_organization(None, args.accounts, threads=4)
    print(f"seeded {args.accounts} member accounts x {len(REGIONS)} Regions", flush=True)
    rules = ProxyRules(latency=args.latency, replay=True)
    with AwsProxy(upstream, rules) as proxy, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = _env(proxy.url, home)
        warm = measure(_command("threads:32", home / "warm.json"), env, ROOT)
        print(f"warm-up (moto answers, recorded): {warm.wall:.1f} s, {len(proxy.calls)} calls, exit {warm.returncode}",
              flush=True)
        print(f"{'run':>22} {'wall s':>7} {'calls':>6} {'AssumeRole':>10} {'max/s':>6} {'floor s':>7} "
              f"{'main MiB':>8}  worker peaks MiB")
        for run in args.runs.split(","):
            proxy.reset()
            result = measure(_command(run, home / "report.json"), env, ROOT)
            calls = [c for c in proxy.calls if c.outcome in ("ok", "replayed")]
            assumed = sum(1 for c in calls if c.operation == "AssumeRole")
            peak, _ = max_rate(calls)
            budget = run.partition("@")[2] or "20/100"
            rate, _, burst = budget.partition("/")
            per_key = Counter((c.account, c.region, c.service) for c in calls)
            floor = budget_floor(per_key, float(rate), int(burst or 100))
            workers = ", ".join(f"{w:.0f}" for w in result.workers_mib()) or "-"
            status = "" if result.returncode in (0, 1) else f"  FAILED {result.stderr.strip()[-300:]}"
            print(f"{run:>22} {result.wall:>7.1f} {len(calls):>6} {assumed:>10} {peak:>6} {floor:>7.1f} "
                  f"{result.peak_mib():>8.0f}  {workers}{status}", flush=True)
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
