"""Property: an unknown value never decides a verdict that knowing it could change (soundness).

For random conditions over random resources, evaluating with some attributes unknown gives either
``None`` (unknown) or exactly the verdict every completion of those attributes gives.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from snapshot_factory import snapshot

from scanner.graph import build_graph
from scanner.policy.evaluate import Env, compile_condition
from scanner.policy.language import Policy

ATTRS = {
    "multi_az": st.booleans(),
    "backup_retention_days": st.integers(0, 35),
    "engine": st.sampled_from(["postgres", "mysql", "aurora-postgresql"]),
}


def _test() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda v: {"attr": "multi_az", "equals": v}, st.booleans()),
        st.builds(lambda op, n: {"attr": "backup_retention_days", op: n},
                  st.sampled_from(["gt", "gte", "lt", "lte", "equals", "not_equals"]), st.integers(0, 35)),
        st.builds(lambda v: {"attr": "engine", "in": v}, st.lists(st.sampled_from(["postgres", "mysql"]), max_size=2)),
        st.builds(lambda: {"attr": "engine", "matches": "^aurora"}),
    )


CONDITIONS = st.recursive(
    _test(),
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=6,
)


def _evaluate(condition: dict[str, Any], attributes: dict[str, Any], unknown: set[str]) -> bool | None:
    policy = Policy.model_validate({"id": "p", "title": "t", "severity": "low", "resource": "aws.rds.db_instance",
                                    "assert": condition, "remediation": "r"})
    graph = build_graph(snapshot([{"uid": "db", "type": "aws.rds.db_instance",
                                   "attributes": {k: v for k, v in attributes.items() if k not in unknown},
                                   "unknown": {k: "not known" for k in unknown}}]))
    return compile_condition(policy.assert_)(Env(graph, {}, "db"), "db")[0]


@settings(max_examples=150, deadline=None)
@given(condition=CONDITIONS, attributes=st.fixed_dictionaries(ATTRS), unknown=st.sets(st.sampled_from(list(ATTRS))),
       completion=st.fixed_dictionaries(ATTRS))
def test_a_decided_verdict_holds_for_every_completion(condition, attributes, unknown, completion) -> None:
    partial = _evaluate(condition, attributes, unknown)
    completed = {**attributes, **{k: completion[k] for k in unknown}}
    assert _evaluate(condition, completed, set()) is not None  # all known: always decided
    if partial is not None:
        assert _evaluate(condition, completed, set()) == partial


@settings(max_examples=60, deadline=None)
@given(zones=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), min_size=0, max_size=5),
       fill=st.lists(st.sampled_from(["a", "b", "c"]), min_size=5, max_size=5), threshold=st.integers(0, 4),
       incomplete=st.booleans())
@example(zones=[], fill=["a", "b", "c", "a", "b"], threshold=1, incomplete=True)
@example(zones=["a", None], fill=["b", "b", "c", "a", "b"], threshold=2, incomplete=False)
def test_count_distinct_bounds_are_sound(zones, fill, threshold, incomplete) -> None:
    """Subnets with unknown AZs, and possibly unseen subnets, never make ``count_distinct`` decide wrongly."""
    condition = {"count_distinct": {"related": "in_subnet", "attr": "availability_zone"}, "gte": threshold}
    policy = Policy.model_validate({"id": "p", "title": "t", "severity": "low", "resource": "aws.autoscaling.group",
                                    "assert": condition, "remediation": "r"})
    check = compile_condition(policy.assert_)

    def verdict(values: list[str | None], extra: list[str]) -> bool | None:
        subnets = [{"uid": f"s{i}", "type": "aws.ec2.subnet",
                    **({"attributes": {"availability_zone": z}} if z else {"unknown": {"availability_zone": "?"}})}
                   for i, z in enumerate(values + extra)]
        asg = {"uid": "asg", "type": "aws.autoscaling.group",
               **({"unknown_relations": {"in_subnet": "unresolved"}} if incomplete and not extra else {})}
        graph = build_graph(snapshot([*subnets, asg], [("asg", "in_subnet", s["uid"]) for s in subnets]))
        return check(Env(graph, {}, "asg"), "asg")[0]

    partial = verdict(zones, [])
    known = [z if z is not None else fill[i] for i, z in enumerate(zones)]
    completions = [verdict(known, [])] + ([verdict(known, fill[:2])] if incomplete else [])
    if partial is not None:
        assert all(c == partial for c in completions)
