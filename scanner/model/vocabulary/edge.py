"""Edge services: CloudFront distributions, Route 53 record sets and health checks."""


from typing import Any, ClassVar

from .. import normalise
from ._base import Attributes, Item
from ._fields import Hook, Live, attr, rel

HEALTH_CHECK = "aws.route53.health_check"
_DIST = "DistributionConfig."


def configured(value: Any) -> bool:
    """A flag, or a configuration block that is there at all (``S3OriginConfig: {}``, a log bucket name);
    Terraform's absent nested block is an empty list."""
    if isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in ("true", "false")):
        return normalise.boolean(value)
    if isinstance(value, list):
        return bool(value)
    return value is not None


configured.presence = True  # type: ignore[attr-defined]  # the engine: only whether the setting is there


class Origin(Item):
    """One origin of a distribution."""

    id: str | None = attr(None, "`Id`.", cfn="Id", tf="origin_id", live="Id")
    domain_name: str | None = attr(None, "`DomainName` (IaC: the uid of a referenced bucket or load balancer).",
                                   cfn="DomainName", tf="domain_name", live="DomainName", ref=True)
    origin_access_control_id: str | None = attr(None, "`OriginAccessControlId` (OAC).",
                                                cfn="OriginAccessControlId", tf="origin_access_control_id",
                                                live="OriginAccessControlId", ref=True)
    s3_origin: bool = attr(False, "An S3 origin (`S3OriginConfig`; Terraform: an origin without "
                           "`custom_origin_config`, hook `origins`).", cfn="S3OriginConfig", tf=Hook("origins"),
                           live="S3OriginConfig", conv=configured)


class OriginGroup(Item):
    """One origin group (failover pair)."""

    id: str | None = attr(None, "`Id`.", cfn="Id", tf="origin_id", live="Id")
    members: list[str] = attr([], "Member origin ids, primary first.", cfn="Members.Items[*].OriginId",
                              tf="member[*].origin_id", live="Members.Items[*].OriginId")
    failover_status_codes: list[int] = attr([], "`FailoverCriteria.StatusCodes`.",
                                            cfn="FailoverCriteria.StatusCodes.Items",
                                            tf="failover_criteria.status_codes",
                                            live="FailoverCriteria.StatusCodes.Items")


class Distribution(Attributes):
    """A CloudFront distribution; ``serves`` its origins when they are in the snapshot.

    The live collector hands over ``Id``, ``ARN`` and ``DistributionConfig`` (``GetDistributionConfig``).
    """

    type_name: ClassVar[str] = "aws.cloudfront.distribution"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::CloudFront::Distribution",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_cloudfront_distribution",)
    live: ClassVar[Live] = Live("cloudfront:ListDistributions", "arn:aws:cloudfront::{account}:distribution/{id}",
                                id="Id", arn_path="ARN", name="Id")
    relations = (
        rel("serves", ("aws.s3.bucket", "aws.elbv2.load_balancer", "aws.elb.load_balancer"),
            cfn=Hook("origins"), tf=Hook("origins"), live=Hook("origins")),
    )

    tags: dict[str, str] = attr({}, "Resource tags.", cfn="Tags", tf="tags",
                                why="distribution tags need one ListTagsForResource call each; not collected live")
    enabled: bool = attr(True, "`Enabled`.", cfn=_DIST + "Enabled", tf="enabled", live=_DIST + "Enabled")
    origins: list[Origin] = attr([], "Origins.", cfn=_DIST + "Origins", tf="origin", live=_DIST + "Origins.Items")
    origin_groups: list[OriginGroup] = attr([], "Origin groups (failover).", cfn=_DIST + "OriginGroups.Items",
                                            tf="origin_group", live=_DIST + "OriginGroups.Items")
    default_target_origin_id: str | None = attr(None, "`DefaultCacheBehavior.TargetOriginId`.",
                                                cfn=_DIST + "DefaultCacheBehavior.TargetOriginId",
                                                tf="default_cache_behavior.target_origin_id",
                                                live=_DIST + "DefaultCacheBehavior.TargetOriginId")
    default_target_is_group: bool = attr(False, "The default behaviour targets an origin group.",
                                         cfn=Hook("origins"), tf=Hook("origins"), live=Hook("origins"))
    logging_enabled: bool = attr(False, "Standard access logs to S3 (`Logging`).", cfn=_DIST + "Logging",
                                 tf="logging_config", live=_DIST + "Logging.Enabled", conv=configured)


