"""Seed a moto account with a realistic two-region architecture: compliant and non-compliant resources.

Used by the end-to-end test and by ``benchmarks/live_scan.py``. ``EXPECTED`` lists the verdict of
each pack policy per (region, resource name).
"""

from __future__ import annotations

from typing import Any

import boto3

PRIMARY, DR = "us-east-1", "us-west-2"

# (policy id, region, resource name) -> status
EXPECTED: dict[tuple[str, str, str], str] = {
    ("subnet-no-auto-public-ip", PRIMARY, "pub-a"): "pass",
    ("subnet-no-auto-public-ip", PRIMARY, "legacy-pub"): "fail",
    ("nat-gw-per-az", PRIMARY, "app-a"): "pass",
    ("nat-gw-per-az", PRIMARY, "app-b"): "fail",
    ("sg-data-ports-not-open-to-world", PRIMARY, "web"): "pass",
    ("sg-data-ports-not-open-to-world", PRIMARY, "db"): "pass",
    ("sg-data-ports-not-open-to-world", PRIMARY, "legacy-admin"): "fail",
    ("data-tier-private-subnets", PRIMARY, "data"): "pass",
    ("data-tier-private-subnets", PRIMARY, "mixed"): "fail",
    ("data-tier-private-subnets", PRIMARY, "cache"): "pass",
    ("rds-instance-multi-az", PRIMARY, "orders"): "pass",
    ("rds-instance-multi-az", PRIMARY, "reporting"): "fail",
    ("rds-backup-retention", PRIMARY, "orders"): "pass",
    ("rds-backup-retention", PRIMARY, "reporting"): "fail",
    ("rds-not-publicly-accessible", PRIMARY, "orders"): "pass",
    ("rds-not-publicly-accessible", PRIMARY, "reporting"): "fail",
    ("db-replica-other-region", PRIMARY, "orders"): "pass",
    ("db-replica-other-region", PRIMARY, "reporting"): "fail",
    ("rds-replica-lag", DR, "orders-replica"): "pass",
    ("aurora-cluster-multi-az", PRIMARY, "ledger"): "pass",
    ("aurora-cluster-multi-az", PRIMARY, "ledger-single"): "fail",
    ("elasticache-multi-az", PRIMARY, "sessions"): "pass",
    ("elasticache-multi-az", PRIMARY, "scratch"): "fail",
    ("redis-auto-failover", PRIMARY, "sessions"): "pass",
    ("redis-auto-failover", PRIMARY, "scratch"): "fail",
    ("dynamodb-pitr", PRIMARY, "orders"): "pass",
    ("dynamodb-pitr", PRIMARY, "audit"): "fail",
    ("dynamodb-pitr", DR, "west-orders"): "pass",
    ("lb-multi-az", PRIMARY, "web"): "pass",
    ("lb-multi-az", PRIMARY, "internal-one"): "fail",
    ("asg-multi-az", PRIMARY, "web"): "pass",
    ("asg-multi-az", PRIMARY, "batch"): "fail",
    # the primary Region alone: no store recovers from a Region loss
    ("rpo-estimate-meets-target", PRIMARY, "ledger"): "fail",
    ("rpo-estimate-meets-target", PRIMARY, "ledger-single"): "fail",
    ("rpo-estimate-meets-target", PRIMARY, "reporting"): "fail",
    ("rpo-estimate-meets-target", PRIMARY, "sessions"): "fail",
    ("rpo-estimate-meets-target", PRIMARY, "audit"): "fail",
    ("rpo-estimate-meets-target", PRIMARY, "scratch"): "fail",
    ("rto-estimate-meets-target", PRIMARY, "ledger"): "fail",
    ("rto-estimate-meets-target", PRIMARY, "ledger-single"): "fail",
    ("rto-estimate-meets-target", PRIMARY, "reporting"): "fail",
    ("rto-estimate-meets-target", PRIMARY, "sessions"): "fail",
    ("rto-estimate-meets-target", PRIMARY, "audit"): "fail",
    ("rto-estimate-meets-target", PRIMARY, "scratch"): "fail",
}


