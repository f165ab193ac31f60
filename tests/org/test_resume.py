"""A scan killed after about half of its shards, resumed with --resume: only the missing shards' calls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from org_helpers import ROOT, Org, haguard, haguard_env

from benchmarks.aws_proxy import ProxyRules
from benchmarks.org_seed import REGIONS, ROLE_ARN

POLICIES = "rds-instance-multi-az,dynamodb-pitr,db-replica-other-region"


def _args(org: Org, save_dir: Path, report: Path, *extra: str) -> list[str]:
    accounts = ",".join(m.account for m in org.members[:4])
    regions = [arg for region in REGIONS for arg in ("--region", region)]
    return ["scan", "--accounts", accounts, "--role-arn", ROLE_ARN, *regions, "--executor", "threads:1",
            "--only", POLICIES, "--save-dir", str(save_dir), "--format", "json", "-o", str(report), *extra]


def _shard_calls(org: Org) -> dict[tuple[str, str], int]:
    members = {m.account for m in org.members}
    return {(a, r): n for (a, r), n in org.proxy.counts(("account", "region")).items() if a in members}


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report[key] for key in ("findings", "summary", "coverage", "policies")}


def test_killed_scan_resumes_with_only_the_missing_shards(org: Org, tmp_path: Path) -> None:
    env = haguard_env(org.proxy.url, tmp_path)
    org.proxy.reset(ProxyRules(**{**org.rules.__dict__, "latency": 0.03}))
    try:
        org.proxy.reset()
        whole = haguard(_args(org, tmp_path / "whole", tmp_path / "whole.json"), env)
        assert whole.returncode == 1, whole.stderr
        whole_calls = _shard_calls(org)
        planned = {(m.account, r) for m in org.members[:4] for r in REGIONS}
        assert set(whole_calls) == planned

        org.proxy.reset()
        saved = tmp_path / "killed"
        process = subprocess.Popen([sys.executable, "-m", "scanner.cli", *_args(org, saved, tmp_path / "x.json")],
                                   env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if len(list((saved / "shards").glob("*.json.gz"))) >= len(planned) // 2:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        assert process.wait(timeout=60) == -signal.SIGKILL, "the scan ended before it could be killed"
        done = {tuple(p.name.removesuffix(".json.gz").split("-", 1)) for p in (saved / "shards").glob("*.json.gz")}
        assert len(planned) // 2 <= len(done) < len(planned)

        org.proxy.reset()
        resumed = haguard(_args(org, saved, tmp_path / "resumed.json", "--resume"), env)
        assert resumed.returncode == 1, resumed.stderr
        resumed_calls = _shard_calls(org)
        missing = planned - done
        assert set(resumed_calls) == missing  # no call at all for a shard already saved
        assert resumed_calls == {shard: whole_calls[shard] for shard in missing}
        report = json.loads((tmp_path / "resumed.json").read_text())
        assert _comparable(report) == _comparable(json.loads((tmp_path / "whole.json").read_text()))
        manifest = json.loads((saved / "manifest.json").read_text())
        assert {s["status"] for s in manifest["shards"]} == {"complete"}
    finally:
        org.proxy.reset(org.rules)


def test_saved_directory_evaluates_to_the_live_report(org: Org, tmp_path: Path) -> None:
    env = haguard_env(org.proxy.url, tmp_path)
    live = haguard(_args(org, tmp_path / "set", tmp_path / "live.json"), env)
    assert live.returncode == 1, live.stderr
    org.proxy.reset()
    again = haguard(["scan", "--snapshot", str(tmp_path / "set"), "--only", POLICIES, "--format", "json"], env)
    assert again.returncode == 1, again.stderr
    assert org.proxy.calls == []  # a saved set is evaluated offline
    assert _comparable(json.loads(again.stdout)) == _comparable(json.loads((tmp_path / "live.json").read_text()))
    everything = haguard(["scan", "--snapshot", str(tmp_path / "set"), "--format", "json"], env)
    report = json.loads(everything.stdout)
    not_collected = [f for f in report["findings"] if "not collected" in f["message"]]
    assert not_collected and {f["status"] for f in not_collected} == {"error"}  # e.g. nat-gw-per-az: never silent
    assert everything.returncode == 1
