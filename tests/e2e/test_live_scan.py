"""End to end: a moto server seeded with two Regions, scanned by ``haguard scan`` as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from seed import EXPECTED, Seeder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    Seeder(session, url).seed()
    yield url
    server.stop()


def _env(endpoint: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    credentials = home / "credentials"
    credentials.write_text("[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    config = home / "config"
    config.write_text("[default]\nregion = us-east-1\n")
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_CONFIG_FILE=str(config),
               PYTHONPATH=str(ROOT))
    return env


def _haguard(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def scanned(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    home = tmp_path_factory.mktemp("aws")
    saved = home / "snapshot.json.gz"
    result = _haguard(["scan", "--region", "us-east-1", "--region", "us-west-2", "--format", "json",
                       "--save", str(saved)], _env(moto_endpoint, home))
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout), saved


def test_every_expected_verdict(scanned: tuple[dict, Path]) -> None:
    report, _ = scanned
    got = {(f["policy_id"], f["region"], f["resource_name"]): f["status"] for f in report["findings"]}
    mismatches = {key: (want, got.get(key)) for key, want in EXPECTED.items() if got.get(key) != want}
    assert not mismatches, mismatches


def test_replica_lag_evidence_shows_value(scanned: tuple[dict, Path]) -> None:
    report, _ = scanned
    (lag,) = [f for f in report["findings"] if f["policy_id"] == "rds-replica-lag"]
    assert lag["status"] == "pass"
    assert any(e.get("attr") == "replica_lag_max_seconds" and e.get("value") == 12.0 for e in lag["evidence"])


def test_snapshot_records_scope_and_holds_no_secrets(scanned: tuple[dict, Path]) -> None:
    import gzip

    report, saved = scanned
    raw = gzip.decompress(saved.read_bytes()).decode()
    assert "NeverPrintMe" not in raw
    assert "NeverPrintMe" not in json.dumps(report)
    snapshot = json.loads(raw)
    assert snapshot["source"]["kind"] == "aws"
    assert sorted(snapshot["source"]["regions"]) == ["us-east-1", "us-west-2"]
    assert snapshot["source"]["accounts"] == ["123456789012"]
    assert snapshot["source"]["api_calls"] > 0
    assert snapshot["source"]["haguard_version"]
    assert snapshot["coverage"] == []


def test_saved_snapshot_rescans_to_the_same_findings(scanned: tuple[dict, Path], tmp_path: Path) -> None:
    report, saved = scanned
    result = _haguard(["scan", "--snapshot", str(saved), "--format", "json"], dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"] == report["findings"]


@pytest.mark.parametrize(("args", "env_change", "fragment"), [
    (["--profile", "nope"], {}, "nope"),
    (["--region", "mars-north-9"], {}, "mars-north-9"),
    ([], {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "127.0.0.1:9"),
    ([], {"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"}, "credentials"),
])
def test_live_input_errors_are_one_line_exit_2(moto_endpoint: str, tmp_path: Path, args: list[str],
                                               env_change: dict[str, str], fragment: str) -> None:
    env = _env(moto_endpoint, tmp_path)
    env.update(env_change)
    result = _haguard(["scan", "--region", "us-east-1", *args], env)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr
