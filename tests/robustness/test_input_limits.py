"""Bounded work on input: non-regular files, sizes, gzip, nesting, YAML aliases; each a one-line exit 2."""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.errors import InputError, read_text
from scanner.model import load_snapshot
from scanner.policy import load_config, load_policy

EXAMPLE = Path(__file__).resolve().parents[2] / "scanner" / "examples" / "three_tier.json"


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], *fragments: str) -> str:
    assert main(argv) == 2
    _, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def _with_timeout(call: Callable[[], object], seconds: float = 10.0) -> dict[str, object]:
    """Run ``call`` in a thread; fail when it is still running after ``seconds`` (it blocked)."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    return result


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "input.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("reader", ["snapshot", "config", "policy", "text"])
def test_a_fifo_is_refused_without_blocking(fifo: Path, reader: str) -> None:
    call = {"snapshot": lambda: load_snapshot(fifo), "config": lambda: load_config(fifo),
            "policy": lambda: load_policy(fifo), "text": lambda: read_text(fifo, "template")}[reader]
    result = _with_timeout(call)
    error = result.get("error")
    assert isinstance(error, InputError), result
    assert str(error).startswith(f"{fifo}: cannot read ") and str(error).endswith(": a FIFO, not a regular file")


@pytest.mark.parametrize(("option", "path", "kind"), [
    ("--snapshot", "/dev/zero", "a character device"),
    ("--snapshot", "/dev/null", "a character device"),
    ("--config", "/dev/zero", "a character device"),
    ("--policies", "/dev/zero", "a character device"),
])
def test_devices_are_refused(capsys: pytest.CaptureFixture[str], option: str, path: str, kind: str) -> None:
    argv = ["scan", "--example", option, path] if option != "--snapshot" else ["scan", option, path]
    _one_line_exit_2(capsys, argv, path, kind, "not a regular file")


def test_a_directory_given_as_a_snapshot_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # a directory is read as a saved shard set (scan --save DIR): one without its manifest is refused
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(tmp_path)], "not a haguard shard directory (no manifest.json)")


def test_a_fifo_template_is_refused_by_the_iac_reader(fifo: Path) -> None:
    from scanner.iac.cfn_yaml import read_text as read_template

    result = _with_timeout(lambda: read_template(fifo, str(fifo)))
    assert isinstance(result.get("error"), InputError) and "a FIFO" in str(result["error"])


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(EXAMPLE)
    assert load_snapshot(link).resources


def test_input_size_limit_names_the_variable(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("HAGUARD_MAX_INPUT_BYTES", "20000")  # above every bundled policy, below the example
    line = _one_line_exit_2(capsys, ["scan", "--snapshot", str(EXAMPLE)], "more than the limit of 20,000 bytes",
                            "set HAGUARD_MAX_INPUT_BYTES to raise it")
    assert line.startswith(str(EXAMPLE))
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {}\n" + "#" * 2000 + "\n")
    monkeypatch.setenv("HAGUARD_MAX_INPUT_BYTES", "100000000")
    assert load_config(config).params == {}
    monkeypatch.setenv("HAGUARD_MAX_INPUT_BYTES", "1500")
    with pytest.raises(InputError, match="HAGUARD_MAX_INPUT_BYTES"):
        load_config(config)


def test_a_bad_limit_value_is_an_input_error(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAGUARD_MAX_INPUT_BYTES", "lots")
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(EXAMPLE)], "HAGUARD_MAX_INPUT_BYTES='lots'",
                     "positive integer")


def test_gzip_bomb_stops_at_the_decompressed_limit(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * (64 << 20), compresslevel=9))  # 64 MiB of spaces in ~64 KiB
    assert bomb.stat().st_size < 1 << 20
    monkeypatch.setenv("HAGUARD_MAX_INPUT_BYTES", str(8 << 20))
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(bomb)], "snapshot too large once decompressed",
                     "more than the limit of 8,388,608 bytes", "HAGUARD_MAX_INPUT_BYTES")


def test_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    data = EXAMPLE.read_bytes()
    path = tmp_path / "two-members.json.gz"
    path.write_bytes(gzip.compress(data[:1000]) + gzip.compress(data[1000:]))
    assert len(load_snapshot(path).resources) == len(load_snapshot(EXAMPLE).resources)


@pytest.mark.parametrize("damage", ["truncated", "crc", "garbage"])
def test_corrupt_gzip_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, damage: str) -> None:
    data = gzip.compress(EXAMPLE.read_bytes())
    data = {"truncated": data[: len(data) // 2], "crc": data[:-8] + b"\0" * 8,
            "garbage": data[:10] + b"\xff" * 50}[damage]
    path = tmp_path / "snap.json.gz"
    path.write_bytes(data)
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(path)], str(path), "corrupt gzip data")


@pytest.mark.parametrize("depth", [1200, 100_000])
def test_deeply_nested_json_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"schema": "haguard.snapshot/1", "source": {"kind": "aws"}, "resources": '
                    + "[" * depth + "]" * depth + "}")
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(path)], str(path), "nested deeper than the parser supports")


def test_free_form_values_nested_past_the_limit_are_refused(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    value = json.loads("[" * 300 + "]" * 300)
    document = {"schema": "haguard.snapshot/1", "source": {"kind": "aws"},
                "resources": [{"uid": "vpc", "type": "aws.ec2.vpc"}],
                "relations": [{"src": "vpc", "kind": "in_vpc", "dst": "vpc", "attributes": {"x": value}}]}
    path = tmp_path / "deep-attributes.json"
    path.write_text(json.dumps(document))
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(path)], "$.relations[0].attributes nested too deep",
                     "100 levels of nesting", "HAGUARD_MAX_NESTING")


def test_huge_integer_in_json_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"schema": "haguard.snapshot/1", "source": {"kind": "aws"}, "x": ' + "9" * 5000 + "}")
    _one_line_exit_2(capsys, ["scan", "--snapshot", str(path)], "invalid JSON")


def _bomb(levels: int) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("what", ["config", "policy"])
def test_yaml_alias_bomb_is_refused_quickly(capsys: pytest.CaptureFixture[str], tmp_path: Path, what: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(9))  # 10**9 nodes once expanded
    argv = ["scan", "--example", "--config", str(path)] if what == "config" else ["policy", "validate", str(path)]
    result = _with_timeout(lambda: main(argv), seconds=20)
    assert result.get("value") == 2, result
    err = capsys.readouterr().err
    assert "aliases expand the document" in err and "HAGUARD_MAX_YAML_ALIAS_NODES" in err
    assert len(err.strip().splitlines()) == 1


def test_moderate_aliases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "haguard.yaml"
    path.write_text("waivers:\n  - &w {id: dynamodb-pitr, reason: rebuilt nightly}\n  - *w\n")
    assert len(load_config(path).waivers) == 2


def test_yaml_cycles_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text("params: &p {x: *p}\n")
    with pytest.raises(InputError, match="a YAML alias refers to a node that contains it"):
        load_config(path)
    path.write_text("params: " + "[" * 150 + "]" * 150 + "\n")
    with pytest.raises(InputError, match=r"more than the limit of 100 levels of nesting \(set HAGUARD_MAX_NESTING"):
        load_config(path)


def test_not_utf8_and_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "haguard.yaml"
    path.write_bytes(b"params:\r\n  min_azs: 3\r\n")
    assert load_config(path).params == {"min_azs": 3}
    path.write_bytes(b"params: {x: \xff}\n")
    with pytest.raises(InputError, match="not UTF-8 text"):
        load_config(path)


def test_a_fifo_given_to_iac_is_refused_without_blocking(fifo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _with_timeout(lambda: main(["iac", str(fifo)]))
    assert result.get("value") == 2, result
    assert capsys.readouterr().err.strip() == f"{fifo}: cannot read input: a FIFO, not a regular file"


def test_a_fifo_inside_a_scanned_tree_is_not_opened(tmp_path: Path) -> None:
    from scanner.iac.detect import discover

    (tmp_path / "stack").mkdir()
    os.mkfifo(tmp_path / "stack" / "pipe.json")
    template = tmp_path / "stack" / "template.yaml"
    template.write_text("Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n")
    result = _with_timeout(lambda: discover([tmp_path]))
    assert result.get("value") == [("cloudformation", template)], result
