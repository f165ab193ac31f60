"""RPO and RTO estimated from configuration (and observed lag), per data store and disruption.

For every data store (RDS instance or cluster, DynamoDB table, ElastiCache group or Redis cluster, EFS,
S3) and every disruption (``instance``, ``az``, ``region``) the graph derives ``rpo_<d>_seconds``,
``rto_<d>_seconds`` and ``recovery_<d>_mechanism``: the best mechanism configured (the lowest RPO, then
the lowest RTO). ``mechanism`` is ``none`` when nothing recovers from that disruption. A figure that an
input does not give (lag that is not measured, a restore that was never timed) is unknown, with the
reason in ``derived_unknown``. The planning figures below are AWS's documented typical times; the
derivation is ``docs/rpo-rto.md`` (policy catalogue §10).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Resource
from ..model.normalise import arn_region
from .model import Graph
from .schedule import DAY, interval_seconds

DISRUPTIONS = ("instance", "az", "region")
STORE_TYPES = ("aws.rds.db_instance", "aws.rds.db_cluster", "aws.dynamodb.table", "aws.elasticache.replication_group",
               "aws.elasticache.cache_cluster", "aws.efs.file_system", "aws.s3.bucket")

RDS_MULTI_AZ_FAILOVER_S = 120  # "failover typically completes within 60-120 seconds" (RDS Multi-AZ)
MULTI_AZ_CLUSTER_FAILOVER_S = 35  # Multi-AZ DB clusters: "typically under 35 seconds"
AURORA_FAILOVER_S = 60  # Aurora with a replica: "typically completes within 60 seconds"
AURORA_RECREATE_S = 600  # Aurora without a replica: a new writer "typically in under 10 minutes"
REDIS_FAILOVER_S = 60  # ElastiCache automatic failover to a replica
REPLICA_PROMOTION_S = 600  # promoting an RDS read replica and repointing clients (haguard's planning figure)
GLOBAL_DATABASE_FAILOVER_S = 120  # Aurora Global Database managed failover (planning figure)
PITR_TYPICAL_LAG_S = 300  # latest restorable time "typically within 5 minutes" (RDS, DynamoDB)
S3_RTC_S = 900  # S3 Replication Time Control: 99.99 % of objects within 15 minutes


@dataclass(frozen=True)
class Estimate:
    """One mechanism's recovery from one disruption: RPO and RTO in seconds (None = unknown, with why)."""

    mechanism: str
    rpo_seconds: float | None
    rto_seconds: float | None
    why_unknown: str | None = None


NONE = Estimate("none", None, None)


@dataclass(frozen=True)
class Recovery:
    """The estimate for one disruption: the best RPO and the best RTO among the configured mechanisms."""

    mechanism: str
    rpo_seconds: float | None
    rpo_why: str | None
    rto_mechanism: str
    rto_seconds: float | None
    rto_why: str | None


def best(candidates: list[Estimate]) -> Recovery:
    """The lowest known RPO and the lowest known RTO (possibly of different mechanisms); unknown when no
    candidate knows one; ``none`` when nothing is configured."""
    if not candidates:
        return Recovery("none", None, None, "none", None, None)
    known = [c for c in candidates if c.rpo_seconds is not None]
    rpo = min(known, key=lambda c: (c.rpo_seconds or 0.0, c.rto_seconds is None, c.rto_seconds or 0.0)) \
        if known else candidates[0]
    timed = [c for c in candidates if c.rto_seconds is not None]
    rto = min(timed, key=lambda c: c.rto_seconds or 0.0) if timed else rpo
    return Recovery(rpo.mechanism, rpo.rpo_seconds, None if rpo.rpo_seconds is not None else rpo.why_unknown,
                    rto.mechanism, rto.rto_seconds, None if rto.rto_seconds is not None else rto.why_unknown)


