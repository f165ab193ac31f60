"""Every bundled policy's cases run, and every policy has pass, fail and unknown cases."""

from __future__ import annotations

import pytest

from scanner.policy import load_pack
from scanner.policy.cases import case_path, load_cases, run_case

PACK = load_pack()
CASES = [
    pytest.param(loaded, case, id=f"{loaded.id}::{case.name}")
    for loaded in PACK.ordered()
    if case_path(loaded).exists()
    for case in load_cases(case_path(loaded)).cases
]


def test_the_pack_is_not_empty() -> None:
    assert len(PACK.policies) >= 13
    assert len(CASES) >= 20


@pytest.mark.parametrize(("loaded", "case"), CASES)
def test_policy_case(loaded, case) -> None:
    result = run_case(loaded, case, case_path(loaded))
    assert result.ok, f"{loaded.id} [{case.name}]: mismatches (uid, expected, got): {result.mismatches}"


@pytest.mark.parametrize("loaded", PACK.ordered(), ids=lambda p: p.id)
def test_every_policy_has_pass_fail_and_unknown_cases(loaded) -> None:
    path = case_path(loaded)
    assert path.exists(), f"{loaded.id} has no {path.name}"
    expected = {verdict for case in load_cases(path).cases for verdict in case.expect.values()}
    assert {"pass", "fail", "unknown"} <= expected, f"{loaded.id} cases only expect {sorted(expected)}"


@pytest.mark.parametrize("loaded", PACK.ordered(), ids=lambda p: p.id)
def test_policy_metadata(loaded) -> None:
    assert loaded.path.name == f"{loaded.id}.yaml"
    assert loaded.policy.remediation.strip()
    assert loaded.policy.references, f"{loaded.id} cites no peer or best practice"


def test_bundled_policies_validate_against_the_editor_schema() -> None:
    import jsonschema
    import yaml

    from scanner.policy import policy_json_schema

    validator = jsonschema.Draft202012Validator(policy_json_schema())
    for loaded in PACK.ordered():
        errors = list(validator.iter_errors(yaml.safe_load(loaded.path.read_text())))
        assert not errors, f"{loaded.path}: {errors[0].message}"
