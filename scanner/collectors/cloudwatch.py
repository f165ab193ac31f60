"""CloudWatch collector: metric alarms and the resources they watch (``alarms_on``).

An alarm's dimensions name the watched resource; each known dimension maps to the uid scheme of the
collector of that type (ARNs). Two dimensions carry no ARN-buildable id: ``AutoScalingGroupName``
(an Auto Scaling group ARN embeds a UUID) and ``CacheClusterId`` (a member of a replication group).
For those, one batched lookup (``DescribeAutoScalingGroups`` by name, ``DescribeCacheClusters``) is
made only when some alarm needs it; if it fails, that alarm's ``alarms_on`` is marked incomplete.
Metric-math alarms contribute the dimensions of every metric they read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import Relation
from ..model.mapping import Mapped
from ..model.vocabulary import live_uid
from .base import CallContext, Collected
from .engine import build

SERVICE = "cloudwatch"
OPERATIONS: dict[str, tuple[str, ...]] = {
    "cloudwatch:DescribeAlarms": ("aws.cloudwatch.alarm",),
    "autoscaling:DescribeAutoScalingGroups": ("aws.cloudwatch.alarm",),
    "elasticache:DescribeCacheClusters": ("aws.cloudwatch.alarm",),
}

ALARM = "aws.cloudwatch.alarm"
_ASG_BATCH = 50  # DescribeAutoScalingGroups accepts at most 50 names per call

_Mapper = Callable[[str, str, str, dict[str, str]], str | None]


def _typed(type_name: str) -> _Mapper:
    return lambda value, account, region, _dims: live_uid(type_name, value, account, region)


# Dimension name -> uid of the watched resource from (value, account, region, all dimensions).
DIMENSION_UIDS: dict[str, _Mapper] = {
    "DBInstanceIdentifier": _typed("aws.rds.db_instance"),
    "DBClusterIdentifier": _typed("aws.rds.db_cluster"),
    "TableName": _typed("aws.dynamodb.table"),
    "ReplicationGroupId": _typed("aws.elasticache.replication_group"),
    "LoadBalancer": _typed("aws.elbv2.load_balancer"),  # app/NAME/ID
    "TargetGroup": lambda v, a, r, _d: f"arn:aws:elasticloadbalancing:{r}:{a}:{v}",  # targetgroup/NAME/ID
    "LoadBalancerName": _typed("aws.elb.load_balancer"),
    "InstanceId": _typed("aws.ec2.instance"),
    "NatGatewayId": _typed("aws.ec2.nat_gateway"),
    "FileSystemId": _typed("aws.efs.file_system"),
    "BucketName": _typed("aws.s3.bucket"),
    "SourceBucket": _typed("aws.s3.bucket"),  # S3 replication metrics: the replicating bucket
    "HealthCheckId": _typed("aws.route53.health_check"),
    "ServiceName": lambda v, a, r, d: (live_uid("aws.ecs.service", f"{d['ClusterName']}/{v}", a, r)
                                       if "ClusterName" in d else None),
    "ClusterName": lambda v, a, r, d: None if "ServiceName" in d else live_uid("aws.ecs.cluster", v, a, r),
}


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Metric alarms, plus the name lookups their dimensions need."""
    alarms = ctx.paginate(SERVICE, "DescribeAlarms", "MetricAlarms",
                          unknown_types=OPERATIONS["cloudwatch:DescribeAlarms"])
    raw: dict[str, Any] = {"alarms": alarms or [], "asg_arns": {}, "cache_cluster_groups": {}, "errors": {}}
    dims = [d for alarm in raw["alarms"] for d in _dimension_sets(alarm)]
    asg_names = sorted({d["AutoScalingGroupName"] for d in dims if "AutoScalingGroupName" in d})
    for start in range(0, len(asg_names), _ASG_BATCH):
        groups = ctx.paginate("autoscaling", "DescribeAutoScalingGroups", "AutoScalingGroups", unknown_types=(),
                              AutoScalingGroupNames=asg_names[start:start + _ASG_BATCH])
        if groups is None:
            raw["errors"]["AutoScalingGroupName"] = ctx.last_error
            break
        raw["asg_arns"].update({g["AutoScalingGroupName"]: g["AutoScalingGroupARN"] for g in groups})
    if any("CacheClusterId" in d and "ReplicationGroupId" not in d for d in dims):
        clusters = ctx.paginate("elasticache", "DescribeCacheClusters", "CacheClusters", unknown_types=())
        if clusters is None:
            raw["errors"]["CacheClusterId"] = ctx.last_error
        else:
            raw["cache_cluster_groups"] = {c["CacheClusterId"]: c.get("ReplicationGroupId") for c in clusters}
    return raw


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from the raw ``fetch`` output (pure)."""
    out = Collected()
    for alarm in raw.get("alarms") or []:
        targets, unresolved = _targets(alarm, raw, account, region)
        mapped = Mapped(attributes={"dimensions": {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}})
        if unresolved:
            mapped.unknown_relations["alarms_on"] = "; ".join(sorted(unresolved))
        resource = build(out, ALARM, alarm, account, region, mapped=mapped)
        out.relations.extend(Relation(src=resource.uid, kind="alarms_on", dst=dst) for dst in sorted(targets))
    return out


def _dimension_sets(alarm: dict[str, Any]) -> list[dict[str, str]]:
    """The dimensions of the alarm's metric and of every metric of a metric-math alarm."""
    sets = [{d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []}]
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        sets.append({d["Name"]: d["Value"] for d in metric.get("Dimensions") or []})
    return [s for s in sets if s]


def _targets(alarm: dict[str, Any], raw: dict[str, Any], account: str, region: str) -> tuple[set[str], set[str]]:
    targets: set[str] = set()
    unresolved: set[str] = set()
    errors: dict[str, str] = raw.get("errors") or {}
    for dims in _dimension_sets(alarm):
        for name, value in dims.items():
            mapper = DIMENSION_UIDS.get(name)
            if mapper is not None:
                uid = mapper(value, account, region, dims)
                if uid:
                    targets.add(uid)
            elif name == "AutoScalingGroupName":
                arn = (raw.get("asg_arns") or {}).get(value)
                if arn:
                    targets.add(arn)
                elif name in errors:
                    unresolved.add(f"Auto Scaling group {value} not resolved: {errors[name]}")
            elif name == "CacheClusterId" and "ReplicationGroupId" not in dims:
                group = (raw.get("cache_cluster_groups") or {}).get(value)
                if group:
                    targets.add(DIMENSION_UIDS["ReplicationGroupId"](group, account, region, dims))
                elif name in errors:
                    unresolved.add(f"cache cluster {value} not resolved: {errors[name]}")
    return targets, unresolved
