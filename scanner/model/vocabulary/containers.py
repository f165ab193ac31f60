"""Containers: ECS clusters, task definitions and services; EKS clusters and managed node groups."""


import json
from typing import Any, ClassVar

from .. import normalise
from ._base import CAPACITY, PLACED, Attributes, Item
from ._fields import Live, attr, rel

ECS_CLUSTER = "aws.ecs.cluster"
ECS_SERVICE = "aws.ecs.service"
TASK_DEFINITION = "aws.ecs.task_definition"
EKS_CLUSTER = "aws.eks.cluster"
_ECS_ARN = "arn:aws:ecs:{region}:{account}:"
_AWSVPC = "NetworkConfiguration.AwsvpcConfiguration."
_LIVE_AWSVPC = "networkConfiguration.awsvpcConfiguration."
_DEPLOY = "DeploymentConfiguration."
_EKS_VPC = "ResourcesVpcConfig."


def container_definitions(value: Any) -> Any:
    """Terraform's ``container_definitions`` is a JSON document; boto3 and CloudFormation give the list."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"container_definitions is not JSON: {exc.msg}") from None
    return value


def container_insights(value: Any) -> bool:
    """``containerInsights``: enabled or enhanced -> True; disabled -> False."""
    text = normalise.text(value).strip().lower()
    return True if text == "enhanced" else normalise.enabled(text)


class EcsCluster(Attributes):
    """An ECS cluster; services are ``member_of`` it."""

    type_name: ClassVar[str] = ECS_CLUSTER
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ECS::Cluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_ecs_cluster",)
    live: ClassVar[Live] = Live("ecs:DescribeClusters", _ECS_ARN + "cluster/{id}", id="clusterName",
                                arn_path="clusterArn", name="clusterName")

    container_insights: bool = attr(
        False, "CloudWatch Container Insights (`settings[containerInsights]` enabled or enhanced); default off.",
        cfn="ClusterSettings[Name=containerInsights].Value", tf="setting[name=containerInsights].value",
        live="settings[name=containerInsights].value", conv=container_insights)


class Container(Item):
    """One container definition (only the settings haguard judges; environment values are never read)."""

    name: str | None = attr(None, "`name`.", cfn="Name", tf="name", live="name")
    essential: bool = attr(True, "`essential`; default true.", cfn="Essential", tf="essential", live="essential")
    health_check_command: list[str] = attr([], "`healthCheck.command`; empty = no container health check.",
                                           cfn="HealthCheck.Command", tf="healthCheck.command",
                                           live="healthCheck.command")
    log_driver: str | None = attr(None, "`logConfiguration.logDriver` (awslogs, awsfirelens...); none = no logs.",
                                  cfn="LogConfiguration.LogDriver", tf="logConfiguration.logDriver",
                                  live="logConfiguration.logDriver")


class EcsTaskDefinition(Attributes):
    """An ECS task definition: size, network mode and containers."""

    type_name: ClassVar[str] = TASK_DEFINITION
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ECS::TaskDefinition",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_ecs_task_definition",)
    live: ClassVar[Live] = Live("ecs:DescribeTaskDefinition", _ECS_ARN + "task-definition/{id}", id="family",
                                arn_path="taskDefinitionArn", name="family")

    family: str | None = attr(None, "`family`.", cfn="Family", tf="family", live="family")
    cpu: str | None = attr(None, "`cpu` (CPU units, e.g. 256, or 1 vCPU).", cfn="Cpu", tf="cpu", live="cpu")
    memory: str | None = attr(None, "`memory` (MiB, e.g. 512, or 1 GB).", cfn="Memory", tf="memory", live="memory")
    network_mode: str = attr("bridge", "`networkMode`; default bridge (Fargate requires awsvpc).",
                             cfn="NetworkMode", tf="network_mode", live="networkMode")
    containers: list[Container] = attr([], "The container definitions.", cfn="ContainerDefinitions",
                                       tf="container_definitions", live="containerDefinitions",
                                       conv=container_definitions)


class PlacementStrategy(Item):
    """One ECS placement strategy."""

    type: str = attr(..., "spread, binpack or random.", cfn="Type", tf="type", live="type")
    field: str | None = attr(None, "e.g. attribute:ecs.availability-zone.", cfn="Field", tf="field", live="field")


class EcsService(Attributes):
    """An ECS service; ``in_subnet`` its awsvpc subnets, ``member_of`` its cluster, ``runs`` its task definition."""

    type_name: ClassVar[str] = ECS_SERVICE
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::ECS::Service",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_ecs_service",)
    live: ClassVar[Live] = Live("ecs:DescribeServices", _ECS_ARN + "service/{id}", id="serviceName",
                                arn_path="serviceArn", name="serviceName")
    relations = (
        rel("in_subnet", "aws.ec2.subnet", cfn=_AWSVPC + "Subnets", tf="network_configuration.subnets",
            live=_LIVE_AWSVPC + "subnets"),
        rel("uses_security_group", "aws.ec2.security_group", cfn=_AWSVPC + "SecurityGroups",
            tf="network_configuration.security_groups", live=_LIVE_AWSVPC + "securityGroups"),
        rel("member_of", ECS_CLUSTER, cfn="Cluster", tf="cluster", live="clusterArn"),
        rel("runs", TASK_DEFINITION, cfn="TaskDefinition", tf="task_definition", live="taskDefinition"),
        rel("targets", "aws.elbv2.target_group", cfn="LoadBalancers[*].TargetGroupArn",
            tf="load_balancer[*].target_group_arn", live="loadBalancers[*].targetGroupArn", reverse=True),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **CAPACITY}

    launch_type: str | None = attr(None, "`launchType` (EC2, FARGATE, EXTERNAL); unset with a capacity provider.",
                                   cfn="LaunchType", tf="launch_type", live="launchType")
    scheduling_strategy: str = attr("REPLICA", "`schedulingStrategy`; default REPLICA.", cfn="SchedulingStrategy",
                                    tf="scheduling_strategy", live="schedulingStrategy")
    desired_count: int | None = attr(None, "`desiredCount`.", cfn="DesiredCount", tf="desired_count",
                                     live="desiredCount")
    assign_public_ip: bool = attr(False, "`assignPublicIp == ENABLED`; default DISABLED.",
                                  cfn=_AWSVPC + "AssignPublicIp", tf="network_configuration.assign_public_ip",
                                  live=_LIVE_AWSVPC + "assignPublicIp", conv=normalise.enabled)
    deployment_controller: str = attr("ECS", "`deploymentController.type`: ECS (rolling, default), CODE_DEPLOY "
                                      "(blue/green) or EXTERNAL.", cfn="DeploymentController.Type",
                                      tf="deployment_controller.type", live="deploymentController.type")
    circuit_breaker: bool = attr(False, "`deploymentCircuitBreaker.enable`; default false.",
                                 cfn=_DEPLOY + "DeploymentCircuitBreaker.Enable",
                                 tf="deployment_circuit_breaker.enable",
                                 live="deploymentConfiguration.deploymentCircuitBreaker.enable")
    circuit_breaker_rollback: bool = attr(False, "`deploymentCircuitBreaker.rollback`; default false.",
                                          cfn=_DEPLOY + "DeploymentCircuitBreaker.Rollback",
                                          tf="deployment_circuit_breaker.rollback",
                                          live="deploymentConfiguration.deploymentCircuitBreaker.rollback")
    minimum_healthy_percent: int = attr(100, "`deploymentConfiguration.minimumHealthyPercent`; default 100.",
                                        cfn=_DEPLOY + "MinimumHealthyPercent",
                                        tf="deployment_minimum_healthy_percent",
                                        live="deploymentConfiguration.minimumHealthyPercent")
    health_check_grace_period_seconds: int = attr(0, "`healthCheckGracePeriodSeconds`; default 0.",
                                                  cfn="HealthCheckGracePeriodSeconds",
                                                  tf="health_check_grace_period_seconds",
                                                  live="healthCheckGracePeriodSeconds")
    placement_strategies: list[PlacementStrategy] = attr(
        [], "Placement strategies in order (EC2 launch type).", cfn="PlacementStrategies",
        tf="ordered_placement_strategy", live="placementStrategy")


class EksCluster(Attributes):
    """An EKS cluster: control-plane subnets, API endpoint access and logging."""

    type_name: ClassVar[str] = EKS_CLUSTER
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EKS::Cluster",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_eks_cluster",)
    live: ClassVar[Live] = Live("eks:DescribeCluster", "arn:aws:eks:{region}:{account}:cluster/{id}", id="name",
                                arn_path="arn", name="name")
    relations = (
        rel("in_vpc", "aws.ec2.vpc", live="resourcesVpcConfig.vpcId", why="IaC places the cluster by subnet"),
        rel("in_subnet", "aws.ec2.subnet", cfn=_EKS_VPC + "SubnetIds", tf="vpc_config.subnet_ids",
            live="resourcesVpcConfig.subnetIds"),
        rel("uses_security_group", "aws.ec2.security_group", cfn=_EKS_VPC + "SecurityGroupIds",
            tf="vpc_config.security_group_ids", live="resourcesVpcConfig.securityGroupIds"),
    )
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    tags: dict[str, str] = attr({}, "Resource tags. Default: none.", cfn="Tags", tf="tags", live="tags")
    version: str | None = attr(None, "Kubernetes `version`.", cfn="Version", tf="version", live="version")
    endpoint_public_access: bool = attr(True, "`endpointPublicAccess`; default true.",
                                        cfn=_EKS_VPC + "EndpointPublicAccess", tf="vpc_config.endpoint_public_access",
                                        live="resourcesVpcConfig.endpointPublicAccess")
    endpoint_private_access: bool = attr(False, "`endpointPrivateAccess`; default false.",
                                         cfn=_EKS_VPC + "EndpointPrivateAccess",
                                         tf="vpc_config.endpoint_private_access",
                                         live="resourcesVpcConfig.endpointPrivateAccess")
    public_access_cidrs: list[str] = attr(["0.0.0.0/0"], "`publicAccessCidrs`; default 0.0.0.0/0.",
                                          cfn=_EKS_VPC + "PublicAccessCidrs", tf="vpc_config.public_access_cidrs",
                                          live="resourcesVpcConfig.publicAccessCidrs", as_set=True)
    logging_types: list[str] = attr([], "Enabled control-plane log types (api, audit, authenticator...).",
                                    cfn="Logging.ClusterLogging.EnabledTypes[*].Type", tf="enabled_cluster_log_types",
                                    live="logging.clusterLogging[enabled=true].types", as_set=True)


class EksNodegroup(Attributes):
    """An EKS managed node group; ``in_subnet`` its subnets, ``member_of`` its cluster."""

    type_name: ClassVar[str] = "aws.eks.nodegroup"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EKS::Nodegroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_eks_node_group",)
    live: ClassVar[Live] = Live("eks:DescribeNodegroup", "{id}", id="nodegroupArn", arn_path="nodegroupArn",
                                name="nodegroupName")
    relations = (
        rel("in_subnet", "aws.ec2.subnet", cfn="Subnets", tf="subnet_ids", live="subnets"),
        rel("member_of", EKS_CLUSTER, cfn="ClusterName", tf="cluster_name", live="clusterName"),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **CAPACITY}

    tags: dict[str, str] = attr({}, "Resource tags. Default: none.", cfn="Tags", tf="tags", live="tags")
    min_size: int | None = attr(None, "`scalingConfig.minSize`.", cfn="ScalingConfig.MinSize",
                                tf="scaling_config.min_size", live="scalingConfig.minSize")
    max_size: int | None = attr(None, "`scalingConfig.maxSize`.", cfn="ScalingConfig.MaxSize",
                                tf="scaling_config.max_size", live="scalingConfig.maxSize")
    desired_size: int | None = attr(None, "`scalingConfig.desiredSize`.", cfn="ScalingConfig.DesiredSize",
                                    tf="scaling_config.desired_size", live="scalingConfig.desiredSize")
    capacity_type: str = attr("ON_DEMAND", "`capacityType`: ON_DEMAND (default) or SPOT.", cfn="CapacityType",
                              tf="capacity_type", live="capacityType")


MODELS: tuple[type[Attributes], ...] = (EcsCluster, EcsTaskDefinition, EcsService, EksCluster, EksNodegroup)
