"""EC2 networking and compute: VPCs, subnets, routing, gateways, security groups, NACLs, instances, flow logs."""


from typing import Any, ClassVar

from pydantic import model_validator

from .. import normalise
from ._base import LIVE_ONLY, PLACED, Attributes, Item
from ._fields import Hook, Live, attr, rel
from .edge import configured

VPC = "aws.ec2.vpc"
SUBNET = "aws.ec2.subnet"
SECURITY_GROUP = "aws.ec2.security_group"
_EC2_ARN = "arn:aws:ec2:{region}:{account}:"


class Vpc(Attributes):
    """A VPC (``ec2.describe_vpcs``; ``AWS::EC2::VPC``; ``aws_vpc``)."""

    type_name: ClassVar[str] = VPC
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::VPC",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_vpc",)
    live: ClassVar[Live] = Live("ec2:DescribeVpcs", _EC2_ARN + "vpc/{id}", id="VpcId")
    derived: ClassVar[dict[str, str]] = {
        "zones_without_public_subnet": "Sorted AZs in which the VPC has a private subnet but no public one "
        "(public = `is_public`); unknown when a subnet's zone or tier is.",
        "zones_without_private_subnet": "Sorted AZs in which the VPC has a public subnet but no private one.",
    }

    cidr_block: str | None = attr(None, "Primary IPv4 CIDR (`CidrBlock`).",
                                  cfn="CidrBlock", tf="cidr_block", live="CidrBlock")
    is_default: bool = attr(False, "`IsDefault`; only the account's default VPC is true.", live="IsDefault",
                            why="IaC declares new VPCs, never the account's default one (live only)")


class Subnet(Attributes):
    """A subnet (``ec2.describe_subnets``; ``AWS::EC2::Subnet``; ``aws_subnet``)."""

    type_name: ClassVar[str] = SUBNET
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::Subnet",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_subnet",)
    live: ClassVar[Live] = Live("ec2:DescribeSubnets", _EC2_ARN + "subnet/{id}", id="SubnetId")
    relations = (rel("in_vpc", VPC, cfn="VpcId", tf="vpc_id", live="VpcId"),)
    derived: ClassVar[dict[str, str]] = {
        "is_public": "True when the subnet's effective route table (explicit association, else the "
        "VPC's main table) sends a default route to an internet gateway. A NAT route does not "
        "make a subnet public.",
        "has_default_route": "True when the effective route table has a default route: destinations compared "
        "as networks, a /0 in any spelling or routes that together cover 0.0.0.0/0 or ::/0.",
        **PLACED,
    }

    availability_zone: str | None = attr(
        None, "`AvailabilityZone`; IaC may give a symbolic zone such as `{region}#az1`.",
        cfn="AvailabilityZone", tf="availability_zone", live="AvailabilityZone")
    availability_zone_id: str | None = attr(None, "`AvailabilityZoneId` (e.g. use1-az1).",
                                            cfn="AvailabilityZoneId", tf="availability_zone_id",
                                            live="AvailabilityZoneId",
                                            chosen_by_aws="AWS maps zone names to zone ids per account")
    cidr_block: str | None = attr(None, "`CidrBlock`.", cfn="CidrBlock", tf="cidr_block", live="CidrBlock")
    map_public_ip_on_launch: bool = attr(
        False, "`MapPublicIpOnLaunch`; AWS default false (true only in default subnets).",
        cfn="MapPublicIpOnLaunch", tf="map_public_ip_on_launch", live="MapPublicIpOnLaunch")
    available_ip_count: int | None = attr(None, "`AvailableIpAddressCount` (live only).",
                                          live="AvailableIpAddressCount", why=LIVE_ONLY, volatile=True)


class Route(Item):
    """One route of a route table."""

    destination: str = attr(..., "Destination CIDR (IPv4 or IPv6) or prefix-list id.")
    target_type: str = attr(
        ..., "Normalised target kind: internet_gateway, egress_only_internet_gateway, nat_gateway, instance, "
        "network_interface, transit_gateway, vpc_peering, vpc_endpoint, local, vpn_gateway or other.")
    target: str | None = attr(None, "Target id (igw-…, nat-…) or IaC reference.")


