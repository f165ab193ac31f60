"""ECS clusters, services and task definitions, EKS clusters and node groups against moto (circuit breaker from a
recorded response: moto drops it)."""

from __future__ import annotations

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, by_uid, collect, count_calls, deny, edges, snapshot_of

from scanner.collectors import containers

pytestmark = pytest.mark.usefixtures("aws")


def _seed() -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")
               ["Subnet"]["SubnetId"] for i, az in enumerate("ab")]
    sg = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod", settings=[{"name": "containerInsights", "value": "enabled"}])
    ecs.register_task_definition(family="api", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512",
                                 containerDefinitions=[{"name": "api", "image": "nginx", "essential": True,
                                                        "environment": [{"name": "DB_PASSWORD", "value": "hunter2"}],
                                                        "healthCheck": {"command": ["CMD", "true"]},
                                                        "logConfiguration": {"logDriver": "awslogs"}}])
    for i in range(12):  # more than one DescribeServices batch of 10
        ecs.create_service(cluster="prod", serviceName=f"api-{i}", taskDefinition="api", desiredCount=3,
                           launchType="FARGATE", tags=[{"key": "tier", "value": "app"}],
                           networkConfiguration={"awsvpcConfiguration": {
                               "subnets": subnets, "securityGroups": [sg], "assignPublicIp": "DISABLED"}})
    eks = boto3.client("eks", region_name=REGION)
    eks.create_cluster(name="k8s", roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
                       resourcesVpcConfig={"subnetIds": subnets, "endpointPublicAccess": True,
                                           "endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]})
    eks.create_nodegroup(clusterName="k8s", nodegroupName="workers", nodeRole=f"arn:aws:iam::{ACCOUNT}:role/node",
                         subnets=[subnets[0]], scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 2})
    return {"sg": sg, "a": subnets[0], "b": subnets[1]}


def _subnet(subnet_id: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}"


def test_ecs_services_and_eks_nodegroups() -> None:
    ids = _seed()
    counter: dict[str, int] = {}
    collected, ctx = collect(containers, hooks=[count_calls(counter)])
    res = by_uid(snapshot_of(collected, ctx))
    services = [r for r in res.values() if r.type == "aws.ecs.service"]
    assert len(services) == 12
    api = next(r for r in services if r.name == "api-0")
    assert (api.attributes["desired_count"], api.attributes["launch_type"], api.attributes["assign_public_ip"],
            api.attributes["tags"]) == (3, "FARGATE", False, {"tier": "app"})
    assert {(api.uid, _subnet(ids[k])) for k in "ab"} <= edges(collected, "in_subnet")
    assert (api.uid, f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{ids['sg']}") in edges(
        collected, "uses_security_group")
    [nodegroup] = [r for r in res.values() if r.type == "aws.eks.nodegroup"]
    assert (nodegroup.attributes["min_size"], nodegroup.attributes["max_size"],
            nodegroup.attributes["desired_size"]) == (1, 4, 2)
    assert (nodegroup.uid, _subnet(ids["a"])) in edges(collected, "in_subnet")
    assert counter["DescribeServices"] == 2
    [cluster] = [r for r in res.values() if r.type == "aws.ecs.cluster"]
    assert cluster.attributes["container_insights"] is True
    assert (api.uid, cluster.uid) in edges(collected, "member_of")
    [task] = [r for r in res.values() if r.type == "aws.ecs.task_definition"]
    assert counter["DescribeTaskDefinition"] == 1  # twelve services, one task definition
    assert (api.uid, task.uid) in edges(collected, "runs")
    assert (task.attributes["cpu"], task.attributes["memory"], task.attributes["network_mode"]) == ("256", "512",
                                                                                                   "awsvpc")
    assert task.attributes["containers"] == [{"name": "api", "essential": True, "health_check_command": ["CMD", "true"],
                                              "log_driver": "awslogs"}]
    assert "hunter2" not in repr(task)  # container environment values are never read
    [k8s] = [r for r in res.values() if r.type == "aws.eks.cluster"]
    assert (k8s.attributes["endpoint_public_access"], k8s.attributes["endpoint_private_access"],
            k8s.attributes["public_access_cidrs"]) == (True, True, ["203.0.113.0/24"])
    assert {(k8s.uid, _subnet(ids[k])) for k in "ab"} <= edges(collected, "in_subnet")
    assert (nodegroup.uid, k8s.uid) in edges(collected, "member_of")
    assert not ctx.gaps


def test_circuit_breaker_and_public_ip_from_recorded_service() -> None:
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/prod/web"
    raw = {"services": [{"serviceArn": arn, "serviceName": "web", "desiredCount": 2,
                         "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
                         "deploymentController": {"type": "CODE_DEPLOY"},
                         "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
                                                                          "assignPublicIp": "ENABLED"}}}]}
    service = by_uid(snapshot_of(containers.parse(raw, ACCOUNT, REGION)))[arn]
    assert service.attributes["circuit_breaker"] is True
    assert service.attributes["deployment_controller"] == "CODE_DEPLOY"
    assert service.attributes["assign_public_ip"] is True
    assert service.attributes["launch_type"] is None


def test_access_denied_gives_a_gap_for_the_declared_types() -> None:
    _seed()
    collected, ctx = collect(containers, hooks=[deny("DescribeNodegroup")])
    assert {r.type for r in collected.resources} == {"aws.ecs.cluster", "aws.ecs.service", "aws.ecs.task_definition",
                                                     "aws.eks.cluster"}
    assert [(g.service, g.operation, g.error, g.resource_types) for g in ctx.gaps] == [
        ("eks", "DescribeNodegroup", "AccessDenied", ["aws.eks.nodegroup"])]
