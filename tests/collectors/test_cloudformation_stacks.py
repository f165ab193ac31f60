"""CloudFormation collector: stacks with their logical id -> physical id mapping; failures kept as unknown."""

from __future__ import annotations

import json

import boto3

from scanner.collectors import cloudformation
from scanner.collectors.base import CallContext

REGION = "us-east-1"
TEMPLATE = {"Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
    "Orders": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": "cfn-orders", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}},
}}


def _context() -> CallContext:
    return CallContext(lambda service: boto3.client(service, region_name=REGION), "123456789012", REGION,
                       {"DescribeStacks": ("aws.cloudformation.stack",)})


def test_stacks_map_logical_ids_to_physical_ids(aws: None) -> None:
    client = boto3.client("cloudformation", region_name=REGION)
    client.create_stack(StackName="app", TemplateBody=json.dumps(TEMPLATE), Tags=[{"Key": "team", "Value": "db"}])
    client.create_stack(StackName="gone", TemplateBody=json.dumps({"Resources": {
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}}}))
    client.delete_stack(StackName="gone")
    ctx = _context()
    [stack] = cloudformation.parse(cloudformation.fetch(ctx), ctx.account, REGION).resources
    assert ctx.gaps == []
    assert stack.type == "aws.cloudformation.stack" and stack.name == "app"
    assert stack.uid.startswith(f"arn:aws:cloudformation:{REGION}:123456789012:stack/app/")
    assert stack.attributes["status"] == "CREATE_COMPLETE" and stack.attributes["tags"] == {"team": "db"}
    mapping = {r["logical_id"]: (r["physical_id"], r["cfn_type"]) for r in stack.attributes["resources"]}
    assert mapping["Orders"] == ("cfn-orders", "AWS::DynamoDB::Table")
    assert mapping["Vpc"][0].startswith("vpc-") and mapping["Vpc"][1] == "AWS::EC2::VPC"


def test_unlisted_resources_are_unknown_with_the_reason() -> None:
    raw = {"stacks": [{"stack": {"StackName": "app", "StackId": "arn:aws:cloudformation:us-east-1:1:stack/app/x",
                                 "StackStatus": "UPDATE_COMPLETE"},
                       "error": "ListStackResources: AccessDenied"}]}
    [stack] = cloudformation.parse(raw, "1", REGION).resources
    assert "resources" not in stack.attributes
    assert stack.unknown == {"resources": "stack resources not listed: ListStackResources: AccessDenied"}


def test_describe_failure_is_a_coverage_gap(aws: None) -> None:
    ctx = CallContext(lambda service: boto3.client(service, region_name=REGION, aws_access_key_id="x",
                                                   aws_secret_access_key="y", endpoint_url="http://127.0.0.1:9"),
                      "123456789012", REGION, {"DescribeStacks": ("aws.cloudformation.stack",)})
    assert cloudformation.parse(cloudformation.fetch(ctx), ctx.account, REGION).resources == []
    assert [(g.operation, g.resource_types) for g in ctx.gaps] == [("DescribeStacks", ["aws.cloudformation.stack"])]
