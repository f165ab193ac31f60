"""The EC2 collector against moto, plus recorded responses for fields moto does not serve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanner.collectors import ec2
from scanner.collectors.base import CallContext, Collected
from scanner.graph import build_graph
from scanner.model import Resource, Snapshot, Source
from scanner.model.vocabulary import ec2 as ec2_vocabulary

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
DATA = Path(__file__).parent / "data"


@pytest.fixture
def ec2_client(aws: None) -> Any:
    """A moto-backed EC2 client (the ``aws`` fixture gives fake credentials and moto)."""
    return boto3.client("ec2", region_name=REGION)


def _deny(model: Any, **_: Any) -> None:
    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorised"}}, model.name)


def collect(denied: tuple[str, ...] = (), seen: list[str] | None = None) -> tuple[Collected, CallContext]:
    """Run fetch + parse through a real CallContext; ``denied`` operations fail with AccessDenied."""

    def factory(service: str) -> Any:
        client = boto3.client(service, region_name=REGION)
        for operation in denied:
            client.meta.events.register(f"before-call.{service}.{operation}", _deny)
        if seen is not None:
            client.meta.events.register("before-call", lambda model, **_: seen.append(model.name))
        return client

    ctx = CallContext(factory, ACCOUNT, REGION, ec2.OPERATIONS)
    return ec2.parse(ec2.fetch(ctx), ACCOUNT, REGION), ctx


def snapshot_of(out: Collected, ctx: CallContext | None = None) -> Snapshot:
    return Snapshot(source=Source(kind="aws", accounts=[ACCOUNT], regions=[REGION]), resources=out.resources,
                    relations=out.relations, coverage=ctx.gaps if ctx else [])


def by_uid(snapshot: Snapshot) -> dict[str, Resource]:
    return {r.uid: r for r in snapshot.resources}


def edges(snapshot: Snapshot, kind: str) -> set[tuple[str, str]]:
    return {(r.src, r.dst) for r in snapshot.relations if r.kind == kind}


def arn(kind: str, resource_id: str) -> str:
    return ec2.ec2_arn(ACCOUNT, REGION, kind, resource_id)


def build_tiered_vpc(client: Any) -> dict[str, str]:
    """A VPC with a public subnet (IGW route, NAT) and a private subnet (default route to the NAT)."""
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    client.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "prod"}])
    public = client.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    private = client.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    isolated = client.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone="us-east-1c")["Subnet"]
    client.modify_subnet_attribute(SubnetId=public["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    igw = client.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    client.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = client.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    client.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    client.associate_route_table(RouteTableId=public_rt, SubnetId=public["SubnetId"])
    allocation = client.allocate_address(Domain="vpc")["AllocationId"]
    nat = client.create_nat_gateway(SubnetId=public["SubnetId"], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    private_rt = client.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    client.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    client.associate_route_table(RouteTableId=private_rt, SubnetId=private["SubnetId"])
    main_rt = client.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]["RouteTableId"]
    return {"vpc": vpc, "public": public["SubnetId"], "private": private["SubnetId"],
            "isolated": isolated["SubnetId"], "public_az_id": public["AvailabilityZoneId"], "igw": igw,
            "nat": nat, "public_rt": public_rt, "private_rt": private_rt, "main_rt": main_rt}


def test_vpc_subnets_and_routing(ec2_client: Any) -> None:
    ids = build_tiered_vpc(ec2_client)
    out, ctx = collect()
    snap = snapshot_of(out, ctx)
    resources = by_uid(snap)
    assert ctx.gaps == []

    vpc = resources[arn("vpc", ids["vpc"])]
    assert (vpc.type, vpc.name, vpc.account, vpc.region) == ("aws.ec2.vpc", "prod", ACCOUNT, REGION)
    assert vpc.attributes["cidr_block"] == "10.0.0.0/16"
    assert vpc.attributes["is_default"] is False
    assert vpc.attributes["tags"] == {"Name": "prod"}

    public = resources[arn("subnet", ids["public"])]
    assert public.name == ids["public"]
    assert public.attributes["availability_zone"] == "us-east-1a"
    assert public.attributes["availability_zone_id"] == ids["public_az_id"]
    assert public.attributes["map_public_ip_on_launch"] is True
    assert resources[arn("subnet", ids["private"])].attributes["map_public_ip_on_launch"] is False
    assert (arn("subnet", ids["public"]), arn("vpc", ids["vpc"])) in edges(snap, "in_vpc")

    public_rt = resources[arn("route-table", ids["public_rt"])].attributes
    assert public_rt["main"] is False
    assert public_rt["routes"] == [{"destination": "0.0.0.0/0", "target_type": "internet_gateway",
                                    "target": arn("internet-gateway", ids["igw"])}]
    private_rt = resources[arn("route-table", ids["private_rt"])].attributes
    assert private_rt["routes"] == [{"destination": "0.0.0.0/0", "target_type": "nat_gateway",
                                     "target": arn("natgateway", ids["nat"])}]
    main_rt = resources[arn("route-table", ids["main_rt"])].attributes
    assert main_rt["main"] is True
    assert main_rt["routes"] == []  # only the local route, which is skipped

    assert edges(snap, "uses_route_table") >= {
        (arn("subnet", ids["public"]), arn("route-table", ids["public_rt"])),
        (arn("subnet", ids["private"]), arn("route-table", ids["private_rt"])),
    }
    assert not any(src == arn("subnet", ids["isolated"]) for src, _ in edges(snap, "uses_route_table"))
    assert (arn("internet-gateway", ids["igw"]), arn("vpc", ids["vpc"])) in edges(snap, "attached_to")

    nat = resources[arn("natgateway", ids["nat"])]
    assert nat.attributes["state"] == "available"
    assert nat.attributes["connectivity_type"] == "public"  # moto omits it: AWS's default applies
    assert (nat.uid, arn("subnet", ids["public"])) in edges(snap, "in_subnet")


def test_graph_joins_route_targets_and_main_table(ec2_client: Any) -> None:
    ids = build_tiered_vpc(ec2_client)
    out, _ = collect()
    graph = build_graph(snapshot_of(out))
    public, private, isolated = (arn("subnet", ids[k]) for k in ("public", "private", "isolated"))
    assert graph.derived[public]["is_public"] is True
    assert graph.derived[private]["is_public"] is False
    assert graph.derived[private]["has_default_route"] is True
    assert [dst for dst, _ in graph.neighbours(private, "default_route")] == [arn("natgateway", ids["nat"])]
    assert graph.resource(arn("natgateway", ids["nat"])) is not None  # the route target resolves
    assert graph.derived[isolated]["route_table"] == arn("route-table", ids["main_rt"])
    assert graph.derived[isolated]["has_default_route"] is False


def test_security_group_rules_are_flattened_per_peer(ec2_client: Any) -> None:
    vpc = ec2_client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    app = ec2_client.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    web = ec2_client.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2_client.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "anyone v6"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}]},
    ])
    ec2_client.authorize_security_group_ingress(GroupId=app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8081, "UserIdGroupPairs": [{"GroupId": web}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ])
    out, _ = collect()
    resources = by_uid(snapshot_of(out))
    web_sg = resources[arn("security-group", web)].attributes
    assert web_sg["group_name"] == "web"
    ingress = {(r["protocol"], r["from_port"], r["to_port"], r["cidr"]) for r in web_sg["ingress"]}
    assert ingress == {("all", 0, 65535, "::/0"), ("tcp", 443, 443, "0.0.0.0/0"), ("tcp", 443, 443, "10.0.0.0/8")}
    assert [r["description"] for r in web_sg["ingress"] if r["cidr"] == "::/0"] == ["anyone v6"]
    # AWS's default egress rule of a new group: everything to 0.0.0.0/0.
    assert [(r["protocol"], r["from_port"], r["to_port"], r["cidr"]) for r in web_sg["egress"]] == [
        ("all", 0, 65535, "0.0.0.0/0")]
    app_rules = resources[arn("security-group", app)].attributes["ingress"]
    by_protocol = {r["protocol"]: r for r in app_rules}
    assert by_protocol["tcp"]["source_security_group"] == arn("security-group", web)
    assert (by_protocol["tcp"]["from_port"], by_protocol["tcp"]["to_port"], by_protocol["tcp"]["cidr"]) == (
        8080, 8081, None)
    # ICMP carries its type and code, never ports: echo request (8), any code
    assert (by_protocol["icmp"].get("from_port"), by_protocol["icmp"]["icmp_type"],
            by_protocol["icmp"]["icmp_code"]) == (None, 8, -1)


def test_network_acl_entries_and_subnet_associations(ec2_client: Any) -> None:
    vpc = ec2_client.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2_client.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    acl = ec2_client.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2_client.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="deny",
                                        Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
    ec2_client.create_network_acl_entry(NetworkAclId=acl, RuleNumber=200, Protocol="-1", RuleAction="allow",
                                        Egress=True, CidrBlock="0.0.0.0/0")
    current = ec2_client.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])["NetworkAcls"][0]
    association = next(a for a in current["Associations"] if a["SubnetId"] == subnet["SubnetId"])
    ec2_client.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                               NetworkAclId=acl)
    out, _ = collect()
    snap = snapshot_of(out)
    resources = by_uid(snap)
    custom = resources[arn("network-acl", acl)].attributes
    assert custom["is_default"] is False
    entries = {(e["rule_number"], e["egress"]): e for e in custom["entries"]}
    assert entries[(100, False)] == {"rule_number": 100, "egress": False, "action": "deny", "protocol": "tcp",
                                     "cidr": "0.0.0.0/0", "from_port": 22, "to_port": 22, "icmp_type": None,
                                     "icmp_code": None}
    assert (entries[(200, True)]["protocol"], entries[(200, True)]["from_port"], entries[(200, True)]["to_port"]) == (
        "all", 0, 65535)
    default = resources[arn("network-acl", current["NetworkAclId"])].attributes
    assert default["is_default"] is True
    assert (arn("subnet", subnet["SubnetId"]), arn("network-acl", acl)) in edges(snap, "uses_network_acl")
    assert (arn("subnet", subnet["SubnetId"]), arn("network-acl", current["NetworkAclId"])) not in edges(
        snap, "uses_network_acl")


def test_instances_without_user_data(ec2_client: Any) -> None:
    vpc = ec2_client.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2_client.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    group = ec2_client.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    secret = "export DB_PASSWORD=hunter2"
    instance = ec2_client.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet["SubnetId"],
        SecurityGroupIds=[group], UserData=secret, Monitoring={"Enabled": True},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-1"}]}],
    )["Instances"][0]["InstanceId"]
    gone = ec2_client.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                    SubnetId=subnet["SubnetId"])["Instances"][0]["InstanceId"]
    ec2_client.terminate_instances(InstanceIds=[gone])
    seen: list[str] = []
    out, _ = collect(seen=seen)
    snap = snapshot_of(out)
    resources = by_uid(snap)
    app = resources[arn("instance", instance)]
    assert app.name == "app-1"
    assert app.attributes["instance_type"] == "t3.micro"
    assert app.attributes["availability_zone"] == "us-east-1b"
    assert app.attributes["state"] == "running"
    assert app.attributes["detailed_monitoring"] is True
    assert (app.uid, arn("subnet", subnet["SubnetId"])) in edges(snap, "in_subnet")
    assert (app.uid, arn("security-group", group)) in edges(snap, "uses_security_group")
    assert (app.uid, arn("vpc", vpc)) in edges(snap, "in_vpc")
    assert arn("instance", gone) not in resources  # terminated instances are skipped
    assert "DescribeInstanceAttribute" not in seen
    assert "hunter2" not in json.dumps(snap.to_json())


def test_vpc_endpoints(ec2_client: Any) -> None:
    vpc = ec2_client.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    s1 = ec2_client.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    s2 = ec2_client.create_subnet(VpcId=vpc, CidrBlock="10.4.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    group = ec2_client.create_security_group(GroupName="vpce", Description="vpce", VpcId=vpc)["GroupId"]
    table = ec2_client.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    gateway = ec2_client.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3",
                                             RouteTableIds=[table])["VpcEndpoint"]["VpcEndpointId"]
    interface = ec2_client.create_vpc_endpoint(
        VpcId=vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.sqs",
        SubnetIds=[s1["SubnetId"], s2["SubnetId"]], SecurityGroupIds=[group])["VpcEndpoint"]["VpcEndpointId"]
    out, _ = collect()
    snap = snapshot_of(out)
    resources = by_uid(snap)
    assert resources[arn("vpc-endpoint", gateway)].attributes["endpoint_type"] == "Gateway"
    endpoint = resources[arn("vpc-endpoint", interface)]
    assert endpoint.attributes["endpoint_type"] == "Interface"
    assert endpoint.attributes["service_name"] == "com.amazonaws.us-east-1.sqs"
    assert {dst for src, dst in edges(snap, "in_subnet") if src == endpoint.uid} == {
        arn("subnet", s1["SubnetId"]), arn("subnet", s2["SubnetId"])}
    assert (endpoint.uid, arn("security-group", group)) in edges(snap, "uses_security_group")
    # The gateway endpoint's prefix-list route points at the endpoint's uid.
    routes = resources[arn("route-table", table)].attributes["routes"]
    assert [(r["target_type"], r["target"]) for r in routes] == [("vpc_endpoint", arn("vpc-endpoint", gateway))]
    assert routes[0]["destination"].startswith("pl-")
    zones = build_graph(snap).derived[endpoint.uid]["availability_zones"]
    assert zones == ["us-east-1a", "us-east-1b"]


def test_denied_call_records_a_gap_and_the_rest_is_collected(ec2_client: Any) -> None:
    ids = build_tiered_vpc(ec2_client)
    out, ctx = collect(denied=("DescribeNatGateways", "DescribeRouteTables"))
    assert sorted((g.operation, g.error, tuple(g.resource_types), g.service) for g in ctx.gaps) == [
        ("DescribeNatGateways", "AccessDenied", ("aws.ec2.nat_gateway",), "ec2"),
        ("DescribeRouteTables", "AccessDenied", ("aws.ec2.route_table",), "ec2"),
    ]
    snap = snapshot_of(out, ctx)
    types = {r.type for r in snap.resources}
    assert "aws.ec2.nat_gateway" not in types
    assert "aws.ec2.route_table" not in types
    subnet = by_uid(snap)[arn("subnet", ids["private"])]
    assert subnet.unknown_relations == {"uses_route_table": "DescribeRouteTables: AccessDenied"}
    graph = build_graph(snap)
    assert "is_public" not in graph.derived[subnet.uid]
    assert graph.derived_unknown[subnet.uid]["is_public"].startswith("route table association unknown")


def test_recorded_responses_for_fields_moto_lacks() -> None:
    """moto has no NAT ConnectivityType, transit-gateway/peering/egress-only routes, prefix-list or
    cross-account SG peers, IPv6 NACL entries; this recorded ``fetch`` output (AWS response shapes)
    covers them."""
    raw = json.loads((DATA / "net_ec2_raw.json").read_text())
    snap = snapshot_of(ec2.parse(raw, ACCOUNT, REGION))
    resources = by_uid(snap)

    nats = {r.uid: r.attributes for r in snap.resources if r.type == "aws.ec2.nat_gateway"}
    assert nats == {arn("natgateway", "nat-0private"): {"tags": {}, "connectivity_type": "private",
                                                        "state": "available"}}  # the deleted one is skipped

    table = resources[arn("route-table", "rtb-0mixed")].attributes
    assert table["main"] is True
    routes = {r["destination"]: (r["target_type"], r["target"]) for r in table["routes"]}
    assert routes == {
        "0.0.0.0/0": ("nat_gateway", arn("natgateway", "nat-0private")),
        "::/0": ("egress_only_internet_gateway", arn("egress-only-internet-gateway", "eigw-0abc")),
        "10.50.0.0/16": ("transit_gateway", arn("transit-gateway", "tgw-0abc")),
        "10.60.0.0/16": ("vpc_peering", arn("vpc-peering-connection", "pcx-0abc")),
        "10.70.0.0/16": ("instance", arn("instance", "i-0nat")),
        "10.80.0.0/16": ("vpn_gateway", arn("vpn-gateway", "vgw-0abc")),
        "10.90.0.0/16": ("other", "lgw-rtb-or-cagw"),
    }
    # A disassociated association gives no edge; the live one does.
    assert edges(snap, "uses_route_table") == {(arn("subnet", "subnet-0live"), arn("route-table", "rtb-0mixed"))}

    rules = resources[arn("security-group", "sg-0edge")].attributes["ingress"]
    assert {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": None, "source_security_group": None,
            "prefix_list": "pl-0cloudfront", "description": "CloudFront", "icmp_type": None,
            "icmp_code": None} in rules
    peer = next(r for r in rules if r["source_security_group"])
    assert peer["source_security_group"] == ec2.ec2_arn("999988887777", REGION, "security-group", "sg-0peer")
    assert peer["protocol"] == "udp"

    entries = resources[arn("network-acl", "acl-0v6")].attributes["entries"]
    assert {"rule_number": 101, "egress": False, "action": "allow", "protocol": "tcp", "cidr": "::/0",
            "from_port": 443, "to_port": 443, "icmp_type": None, "icmp_code": None} in entries
    assert {"rule_number": 32767, "egress": False, "action": "deny", "protocol": "all", "cidr": "0.0.0.0/0",
            "from_port": 0, "to_port": 65535, "icmp_type": None, "icmp_code": None} in entries
    assert [e["protocol"] for e in entries if e["rule_number"] == 110] == ["icmpv6"]

    instance = resources[arn("instance", "i-0nat")]
    assert instance.attributes["public_ip"] == "203.0.113.10"
    assert instance.attributes["detailed_monitoring"] is False
    assert {dst for src, dst in edges(snap, "uses_security_group") if src == instance.uid} == {
        arn("security-group", "sg-0edge"), arn("security-group", "sg-0eni")}
    assert arn("vpc-endpoint", "vpce-0deleted") not in resources


def test_instances_are_read_over_every_page() -> None:
    """moto ignores MaxResults for DescribeInstances paging, so pages are recorded with a Stubber."""
    client = boto3.client("ec2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    page = {"Instances": [{"InstanceId": "i-0001", "State": {"Name": "running"}}]}
    stubber.add_response("describe_instances", {"Reservations": [page], "NextToken": "t1"}, {})
    stubber.add_response("describe_instances", {"Reservations": [
        {"Instances": [{"InstanceId": "i-0002", "State": {"Name": "stopped"}}]}]}, {"NextToken": "t1"})
    ctx = CallContext(lambda _: client, ACCOUNT, REGION, ec2.OPERATIONS)
    with stubber:
        reservations = ctx.paginate("ec2", "DescribeInstances", "Reservations")
    out = ec2.parse({"reservations": reservations}, ACCOUNT, REGION)
    assert [(r.uid, r.attributes["state"]) for r in out.resources] == [
        (arn("instance", "i-0001"), "running"), (arn("instance", "i-0002"), "stopped")]
    assert ctx.api_calls == 2


def test_arn_helpers() -> None:
    assert ec2.ec2_arn(ACCOUNT, REGION, "subnet", "subnet-1") == f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-1"
    assert ec2.ec2_arn_for_id(ACCOUNT, REGION, "sg-0abc") == arn("security-group", "sg-0abc")
    assert ec2.ec2_arn_for_id(ACCOUNT, REGION, "i-0abc") == arn("instance", "i-0abc")
    assert ec2.ec2_arn_for_id(ACCOUNT, REGION, "nat-0abc") == arn("natgateway", "nat-0abc")
    with pytest.raises(ValueError, match="unrecognised"):
        ec2.ec2_arn_for_id(ACCOUNT, REGION, "bogus-0abc")


def test_operations_cover_every_ec2_type_under_service_prefixed_keys() -> None:
    assert all(key.startswith("ec2:") for key in ec2.OPERATIONS)
    fed = {t for types in ec2.OPERATIONS.values() for t in types}
    assert fed == {model.type_name for model in ec2_vocabulary.MODELS}
