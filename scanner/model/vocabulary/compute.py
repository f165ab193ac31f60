"""Containers and file systems: EFS, ECS services, EKS node groups."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import PLACED, Attributes


class FileSystem(Attributes):
    """An EFS file system; ``in_subnet`` the subnet of each mount target."""

    type_name: ClassVar[str] = "aws.efs.file_system"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EFS::FileSystem",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_efs_file_system",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    one_zone_availability_zone: str | None = Field(
        None, description="`AvailabilityZoneName`: set for One Zone file systems; None = Regional."
    )
    encrypted: bool = False
    lifecycle_transition_to_ia: str | None = Field(None, description="`TransitionToIA`, e.g. AFTER_30_DAYS.")


class EcsService(Attributes):
    """An ECS service; ``in_subnet`` its awsvpc subnets."""

    type_name: ClassVar[str] = "aws.ecs.service"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ECS::Service",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_ecs_service",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    launch_type: str | None = None
    desired_count: int | None = None
    assign_public_ip: bool = Field(False, description="`assignPublicIp == ENABLED`; default DISABLED.")
    circuit_breaker: bool = Field(False, description="`deploymentCircuitBreaker.enable`; default false.")


class EksNodegroup(Attributes):
    """An EKS managed node group; ``in_subnet`` its subnets."""

    type_name: ClassVar[str] = "aws.eks.nodegroup"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EKS::Nodegroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_eks_node_group",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    min_size: int | None = None
    max_size: int | None = None
    desired_size: int | None = None


MODELS: tuple[type[Attributes], ...] = (FileSystem, EcsService, EksNodegroup)
