"""Hostile sizes end in a bounded, one-line exit 2 naming the limit and how to raise it; never a hang,
a memory blow-up or a traceback. Templates past AWS's own limits are evaluated up to 10x, with a warning."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scanner.cli import main

BUCKET = "Resources:\n  B: {Type: 'AWS::S3::Bucket'}\n"


def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _exit_2(argv: list[str], capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    started = time.monotonic()
    assert main(argv) == 2
    assert time.monotonic() - started < 20
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1, err
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("where", ["template", "config", "policy"])
def test_yaml_alias_bombs_are_refused_everywhere(tmp_path: Path, where: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(BUCKET + "Metadata:\n  " + _bomb().replace("\n", "\n  ") if where == "template" else BUCKET)
    argv = ["iac", str(template)]
    if where == "config":
        (tmp_path / "haguard.yaml").write_text(_bomb())
        argv += ["--config", str(tmp_path / "haguard.yaml")]
    if where == "policy":
        (tmp_path / "policies").mkdir()
        (tmp_path / "policies" / "bomb.yaml").write_text(_bomb())
        argv += ["--policies", str(tmp_path / "policies")]
    _exit_2(argv, capsys, "YAML aliases expand the document by", "HAGUARD_MAX_YAML_ALIAS_NODES")


def test_recursive_alias_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(BUCKET + "Metadata: &m\n  self: [*m]\n")
    _exit_2(["iac", str(template)], capsys, f"{template}:3: a YAML alias refers to a node that contains it")


def test_a_few_aliases_are_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  A: &bucket {Type: 'AWS::S3::Bucket'}\n  B: *bucket\n")
    assert main(["iac", str(template), "--format", "json"]) != 2  # evaluated (not refused)
    capsys.readouterr()


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("deep.json", '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Metadata": ' + "[" * 100_000 + "]" * 100_000
     + "}}}", "JSON nested more than 100 levels deep: more than the limit of 100 levels of nesting"),
    ("deep2.json", '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Metadata": ' + "[" * 150 + "]" * 150
     + "}}}", "JSON nested 153 levels deep: more than the limit of 100 levels of nesting (set HAGUARD_MAX_NESTING"),
    ("deep.yaml", BUCKET + "Metadata: " + "[" * 150 + "]" * 150 + "\n", "YAML nested 101 levels deep"),
    ("deep2.yaml", BUCKET + "Metadata:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 130)) + "  " * 130 + "x\n",
     "HAGUARD_MAX_NESTING"),
    ("deep3.yaml", BUCKET + "Metadata:\n  " + "- " * 5000 + "x\n", "HAGUARD_MAX_NESTING"),
    ("bombdeep.yaml", BUCKET + "Metadata:\n" + "".join(f"  a{i}: &a{i} [*a{i - 1}]\n" if i else "  a0: &a0 [x]\n"
                                                      for i in range(150)), "YAML aliases nest the document"),
])
def test_deep_nesting_is_a_one_line_error(tmp_path: Path, name: str, text: str, expected: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert _exit_2(["iac", str(path)], capsys, expected).startswith(str(path))


def test_deep_nesting_in_policies_and_configs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(BUCKET)
    config = tmp_path / "c.yaml"
    config.write_text("params: " + "[" * 20_000 + "]" * 20_000 + "\n")
    _exit_2(["iac", str(template), "--config", str(config)], capsys, str(config), "nest")


def test_nesting_limit_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(BUCKET.replace("}", ", Metadata: " + "[" * 120 + "]" * 120 + "}"))
    _exit_2(["iac", str(path)], capsys, "HAGUARD_MAX_NESTING")
    monkeypatch.setenv("HAGUARD_MAX_NESTING", "200")
    assert main(["iac", str(path), "--format", "json"]) != 2
    capsys.readouterr()


def test_bad_limit_value_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(BUCKET)
    monkeypatch.setenv("HAGUARD_MAX_NESTING", "lots")
    _exit_2(["iac", str(path)], capsys, "HAGUARD_MAX_NESTING='lots': expected a positive integer")


@pytest.mark.parametrize("count", ["1000000000", "'1000000000'", "257", "-5"])
def test_cidr_count_past_aws_range_is_bounded(tmp_path: Path, count: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
                    f"      CidrBlock: !Select [0, !Cidr [10.0.0.0/8, {count}, 8]]\n")
    _exit_2(["iac", str(path)], capsys, f"{path}:5: Fn::Cidr count", "outside 1 to 256")


def test_condition_chains_are_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conditions = "".join(f"  C{i}: !Condition C{i + 1}\n" for i in range(3000)) + "  C3000: !Equals [a, a]\n"
    path = tmp_path / "t.yaml"
    path.write_text("Conditions:\n" + conditions + "Resources:\n  B: {Type: 'AWS::S3::Bucket', Condition: C0}\n")
    _exit_2(["iac", str(path)], capsys, "conditions refer to each other", "HAGUARD_MAX_NESTING")


def _json_template(resources: int, padding: int = 0) -> str:
    body = {f"B{i}": {"Type": "AWS::S3::Bucket"} for i in range(resources)}
    return json.dumps({"Description": "x" * padding, "Resources": body})


def test_template_over_ten_times_aws_size_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.json"
    path.write_text(_json_template(1, padding=10 * 1024 * 1024 + 1))
    line = _exit_2(["iac", str(path)], capsys, "template is 10,485,8", "more than the limit of 10,485,760 bytes")
    assert line.endswith("(set HAGUARD_MAX_TEMPLATE_BYTES to raise it)")


def test_template_over_aws_size_is_evaluated_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.json"
    path.write_text(_json_template(1, padding=1024 * 1024 + 10))
    assert main(["iac", str(path), "--format", "json"]) != 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}: warning: template is 1,048,") and "over the 1 MB AWS accepts" in err


def test_resource_count_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.json"
    path.write_text(_json_template(501))
    assert main(["iac", str(path), "--format", "json"]) != 2
    assert "warning: template has 501 resources, more than the 500 AWS accepts" in capsys.readouterr().err
    monkeypatch.setenv("HAGUARD_MAX_TEMPLATE_RESOURCES", "500")
    _exit_2(["iac", str(path)], capsys, "template has 501 resources: more than the limit of 500 resources",
            "HAGUARD_MAX_TEMPLATE_RESOURCES")


def test_default_resource_limit_is_ten_times_aws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.json"
    path.write_text(_json_template(5001))
    _exit_2(["iac", str(path)], capsys, "template has 5,001 resources: more than the limit of 5,000")


def test_a_fifo_never_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    fifo = tmp_path / "t.yaml"
    os.mkfifo(fifo)
    for argv in (["--type", "cloudformation"], ["--ignore-unrecognised"], []):
        _exit_2(["iac", *argv, str(fifo)], capsys, f"{fifo}: cannot read input: a FIFO, not a regular file")
    (tmp_path / "b.yaml").write_text(BUCKET)
    assert main(["iac", "--format", "json", str(tmp_path)]) != 2  # a FIFO in a directory is skipped, named
    assert f"{fifo}: skipped" in capsys.readouterr().err