class RouteTable(Attributes):
    """A route table (``ec2.describe_route_tables``; ``AWS::EC2::RouteTable`` + ``AWS::EC2::Route``)."""

    type_name: ClassVar[str] = "aws.ec2.route_table"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::RouteTable",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_route_table", "aws_default_route_table")
    live: ClassVar[Live] = Live("ec2:DescribeRouteTables", _EC2_ARN + "route-table/{id}", id="RouteTableId")
    relations = (rel("in_vpc", VPC, cfn="VpcId", tf="vpc_id", live="VpcId"),)

    main: bool = attr(False, "True for the VPC's main route table (`Associations[].Main`).",
                      cfn=Hook("main_route_table"), tf=Hook("main_route_table"), live=Hook("route_tables"))
    routes: list[Route] = attr([], "Routes other than `local`.",
                               cfn=Hook("routes"), tf=Hook("routes"), live=Hook("route_tables"))


class InternetGateway(Attributes):
    """An internet gateway; ``attached_to`` its VPC."""

    type_name: ClassVar[str] = "aws.ec2.internet_gateway"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::InternetGateway",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_internet_gateway",)
    live: ClassVar[Live] = Live("ec2:DescribeInternetGateways", _EC2_ARN + "internet-gateway/{id}",
                                id="InternetGatewayId")
    relations = (rel("attached_to", VPC, cfn=Hook("gateway_attachment"), tf="vpc_id",
                     live="Attachments[State=available].VpcId|Attachments[State=attached].VpcId"),)


class NatGateway(Attributes):
    """A NAT gateway; ``in_subnet`` the subnet it lives in."""

    type_name: ClassVar[str] = "aws.ec2.nat_gateway"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::NatGateway",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_nat_gateway",)
    live: ClassVar[Live] = Live("ec2:DescribeNatGateways", _EC2_ARN + "natgateway/{id}", id="NatGatewayId")
    relations = (rel("in_subnet", SUBNET, cfn="SubnetId", tf="subnet_id", live="SubnetId"),)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    connectivity_type: str = attr("public", "`ConnectivityType`; AWS default public.",
                                  cfn="ConnectivityType", tf="connectivity_type", live="ConnectivityType")
    state: str | None = attr(None, "`State` (available, pending...; live only).", live="State", why=LIVE_ONLY,
                             volatile=True)


def _normalised_rule(data: Any) -> Any:
    """A rule or entry as the sources write it, whoever wrote it: protocol by name (``6`` -> ``tcp``,
    ``-1`` -> ``all``), and tcp/udp/all ports ``-1`` or omitted as 0-65535, so that a hand-written
    snapshot or policy case reads as a collected one."""
    if not isinstance(data, dict) or not isinstance(data.get("protocol"), str):
        return data
    proto = normalise.protocol(data["protocol"])
    fixed = {**data, "protocol": proto}
    if proto == "all" or proto in normalise.PORTED_PROTOCOLS:
        low, high = data.get("from_port"), data.get("to_port")
        if proto == "all" or low is None or high is None or (isinstance(low, int) and isinstance(high, int)
                                                              and (low < 0 or high < 0)):
            fixed.update(from_port=normalise.ALL_PORTS[0], to_port=normalise.ALL_PORTS[1])
    return fixed


class SecurityGroupRule(Item):
    """One ingress or egress permission, flattened to a single peer.

    Protocol is normalised (``scanner.model.normalise.protocol``): ``all`` (``-1``), ``tcp``, ``udp``,
    ``icmp``, ``icmpv6`` or the IANA number as a string. A rule for all protocols covers ports 0-65535,
    and so does a tcp/udp rule with port ``-1``. ICMP rules carry their type and code instead of ports.
    """

    protocol: str = attr(..., "Normalised protocol (all, tcp, udp, icmp, icmpv6, or a number).")
    from_port: int | None = attr(None, "First port (0-65535 for all protocols); none for port-less protocols.")
    to_port: int | None = attr(None, "Last port; none for port-less protocols.")
    icmp_type: int | None = attr(None, "ICMP type (-1 = any); icmp and icmpv6 only.")
    icmp_code: int | None = attr(None, "ICMP code (-1 = any); icmp and icmpv6 only.")
    cidr: str | None = attr(None, "IPv4 or IPv6 CIDR of the peer.")
    source_security_group: str | None = attr(None, "Peer security group uid or reference.")
    prefix_list: str | None = attr(None, "Peer managed prefix list id.")
    description: str | None = attr(None, "The rule's description.")

    @model_validator(mode="before")
    @classmethod
    def _as_collected(cls, data: Any) -> Any:
        return _normalised_rule(data)


