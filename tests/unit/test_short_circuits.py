"""Short circuits keep Kleene's values: a type guard that holds decides its ``any``; filters stop early."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from snapshot_factory import snapshot

from scanner.graph import build_graph
from scanner.policy.evaluate import Env, _compile_any, compile_condition, compile_where
from scanner.policy.language import Policy

DB, LB = "aws.rds.db_instance", "aws.elbv2.load_balancer"


def _graph(attributes: dict[str, Any], unknown: dict[str, str] | None = None) -> Any:
    return build_graph(snapshot([{"uid": "db", "type": DB, "attributes": attributes, "unknown": unknown or {}}]))


def _condition(condition: dict[str, Any]) -> Any:
    policy = Policy.model_validate({"id": "p", "title": "t", "severity": "low", "resource": DB,
                                    "assert": condition, "remediation": "r"})
    return policy.assert_


def test_a_guard_that_holds_is_the_whole_evidence() -> None:
    condition = _condition({"any": [{"not": {"attr": "type", "equals": LB}}, {"attr": "multi_az", "equals": True}]})
    value, evidence = compile_condition(condition)(Env(_graph({"multi_az": True}), {}, "db"), "db")
    assert value is True
    assert [entry["attr"] for entry in evidence] == ["type"]  # the branch is about load balancers


def test_a_guard_that_does_not_hold_leaves_the_other_parts_to_decide() -> None:
    condition = _condition({"any": [{"not": {"attr": "type", "in": [DB]}}, {"attr": "multi_az", "equals": True}]})
    env = Env(_graph({"multi_az": False}), {}, "db")
    value, evidence = compile_condition(condition)(env, "db")
    assert value is False and [entry["attr"] for entry in evidence] == ["type", "multi_az"]
    value, evidence = compile_condition(condition)(Env(_graph({}, {"multi_az": "not known"}), {}, "db"), "db")
    assert value is None and [entry["attr"] for entry in evidence] == ["multi_az"]


PARTS = st.lists(st.one_of(
    st.builds(lambda t: {"not": {"attr": "type", "equals": t}}, st.sampled_from([DB, LB])),
    st.builds(lambda v: {"attr": "multi_az", "equals": v}, st.booleans()),
    st.builds(lambda n: {"attr": "backup_retention_days", "gte": n}, st.integers(0, 35)),
), min_size=2, max_size=4)


@settings(max_examples=100, deadline=None)
@given(parts=PARTS, multi_az=st.booleans(), retention=st.integers(0, 35), unknown=st.booleans())
def test_the_value_is_the_plain_any(parts: list[dict[str, Any]], multi_az: bool, retention: int,
                                    unknown: bool) -> None:
    condition = _condition({"any": parts})
    graph = _graph({"multi_az": multi_az, **({} if unknown else {"backup_retention_days": retention})},
                   {"backup_retention_days": "not known"} if unknown else None)
    env = Env(graph, {}, "db")
    plain = _compile_any([compile_condition(part) for part in condition.any])(env, "db")
    guarded = compile_condition(condition)(env, "db")
    assert guarded[0] is plain[0]
    if guarded[0] is not True:  # nothing held, so every part was evaluated: the same evidence
        assert guarded[1] == plain[1]


FILTERS = st.recursive(
    st.one_of(
        st.builds(lambda v: {"attr": "multi_az", "equals": v}, st.booleans()),
        st.builds(lambda n: {"attr": "backup_retention_days", "gte": n}, st.integers(0, 35)),
        st.builds(lambda t: {"not": {"attr": "type", "equals": t}}, st.sampled_from([DB, LB])),
    ),
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(condition=FILTERS, multi_az=st.booleans(), retention=st.integers(0, 35), unknown=st.sets(
    st.sampled_from(["multi_az", "backup_retention_days"])))
def test_a_filter_has_the_value_of_the_condition_and_its_evidence_when_unknown(
        condition: dict[str, Any], multi_az: bool, retention: int, unknown: set[str]) -> None:
    values = {"multi_az": multi_az, "backup_retention_days": retention}
    graph = _graph({k: v for k, v in values.items() if k not in unknown}, dict.fromkeys(unknown, "not known"))
    env = Env(graph, {}, "db")
    compiled = _condition(condition)
    filtered, full = compile_where(compiled)(env, "db"), compile_condition(compiled)(env, "db")
    assert filtered[0] is full[0]
    if full[0] is None:  # the only case whose evidence a filter reports
        assert filtered[1] == full[1]
