"""Sharded evaluation equals whole-graph evaluation; only cross-account policies see a joined graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.org_evaluate import account_id, write_shard_set
from scanner.commands.common import recovery_targets
from scanner.graph import build_graph
from scanner.model import Relation, Resource, Snapshot, Source
from scanner.policy import evaluate, load_pack
from scanner.shards.evaluate import PackSpec, evaluate_shard_set, load_unit
from scanner.shards.executors import Executor, TaskFailure, ThreadsExecutor, parse_executor
from scanner.shards.joins import CROSS_ACCOUNT_EDGES, join_spec, traversals
from scanner.shards.store import AccountUnit, ShardSet, ShardStore, encode_snapshot

PACK = load_pack()
SOURCE = Source(kind="aws")


def _dump(findings: list[Any]) -> list[dict[str, Any]]:
    return sorted((f.model_dump(mode="json") for f in findings), key=lambda d: (d["policy_id"], d["resource_uid"]))


def _whole(units: list[AccountUnit]) -> tuple[list[Any], int]:
    """The reference: one graph of every account (what a single process would hold)."""
    snapshots = [load_unit(u) for u in units]
    merged = Snapshot.model_construct(
        source=SOURCE, resources=[r for s in snapshots for r in s.resources],
        relations=[r for s in snapshots for r in s.relations], coverage=[g for s in snapshots for g in s.coverage])
    return evaluate(PACK, build_graph(merged)), len(merged.resources)


def _sharded(units: list[AccountUnit], executor: Executor | None = None) -> Any:
    executor = executor or ThreadsExecutor(parse_executor("threads:2", 2))
    return evaluate_shard_set(units, PACK, PackSpec(), None, set(PACK.policies), executor, SOURCE,
                              targets=recovery_targets(PACK, None))


def test_the_joined_policies_are_those_following_cross_account_edges() -> None:
    spec = join_spec(PACK, set(PACK.policies))
    # replica_of / member_of a global cluster: the only relations whose ends may be in two accounts
    # lag-alarms-match-rpo: a global cluster's member clusters (in any account) and the alarms on them
    # the backup policies: a member of a (possibly global) cluster is judged through its cluster
    assert spec.policies == {"db-replica-other-region", "rds-backup-retention", "lag-alarms-match-rpo",
                             "backup-copy-other-region", "deletion-protection", "stateful-in-backup-plan",
                             "pitr-freshness"}
    assert {"aws.rds.db_instance", "aws.rds.db_cluster", "aws.rds.global_cluster", "aws.cloudwatch.alarm"} <= spec.types
    assert spec.kinds == {"replica_of", "member_of", "alarms_on"}
    local = [t for p in PACK.ordered() if p.id not in spec.policies for t in traversals(p)]
    assert local and not any(t.crosses for t in local)  # e.g. nat-gw-per-az's default_route stays in one account
    assert ("member_of", "aws.rds.db_cluster") not in CROSS_ACCOUNT_EDGES  # instance -> its cluster: local


def test_sharded_evaluation_equals_the_whole_graph(tmp_path: Path) -> None:
    write_shard_set(tmp_path / "set", accounts=3, per_account=400)
    units = ShardSet.load(tmp_path / "set").units()
    whole, total = _whole(units)
    result = _sharded(units)
    assert _dump(result.findings) == _dump(whole)
    assert result.resources == total
    # the joined graph holds the projection of the joined policies' types only (lag-alarms-match-rpo
    # reads tables, buckets, replication groups and alarms too: see docs/scale.md, what is not done)
    assert 0 < result.joined_resources < total / 2
    assert len({p for p in result.worker_peak_rss_bytes}) == 1 and all(result.worker_peak_rss_bytes.values())


def _account(tmp_path: Path, resources: list[Resource], relations: list[Relation] = ()) -> AccountUnit:
    account = resources[0].account
    assert account is not None
    path = tmp_path / f"{account}.json.gz"
    path.write_bytes(encode_snapshot(Snapshot(source=Source(kind="aws", accounts=[account]), resources=resources,
                                              relations=list(relations))))
    return AccountUnit(account, files=[path])


def test_a_replica_in_another_account_and_region_is_seen_through_the_join(tmp_path: Path) -> None:
    a, b = account_id(1), account_id(2)
    source = Resource(uid=f"arn:aws:rds:us-east-1:{a}:db:orders", type="aws.rds.db_instance", name="orders",
                      account=a, region="us-east-1", attributes={"engine": "postgres", "multi_az": True})
    replica = Resource(uid=f"arn:aws:rds:eu-west-1:{b}:db:orders-dr", type="aws.rds.db_instance", name="orders-dr",
                       account=b, region="eu-west-1", attributes={"engine": "postgres", "is_read_replica": True})
    units = [_account(tmp_path, [source]),
             _account(tmp_path, [replica], [Relation(src=replica.uid, kind="replica_of", dst=source.uid)])]
    result = _sharded(units)
    verdict = {(f.policy_id, f.resource_name): f.status.value for f in result.findings}
    assert verdict[("db-replica-other-region", "orders")] == "pass"  # needs account b's replica
    assert verdict[("rds-instance-multi-az", "orders")] == "pass"
    alone = _sharded(units[:1])  # without the other account, the same primary has no replica
    assert {(f.policy_id, f.status.value) for f in alone.findings if f.policy_id == "db-replica-other-region"} == {
        ("db-replica-other-region", "fail")}
    assert _dump(result.findings) == _dump(_whole(units)[0])
    assert _region_rows(result)["orders"] == "read-replica"  # the primary's estimate reads account b's replica


def _region_rows(result: Any) -> dict[str, str]:
    return {row.store: row.mechanism for row in result.resilience if row.disruption.value == "region"}


def test_a_global_database_across_accounts_is_estimated_as_in_the_whole_graph(tmp_path: Path) -> None:
    a, b, c = account_id(1), account_id(2), account_id(3)
    name = "arn:aws:rds::{}:global-cluster:orders".format
    shop = Resource(uid=name(a), type="aws.rds.global_cluster", name="orders", account=a)

    def cluster(account: str, region: str, label: str) -> Resource:
        return Resource(uid=f"arn:aws:rds:{region}:{account}:cluster:{label}", type="aws.rds.db_cluster", name=label,
                        account=account, region=region, attributes={
                            "engine": "aurora-postgresql", "multi_az": True, "backup_retention_days": 7,
                            "global_rpo_lag_max_ms": 900})

    primary, secondary = cluster(a, "us-east-1", "orders-use1"), cluster(b, "eu-west-1", "orders-euw1")
    alone = cluster(c, "us-east-1", "billing")  # an account no link joins: evaluated once, lent nothing
    units = [_account(tmp_path, [shop, primary], [Relation(src=primary.uid, kind="member_of", dst=shop.uid)]),
             _account(tmp_path, [secondary], [Relation(src=secondary.uid, kind="member_of", dst=shop.uid)]),
             _account(tmp_path, [alone])]
    counted = _CountingThreads()
    result = _sharded(units, counted)
    assert _dump(result.findings) == _dump(_whole(units)[0])
    # each cluster sees its peer in the other account (account a lends the global cluster to b, b its member to a)
    rows = _region_rows(result)
    assert rows["orders-use1"] == rows["orders-euw1"] == "global-database" and rows["billing"] == "none"
    assert counted.tasks.count(c) == 1 and counted.tasks.count(a) == counted.tasks.count(b) == 2
    assert result.resources == 4  # lent resources are counted by their own account only
    assert sorted(f.resource_uid for f in result.findings if f.policy_id == "rpo-estimate-meets-target") == sorted(
        r.uid for r in (primary, secondary, alone))  # one finding per store, none twice


def test_accounts_pointing_into_each_other_are_evaluated_once(tmp_path: Path, monkeypatch: Any) -> None:
    import scanner.policy

    a, b = account_id(1), account_id(2)

    def db(account: str, region: str, name: str, **attributes: Any) -> Resource:
        return Resource(uid=f"arn:aws:rds:{region}:{account}:db:{name}", type="aws.rds.db_instance", name=name,
                        account=account, region=region, attributes={"engine": "postgres", **attributes})

    orders, billing_dr = db(a, "us-east-1", "orders", multi_az=True), db(a, "us-east-1", "billing-dr",
                                                                          is_read_replica=True)
    billing, orders_dr = db(b, "eu-west-1", "billing", multi_az=True), db(b, "eu-west-1", "orders-dr",
                                                                           is_read_replica=True)
    units = [_account(tmp_path, [orders, billing_dr], [Relation(src=billing_dr.uid, kind="replica_of",
                                                                dst=billing.uid)]),
             _account(tmp_path, [billing, orders_dr], [Relation(src=orders_dr.uid, kind="replica_of",
                                                                dst=orders.uid)])]
    evaluated: list[frozenset[str | None]] = []
    real = scanner.policy.evaluate

    def counting(pack: Any, graph: Any, *args: Any, **kwargs: Any) -> Any:
        evaluated.append(frozenset(r.account for r in graph.resources.values()))
        return real(pack, graph, *args, **kwargs)

    monkeypatch.setattr(scanner.policy, "evaluate", counting)
    counted = _CountingThreads()
    result = _sharded(units, counted)
    assert _dump(result.findings) == _dump(_whole(units)[0])
    verdict = {(f.policy_id, f.resource_name): f.status.value for f in result.findings}
    assert verdict[("db-replica-other-region", "orders")] == verdict[("db-replica-other-region", "billing")] == "pass"
    # both point into the other: their first pass reports links only, the second evaluates each with its halo;
    # the third graph of both accounts is the coordinator's joined graph
    assert [set(found) for found in evaluated] == [{a, b}] * 3
    assert counted.tasks.count(a) == counted.tasks.count(b) == 2


class _CountingThreads(ThreadsExecutor):
    """Threads, recording the account of every task it ran."""

    def __init__(self) -> None:
        super().__init__(parse_executor("threads:2", 2))
        self.tasks: list[str] = []

    def map_unordered(self, fn: Any, items: Any, *args: Any, name: Any, affinity: Any = None) -> Any:
        self.tasks.extend(item.account for item in items)
        yield from super().map_unordered(fn, items, *args, name=name, affinity=affinity)


class _FailingFor(ThreadsExecutor):
    """Threads, except that the task of one account fails as if its worker was lost."""

    def __init__(self, account: str) -> None:
        super().__init__(parse_executor("threads:2", 2))
        self.account = account

    def map_unordered(self, fn: Any, items: Any, *args: Any, name: Any, affinity: Any = None) -> Any:
        for item, result in super().map_unordered(fn, items, *args, name=name, affinity=affinity):
            yield item, TaskFailure("worker lost twice", lost=True) if item.account == self.account else result


def test_an_account_whose_evaluation_fails_gets_error_findings(tmp_path: Path) -> None:
    write_shard_set(tmp_path / "set", accounts=2, per_account=100)
    units = ShardSet.load(tmp_path / "set").units()
    broken = units[1].account
    result = _sharded(units, _FailingFor(broken))
    theirs = [f for f in result.findings if f.account == broken]
    assert theirs and {f.status.value for f in theirs} == {"error"}
    assert all("evaluation failed: worker lost twice" in f.message for f in theirs)
    assert {f.policy_id for f in theirs} == set(PACK.policies)  # local ones from the gap, joined ones too
    assert any(f.status.value == "pass" for f in result.findings if f.account == units[0].account)


def test_only_planned_shards_can_be_saved(tmp_path: Path) -> None:
    store = ShardStore.open(tmp_path / "s", resume=False, fingerprint="x", haguard_version="0",
                            caller_account=account_id(0), accounts=[account_id(0)], regions=["eu-west-1", "us-east-1"],
                            shard_keys=[(account_id(0), "eu-west-1"), (account_id(0), "us-east-1")], scope_api_calls=0)
    store.flush()
    with pytest.raises(KeyError):
        store.save(account_id(9), "eu-west-1", None, 0, 0, [])  # not a planned shard