class _Inputs:
    """What the estimator reads of the graph around one store."""

    def __init__(self, graph: Graph, resource: Resource) -> None:
        self.graph = graph
        self.resource = resource
        self.attrs = resource.attributes

    def related(self, kind: str, direction: str = "out") -> list[Resource]:
        found = []
        for uid, _ in self.graph.neighbours(self.resource.uid, kind, direction):
            other = self.graph.resources.get(uid)
            if other is not None:
                found.append(other)
        return found

    def other_region(self, other: Resource | None, uid: str = "") -> bool | None:
        """True when ``other`` (or the ARN ``uid``) is in another Region than the store; None when unknown."""
        mine = self.resource.region
        theirs = other.region if other is not None else arn_region(uid)
        if mine is None or theirs is None:
            return None
        return mine != theirs

    def backups(self) -> list[Estimate]:
        """AWS Backup plans selecting the store: (in-Region, other-Region) candidates."""
        local: list[Estimate] = []
        remote: list[Estimate] = []
        for selection in self.related("backs_up", "in"):
            for uid, _ in self.graph.neighbours(selection.uid, "member_of"):
                plan = self.graph.resources.get(uid)
                for rule in (plan.attributes.get("rules") or []) if plan is not None else []:
                    interval = interval_seconds(rule.get("schedule"))
                    why = None if interval is not None else f"schedule {rule.get('schedule')!r} not understood"
                    rpo = PITR_TYPICAL_LAG_S if rule.get("continuous") else interval
                    name = "continuous-backup" if rule.get("continuous") else "scheduled-backup"
                    local.append(Estimate(name, rpo, None, why or "restore time not measured"))
                    for vault in rule.get("copy_destinations") or []:
                        elsewhere = self.other_region(None, vault)
                        if elsewhere is not False:
                            remote.append(Estimate("backup-copy", interval if elsewhere else None, None,
                                                   "restore time not measured" if elsewhere else
                                                   f"the Region of copy vault {vault} is unknown"))
        return local + [Estimate("~remote~" + e.mechanism, e.rpo_seconds, e.rto_seconds, e.why_unknown)
                        for e in remote]


def _split(backups: list[Estimate]) -> tuple[list[Estimate], list[Estimate]]:
    local = [e for e in backups if not e.mechanism.startswith("~remote~")]
    remote = [Estimate(e.mechanism.removeprefix("~remote~"), e.rpo_seconds, e.rto_seconds, e.why_unknown)
              for e in backups if e.mechanism.startswith("~remote~")]
    return local, remote


def _pitr(inputs: _Inputs) -> Estimate:
    lag = inputs.attrs.get("pitr_lag_seconds")
    return Estimate("pitr-restore", lag if lag is not None else PITR_TYPICAL_LAG_S, None, "restore time not measured")


def _db_instance(inputs: _Inputs) -> dict[str, list[Estimate]]:
    attrs = inputs.attrs
    local, remote = _split(inputs.backups())
    in_region: list[Estimate] = list(local)
    if attrs.get("backup_retention_days", 0) > 0:
        in_region.append(_pitr(inputs))
    zonal = list(in_region)
    if attrs.get("multi_az"):
        zonal.append(Estimate("sync-standby", 0, RDS_MULTI_AZ_FAILOVER_S))
    regional = list(remote)
    for replica in inputs.related("replica_of", "in"):
        elsewhere = inputs.other_region(replica)
        lag = replica.attributes.get("replica_lag_max_seconds")
        estimate = Estimate("read-replica", lag, REPLICA_PROMOTION_S, None if lag is not None else
                            f"replica lag of {replica.name or replica.uid} not measured (live CloudWatch metrics)")
        if elsewhere is None:
            regional.append(Estimate("read-replica", None, None,
                                     f"the Region of replica {replica.name or replica.uid} is unknown"))
        (regional if elsewhere else zonal).append(estimate)
    for region in attrs.get("backup_replication_regions") or []:
        if region != inputs.resource.region:
            regional.append(Estimate("replicated-pitr", PITR_TYPICAL_LAG_S, None, "restore time not measured"))
    return {"instance": zonal, "az": zonal, "region": regional}


def _db_cluster(inputs: _Inputs) -> dict[str, list[Estimate]]:
    attrs = inputs.attrs
    local, remote = _split(inputs.backups())
    members = inputs.related("member_of", "in")
    aurora = str(attrs.get("engine") or "").startswith("aurora")
    base = list(local)
    if attrs.get("backup_retention_days", 0) > 0:
        base.append(_pitr(inputs))
    zones = {m.attributes.get("availability_zone") for m in members} - {None}
    if aurora:
        instance = [Estimate("aurora-failover", 0, AURORA_FAILOVER_S)] if len(members) >= 2 else [
            Estimate("aurora-recreate", 0, AURORA_RECREATE_S)]
        zonal = [Estimate("aurora-failover", 0, AURORA_FAILOVER_S)] if (len(zones) >= 2 or attrs.get("multi_az")) \
            else [Estimate("aurora-recreate", 0, AURORA_RECREATE_S)]
    else:
        instance = zonal = [Estimate("multi-az-cluster", 0, MULTI_AZ_CLUSTER_FAILOVER_S)] if attrs.get("multi_az") \
            else []
    regional = list(remote)
    for group in inputs.related("member_of"):
        for uid, _ in inputs.graph.neighbours(group.uid, "member_of", "in"):
            peer = inputs.graph.resources.get(uid)
            if uid == inputs.resource.uid or peer is None:
                continue
            if inputs.other_region(peer) is not False:
                lag = peer.attributes.get("global_rpo_lag_max_ms", attrs.get("global_rpo_lag_max_ms"))
                regional.append(Estimate("global-database", lag / 1000 if lag is not None else None,
                                         GLOBAL_DATABASE_FAILOVER_S,
                                         None if lag is not None else "AuroraGlobalDBRPOLag not measured (live)"))
    for replica in inputs.related("replica_of", "in"):
        if inputs.other_region(replica) is not False:
            regional.append(Estimate("cross-region-cluster-replica", None, REPLICA_PROMOTION_S,
                                     "replica lag not measured"))
    return {"instance": base + instance, "az": base + zonal, "region": regional}