class SecurityGroup(Attributes):
    """A security group (``ec2.describe_security_groups``; ``AWS::EC2::SecurityGroup``; ``aws_security_group``).

    A standalone rule resource (``AWS::EC2::SecurityGroupIngress``, ``aws_security_group_rule``,
    ``aws_vpc_security_group_ingress_rule``) whose group is not in the same template becomes a
    partial group of its own: ``group_id`` names the outside group, its rules list holds the
    rule, and the rules of that group declared elsewhere are ``incomplete``.
    """

    type_name: ClassVar[str] = SECURITY_GROUP
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::SecurityGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_security_group",)
    live: ClassVar[Live] = Live("ec2:DescribeSecurityGroups", _EC2_ARN + "security-group/{id}", id="GroupId")
    relations = (rel("in_vpc", VPC, cfn="VpcId", tf="vpc_id", live="VpcId"),)

    group_name: str | None = attr(None, "`GroupName`.", cfn="GroupName", tf="name", live="GroupName")
    group_id: str | None = attr(None, "The group's id where the source names a group it does not declare "
                                "(a standalone rule's outside group); live: `GroupId`.",
                                cfn=Hook("standalone_rules"), tf=Hook("standalone_rules"), live="GroupId")
    ingress: list[SecurityGroupRule] = attr([], "Inbound rules.", cfn=Hook("rules"), tf=Hook("rules"),
                                            live=Hook("rules"))
    egress: list[SecurityGroupRule] = attr([], "Outbound rules; AWS default allows all to 0.0.0.0/0.",
                                           cfn=Hook("rules"), tf=Hook("rules"), live=Hook("rules"))


class NetworkAclEntry(Item):
    """One NACL entry (protocol and ports normalised as for security-group rules)."""

    rule_number: int = attr(..., "`RuleNumber`.")
    egress: bool = attr(False, "True for an outbound entry.")
    action: str = attr(..., "allow or deny.")
    protocol: str = attr(..., "Normalised protocol, as for security-group rules.")
    cidr: str | None = attr(None, "IPv4 or IPv6 CIDR.")
    from_port: int | None = attr(None, "First port (0-65535 for all protocols).")
    to_port: int | None = attr(None, "Last port.")
    icmp_type: int | None = attr(None, "ICMP type (-1 = any).")
    icmp_code: int | None = attr(None, "ICMP code (-1 = any).")

    @model_validator(mode="before")
    @classmethod
    def _as_collected(cls, data: Any) -> Any:
        return _normalised_rule(data)


class NetworkAcl(Attributes):
    """A network ACL; subnets relate to it with ``uses_network_acl``."""

    type_name: ClassVar[str] = "aws.ec2.network_acl"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::NetworkAcl",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_network_acl",)
    live: ClassVar[Live] = Live("ec2:DescribeNetworkAcls", _EC2_ARN + "network-acl/{id}", id="NetworkAclId")
    relations = (
        rel("in_vpc", VPC, cfn="VpcId", tf="vpc_id", live="VpcId"),
        rel("uses_network_acl", SUBNET, cfn=Hook("subnet_association"), tf="subnet_ids",
            live="Associations[*].SubnetId", reverse=True),
    )

    derived: ClassVar[dict[str, str]] = {
        "allowed_entries": "The allow entries as they take effect (entries are evaluated in rule-number order, "
        "first match wins): each allow entry cut to the port ranges where it admits some of its addresses, i.e. "
        "where the earlier deny entries of its direction and family that apply there do not together refuse "
        "every address it names (CIDRs compared as networks; a narrower deny only carves addresses out). An "
        "all-protocol allow cut for tcp or udp becomes a tcp and a udp entry. Unknown when the entries are "
        "unknown or known in part, or a deny cannot be read; partial when an allow cannot be read.",
    }
    derived_items: ClassVar[dict[str, type[Item]]] = {"allowed_entries": NetworkAclEntry}

    is_default: bool = attr(False, "`IsDefault`: the VPC's default ACL.", live="IsDefault",
                            why="IaC declares new ACLs, never a VPC's default one (live only)")
    entries: list[NetworkAclEntry] = attr([], "Entries, inbound and outbound.", cfn=Hook("nacl_entries"),
                                          tf=Hook("nacl_entries"), live=Hook("nacl_entries"))


