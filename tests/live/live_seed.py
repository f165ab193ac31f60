"""Seed a moto account for live-scan tests (tests only)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3


def seed_account(regions: tuple[str, ...] = ("us-east-1", "eu-west-1")) -> dict[str, str]:
    """A tagged VPC with two subnets and an RDS instance in each Region; returns the first VPC id."""
    ids: dict[str, str] = {}
    for region in regions:
        ec2 = boto3.client("ec2", region_name=region)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [
            {"Key": "Name", "Value": "app"}, {"Key": "DbPassword", "Value": "hunter2"}]}])["Vpc"]["VpcId"]
        ids.setdefault("vpc", vpc)
        zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
        for i, zone in enumerate(zones):
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=zone)
        rds = boto3.client("rds", region_name=region)
        rds.create_db_instance(DBInstanceIdentifier=f"orders-{region}", DBInstanceClass="db.t3.micro",
                               Engine="postgres", MasterUsername="u", MasterUserPassword="password1",
                               AllocatedStorage=20, MultiAZ=True, BackupRetentionPeriod=7,
                               Tags=[{"Key": "api-token", "Value": "abc"}, {"Key": "team", "Value": "orders"}])
        boto3.client("cloudwatch", region_name=region).put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "ReplicaLag", "Value": 42.0, "Unit": "Seconds",
            "Timestamp": datetime.now(timezone.utc) - timedelta(minutes=5),  # a complete period, inside the window
            "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": f"orders-{region}"}]}])
    return ids
