"""Hypothesis fuzzing of snapshots, configs and policies: only one-line ``InputError`` or a clean result.

The strategies (``benchmarks.fuzz_inputs``) build documents in each input's own shape from the
vocabulary and mutate them; the feeders (``benchmarks.fuzz``) call the public loaders and, for what
loads, evaluate the bundled pack and render reports. ``python -m benchmarks.fuzz`` runs the same over
every input kind with 10,000 examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from benchmarks import fuzz
from benchmarks import fuzz_inputs as inputs

FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> fuzz.Context:
    return fuzz.Context(tmp_path_factory.mktemp("fuzz"), formats=("json", "sarif", "markdown"), rich=False)


@settings(FUZZ, max_examples=120)
@given(data=inputs.snapshot_files())
def test_snapshots_load_or_are_refused_in_one_line(ctx: fuzz.Context, data: bytes) -> None:
    assert fuzz.feed_snapshot(ctx, data) in ("accepted", "refused")


@settings(FUZZ, max_examples=80)
@given(data=inputs.config_files(["dynamodb-pitr", "lb-multi-az", "sg-data-ports-not-open-to-world"],
                                ["min_azs", "data_ports", "min_days"]))
def test_configs_load_or_are_refused_in_one_line(ctx: fuzz.Context, data: bytes) -> None:
    assert fuzz.feed_config(ctx, data) in ("accepted", "refused")


@settings(FUZZ, max_examples=100)
@given(data=inputs.policy_files())
def test_policies_load_or_are_refused_in_one_line(ctx: fuzz.Context, data: bytes) -> None:
    assert fuzz.feed_policy(ctx, data) in ("accepted", "refused")


@pytest.mark.parametrize("kind", ["snapshot", "config", "policy"])
def test_the_fuzzers_reach_past_the_parsers(ctx: fuzz.Context, kind: str) -> None:
    """Guard against strategies that only produce garbage: a fair share of each kind must load."""
    counts, escaped, _ = fuzz.run_kind(kind, 40, ctx, seed=11)
    accepted, refused = counts["accepted"], counts["refused"]
    assert not escaped, escaped
    assert accepted >= 0.15 * (accepted + refused), (kind, accepted, refused)
    assert refused > 0, kind


def test_benchmark_profile_runs_every_kind(tmp_path: Path) -> None:
    """The 10,000-example profile, in miniature: each kind's strategy and feeder run end to end."""
    ctx = fuzz.Context(tmp_path, formats=("json",), rich=False)
    for kind in ("snapshot", "config", "policy"):
        counts, escaped, _ = fuzz.run_kind(kind, 5, ctx, seed=3)
        assert sum(counts.values()) == 5 and not escaped, (kind, counts, escaped)
