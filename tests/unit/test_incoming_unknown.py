"""Incoming relations are incomplete when a resource that could point here has unknown relations of that kind."""

from __future__ import annotations

from scanner.graph import build_graph
from scanner.model import Resource
from scanner.policy import evaluate, load_pack
from tests.snapshot_factory import snapshot


def _graph(extra: list[dict]) -> object:
    return build_graph(snapshot([{"uid": "svc", "type": "aws.ecs.service"}, *extra]))


def test_an_unresolved_scalable_target_makes_every_service_incomplete() -> None:
    graph = _graph([{"uid": "t", "type": "aws.appautoscaling.scalable_target",
                     "unknown_relations": {"scales": "resource_id known after apply"}}])
    assert graph.incoming_unknown("svc", "scales") == "scales relations of t incomplete: resource_id known after apply"
    assert graph.incoming_unknown("t", "scales") is None  # a target never points at itself


def test_only_types_the_relation_can_join_count() -> None:
    graph = _graph([{"uid": "p", "type": "aws.autoscaling.policy",
                     "unknown_relations": {"scales": "autoscaling_group_name known after apply"}}])
    assert graph.incoming_unknown("svc", "scales") is None  # an ASG policy never scales an ECS service


def test_the_policy_verdict_is_unknown_not_fail() -> None:
    graph = _graph([{"uid": "t", "type": "aws.appautoscaling.scalable_target",
                     "unknown_relations": {"scales": "resource_id known after apply"}}])
    [finding] = evaluate(load_pack(), graph, only={"ecs-service-autoscaling"})
    assert finding.status.value == "unknown"
    assert "scales relations of t incomplete" in finding.message


def test_a_resource_without_unknown_relations_changes_nothing() -> None:
    graph = _graph([{"uid": "t", "type": "aws.appautoscaling.scalable_target"}])
    assert isinstance(graph.resources["t"], Resource)
    assert graph.incoming_unknown("svc", "scales") is None
    [finding] = evaluate(load_pack(), graph, only={"ecs-service-autoscaling"})
    assert finding.status.value == "fail"
