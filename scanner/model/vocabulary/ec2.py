"""EC2 networking and compute: VPCs, subnets, routing, gateways, security groups, instances."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import PLACED, Attributes, Item


class Vpc(Attributes):
    """A VPC (``ec2.describe_vpcs``; ``AWS::EC2::VPC``; ``aws_vpc``)."""

    type_name: ClassVar[str] = "aws.ec2.vpc"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::VPC",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_vpc",)

    cidr_block: str | None = Field(None, description="Primary IPv4 CIDR (`CidrBlock`).")
    is_default: bool = Field(False, description="`IsDefault`; only the account's default VPC is true.")


class Subnet(Attributes):
    """A subnet (``ec2.describe_subnets``; ``AWS::EC2::Subnet``; ``aws_subnet``)."""

    type_name: ClassVar[str] = "aws.ec2.subnet"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::Subnet",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_subnet",)
    derived: ClassVar[dict[str, str]] = {
        "is_public": "True when the subnet's effective route table (explicit association, else the "
        "VPC's main table) routes 0.0.0.0/0 or ::/0 to an internet gateway. A NAT route does not "
        "make a subnet public.",
        "has_default_route": "True when the effective route table has any 0.0.0.0/0 or ::/0 route.",
        **PLACED,
    }

    availability_zone: str | None = Field(
        None, description="`AvailabilityZone`; IaC may give a symbolic zone such as `{region}#az1`."
    )
    availability_zone_id: str | None = Field(None, description="`AvailabilityZoneId` (e.g. use1-az1).")
    cidr_block: str | None = Field(None, description="`CidrBlock`.")
    map_public_ip_on_launch: bool = Field(
        False, description="`MapPublicIpOnLaunch`; AWS default false (true only in default subnets)."
    )
    available_ip_count: int | None = Field(None, description="`AvailableIpAddressCount` (live only).")


class Route(Item):
    """One route of a route table."""

    destination: str = Field(description="Destination CIDR (IPv4 or IPv6) or prefix-list id.")
    target_type: str = Field(
        description="Normalised target kind: internet_gateway, egress_only_internet_gateway, "
        "nat_gateway, instance, network_interface, transit_gateway, vpc_peering, vpc_endpoint, "
        "local, vpn_gateway or other."
    )
    target: str | None = Field(None, description="Target id (igw-…, nat-…) or IaC reference.")


class RouteTable(Attributes):
    """A route table (``ec2.describe_route_tables``; ``AWS::EC2::RouteTable`` + ``AWS::EC2::Route``)."""

    type_name: ClassVar[str] = "aws.ec2.route_table"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::RouteTable",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_route_table", "aws_default_route_table")

    main: bool = Field(False, description="True for the VPC's main route table (`Associations[].Main`).")
    routes: list[Route] = Field(default_factory=list, description="Routes other than `local`.")


class InternetGateway(Attributes):
    """An internet gateway; ``attached_to`` its VPC."""

    type_name: ClassVar[str] = "aws.ec2.internet_gateway"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::InternetGateway",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_internet_gateway",)


class NatGateway(Attributes):
    """A NAT gateway; ``in_subnet`` the subnet it lives in."""

    type_name: ClassVar[str] = "aws.ec2.nat_gateway"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::NatGateway",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_nat_gateway",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    connectivity_type: str = Field("public", description="`ConnectivityType`; AWS default public.")
    state: str | None = Field(None, description="`State` (available, pending...; live only).")


class SecurityGroupRule(Item):
    """One ingress or egress permission, flattened to a single source or destination.

    Protocol is normalised: ``all`` (``-1``), ``tcp``, ``udp``, ``icmp``, ``icmpv6`` or the IANA
    number as a string. A rule for all protocols covers ports 0-65535.
    """

    protocol: str = Field(description="Normalised protocol (all, tcp, udp, icmp, icmpv6, or a number).")
    from_port: int = Field(description="First port (0 when the protocol has no ports).")
    to_port: int = Field(description="Last port (65535 when the protocol has no ports).")
    cidr: str | None = Field(None, description="IPv4 or IPv6 CIDR of the peer.")
    source_security_group: str | None = Field(None, description="Peer security group id or reference.")
    prefix_list: str | None = Field(None, description="Peer managed prefix list id.")
    description: str | None = None


class SecurityGroup(Attributes):
    """A security group (``ec2.describe_security_groups``; ``AWS::EC2::SecurityGroup``)."""

    type_name: ClassVar[str] = "aws.ec2.security_group"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::SecurityGroup",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_security_group",)

    group_name: str | None = None
    ingress: list[SecurityGroupRule] = Field(default_factory=list, description="Inbound rules.")
    egress: list[SecurityGroupRule] = Field(
        default_factory=list, description="Outbound rules; AWS default allows all to 0.0.0.0/0."
    )


class NetworkAclEntry(Item):
    """One NACL entry."""

    rule_number: int
    egress: bool = False
    action: str = Field(description="allow or deny.")
    protocol: str = Field(description="Normalised protocol, as for security-group rules.")
    cidr: str | None = None
    from_port: int = 0
    to_port: int = 65535


class NetworkAcl(Attributes):
    """A network ACL; subnets relate to it with ``uses_network_acl``."""

    type_name: ClassVar[str] = "aws.ec2.network_acl"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::NetworkAcl",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_network_acl",)

    is_default: bool = False
    entries: list[NetworkAclEntry] = Field(default_factory=list)


class Instance(Attributes):
    """An EC2 instance. User data is never stored."""

    type_name: ClassVar[str] = "aws.ec2.instance"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::Instance",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_instance",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    instance_type: str | None = None
    availability_zone: str | None = None
    state: str | None = None
    public_ip: str | None = Field(None, description="`PublicIpAddress` when one is assigned.")
    detailed_monitoring: bool = Field(False, description="`Monitoring.State == enabled`; default false.")


class VpcEndpoint(Attributes):
    """A VPC endpoint; interface endpoints are ``in_subnet`` their subnets."""

    type_name: ClassVar[str] = "aws.ec2.vpc_endpoint"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EC2::VPCEndpoint",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_vpc_endpoint",)
    derived: ClassVar[dict[str, str]] = dict(PLACED)

    endpoint_type: str = Field("Gateway", description="`VpcEndpointType`; CloudFormation default Gateway.")
    service_name: str | None = None


MODELS: tuple[type[Attributes], ...] = (
    Vpc, Subnet, RouteTable, InternetGateway, NatGateway, SecurityGroup, NetworkAcl, Instance, VpcEndpoint,
)