def _tag(name: str) -> list[dict[str, Any]]:
    return [{"Key": "Name", "Value": name}]


def _spec(kind: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tag(name)}]


class Seeder:
    """Creates the architecture through boto3 clients (moto server or in-process mock)."""

    def __init__(self, session: boto3.Session, endpoint_url: str | None = None) -> None:
        self.session = session
        self.endpoint_url = endpoint_url

    def client(self, service: str, region: str) -> Any:
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint_url)

    def network(self, region: str, cidr: str = "10.0.0.0/16") -> dict[str, str]:
        """VPC with public, app (NAT in AZ a only) and isolated data subnets; returns ids by name."""
        ec2 = self.client("ec2", region)
        ids: dict[str, str] = {}
        vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_spec("vpc", "main"))["Vpc"]["VpcId"]
        ids["vpc"] = vpc
        igw = ec2.create_internet_gateway(TagSpecifications=_spec("internet-gateway", "igw"))
        igw_id = igw["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
        prefix = cidr.split(".")[0] + "." + cidr.split(".")[1]
        layout = [("pub-a", "a", 0), ("pub-b", "b", 1), ("legacy-pub", "c", 2), ("app-a", "a", 10),
                  ("app-b", "b", 11), ("data-a", "a", 20), ("data-b", "b", 21)]
        for name, zone, octet in layout:
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{octet}.0/24", AvailabilityZone=region + zone,
                                       TagSpecifications=_spec("subnet", name))["Subnet"]["SubnetId"]
            ids[name] = subnet
        ec2.modify_subnet_attribute(SubnetId=ids["legacy-pub"], MapPublicIpOnLaunch={"Value": True})
        public = ec2.create_route_table(VpcId=vpc, TagSpecifications=_spec("route-table", "public"))
        public_id = public["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=public_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
        for name in ("pub-a", "pub-b", "legacy-pub"):
            ec2.associate_route_table(RouteTableId=public_id, SubnetId=ids[name])
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=ids["pub-a"], AllocationId=eip,
                                     TagSpecifications=_spec("natgateway", "nat-a"))["NatGateway"]["NatGatewayId"]
        app = ec2.create_route_table(VpcId=vpc, TagSpecifications=_spec("route-table", "app"))
        app_id = app["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=app_id, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        for name in ("app-a", "app-b"):
            ec2.associate_route_table(RouteTableId=app_id, SubnetId=ids[name])
        data = ec2.create_route_table(VpcId=vpc, TagSpecifications=_spec("route-table", "data"))
        for name in ("data-a", "data-b"):
            ec2.associate_route_table(RouteTableId=data["RouteTable"]["RouteTableId"], SubnetId=ids[name])
        return ids

    def security_groups(self, region: str, vpc: str) -> dict[str, str]:
        ec2 = self.client("ec2", region)
        groups = {}
        for name in ("web", "db", "legacy-admin"):
            groups[name] = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc,
                                                     TagSpecifications=_spec("security-group", name))["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=groups["web"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ec2.authorize_security_group_ingress(GroupId=groups["db"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": groups["web"]}]}])
        ec2.authorize_security_group_ingress(GroupId=groups["legacy-admin"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        return groups

    def primary(self) -> dict[str, str]:
        """us-east-1: everything; returns ids by name."""
        region = PRIMARY
        ids = self.network(region)
        groups = self.security_groups(region, ids["vpc"])
        rds = self.client("rds", region)
        rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data",
                                   SubnetIds=[ids["data-a"], ids["data-b"]])
        rds.create_db_subnet_group(DBSubnetGroupName="mixed", DBSubnetGroupDescription="mixed",
                                   SubnetIds=[ids["data-a"], ids["pub-b"]])
        common = {"Engine": "postgres", "DBInstanceClass": "db.t3.micro", "AllocatedStorage": 20,
                  "MasterUsername": "admin", "MasterUserPassword": "NeverPrintMe-1234"}
        orders = rds.create_db_instance(DBInstanceIdentifier="orders", MultiAZ=True, BackupRetentionPeriod=7,
                                        DBSubnetGroupName="data", PubliclyAccessible=False,
                                        VpcSecurityGroupIds=[groups["db"]], **common)
        rds.create_db_instance(DBInstanceIdentifier="reporting", MultiAZ=False, BackupRetentionPeriod=1,
                               DBSubnetGroupName="mixed", PubliclyAccessible=True, **common)
        ids["orders-arn"] = orders["DBInstance"]["DBInstanceArn"]
        for cluster, zones in (("ledger", ("a", "b")), ("ledger-single", ("a",))):
            rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-postgresql", MasterUsername="admin",
                                  MasterUserPassword="NeverPrintMe-1234", DBSubnetGroupName="data",
                                  BackupRetentionPeriod=7)
            for index, zone in enumerate(zones):
                rds.create_db_instance(DBInstanceIdentifier=f"{cluster}-{index}", DBClusterIdentifier=cluster,
                                       Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
                                       AvailabilityZone=region + zone)
        cache = self.client("elasticache", region)
        cache.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="cache",
                                        SubnetIds=[ids["data-a"], ids["data-b"]])
        cache.create_replication_group(ReplicationGroupId="sessions", ReplicationGroupDescription="sessions",
                                       Engine="redis", CacheNodeType="cache.t3.micro", ReplicasPerNodeGroup=1,
                                       AutomaticFailoverEnabled=True, MultiAZEnabled=True,
                                       PreferredCacheClusterAZs=[region + "a", region + "b"],
                                       CacheSubnetGroupName="cache")
        cache.create_replication_group(ReplicationGroupId="scratch", ReplicationGroupDescription="scratch",
                                       Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1,
                                       AutomaticFailoverEnabled=False, CacheSubnetGroupName="cache")
        self.tables(region, {"orders": True, "audit": False})
        elbv2 = self.client("elbv2", region)
        elbv2.create_load_balancer(Name="web", Subnets=[ids["pub-a"], ids["pub-b"]], SecurityGroups=[groups["web"]],
                                   Scheme="internet-facing", Type="application")
        elbv2.create_load_balancer(Name="internal-one", Subnets=[ids["app-a"]], Scheme="internal", Type="network")
        ec2 = self.client("ec2", region)
        template = ec2.create_launch_template(LaunchTemplateName="app", LaunchTemplateData={
            "ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
        autoscaling = self.client("autoscaling", region)
        for name, subnets in (("web", ["app-a", "app-b"]), ("batch", ["app-a"])):
            autoscaling.create_auto_scaling_group(
                AutoScalingGroupName=name, MinSize=0, MaxSize=4, DesiredCapacity=0,
                LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
                VPCZoneIdentifier=",".join(ids[s] for s in subnets))
        return ids

    def tables(self, region: str, tables: dict[str, bool]) -> None:
        dynamodb = self.client("dynamodb", region)
        for name, pitr in tables.items():
            dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            if pitr:
                dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
                    "PointInTimeRecoveryEnabled": True})

    def dr(self, orders_arn: str) -> None:
        """us-west-2: a cross-region read replica of ``orders`` with lag metrics, and a table."""
        region = DR
        ids = self.network(region, "10.1.0.0/16")
        rds = self.client("rds", region)
        rds.create_db_subnet_group(DBSubnetGroupName="dr-data", DBSubnetGroupDescription="dr",
                                   SubnetIds=[ids["data-a"], ids["data-b"]])
        rds.create_db_instance_read_replica(DBInstanceIdentifier="orders-replica",
                                            SourceDBInstanceIdentifier=orders_arn, DBInstanceClass="db.t3.micro")
        self.tables(region, {"west-orders": True})
        import datetime as dt

        now = dt.datetime.now(dt.timezone.utc)
        cloudwatch = self.client("cloudwatch", region)
        cloudwatch.put_metric_data(Namespace="AWS/RDS", MetricData=[
            {"MetricName": "ReplicaLag", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "orders-replica"}],
             "Timestamp": now - dt.timedelta(minutes=m), "Value": v, "Unit": "Seconds"}
            for m, v in ((30, 4.0), (20, 12.0), (10, 7.0))])

    def seed(self) -> dict[str, str]:
        ids = self.primary()
        self.dr(ids["orders-arn"])
        return ids
