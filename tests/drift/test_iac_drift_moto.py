"""IaC against live: a CloudFormation stack and a Terraform state applied to moto, then changed behind their back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from drift_helpers import _env, haguard, reset_moto
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ACCOUNT = "123456789012"
TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.20.0.0/16}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.20.1.0/24, AvailabilityZone: us-east-1a}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.20.2.0/24, AvailabilityZone: us-east-1b}
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      AllocatedStorage: '20'
      MasterUsername: admin
      MasterUserPassword: NeverPrintMe-cfn
      MultiAZ: true
      BackupRetentionPeriod: 7
      PubliclyAccessible: false
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: cfn-orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
"""
TERRAFORM = """
provider "aws" { region = "us-east-1" }
variable "zone" { type = string }
resource "aws_vpc" "main" { cidr_block = "10.30.0.0/16" }
resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.30.${count.index}.0/24"
  availability_zone = var.zone
}
resource "aws_dynamodb_table" "jobs" {
  name         = "tf-jobs"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  point_in_time_recovery { enabled = true }
}
"""


def _apply_terraform(session: boto3.Session, endpoint: str, directory: Path) -> dict[str, str]:
    """What ``terraform apply`` would do, through boto3, and the state file it would write."""
    ec2 = session.client("ec2", region_name=REGION, endpoint_url=endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"{REGION}a")
               ["Subnet"]["SubnetId"] for i in range(2)]
    dynamodb = session.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    table = dynamodb.create_table(TableName="tf-jobs", BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])["TableDescription"]
    dynamodb.update_continuous_backups(TableName="tf-jobs", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})

    def resource(kind: str, name: str, instances: list[dict[str, Any]]) -> dict[str, Any]:
        return {"mode": "managed", "type": kind, "name": name, "instances": instances,
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]'}

    state = {"version": 4, "terraform_version": "1.9.0", "serial": 3, "lineage": "test", "outputs": {},
             "resources": [
                 resource("aws_vpc", "main", [{"attributes": {
                     "id": vpc, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc}"}}]),
                 resource("aws_subnet", "app", [{"index_key": i, "attributes": {
                     "id": s, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s}"}} for i, s in enumerate(subnets)]),
                 resource("aws_dynamodb_table", "jobs", [{"attributes": {
                     "id": "tf-jobs", "arn": table["TableArn"], "name": "tf-jobs"}}]),
             ]}
    (directory / "main.tf").write_text(TERRAFORM)
    (directory / "terraform.tfstate").write_text(json.dumps(state))
    return {"vpc": vpc, "subnet0": subnets[0], "subnet1": subnets[1]}


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    reset_moto(endpoint)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    home = tmp_path_factory.mktemp("iac")
    template = home / "stack.yaml"
    template.write_text(TEMPLATE)
    session.client("cloudformation", region_name=REGION, endpoint_url=endpoint).create_stack(
        StackName="orders", TemplateBody=TEMPLATE)
    tf = home / "tf"
    tf.mkdir()
    ids = _apply_terraform(session, endpoint, tf)
    # behind their back
    ec2 = session.client("ec2", region_name=REGION, endpoint_url=endpoint)
    rds = session.client("rds", region_name=REGION, endpoint_url=endpoint)
    [db] = rds.describe_db_instances()["DBInstances"]
    rds.modify_db_instance(DBInstanceIdentifier=db["DBInstanceIdentifier"], MultiAZ=False, ApplyImmediately=True)
    stack_resources = session.client("cloudformation", region_name=REGION, endpoint_url=endpoint
                                     ).list_stack_resources(StackName="orders")["StackResourceSummaries"]
    ec2.delete_subnet(SubnetId=next(r["PhysicalResourceId"] for r in stack_resources
                                    if r["LogicalResourceId"] == "SubnetB"))
    ec2.delete_subnet(SubnetId=ids["subnet1"])
    dynamodb = session.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    dynamodb.update_continuous_backups(TableName="tf-jobs", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": False})
    dynamodb.create_table(TableName="hand-made", BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    env = _env(endpoint, home)
    result = haguard(["drift", "--iac", str(template), str(tf), "--live", "--region", REGION, "--format", "json",
                      "--fail-on-drift"], env)
    yield {"result": result, "report": json.loads(result.stdout or "{}"), "template": str(template), "env": env,
           "home": home, "tf": tf}
    reset_moto(endpoint)
    server.stop()


def _changes(report: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Any]]:
    return {(m["iac"]["uid"].rsplit("#", 1)[-1], c["path"]): (c["before"], c["after"])
            for m in report["drifted"] for c in m["changes"]}


def test_changed_attributes_missing_and_unmanaged(drifted: dict[str, Any]) -> None:
    result, report = drifted["result"], drifted["report"]
    assert result.returncode == 1, result.stderr  # --fail-on-drift
    assert _changes(report) == {("Db", "multi_az"): (True, False),
                                ("aws_dynamodb_table.jobs", "pitr_enabled"): (True, False),
                                # with PITR on, AWS keeps 35 days; with it off, no recovery period
                                ("aws_dynamodb_table.jobs", "pitr_recovery_period_days"): (35, None)}
    matched = {m["iac"]["uid"].rsplit("#", 1)[-1]: m["matched_by"] for m in report["drifted"] + report["in_sync"]}
    assert matched["Db"].startswith("stack orders logical id Db")
    assert matched["Orders"].startswith("stack orders")
    assert matched["aws_subnet.app[0]"].startswith("Terraform state id")
    assert {"Vpc", "SubnetA", "aws_vpc.main"} <= set(matched)
    missing = {m["iac"]["uid"].rsplit("#", 1)[-1]: m["reason"] for m in report["missing"]}
    assert set(missing) == {"SubnetB", "aws_subnet.app[1]"}
    assert "not in the live scan" in missing["SubnetB"]
    unmanaged_tables = {r["name"] for r in report["unmanaged"]["aws.dynamodb.table"]}
    assert unmanaged_tables == {"hand-made"}
    assert "aws.cloudformation.stack" not in report["unmanaged"]
    assert any("stack orders" in note for note in report["notes"])


def test_unknown_iac_values_are_unverifiable_not_drift(drifted: dict[str, Any]) -> None:
    report = drifted["report"]
    unverifiable = {(u["iac_uid"], u["path"]) for u in report["unverifiable"]}
    assert ("aws_subnet.app[0]", "availability_zone") in unverifiable  # var.zone has no value
    assert not any(c["path"] == "availability_zone" for m in report["drifted"] for c in m["changes"])


def test_no_secret_in_any_format(drifted: dict[str, Any]) -> None:
    assert "NeverPrintMe" not in drifted["result"].stdout
    for fmt in ("rich", "markdown", "html"):
        result = haguard(["drift", "--iac", drifted["template"], "--live", "--region", REGION, "--format", fmt],
                         drifted["env"])
        assert result.returncode == 0, result.stderr  # no --fail-on-drift
        assert "NeverPrintMe" not in result.stdout and "multi_az" in result.stdout


def test_explicit_stack_and_saved_snapshot(drifted: dict[str, Any]) -> None:
    env, home = drifted["env"], drifted["home"]
    saved = home / "live.json"
    assert haguard(["scan", "--region", REGION, "--save", str(saved), "--format", "json"], env).returncode in (0, 1)
    result = haguard(["drift", "--iac", drifted["template"], "--snapshot", str(saved), "--stack",
                      "stack.yaml=orders", "--format", "json"], env)
    report = json.loads(result.stdout)
    assert _changes(report) == {("Db", "multi_az"): (True, False)}
    assert any("(--stack)" in note for note in report["notes"])
    wrong = haguard(["drift", "--iac", drifted["template"], "--snapshot", str(saved), "--stack", "stack.yaml=nope",
                     "--format", "json"], env)
    report = json.loads(wrong.stdout)
    assert report["drifted"] == [] and any("not in the live scan" in note for note in report["notes"])


@pytest.mark.parametrize(("args", "fragment"), [
    (["--iac", "STATE", "--snapshot", "x.json"], "declares nothing by itself"),
    (["--iac", "TEMPLATE"], "exactly one of --live or --snapshot"),
    (["--iac", "TEMPLATE", "--snapshot", "missing.json"], "missing.json"),
    (["--iac", "TEMPLATE", "--snapshot", "x.json", "--stack", "nostack"], "TEMPLATE=STACK"),
    (["A", "B", "--iac", "TEMPLATE", "--live"], "not both"),
])
def test_bad_iac_drift_input_is_one_line_exit_2(drifted: dict[str, Any], args: list[str], fragment: str) -> None:
    state = str(drifted["tf"] / "terraform.tfstate")
    args = [a.replace("STATE", state).replace("TEMPLATE", drifted["template"]) for a in args]
    result = haguard(["drift", *args], drifted["env"])
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
