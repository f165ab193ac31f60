"""``examples/architecture.yaml``: the document's numbers, valid against the pack, and its Regions drive a live scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.policy import check_config, load_config, load_pack

PROFILE = Path(__file__).resolve().parents[2] / "examples" / "architecture.yaml"


def test_the_profile_is_valid_against_the_built_in_pack() -> None:
    config = load_config(PROFILE)
    check_config(load_pack(), config)  # unknown policies or params, mistyped values: InputError
    assert config.regions == ["us-east-1", "us-west-2"]


def test_each_global_param_is_the_pack_default() -> None:
    """The pack's defaults are the document's numbers; the profile spells them out, so the two must agree."""
    defaults: dict[str, set[str]] = {}
    for loaded in load_pack().policies.values():
        for name, value in loaded.policy.params.items():
            defaults.setdefault(name, set()).add(repr(value))
    for name, value in load_config(PROFILE).params.items():
        assert defaults.get(name) == {repr(value)}, (name, value, defaults.get(name))


def test_a_per_service_override_reaches_its_policy() -> None:
    from scanner.policy.engine import resolve_params

    config = load_config(PROFILE)
    pack = load_pack()
    assert resolve_params(pack.policies["ecs-service-autoscaling"], config)["min_capacity_per_service"] == 3
    assert resolve_params(pack.policies["asg-capacity-bounds"], config)["min_capacity_per_service"] == 2


def test_the_profile_regions_are_the_live_default(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def fake_prepare(options: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(list(options.regions))
        raise SystemExit(0)  # stop before any AWS call

    monkeypatch.setattr("scanner.live.scan.prepare_collection", fake_prepare)
    with pytest.raises(SystemExit):
        main(["scan", "--config", str(PROFILE)])
    with pytest.raises(SystemExit):
        main(["scan", "--config", str(PROFILE), "--region", "eu-west-1"])
    assert seen == [["us-east-1", "us-west-2"], ["eu-west-1"]]


def test_a_malformed_region_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "haguard.yaml"
    path.write_text("params: {}\nregions:\n  - us-east-1\n  - US East\n")
    assert main(["scan", "--example", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"{path}:3: regions: item 1: 'US East' is not a Region name like us-east-1", err

