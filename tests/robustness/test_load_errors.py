"""Errors at load, not at evaluation: patterns, operand types, params, waiver dates, conflicting options."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from snapshot_factory import snapshot

from scanner.cli import main
from scanner.errors import InputError
from scanner.graph import build_graph
from scanner.policy import check_config, evaluate, load_config, load_pack, load_policy
from scanner.policy.patterns import PatternError, compile_pattern, search

HEADER = "id: fuzzed-policy\ntitle: t\nseverity: low\nresource: aws.rds.db_instance\nremediation: r\n"


def _policy(tmp_path: Path, body: str, name: str = "fuzzed-policy.yaml") -> Path:
    path = tmp_path / "policies" / "custom" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body)
    return path


def _load_error(tmp_path: Path, body: str) -> str:
    path = _policy(tmp_path, body)
    with pytest.raises(InputError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:") and "\n" not in message
    return message


@pytest.mark.parametrize(("pattern", "fragment"), [
    ("(?=postgres)", "no lookaround or backreferences"),
    ("(?<!x)y", "no lookaround or backreferences"),
    (r"(a)\1", "no lookaround or backreferences"),
    ("(?P<n>a)(?P=n)", "no lookaround or backreferences"),
    ("a{1000}{1000}", "bad repetition"),
    ("((a{100}){100}){100}", "repetition"),
    ("(postgres", "missing )"),
])
def test_patterns_the_engine_cannot_bound_are_refused_at_load(tmp_path: Path, pattern: str, fragment: str) -> None:
    message = _load_error(tmp_path, f"assert: {{attr: engine, matches: '{pattern}'}}\n")
    assert "invalid regular expression" in message and fragment in message


def test_policy_validate_rejects_an_unboundable_pattern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _policy(tmp_path, "assert: {attr: engine, matches: '(?=x)'}\n")
    assert main(["policy", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:6: invalid regular expression '(?=x)'") and len(err.splitlines()) == 1


def test_catastrophic_backtracking_patterns_run_in_linear_time() -> None:
    start = time.perf_counter()
    assert search("(a+)+$", "a" * 100_000) is True
    assert search("(a+)+$", "a" * 100_000 + "!") is False  # the classic exponential case for backtracking engines
    assert search("(x+x+)+y", "x" * 50_000) is False
    assert time.perf_counter() - start < 1.0


def test_pattern_errors_shorten_huge_patterns() -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern("(" * 10_000)
    assert len(str(caught.value)) < 300


def test_a_param_pattern_is_checked_in_the_policy_and_in_the_config(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "params: {engine_pattern: '(?=x)'}\n"
                                    "assert: {attr: engine, matches: {param: engine_pattern}}\n")
    assert ":7: invalid regular expression '(?=x)'" in message  # the line that uses the param
    path = _policy(tmp_path, "params: {engine_pattern: '^postgres'}\n"
                             "assert: {attr: engine, matches: {param: engine_pattern}}\n")
    pack = load_pack([path], replace=True)
    config = tmp_path / "haguard.yaml"
    config.write_text("policies:\n  fuzzed-policy:\n    params: {engine_pattern: '(a)\\1'}\n")
    with pytest.raises(InputError) as caught:
        check_config(pack, load_config(config))
    assert str(caught.value).startswith(f"{config}:3: param 'engine_pattern' of policy fuzzed-policy: invalid regular")
    config.write_text("params: {engine_pattern: '^aurora'}\n")
    check_config(pack, load_config(config))


def test_matches_on_a_resource_attribute_is_refused(tmp_path: Path) -> None:
    message = _load_error(tmp_path, "assert: {attr: engine, matches: {self: name}}\n")
    assert "matches needs a literal or a param" in message


@pytest.mark.parametrize(("body", "fragment"), [
    ("assert: {attr: backup_retention_days, gte: '7'}\n", "gte needs a number"),
    ("assert: {attr: backup_retention_days, gte: true}\n", "gte needs a number"),
    ("assert: {attr: engine, in: postgres}\n", "in needs a list"),
    ("params: {n: x}\nassert: {attr: backup_retention_days, lt: {param: n}}\n", "lt needs a number"),
    ("assert: {count: {related: in_subnet_group}, gte: {self: name}}\n", "needs a literal or a param"),
    ("assert: {range: [backup_retention_days, backup_retention_days], includes_any: [1, '2']}\n",
     "includes_any needs a list of integers"),
    ("assert: {attr: engine, equals: {param: engin}}\nparams: {engine: x}\n", "did you mean engine?"),
    ("assert: {attr: multi_a, equals: true}\n", "did you mean multi_az?"),
    ("assert: {related: in_subnet_grup, some: {attr: name, exists: true}}\n", "did you mean in_subnet_group?"),
])
def test_wrong_operands_and_names_are_found_at_load(tmp_path: Path, body: str, fragment: str) -> None:
    assert fragment in _load_error(tmp_path, body)


def test_incomparable_values_at_evaluation_are_unknown_not_a_traceback(tmp_path: Path) -> None:
    """A self-referenced operand can only be known at evaluation: a type clash there is unknown."""
    path = _policy(tmp_path, "assert: {attr: backup_retention_days, gte: {self: engine}}\n")
    pack = load_pack([path], replace=True)
    graph = build_graph(snapshot([{"uid": "db", "type": "aws.rds.db_instance",
                                   "attributes": {"engine": "postgres", "backup_retention_days": 7}}]))
    (finding,) = evaluate(pack, graph)
    assert finding.status.value == "unknown" and "not comparable" in finding.message


def _config_error(tmp_path: Path, text: str) -> str:
    config = tmp_path / "haguard.yaml"
    config.write_text(text)
    with pytest.raises(InputError) as caught:
        check_config(load_pack(), load_config(config))
    message = str(caught.value)
    assert message.startswith(f"{config}:") and "\n" not in message
    return message


@pytest.mark.parametrize(("text", "expected"), [
    ("params: {min_azz: 3}\n", "unknown parameter min_azz; did you mean min_azs?"),
    ("params:\n  data_port: [5432]\n", ":2: unknown parameter data_port; did you mean data_ports?"),
    ("policies:\n  lb-multi-az:\n    params: {min_az: 3}\n", "unknown parameter min_az of policy lb-multi-az; did you "
     "mean min_azs?"),
    ("policies:\n  lb-multi-azs: {enabled: false}\n", "unknown policy id 'lb-multi-azs'; did you mean lb-multi-az?"),
    ("waivers:\n  - {id: dynamodb-pitrr, reason: x}\n", "waiver for unknown policy id 'dynamodb-pitrr'; did you mean"),
    ("params: {min_azs: '3'}\n", "param 'min_azs' must be an integer (got '3')"),
    ("params: {data_ports: [5432, x]}\n", "param 'data_ports' must be a list"),
    ("waivers:\n  - {id: dynamodb-pitr, reason: x, expires: 2020-13-45}\n", ":2: invalid date '2020-13-45'"),
    ("waivers:\n  - {id: dynamodb-pitr, reason: x, expires: 2027-02-30}\n", ":2: invalid date '2027-02-30'"),
    ("waivers:\n  - {id: dynamodb-pitr, reason: x, expires: '2020-13-45'}\n", "waivers.0.expires"),
    ("waivers:\n  - {id: dynamodb-pitr, reason: x, expires: someday}\n", "waivers.0.expires"),
])
def test_config_mistakes_are_found_at_load(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _config_error(tmp_path, text)


def test_a_config_typo_is_exit_2_before_anything_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {min_azz: 3}\n")
    out = tmp_path / "report.json"
    assert main(["scan", "--example", "--config", str(config), "-o", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (f"{config}:1: unknown parameter min_azz; did you mean min_azs? "
                                               "(no loaded policy declares it)")
    assert not out.exists()


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--only", "dynamodb-pitr", "--skip", "dynamodb-pitr"], "--only and --skip both name dynamodb-pitr"),
    (["--only", "dynamodb-pitr,lb-multi-az", "--skip", "lb-multi-az"], "both name lb-multi-az"),
    (["--no-builtin"], "--no-builtin needs --policies"),
    (["--profile", "prod"], "--profile applies to live scans only, not with --example"),
    (["--region", "us-east-1"], "--region applies to live scans only"),
    (["--only", "dynamodb-pitrr"], "unknown policy id dynamodb-pitrr; did you mean dynamodb-pitr?"),
])
def test_conflicting_options_are_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str],
                                              fragment: str) -> None:
    assert main(["scan", "--example", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


def test_skipping_every_policy_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = ",".join(sorted(load_pack().policies))
    assert main(["scan", "--example", "--skip", ids]) == 2
    assert "no policy left to run" in capsys.readouterr().err
    config = tmp_path / "haguard.yaml"
    config.write_text("policies:\n  dynamodb-pitr: {enabled: false}\n")
    assert main(["scan", "--example", "--only", "dynamodb-pitr", "--config", str(config)]) == 2
    assert "no policy left to run" in capsys.readouterr().err


def test_snapshot_with_live_options_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "scanner" / "examples" / "three_tier.json"
    assert main(["scan", "--snapshot", str(example), "--role-arn", "arn:aws:iam::1:role/x"]) == 2
    assert "--role-arn applies to live scans only, not with --snapshot" in capsys.readouterr().err
