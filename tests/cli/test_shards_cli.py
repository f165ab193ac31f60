"""``haguard scan --snapshot DIR`` and the organisation-scale options: reports, input errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from benchmarks.org_evaluate import write_shard_set
from scanner.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def shard_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("org") / "set"
    write_shard_set(directory, accounts=2, per_account=150)
    return directory


def test_a_shard_directory_is_evaluated_like_its_merged_snapshot(shard_set: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.live.scan import merge_snapshots
    from scanner.model import save_snapshot
    from scanner.shards.evaluate import load_unit
    from scanner.shards.store import ShardSet

    saved = ShardSet.load(shard_set)
    merged = merge_snapshots([load_unit(u) for u in saved.units()], saved.manifest.accounts,
                             saved.manifest.regions, 0)
    save_snapshot(merged, tmp_path / "merged.json")
    assert main(["scan", "--snapshot", str(shard_set), "--format", "json"]) == 1
    sharded = json.loads(capsys.readouterr().out)
    jsonschema.validate(sharded, SCHEMA)
    assert main(["scan", "--snapshot", str(tmp_path / "merged.json"), "--format", "json"]) == 1
    whole = json.loads(capsys.readouterr().out)
    assert sharded["findings"] == whole["findings"] and sharded["summary"] == whole["summary"]
    assert sorted(sharded["source"]["accounts"]) == sorted(saved.manifest.accounts)


def test_processes_evaluate_the_same(shard_set: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--snapshot", str(shard_set), "--format", "json"]) == 1
    threads = json.loads(capsys.readouterr().out)
    assert main(["scan", "--snapshot", str(shard_set), "--format", "json", "--executor", "processes:2",
                 "--workers", "1"]) == 1  # --workers: evaluation threads per process
    assert json.loads(capsys.readouterr().out)["findings"] == threads["findings"]


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0] and "Traceback" not in err[0], err


def test_a_corrupt_manifest_is_exit_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "manifest.json").write_text('{"schema": "haguard.shards/1",\n "shards": [')
    _one_line_error(capsys, ["scan", "--snapshot", str(tmp_path)], f"{tmp_path / 'manifest.json'}:2: invalid JSON")
    (tmp_path / "manifest.json").unlink()
    _one_line_error(capsys, ["scan", "--snapshot", str(tmp_path)], "not a haguard shard directory")


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--resume"], "--resume needs --save-dir"),
    (["--executor", "celery"], "--executor 'celery'"),
    (["--budget", "fast"], "--budget: 'fast'"),
    (["--budget", "0/10"], "the rate must be positive"),
    (["--session-duration", "5m"], "--session-duration: Input should be greater than or equal to 900"),
    (["--refresh-margin", "2h"], "--refresh-margin: the refresh margin must be shorter than the session duration"),
])
def test_bad_organisation_options_are_exit_2(argv: list[str], fragment: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_error(capsys, ["scan", "--region", "us-east-1", *argv], fragment)


def test_a_busy_save_dir_is_refused_before_any_call(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any call would fail differently
    (tmp_path / "old.txt").write_text("x")
    _one_line_error(capsys, ["scan", "--region", "us-east-1", "--save-dir", str(tmp_path)], "--save-dir is not empty")


@pytest.mark.parametrize("option", [["--save-dir", "x"], ["--resume"], ["--budget", "5/10"]])
def test_live_only_options_with_a_snapshot(shard_set: Path, option: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_error(capsys, ["scan", "--snapshot", str(shard_set), *option], "applies to live scans only")