class HealthCheck(Attributes):
    """A Route 53 health check."""

    type_name: ClassVar[str] = HEALTH_CHECK
    derived: ClassVar[dict[str, str]] = {
        "detection_seconds": "`FailureThreshold` x `RequestInterval`: how long the checkers take to declare the "
        "endpoint unhealthy (derived by the graph)."}
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Route53::HealthCheck",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_route53_health_check",)
    live: ClassVar[Live] = Live("route53:ListHealthChecks", "arn:aws:route53:::healthcheck/{id}", id="Id")

    tags: dict[str, str] = attr({}, "Resource tags.", cfn="HealthCheckTags", tf="tags",
                                why="health-check tags need one ListTagsForResource call each; not collected live")
    check_type: str | None = attr(None, "`Type` (HTTP, HTTPS, TCP, CALCULATED...).", cfn="HealthCheckConfig.Type",
                                  tf="type", live="HealthCheckConfig.Type")
    failure_threshold: int = attr(3, "`FailureThreshold`; default 3.", cfn="HealthCheckConfig.FailureThreshold",
                                  tf="failure_threshold", live="HealthCheckConfig.FailureThreshold")
    request_interval_seconds: int = attr(30, "`RequestInterval`; default 30.",
                                         cfn="HealthCheckConfig.RequestInterval", tf="request_interval",
                                         live="HealthCheckConfig.RequestInterval")
    healthy: bool | None = attr(None, "The checkers' latest verdict (`GetHealthCheckStatus`); live only.",
                                live=Hook("health_status"), why="a runtime status (live only)", volatile=True)


class RecordSet(Attributes):
    """A Route 53 record set; ``checked_by`` its health check."""

    type_name: ClassVar[str] = "aws.route53.record_set"
    derived: ClassVar[dict[str, str]] = {
        "failover_partner": "The uid of the record with the other failover role and the same zone, name and type "
        "(null when there is none; derived by the graph).",
        "partner_health_check_differs": "True when this record and its failover partner use different health "
        "checks (at least one has one).",
    }
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Route53::RecordSet",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_route53_record",)
    live: ClassVar[Live] = Live("route53:ListResourceRecordSets", "{id}", id="RecordUid", name="Name")
    relations = (
        rel("checked_by", HEALTH_CHECK, cfn="HealthCheckId", tf="health_check_id", live="HealthCheckId"),
    )

    tags: dict[str, str] = attr({}, "Record sets carry no tags.", why="Route 53 record sets cannot be tagged")
    hosted_zone: str | None = attr(None, "The hosted zone (id or name).", cfn="HostedZoneId|HostedZoneName",
                                   tf="zone_id", live="HostedZoneId", ref=True)
    record_name: str | None = attr(None, "`Name` (without the trailing dot).", cfn="Name", tf="name", live="Name",
                                   conv=lambda v: normalise.text(v).rstrip("."))
    record_type: str | None = attr(None, "`Type` (A, AAAA, CNAME...).", cfn="Type", tf="type", live="Type")
    set_identifier: str | None = attr(None, "`SetIdentifier`.", cfn="SetIdentifier", tf="set_identifier",
                                      live="SetIdentifier")
    failover: str | None = attr(None, "`Failover`: PRIMARY or SECONDARY.", cfn="Failover",
                                tf="failover_routing_policy.type", live="Failover")
    ttl_seconds: int | None = attr(None, "`TTL` (none for alias records).", cfn="TTL", tf="ttl", live="TTL")
    alias_target: str | None = attr(None, "`AliasTarget.DNSName`.", cfn="AliasTarget.DNSName", tf="alias.name",
                                    live="AliasTarget.DNSName", ref=True)
    evaluate_target_health: bool = attr(False, "`AliasTarget.EvaluateTargetHealth`.",
                                        cfn="AliasTarget.EvaluateTargetHealth", tf="alias.evaluate_target_health",
                                        live="AliasTarget.EvaluateTargetHealth")


MODELS: tuple[type[Attributes], ...] = (Distribution, HealthCheck, RecordSet)