class Instance(Attributes):
    """An EC2 instance. User data is never stored."""

    type_name: ClassVar[str] = "aws.ec2.instance"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::Instance",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_instance",)
    live: ClassVar[Live] = Live("ec2:DescribeInstances", _EC2_ARN + "instance/{id}", id="InstanceId")
    relations = (
        rel("in_vpc", VPC, live="VpcId", why="IaC places an instance by subnet"),
        rel("in_subnet", SUBNET, cfn="SubnetId", tf="subnet_id", live="SubnetId"),
        rel("in_subnet", SUBNET, cfn="NetworkInterfaces[*].SubnetId", tf="network_interface[*].subnet_id",
            live="NetworkInterfaces[*].SubnetId"),
        rel("uses_security_group", SECURITY_GROUP, cfn="SecurityGroupIds", tf="vpc_security_group_ids",
            live="SecurityGroups[*].GroupId"),
        rel("uses_security_group", SECURITY_GROUP, cfn="SecurityGroups",
            live="NetworkInterfaces[*].Groups[*].GroupId",
            why="Terraform's security_groups are EC2-Classic group names"),
        rel("uses_security_group", SECURITY_GROUP, cfn="NetworkInterfaces[*].GroupSet",
            live="NetworkInterfaces[*].Groups[*].GroupId", why="Terraform attaches interfaces separately"),
    )
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    instance_type: str | None = attr(None, "`InstanceType`.", cfn="InstanceType", tf="instance_type",
                                     live="InstanceType")
    availability_zone: str | None = attr(None, "`Placement.AvailabilityZone`.", cfn="AvailabilityZone",
                                         tf="availability_zone", live="Placement.AvailabilityZone",
                                         chosen_by_aws="omitted: the instance runs in its subnet's zone, or one "
                                         "AWS picks")
    state: str | None = attr(None, "`State.Name` (running, stopped...).", live="State.Name", why=LIVE_ONLY,
                             volatile=True)
    public_ip: str | None = attr(None, "`PublicIpAddress` when one is assigned.", live="PublicIpAddress",
                                 why="AWS assigns the address at launch (live only)")
    associate_public_ip: bool | None = attr(
        None, "Whether the instance gets a public IPv4 address: IaC, what the primary interface asks for at "
        "launch (None = the subnet's MapPublicIpOnLaunch decides); live, whether it has one (`PublicIpAddress`).",
        cfn="NetworkInterfaces[0].AssociatePublicIpAddress", tf="associate_public_ip_address",
        live="PublicIpAddress", conv=configured, defaults={"live": False})
    detailed_monitoring: bool = attr(False, "`Monitoring.State == enabled`; default false.",
                                     cfn="Monitoring", tf="monitoring", live="Monitoring.State",
                                     conv=normalise.monitoring_enabled)


class VpcEndpoint(Attributes):
    """A VPC endpoint; interface endpoints are ``in_subnet`` their subnets."""

    type_name: ClassVar[str] = "aws.ec2.vpc_endpoint"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::VPCEndpoint",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_vpc_endpoint",)
    live: ClassVar[Live] = Live("ec2:DescribeVpcEndpoints", _EC2_ARN + "vpc-endpoint/{id}", id="VpcEndpointId")
    relations = (
        rel("in_vpc", VPC, cfn="VpcId", tf="vpc_id", live="VpcId"),
        rel("in_subnet", SUBNET, cfn="SubnetIds", tf="subnet_ids", live="SubnetIds"),
        rel("uses_security_group", SECURITY_GROUP, cfn="SecurityGroupIds", tf="security_group_ids",
            live="Groups[*].GroupId"),
    )
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    endpoint_type: str = attr("Gateway", "`VpcEndpointType`; CloudFormation default Gateway.",
                              cfn="VpcEndpointType", tf="vpc_endpoint_type", live="VpcEndpointType")
    service_name: str | None = attr(None, "`ServiceName`.", cfn="ServiceName", tf="service_name",
                                    live="ServiceName")


class FlowLog(Attributes):
    """A VPC flow log; ``logs`` the VPC, subnet or network interface whose traffic it records."""

    type_name: ClassVar[str] = "aws.ec2.flow_log"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::FlowLog",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_flow_log",)
    live: ClassVar[Live] = Live("ec2:DescribeFlowLogs", "arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}",
                                id="FlowLogId")
    relations = (
        rel("logs", ("aws.ec2.vpc", "aws.ec2.subnet"), cfn="ResourceId", tf="vpc_id|subnet_id", live="ResourceId"),
    )

    traffic_type: str | None = attr(None, "`TrafficType`: ACCEPT, REJECT or ALL.", cfn="TrafficType",
                                    tf="traffic_type", live="TrafficType")
    destination_type: str = attr("cloud-watch-logs", "`LogDestinationType`; default cloud-watch-logs.",
                                 cfn="LogDestinationType", tf="log_destination_type", live="LogDestinationType")
    destination: str | None = attr(None, "`LogDestination` (bucket or log group ARN) or `LogGroupName`.",
                                   cfn="LogDestination|LogGroupName", tf="log_destination|log_group_name",
                                   live="LogDestination|LogGroupName", ref=True)


MODELS: tuple[type[Attributes], ...] = (
    Vpc, Subnet, RouteTable, InternetGateway, NatGateway, SecurityGroup, NetworkAcl, Instance, VpcEndpoint, FlowLog,
)
