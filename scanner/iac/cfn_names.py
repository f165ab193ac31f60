"""What ``Ref``/``Fn::GetAtt`` of a resource returns when the template names the resource itself.

AWS documents, per type, the value ``Ref`` returns and the attributes ``GetAtt`` gives. Where that
value is the name the template sets (``BucketName``, ``DBInstanceIdentifier``, ``ClusterName``...),
the reference's value is known before deployment: ``!Ref Orders`` is ``orders``, so a dimension, a
``!Sub service/${Cluster}/${Service.Name}`` or any other value built from it reads as AWS reports
it. Without the name property AWS generates the name, and the value stays known only after
deployment. Names AWS stores in lower case (RDS and ElastiCache identifiers) are lowered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameRule:
    """``property`` holds the name; ``ref``: ``Ref`` returns it; ``attributes``: ``GetAtt`` ones that do."""

    property: str
    ref: bool = True
    attributes: frozenset[str] = frozenset()
    lower: bool = False


def _rule(prop: str, *attributes: str, ref: bool = True, lower: bool = False) -> NameRule:
    return NameRule(prop, ref, frozenset(attributes), lower)


NAMED_RESOURCES: dict[str, NameRule] = {
    "AWS::S3::Bucket": _rule("BucketName"),
    "AWS::RDS::DBInstance": _rule("DBInstanceIdentifier", lower=True),
    "AWS::RDS::DBCluster": _rule("DBClusterIdentifier", lower=True),
    "AWS::RDS::DBSubnetGroup": _rule("DBSubnetGroupName", lower=True),
    "AWS::RDS::GlobalCluster": _rule("GlobalClusterIdentifier"),
    "AWS::ECS::Cluster": _rule("ClusterName"),
    "AWS::ECS::Service": _rule("ServiceName", "Name", ref=False),  # Ref is the service ARN
    "AWS::DynamoDB::Table": _rule("TableName"),
    "AWS::DynamoDB::GlobalTable": _rule("TableName"),
    "AWS::ElastiCache::ReplicationGroup": _rule("ReplicationGroupId", lower=True),
    "AWS::ElastiCache::CacheCluster": _rule("ClusterName", lower=True),
    "AWS::ElastiCache::SubnetGroup": _rule("CacheSubnetGroupName", lower=True),
    "AWS::AutoScaling::AutoScalingGroup": _rule("AutoScalingGroupName"),
    "AWS::Logs::LogGroup": _rule("LogGroupName"),
    "AWS::CloudWatch::Alarm": _rule("AlarmName"),
    "AWS::EKS::Cluster": _rule("Name"),
    "AWS::EKS::Nodegroup": _rule("NodegroupName", "NodegroupName", ref=False),  # Ref is CLUSTER/NODEGROUP
    "AWS::ElasticLoadBalancing::LoadBalancer": _rule("LoadBalancerName"),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _rule("Name", "LoadBalancerName", ref=False),  # Ref: ARN
    "AWS::ElasticLoadBalancingV2::TargetGroup": _rule("Name", "TargetGroupName", ref=False),  # Ref: ARN
    "AWS::Backup::BackupVault": _rule("BackupVaultName", "BackupVaultName"),
    "AWS::SNS::Topic": _rule("TopicName", "TopicName", ref=False),  # Ref is the topic ARN
    "AWS::SQS::Queue": _rule("QueueName", "QueueName", ref=False),  # Ref is the queue URL
    "AWS::IAM::Role": _rule("RoleName"),
    "AWS::Lambda::Function": _rule("FunctionName"),
    "AWS::KMS::Alias": _rule("AliasName"),
}


def name_rule(cfn_type: str, attribute: str | None) -> NameRule | None:
    """The rule by which ``Ref`` (``attribute`` None) or ``GetAtt`` ``attribute`` of ``cfn_type`` is its name."""
    rule = NAMED_RESOURCES.get(cfn_type)
    if rule is None:
        return None
    returns_name = rule.ref if attribute is None else attribute in rule.attributes
    return rule if returns_name else None


__all__ = ["NAMED_RESOURCES", "NameRule", "name_rule"]