def _table(inputs: _Inputs) -> dict[str, list[Estimate]]:
    attrs = inputs.attrs
    _, remote = _split(inputs.backups())
    regional = list(remote)
    others = [r for r in attrs.get("replica_regions") or [] if r != inputs.resource.region]
    if others:
        latency = attrs.get("replication_latency_max_ms")
        regional.append(Estimate("global-table", latency / 1000 if latency is not None else None, 0,
                                 None if latency is not None else "ReplicationLatency not measured (live)"))
    durable = [Estimate("regional-service", 0, 0)]  # DynamoDB stores every table in three AZs
    return {"instance": durable, "az": durable, "region": regional}


def _replication_group(inputs: _Inputs) -> dict[str, list[Estimate]]:
    attrs = inputs.attrs
    snapshots = [Estimate("snapshot-restore", DAY, None, "restore time not measured")] \
        if attrs.get("snapshot_retention_days", 0) > 0 else []  # automatic backups run daily
    groups = attrs.get("node_groups") or []
    replicated = bool(groups) and all(len(g.get("members") or []) > 1 for g in groups)
    lag = attrs.get("replication_lag_max_seconds")
    failover = Estimate("auto-failover", lag, REDIS_FAILOVER_S,
                        None if lag is not None else "ReplicationLag not measured (live CloudWatch metrics)")
    instance = snapshots + ([failover] if replicated and attrs.get("automatic_failover") else [])
    zonal = snapshots + ([failover] if replicated and attrs.get("automatic_failover") and attrs.get("multi_az")
                         else [])
    regional = [Estimate("global-datastore", None, REDIS_FAILOVER_S, "GlobalDatastoreReplicationLag not measured")] \
        if attrs.get("global_replication_group_id") else []
    return {"instance": instance, "az": zonal, "region": regional}


def _cache_cluster(inputs: _Inputs) -> dict[str, list[Estimate]]:
    attrs = inputs.attrs
    snapshots = [Estimate("snapshot-restore", DAY, None, "restore time not measured")] \
        if attrs.get("snapshot_retention_days", 0) > 0 else []
    return {"instance": snapshots, "az": snapshots, "region": []}


def _file_system(inputs: _Inputs) -> dict[str, list[Estimate]]:
    local, remote = _split(inputs.backups())
    regional_storage = inputs.attrs.get("one_zone_availability_zone") is None
    zonal = ([Estimate("regional-storage", 0, 0)] if regional_storage else []) + local
    return {"instance": zonal, "az": zonal, "region": remote}


def _bucket(inputs: _Inputs) -> dict[str, list[Estimate]]:
    attrs = inputs.attrs
    _, remote = _split(inputs.backups())
    regional = list(remote)
    observed = attrs.get("replication_latency_max_seconds")
    for rule in attrs.get("replication_rules") or []:
        if rule.get("status") != "Enabled":
            continue
        region = rule.get("destination_region")
        if region is None:
            # live: the destination bucket's location was not readable; IaC names the bucket only
            regional.append(Estimate("cross-region-replication", None, None, "destination Region unknown"))
            continue
        if region == inputs.resource.region:
            continue
        if observed is not None:
            regional.append(Estimate("cross-region-replication", observed, None, "clients must switch buckets"))
        elif rule.get("replication_time_enabled"):
            regional.append(Estimate("replication-time-control", S3_RTC_S, None, "clients must switch buckets"))
        else:
            regional.append(Estimate("cross-region-replication", None, None,
                                     "no replication-time guarantee without RTC, and no latency measured"))
    durable = [Estimate("regional-storage", 0, 0)]  # S3 Standard stores objects across three AZs
    return {"instance": durable, "az": durable, "region": regional}


