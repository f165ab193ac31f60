"""``--output`` respects the file system; every write error is one line and exit 2."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.errors import InputError
from scanner.model import write_atomically

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scanner" / "examples" / "three_tier.json"
SCAN = ["scan", "--example", "--format", "json", "--only", "dynamodb-pitr", "--fail-on", "critical"]


def _exit_2_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], *fragments: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_report_replaces_a_regular_file_keeping_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")
    out.chmod(0o640)
    assert main([*SCAN, "--output", str(out)]) == 0
    assert json.loads(out.read_text())["summary"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.txt", b"x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert main([*SCAN, "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["summary"] and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_atomically(link, b"data")
    assert link.is_symlink() and (tmp_path / "later.json").read_bytes() == b"data"


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main([*SCAN, "-o", str(fifo)]) == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["summary"]


def test_a_character_device_is_written_in_place(tmp_path: Path) -> None:
    assert main([*SCAN, "-o", "/dev/null"]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _exit_2_one_line(capsys, [*SCAN, "-o", "/dev/full"], "/dev/full: cannot write: No space left on device")


def test_a_directory_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _exit_2_one_line(capsys, [*SCAN, "-o", str(tmp_path)], f"{tmp_path}: cannot write: is a directory")


def test_an_empty_output_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    _exit_2_one_line(capsys, [*SCAN, "--output", ""], "--output", "an empty path names no file")


def test_a_missing_directory_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _exit_2_one_line(capsys, [*SCAN, "-o", str(tmp_path / "no" / "such.json")], "cannot write: No such file")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match="No space left on device"):
        write_atomically(out, b"new")
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_over_an_input_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    snapshot = tmp_path / "snap.json"
    snapshot.write_bytes(EXAMPLE.read_bytes())
    hard = tmp_path / "hard.json"
    os.link(snapshot, hard)
    soft = tmp_path / "soft.json"
    soft.symlink_to(snapshot)
    for output in (snapshot, hard, soft):
        _exit_2_one_line(capsys, ["scan", "--snapshot", str(snapshot), "-o", str(output)], "would overwrite the input")
    assert snapshot.read_bytes() == EXAMPLE.read_bytes()


def test_output_over_a_config_or_policy_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {}\n")
    _exit_2_one_line(capsys, [*SCAN, "--config", str(config), "-o", str(config)], "would overwrite the input")
    policy = ROOT / "policies" / "backup" / "dynamodb-pitr.yaml"
    before = policy.read_bytes()
    _exit_2_one_line(capsys, [*SCAN, "-o", str(policy)], "would overwrite the input", str(policy))
    assert policy.read_bytes() == before


def test_output_over_a_template_found_in_a_directory_is_refused(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    template = tmp_path / "stack" / "template.yaml"
    template.parent.mkdir()
    template.write_text("Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n")
    before = template.read_bytes()
    argv = ["iac", str(template.parent), "--format", "json", "--only", "dynamodb-pitr", "-o", str(template)]
    _exit_2_one_line(capsys, argv, "would overwrite the input", str(template))
    assert template.read_bytes() == before


def test_output_and_save_naming_one_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    _exit_2_one_line(capsys, ["scan", "--save", str(out), "-o", str(out)], "--output and --save name the same file")


def _run_cli(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], env=env, timeout=120, check=False,
                          **kwargs)  # type: ignore[call-overload]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["json", "rich"])
def test_stdout_on_a_full_device_is_one_line(fmt: str) -> None:
    with open("/dev/full", "wb") as full:
        result = _run_cli(["scan", "--example", "--format", fmt], stdout=full, stderr=subprocess.PIPE)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.strip() == "haguard: error: cannot write the report to standard output: No space left on device"


@pytest.mark.parametrize("fmt", ["json", "rich"])
def test_stdout_to_a_closed_pipe_is_one_line(fmt: str) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        result = _run_cli(["scan", "--example", "--format", fmt], stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.strip() == "haguard: error: cannot write the report to standard output: Broken pipe"


def test_save_over_an_input_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {}\n")
    _exit_2_one_line(capsys, ["scan", "--config", str(config), "--save", str(config)],
                     f"--save {config} would overwrite the input")
    assert config.read_text() == "params: {}\n"
