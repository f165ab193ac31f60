"""Run history: recording, listing, pruning, bad databases, a killed writer and concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.examples import EXAMPLE_PATH
from scanner.history import failure_trend, open_history

ROOT = Path(__file__).resolve().parents[2]


def _haguard(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "scanner.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _scan(db: Path, capsys: pytest.CaptureFixture[str]) -> int:
    code = main(["scan", "--example", "--format", "json", "--history", str(db)])
    capsys.readouterr()
    return code


def _one_error_line(capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert all(f in err[0] for f in fragments), err[0]
    assert "Traceback" not in err[0]
    return err[0]


def test_scan_records_scope_versions_snapshot_and_findings(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    assert _scan(db, capsys) == 1
    store = open_history(db)
    [run] = store.runs()
    assert run.scope.kind == "example" and run.scope.regions == ("us-east-1", "us-west-2")
    assert run.scope.accounts == ("111122223333",)
    assert run.tool_version and len(run.pack_hash) == 16 and run.exit_code == 1
    report = store.report(run.id)
    assert run.findings == len(report.findings) > 0
    assert run.by_severity == {s.value: n for s, n in report.summary.by_severity.items()}
    modelled = len(json.loads(EXAMPLE_PATH.read_text())["resources"])
    assert len(store.snapshot(run.id).resources) == run.resources == modelled
    db_journal = sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0]
    assert db_journal == "wal"
    [point] = failure_trend(store, run.scope.key)
    assert point.to_json() == {"run_id": run.id, "recorded_at": run.recorded_at, "counts": run.by_severity}
    store.close()


def test_list_show_and_prune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    for _ in range(3):
        _scan(db, capsys)
    assert main(["history", "list", "--history", str(db), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [3, 2, 1]
    assert main(["history", "show", "previous", "--history", str(db), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["run"]["id"] == 2 and shown["report"]["findings"]
    assert main(["history", "prune", "--keep", "1", "--older-than", "90d", "--history", str(db)]) == 0
    assert "deleted 0 of 3" in capsys.readouterr().out  # nothing is 90 days old
    assert main(["history", "prune", "--keep", "1", "--history", str(db)]) == 0
    assert "deleted 2 of 3" in capsys.readouterr().out
    with open_history(db) as store:
        assert [r.id for r in store.runs()] == [3]
        rows = sqlite3.connect(db).execute("SELECT count(*) FROM findings WHERE run_id != 3").fetchone()[0]
        assert rows == 0  # findings and blobs go with their run


@pytest.mark.parametrize(("args", "fragment"), [
    (["history", "show", "42"], "no run 42"),
    (["history", "show", "yesterday"], "not a run id"),
    (["history", "prune", "--older-than", "90 days"], "expected an age"),
    (["history", "prune", "--older-than=-3d"], "expected an age"),
    (["history", "prune", "--keep", "0"], "whole number"),
    (["history", "prune"], "--keep N and/or --older-than"),
])
def test_bad_arguments_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                           fragment: str) -> None:
    db = tmp_path / "h.db"
    _scan(db, capsys)
    assert main([*args, "--history", str(db)]) == 2
    _one_error_line(capsys, fragment)


@pytest.mark.parametrize("content", [b"not a database at all\n", b"SQLite format 3\x00" + b"\xff" * 200])
def test_malformed_database_is_one_line_exit_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         content: bytes) -> None:
    db = tmp_path / "h.db"
    db.write_bytes(content)
    for command in (["history", "list"], ["scan", "--example", "--format", "json"]):
        assert main([*command, "--history", str(db)]) == 2
        _one_error_line(capsys, str(db))
    assert db.read_bytes() == content  # never "repaired" or overwritten


def test_damaged_pages_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    _scan(db, capsys)
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(db.read_bytes())
    data[4096:] = b"\x13" * (len(data) - 4096)  # every page after the header page
    db.write_bytes(bytes(data))
    assert main(["history", "show", "last", "--history", str(db)]) == 2
    _one_error_line(capsys, str(db))


def test_reading_commands_do_not_create_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.db"
    for command in (["history", "list"], ["history", "show", "last"], ["drift", "previous", "last"]):
        assert main([*command, "--history", str(db)]) == 2
        _one_error_line(capsys, str(db), "no history database")
    assert not db.exists()


def test_another_applications_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("CREATE TABLE notes (text)").connection.commit()
    assert main(["history", "list", "--history", str(db)]) == 2
    _one_error_line(capsys, str(db), "not a haguard history database")


def test_newer_schema_is_exit_2_and_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    _scan(db, capsys)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    for command in (["scan", "--example", "--format", "json"], ["history", "list"]):
        assert main([*command, "--history", str(db)]) == 2
        _one_error_line(capsys, str(db), "newer haguard")
    assert sqlite3.connect(db).execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_default_path_honours_xdg_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["scan", "--example", "--format", "json", "--history"]) == 1
    capsys.readouterr()
    assert (tmp_path / "data" / "haguard" / "history.db").is_file()
    assert main(["history", "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the writer never reached its write transaction"
        time.sleep(0.05)


def test_kill_9_in_mid_write_leaves_previous_runs_intact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.db"
    _scan(db, capsys)
    _scan(db, capsys)
    marker = tmp_path / "in-transaction"
    writer = _haguard("scan", "--example", "--format", "json", "--history", str(db),
                      env={"HAGUARD_HISTORY_TEST_PAUSE": str(marker)})
    _wait_for(marker, writer)
    os.kill(writer.pid, signal.SIGKILL)
    writer.communicate()
    assert writer.returncode == -signal.SIGKILL
    assert main(["history", "list", "--history", str(db), "--format", "json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [2, 1]
    with open_history(db) as store:
        assert all(store.report(r.id).findings and store.snapshot(r.id).resources for r in store.runs())
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _scan(db, capsys) == 1  # and the next run records normally
    with open_history(db) as store:
        assert len(store.runs()) == 3


def test_concurrent_writers_both_land(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "h.db"  # both processes create and migrate the same new database
    marker = tmp_path / "first-holds-the-lock"
    first = _haguard("scan", "--example", "--format", "json", "--history", str(db),
                     env={"HAGUARD_HISTORY_TEST_PAUSE": f"{marker}:2"})
    _wait_for(marker, first)
    second = _haguard("scan", "--example", "--format", "json", "--history", str(db))  # waits for the lock
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 1, err
    with open_history(db) as store:
        runs = store.runs()
    assert len(runs) == 2 and {r.findings for r in runs} == {runs[0].findings}
