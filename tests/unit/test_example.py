"""The bundled three-tier example snapshot: in step with its builder, loadable, with the intended facts."""

from __future__ import annotations

import pytest

from scanner.examples import EXAMPLE_PATH
from scanner.examples.build_three_tier import ACCOUNT, VIOLATIONS, render
from scanner.examples.violations import expected_findings
from scanner.graph import Graph, build_graph
from scanner.model import Snapshot, load_snapshot
from scanner.model.vocabulary import RELATIONS
from scanner.policy import evaluate, load_pack


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return load_snapshot(EXAMPLE_PATH)


@pytest.fixture(scope="module")
def graph(snap: Snapshot) -> Graph:
    return build_graph(snap)


def _tags(snap: Snapshot, name: str) -> dict[str, str]:
    return next(r.attributes["tags"] for r in snap.resources if r.name == name)


def _uid(snap: Snapshot, name: str) -> str:
    matches = [r.uid for r in snap.resources if r.name == name]
    assert len(matches) == 1, name
    return matches[0]


def test_checked_in_json_is_the_builders_output() -> None:
    assert EXAMPLE_PATH.read_text(encoding="utf-8") == render(), \
        "run `python -m scanner.examples.build_three_tier` to regenerate three_tier.json"


def test_source_and_uids_are_live_style(snap: Snapshot) -> None:
    assert snap.source.kind == "example"
    assert snap.source.accounts == [ACCOUNT]
    assert snap.source.regions == ["us-east-1", "us-west-2"]
    assert {r.region for r in snap.resources} == {"us-east-1", "us-west-2"}
    assert all(r.uid.startswith("arn:aws:") and r.account == ACCOUNT for r in snap.resources)


def test_relations_join_the_types_the_vocabulary_allows(snap: Snapshot) -> None:
    types = {r.uid: r.type for r in snap.resources}
    allowed = set(RELATIONS)
    for rel in snap.relations:
        assert rel.src in types and rel.dst in types, rel
        assert (types[rel.src], rel.kind, types[rel.dst]) in allowed, rel


def test_public_and_private_subnets(snap: Snapshot, graph: Graph) -> None:
    subnets = {r.name: r.uid for r in snap.resources if r.type == "aws.ec2.subnet"}
    public = {"public-a", "public-b", "public-c", "legacy-public-c", "dr-public-a", "dr-public-b", "dr-public-c"}
    assert public < set(subnets)
    for name, uid in subnets.items():
        assert graph.derived[uid]["is_public"] is (name in public), name
    for zone in "abc":
        assert graph.derived[subnets[f"private-{zone}"]]["has_default_route"] is True
        assert graph.derived[subnets[f"data-{zone}"]]["has_default_route"] is False


def test_zones_of_the_auto_scaling_groups_and_load_balancer(snap: Snapshot, graph: Graph) -> None:
    all_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert graph.derived[_uid(snap, "web-asg")]["availability_zones"] == all_zones
    assert graph.derived[_uid(snap, "web-alb")]["availability_zones"] == all_zones
    assert graph.derived[_uid(snap, "batch-workers")]["availability_zones"] == ["us-east-1a"]
    assert graph.derived[_uid(snap, "orders-db")]["availability_zones"] == all_zones


def test_private_subnet_c_routes_through_the_nat_in_a(snap: Snapshot, graph: Graph) -> None:
    [(target, _)] = graph.neighbours(_uid(snap, "private-c"), "default_route")
    assert target == _uid(snap, "nat-a")
    assert graph.derived[target]["availability_zones"] == ["us-east-1a"]


def test_cross_region_replica(snap: Snapshot, graph: Graph) -> None:
    replica = graph.resources[_uid(snap, "orders-db-replica")]
    assert replica.region == "us-west-2"
    assert replica.attributes["is_read_replica"] is True
    assert replica.attributes["replica_lag_max_seconds"] == 12.0
    assert graph.neighbours(replica.uid, "replica_of") == [(_uid(snap, "orders-db"), {})]


def test_every_violation_is_described_on_its_resource(snap: Snapshot) -> None:
    for name, policies in VIOLATIONS.items():
        description = _tags(snap, name).get("Description", "")
        assert description.startswith(f"Deliberate violation ({policies}): "), name
    described = {r.name for r in snap.resources if "Deliberate" in r.attributes["tags"].get("Description", "")}
    assert described == set(VIOLATIONS)


def test_the_whole_pack_reports_exactly_the_deliberate_violations(snap: Snapshot, graph: Graph) -> None:
    names = {r.uid: r.name for r in snap.resources}
    findings = list(evaluate(load_pack(), graph))
    reported = {(f.policy_id, names[f.resource_uid], f.status.value) for f in findings if f.status.value != "pass"}
    assert reported == expected_findings()
    assert {f.status.value for f in findings} == {"pass", "fail", "unknown"}


def test_every_policy_theme_has_a_planted_violation() -> None:
    pack = load_pack()
    planted = {pack.policies[policy_id].theme for policy_id, _, _ in expected_findings()}
    assert planted == {loaded.theme for loaded in pack.policies.values()}
