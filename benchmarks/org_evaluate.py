"""Evaluate a synthetic organisation through the sharded path, as a user runs it (on demand).

    python -m benchmarks.org_evaluate [--accounts 200] [--per-account 5000] [--executors threads:1,...]

Writes a shard directory of ``accounts`` x ``per-account`` synthetic resources (each account's
resources split into one shard per Region, one replica in ten pointing at the next account's
database so the joined policies have cross-account work), then times ``haguard scan --snapshot DIR``
per executor as a subprocess, and prints wall time, the resources in the joined graph and the peak
RSS of the coordinating process and of each worker.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.process_memory import measure
from benchmarks.synthetic import ACCOUNT, synthetic_snapshot
from scanner import __version__
from scanner.model import snapshot_from_json
from scanner.shards.store import ShardStore, encode_snapshot

ROOT = Path(__file__).resolve().parents[1]


def account_id(index: int) -> str:
    return f"{100000000000 + index:012d}"


def account_snapshots(index: int, n: int, accounts: int) -> dict[str, dict[str, Any]]:
    """The synthetic snapshot of one account, one JSON document per Region."""
    data = json.loads(json.dumps(synthetic_snapshot(n, seed=index)).replace(ACCOUNT, account_id(index)))
    following = account_id((index + 1) % accounts)
    for number, relation in enumerate(r for r in data["relations"] if r["kind"] == "replica_of"):
        if number % 10 == 0:  # a cross-account replica: its source lives in the next account
            relation["dst"] = relation["dst"].replace(account_id(index), following)
    by_region: dict[str, dict[str, Any]] = {}
    region_of = {r["uid"]: r["region"] for r in data["resources"]}
    for resource in data["resources"]:
        shard = by_region.setdefault(resource["region"], {
            "schema": data["schema"], "source": {"kind": "aws", "accounts": [account_id(index)],
                                                 "regions": [resource["region"]]},
            "resources": [], "relations": []})
        shard["resources"].append(resource)
    for relation in data["relations"]:
        by_region[region_of[relation["src"]]]["relations"].append(relation)
    return by_region


def write_shard_set(directory: Path, accounts: int, per_account: int) -> int:
    """The shard directory; returns the number of resources."""
    regions = sorted(account_snapshots(0, per_account, accounts))
    ids = [account_id(i) for i in range(accounts)]
    store = ShardStore.open(directory, resume=False, fingerprint="synthetic", haguard_version=__version__,
                            caller_account=ids[0], accounts=ids, regions=regions,
                            shard_keys=[(a, r) for a in ids for r in regions], scope_api_calls=0)
    total = 0
    for index in range(accounts):
        for region, document in account_snapshots(index, per_account, accounts).items():
            snapshot = snapshot_from_json(document)
            total += len(snapshot.resources)
            store.save(account_id(index), region, encode_snapshot(snapshot), 0, len(snapshot.resources), [])
    store.flush()
    return total


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--per-account", type=int, default=5000)
    parser.add_argument("--executors", default="threads:1,processes:2,dask-local:2")
    parser.add_argument("--format", default="json")
    parser.add_argument("--keep", type=Path, help="write (or reuse) the shard directory here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="haguard-org-eval-") as tmp:
        directory = args.keep or Path(tmp) / "shards"
        if not (directory / "manifest.json").exists():
            total = write_shard_set(directory, args.accounts, args.per_account)
            print(f"wrote {total} resources in {args.accounts} accounts to {directory}", flush=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        print(f"{'executor':>16} {'wall s':>8} {'exit':>5} {'main MiB':>9}  worker peaks MiB")
        for executor in args.executors.split(","):
            report = Path(tmp) / f"report-{executor.replace(':', '-')}.{args.format}"
            cmd = [sys.executable, "-m", "scanner.cli", "scan", "--snapshot", str(directory), "--executor", executor,
                   "--workers", "1", "--format", args.format, "-o", str(report)]
            run = measure(cmd, env, ROOT)
            if run.returncode not in (0, 1):
                print(f"{executor}: exit {run.returncode}: {run.stderr.strip()[-500:]}")
                continue
            workers = ", ".join(f"{w:.0f}" for w in run.workers_mib()) or "-"
            print(f"{executor:>16} {run.wall:>8.1f} {run.returncode:>5} {run.peak_mib():>9.0f}  {workers}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