_ESTIMATORS = {
    "aws.rds.db_instance": _db_instance,
    "aws.rds.db_cluster": _db_cluster,
    "aws.dynamodb.table": _table,
    "aws.elasticache.replication_group": _replication_group,
    "aws.elasticache.cache_cluster": _cache_cluster,
    "aws.efs.file_system": _file_system,
    "aws.s3.bucket": _bucket,
}


def is_store(graph: Graph, resource: Resource) -> bool:
    """A data store whose recovery is estimated: not a replica, member or copy judged through its primary
    (a bucket another bucket replicates into: ``is_replication_destination``, derived before)."""
    if resource.type not in _ESTIMATORS:
        return False
    if resource.type == "aws.rds.db_instance":
        return not resource.attributes.get("is_read_replica") and not graph.neighbours(resource.uid, "member_of")
    if resource.type == "aws.rds.db_cluster":
        return not graph.neighbours(resource.uid, "replica_of")
    if resource.type == "aws.elasticache.cache_cluster":
        engine = str(resource.attributes.get("engine") or "")
        return engine in ("redis", "valkey") and not graph.neighbours(resource.uid, "member_of")
    if resource.type == "aws.s3.bucket":
        return not graph.derived.get(resource.uid, {}).get("is_replication_destination")
    return True


def estimate(graph: Graph, resource: Resource) -> dict[str, Recovery]:
    """The best recovery per disruption of one store."""
    candidates = _ESTIMATORS[resource.type](_Inputs(graph, resource))
    return {disruption: best(candidates.get(disruption, [])) for disruption in DISRUPTIONS}


def derive_recovery(graph: Graph) -> None:
    """``rpo_<d>_seconds``, ``rto_<d>_seconds`` and ``recovery_<d>_mechanism`` for every store."""
    for type_name in STORE_TYPES:
        for uid in graph.of_type(type_name):
            resource = graph.resources[uid]
            if not is_store(graph, resource):
                continue
            facts, unknown = graph.derived[uid], graph.derived_unknown[uid]
            facts["recovery_estimated"] = True
            for disruption, result in estimate(graph, resource).items():
                facts[f"recovery_{disruption}_mechanism"] = result.mechanism
                for kind, value, why, mechanism in (("rpo", result.rpo_seconds, result.rpo_why, result.mechanism),
                                                    ("rto", result.rto_seconds, result.rto_why, result.rto_mechanism)):
                    name = f"{kind}_{disruption}_seconds"
                    if value is not None or mechanism == "none":
                        facts[name] = value  # None with mechanism none: nothing recovers, the policy fails on it
                    else:
                        unknown[name] = f"{mechanism}: {why or 'not known'}"


def workload_of(resource: Resource, workload_tag: str) -> str:
    """The workload a store belongs to: its workload tag, else its CloudFormation stack or Terraform module."""
    tags = resource.attributes.get("tags") or {}
    if tags.get(workload_tag):
        return str(tags[workload_tag])
    if tags.get("aws:cloudformation:stack-name"):
        return str(tags["aws:cloudformation:stack-name"])
    if resource.location is not None and "#" in resource.uid:
        return resource.location.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]  # a template: its stack
    if resource.location is not None:
        parts = resource.uid.split(".")
        modules = [f"module.{parts[i + 1]}" for i, part in enumerate(parts[:-1]) if part == "module"]
        return ".".join(modules) if modules else "root module"
    return "untagged"


def resilience_rows(graph: Graph, workload_tag: str = "workload") -> list[dict[str, object]]:
    """One row per store and disruption: the estimate, its mechanism and why a figure is unknown."""
    rows: list[dict[str, object]] = []
    for type_name in STORE_TYPES:
        for uid in graph.of_type(type_name):
            resource = graph.resources[uid]
            if not graph.derived.get(uid, {}).get("recovery_estimated"):
                continue
            for disruption, result in estimate(graph, resource).items():
                rows.append({"workload": workload_of(resource, workload_tag), "store": resource.name or uid,
                             "store_uid": uid, "disruption": disruption, "mechanism": result.mechanism,
                             "rpo_seconds": result.rpo_seconds, "rto_seconds": result.rto_seconds,
                             "rpo_why": result.rpo_why, "rto_why": result.rto_why})
    rows.sort(key=lambda r: (str(r["workload"]), str(r["store"]), DISRUPTIONS.index(str(r["disruption"]))))
    return rows


__all__ = ["DISRUPTIONS", "STORE_TYPES", "Estimate", "Recovery", "best", "derive_recovery", "estimate", "is_store",
           "resilience_rows", "workload_of"]
