"""Each kind of mistake in a policy file is one ``FILE:LINE: message`` line on stderr and exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.cli import main

BROKEN = Path(__file__).parent.parent / "data" / "broken_policies"

# file -> (expected line, a fragment of the message)
EXPECTED = {
    "bad-yaml.yaml": (6, "YAML syntax error"),
    "unknown-operator.yaml": (8, "unknown operator 'startswith'"),
    "unknown-condition.yaml": (8, "not a condition"),
    "wrong-value-type.yaml": (7, "gte needs a number"),
    "unknown-resource-type.yaml": (4, "unknown resource type 'aws.rds.database'"),
    "unknown-attribute.yaml": (6, "unknown attribute 'multi_zone'"),
    "unknown-relation.yaml": (6, "unknown relation kind 'lives_in'"),
    "undeclared-param.yaml": (8, "undeclared param 'min_retention'"),
    "bad-severity.yaml": (3, "severity"),
    "missing-assert.yaml": (1, "missing required key 'assert'"),
    "bad-regex.yaml": (7, "invalid regular expression"),
    "unknown-key.yaml": (6, "unknown key 'remedation'"),
    "wrong-relation-for-type.yaml": (6, "no 'in_subnet' relation"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_policy_is_one_line_with_file_and_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BROKEN / name
    assert main(["policy", "validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line, fragment = EXPECTED[name]
    assert lines[0].startswith(f"{path}:{line}: "), lines[0]
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_duplicate_id_names_the_second_file(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = BROKEN / "duplicate-id-a.yaml", BROKEN / "duplicate-id-b.yaml"
    assert main(["policy", "validate", str(a), str(b)]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(rf"{re.escape(str(b))}:2: duplicate policy id 'duplicate-id' \(also defined in .*\)", err)


def test_every_broken_file_is_covered() -> None:
    names = {p.name for p in BROKEN.glob("*.yaml")} - {"duplicate-id-a.yaml", "duplicate-id-b.yaml"}
    assert names == set(EXPECTED)
    assert len(EXPECTED) + 1 >= 8


def test_broken_policy_in_a_scan_stops_before_anything_is_written(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    code = main(["scan", "--example", "--policies", str(BROKEN / "unknown-attribute.yaml"), "--format", "json",
                 "--output", str(out)])
    assert code == 2
    assert not out.exists()
    assert "unknown-attribute.yaml:6:" in capsys.readouterr().err


def test_the_bundled_pack_validates(capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.policy import builtin_policy_dir

    assert main(["policy", "validate", str(builtin_policy_dir())]) == 0
    assert re.match(r"\d+ policies valid", capsys.readouterr().out)
