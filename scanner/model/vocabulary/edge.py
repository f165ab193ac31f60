"""Edge services: CloudFront distributions and Route 53 health checks."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import Attributes


class Distribution(Attributes):
    """A CloudFront distribution; ``serves`` its origins when they are in the snapshot."""

    type_name: ClassVar[str] = "aws.cloudfront.distribution"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::CloudFront::Distribution",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_cloudfront_distribution",)

    enabled: bool = True
    origin_domains: list[str] = Field(default_factory=list)
    origin_group_count: int = 0
    default_target_is_group: bool = False


class HealthCheck(Attributes):
    """A Route 53 health check."""

    type_name: ClassVar[str] = "aws.route53.health_check"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::Route53::HealthCheck",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_route53_health_check",)

    check_type: str | None = None
    failure_threshold: int = Field(3, description="`FailureThreshold`; default 3.")
    request_interval_seconds: int = Field(30, description="`RequestInterval`; default 30.")


MODELS: tuple[type[Attributes], ...] = (Distribution, HealthCheck)
