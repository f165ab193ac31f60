"""Live collector for EC2 networking and compute: VPCs, subnets, routing, gateways, SGs, NACLs, instances.

UIDs are ARNs built by ``ec2_arn`` (EC2's describe calls return only ids), and every reference to an
EC2 resource (a route target, a subnet of a load balancer, a peer security group) uses the same
scheme, so that other collectors can join on it. Instance user data is never requested.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, Resource
from .base import CallContext, Collected

SERVICE = "ec2"

OPERATIONS: dict[str, tuple[str, ...]] = {
    "ec2:DescribeVpcs": ("aws.ec2.vpc",),
    "ec2:DescribeSubnets": ("aws.ec2.subnet",),
    "ec2:DescribeRouteTables": ("aws.ec2.route_table",),
    "ec2:DescribeInternetGateways": ("aws.ec2.internet_gateway",),
    "ec2:DescribeNatGateways": ("aws.ec2.nat_gateway",),
    "ec2:DescribeSecurityGroups": ("aws.ec2.security_group",),
    "ec2:DescribeNetworkAcls": ("aws.ec2.network_acl",),
    "ec2:DescribeInstances": ("aws.ec2.instance",),
    "ec2:DescribeVpcEndpoints": ("aws.ec2.vpc_endpoint",),
}

# raw key -> (operation, result key)
_CALLS: dict[str, tuple[str, str]] = {
    "vpcs": ("DescribeVpcs", "Vpcs"),
    "subnets": ("DescribeSubnets", "Subnets"),
    "route_tables": ("DescribeRouteTables", "RouteTables"),
    "internet_gateways": ("DescribeInternetGateways", "InternetGateways"),
    "nat_gateways": ("DescribeNatGateways", "NatGateways"),
    "security_groups": ("DescribeSecurityGroups", "SecurityGroups"),
    "network_acls": ("DescribeNetworkAcls", "NetworkAcls"),
    "reservations": ("DescribeInstances", "Reservations"),
    "vpc_endpoints": ("DescribeVpcEndpoints", "VpcEndpoints"),
}

# EC2 id prefix -> ARN resource kind (``arn:aws:ec2:{region}:{account}:{kind}/{id}``).
ID_PREFIX_KINDS: dict[str, str] = {
    "vpc": "vpc",
    "subnet": "subnet",
    "rtb": "route-table",
    "igw": "internet-gateway",
    "eigw": "egress-only-internet-gateway",
    "nat": "natgateway",
    "sg": "security-group",
    "acl": "network-acl",
    "i": "instance",
    "eni": "network-interface",
    "vpce": "vpc-endpoint",
    "vgw": "vpn-gateway",
    "tgw": "transit-gateway",
    "pcx": "vpc-peering-connection",
    "lgw": "local-gateway",
    "cagw": "carrier-gateway",
}

# Route field -> (normalised target_type, ARN kind), in the order AWS's precedence implies (an instance
# route also names the instance's network interface).
_ROUTE_TARGET_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("EgressOnlyInternetGatewayId", "egress_only_internet_gateway", "egress-only-internet-gateway"),
    ("NatGatewayId", "nat_gateway", "natgateway"),
    ("InstanceId", "instance", "instance"),
    ("TransitGatewayId", "transit_gateway", "transit-gateway"),
    ("VpcPeeringConnectionId", "vpc_peering", "vpc-peering-connection"),
    ("NetworkInterfaceId", "network_interface", "network-interface"),
)
_GATEWAY_PREFIXES: dict[str, tuple[str, str]] = {
    "igw": ("internet_gateway", "internet-gateway"),
    "vgw": ("vpn_gateway", "vpn-gateway"),
    "vpce": ("vpc_endpoint", "vpc-endpoint"),
}

_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def ec2_arn(account: str, region: str, kind: str, resource_id: str) -> str:
    """The uid of an EC2 resource: ``arn:aws:ec2:{region}:{account}:{kind}/{id}`` (kind e.g. ``subnet``)."""
    return f"arn:aws:ec2:{region}:{account}:{kind}/{resource_id}"


def ec2_arn_for_id(account: str, region: str, resource_id: str) -> str:
    """The uid of an EC2 resource from its id alone (``subnet-…``, ``sg-…``, ``i-…``)."""
    prefix = resource_id.rsplit("-", 1)[0]
    kind = ID_PREFIX_KINDS.get(prefix)
    if kind is None:
        raise ValueError(f"unrecognised EC2 resource id {resource_id!r}")
    return ec2_arn(account, region, kind, resource_id)


def tags_dict(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    """AWS ``[{Key, Value}]`` tags as a dict."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags or [] if "Key" in t}


def normalise_protocol(protocol: Any) -> str:
    """``-1`` -> ``all``, IANA numbers of tcp/udp/icmp/icmpv6 -> names, other numbers kept as strings."""
    text = str(protocol).lower()
    return _PROTOCOLS.get(text, text)


def port_range(protocol: str, from_port: Any, to_port: Any) -> tuple[int, int]:
    """Ports of a normalised rule: tcp/udp keep theirs; every other protocol covers 0-65535."""
    if protocol in ("tcp", "udp") and from_port is not None and to_port is not None:
        return int(from_port), int(to_port)
    return 0, 65535


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Every EC2 describe call this collector needs; a failed call leaves ``None`` and its reason."""
    raw: dict[str, Any] = {"errors": {}}
    for key, (operation, result_key) in _CALLS.items():
        raw[key] = ctx.paginate(SERVICE, operation, result_key,
                                unknown_types=OPERATIONS[f"{SERVICE}:{operation}"])
        if raw[key] is None:
            raw["errors"][key] = ctx.last_error or f"{operation} failed"
    return raw


class _Parser:
    """Builds resources and relations for one account and region."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.out = Collected()

    def uid(self, kind: str, resource_id: str) -> str:
        return ec2_arn(self.account, self.region, kind, resource_id)

    def add(self, kind: str, resource_id: str, type_name: str, item: dict[str, Any],
            attributes: dict[str, Any], unknown_relations: dict[str, str] | None = None) -> str:
        tags = tags_dict(item.get("Tags"))
        uid = self.uid(kind, resource_id)
        self.out.resources.append(Resource(
            uid=uid, type=type_name, name=tags.get("Name") or resource_id, account=self.account,
            region=self.region, attributes={**attributes, "tags": tags},
            unknown_relations=unknown_relations or {},
        ))
        return uid

    def relate(self, src: str, kind: str, dst: str) -> None:
        self.out.relations.append(Relation(src=src, kind=kind, dst=dst))

    def in_vpc(self, src: str, item: dict[str, Any]) -> None:
        if item.get("VpcId"):
            self.relate(src, "in_vpc", self.uid("vpc", item["VpcId"]))


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from ``fetch``'s raw responses (pure; no AWS calls)."""
    p = _Parser(account, region)
    errors: dict[str, str] = raw.get("errors") or {}
    for vpc in raw.get("vpcs") or []:
        p.add("vpc", vpc["VpcId"], "aws.ec2.vpc", vpc,
              {"cidr_block": vpc.get("CidrBlock"), "is_default": bool(vpc.get("IsDefault", False))})
    _subnets(p, raw.get("subnets") or [], errors)
    _route_tables(p, raw.get("route_tables") or [])
    for igw in raw.get("internet_gateways") or []:
        uid = p.add("internet-gateway", igw["InternetGatewayId"], "aws.ec2.internet_gateway", igw, {})
        for attachment in igw.get("Attachments") or []:
            if attachment.get("State") in ("available", "attached") and attachment.get("VpcId"):
                p.relate(uid, "attached_to", p.uid("vpc", attachment["VpcId"]))
    _nat_gateways(p, raw.get("nat_gateways") or [])
    _security_groups(p, raw.get("security_groups") or [])
    _network_acls(p, raw.get("network_acls") or [])
    for reservation in raw.get("reservations") or []:
        for instance in reservation.get("Instances") or []:
            _instance(p, instance)
    _vpc_endpoints(p, raw.get("vpc_endpoints") or [])
    return p.out


def _subnets(p: _Parser, subnets: list[dict[str, Any]], errors: dict[str, str]) -> None:
    missing: dict[str, str] = {}
    if "route_tables" in errors:
        missing["uses_route_table"] = errors["route_tables"]
    if "network_acls" in errors:
        missing["uses_network_acl"] = errors["network_acls"]
    for subnet in subnets:
        attributes: dict[str, Any] = {
            "availability_zone": subnet.get("AvailabilityZone"),
            "availability_zone_id": subnet.get("AvailabilityZoneId"),
            "cidr_block": subnet.get("CidrBlock"),
            "available_ip_count": subnet.get("AvailableIpAddressCount"),
        }
        if "MapPublicIpOnLaunch" in subnet:
            attributes["map_public_ip_on_launch"] = bool(subnet["MapPublicIpOnLaunch"])
        uid = p.add("subnet", subnet["SubnetId"], "aws.ec2.subnet", subnet, attributes, dict(missing))
        p.in_vpc(uid, subnet)


def _route_target(p: _Parser, route: dict[str, Any]) -> tuple[str, str | None] | None:
    """(target_type, target uid) of a route; ``None`` for the VPC-local route."""
    gateway = route.get("GatewayId")
    if gateway == "local":
        return None
    for field, target_type, kind in _ROUTE_TARGET_FIELDS:
        if route.get(field):
            return target_type, p.uid(kind, route[field])
    if gateway:
        prefix = gateway.rsplit("-", 1)[0]
        if prefix in _GATEWAY_PREFIXES:
            target_type, kind = _GATEWAY_PREFIXES[prefix]
            return target_type, p.uid(kind, gateway)
        return "other", gateway
    for field in ("CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn"):
        if route.get(field):
            return "other", str(route[field])
    return "other", None


def _route_tables(p: _Parser, tables: list[dict[str, Any]]) -> None:
    for table in tables:
        routes: list[dict[str, Any]] = []
        for route in table.get("Routes") or []:
            destination = (route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
                           or route.get("DestinationPrefixListId"))
            target = _route_target(p, route)
            if destination is None or target is None:
                continue
            routes.append({"destination": destination, "target_type": target[0], "target": target[1]})
        associations = [a for a in table.get("Associations") or []
                        if (a.get("AssociationState") or {}).get("State", "associated") == "associated"]
        main = any(a.get("Main") for a in associations)
        uid = p.add("route-table", table["RouteTableId"], "aws.ec2.route_table", table,
                    {"main": main, "routes": routes})
        p.in_vpc(uid, table)
        for association in associations:
            if association.get("SubnetId"):
                p.relate(p.uid("subnet", association["SubnetId"]), "uses_route_table", uid)


def _nat_gateways(p: _Parser, gateways: list[dict[str, Any]]) -> None:
    for nat in gateways:
        if nat.get("State") == "deleted":
            continue
        attributes: dict[str, Any] = {"state": nat.get("State")}
        if nat.get("ConnectivityType"):
            attributes["connectivity_type"] = nat["ConnectivityType"]
        uid = p.add("natgateway", nat["NatGatewayId"], "aws.ec2.nat_gateway", nat, attributes)
        if nat.get("SubnetId"):
            p.relate(uid, "in_subnet", p.uid("subnet", nat["SubnetId"]))


def flatten_permissions(permissions: list[dict[str, Any]], account: str, region: str) -> list[dict[str, Any]]:
    """Security-group ``IpPermissions`` as one normalised rule per peer (CIDR, IPv6, SG, prefix list).

    A peer security group is given by its uid (``ec2_arn``), in the peer's account when it names one.
    """
    rules: list[dict[str, Any]] = []
    for permission in permissions:
        protocol = normalise_protocol(permission.get("IpProtocol", "-1"))
        low, high = port_range(protocol, permission.get("FromPort"), permission.get("ToPort"))
        base = {"protocol": protocol, "from_port": low, "to_port": high}
        for peer in permission.get("IpRanges") or []:
            rules.append({**base, "cidr": peer["CidrIp"], "description": peer.get("Description")})
        for peer in permission.get("Ipv6Ranges") or []:
            rules.append({**base, "cidr": peer["CidrIpv6"], "description": peer.get("Description")})
        for peer in permission.get("UserIdGroupPairs") or []:
            if not peer.get("GroupId"):
                continue
            owner = peer.get("UserId") or account
            rules.append({**base, "source_security_group": ec2_arn(owner, region, "security-group", peer["GroupId"]),
                          "description": peer.get("Description")})
        for peer in permission.get("PrefixListIds") or []:
            rules.append({**base, "prefix_list": peer["PrefixListId"], "description": peer.get("Description")})
    return rules


def _security_groups(p: _Parser, groups: list[dict[str, Any]]) -> None:
    for group in groups:
        uid = p.add("security-group", group["GroupId"], "aws.ec2.security_group", group, {
            "group_name": group.get("GroupName"),
            "ingress": flatten_permissions(group.get("IpPermissions") or [], p.account, p.region),
            "egress": flatten_permissions(group.get("IpPermissionsEgress") or [], p.account, p.region),
        })
        p.in_vpc(uid, group)


def _network_acls(p: _Parser, acls: list[dict[str, Any]]) -> None:
    for acl in acls:
        entries = []
        for entry in acl.get("Entries") or []:
            protocol = normalise_protocol(entry.get("Protocol", "-1"))
            ports = entry.get("PortRange") or {}
            low, high = port_range(protocol, ports.get("From"), ports.get("To"))
            entries.append({"rule_number": int(entry["RuleNumber"]), "egress": bool(entry.get("Egress", False)),
                            "action": str(entry.get("RuleAction", "")).lower(), "protocol": protocol,
                            "cidr": entry.get("CidrBlock") or entry.get("Ipv6CidrBlock"),
                            "from_port": low, "to_port": high})
        uid = p.add("network-acl", acl["NetworkAclId"], "aws.ec2.network_acl", acl,
                    {"is_default": bool(acl.get("IsDefault", False)), "entries": entries})
        p.in_vpc(uid, acl)
        for association in acl.get("Associations") or []:
            if association.get("SubnetId"):
                p.relate(p.uid("subnet", association["SubnetId"]), "uses_network_acl", uid)


def _instance(p: _Parser, instance: dict[str, Any]) -> None:
    state = (instance.get("State") or {}).get("Name")
    if state == "terminated":
        return
    monitoring = (instance.get("Monitoring") or {}).get("State")
    uid = p.add("instance", instance["InstanceId"], "aws.ec2.instance", instance, {
        "instance_type": instance.get("InstanceType"),
        "availability_zone": (instance.get("Placement") or {}).get("AvailabilityZone"),
        "state": state,
        "public_ip": instance.get("PublicIpAddress"),
        "detailed_monitoring": monitoring in ("enabled", "pending"),
    })
    p.in_vpc(uid, instance)
    interfaces = instance.get("NetworkInterfaces") or []
    subnets = dict.fromkeys([instance.get("SubnetId")] + [eni.get("SubnetId") for eni in interfaces])
    groups = dict.fromkeys([g.get("GroupId") for g in instance.get("SecurityGroups") or []]
                           + [g.get("GroupId") for eni in interfaces for g in eni.get("Groups") or []])
    for subnet in subnets:
        if subnet:
            p.relate(uid, "in_subnet", p.uid("subnet", subnet))
    for group in groups:
        if group:
            p.relate(uid, "uses_security_group", p.uid("security-group", group))


def _vpc_endpoints(p: _Parser, endpoints: list[dict[str, Any]]) -> None:
    for endpoint in endpoints:
        if str(endpoint.get("State", "")).lower() == "deleted":
            continue
        attributes: dict[str, Any] = {"service_name": endpoint.get("ServiceName")}
        if endpoint.get("VpcEndpointType"):
            attributes["endpoint_type"] = endpoint["VpcEndpointType"]
        uid = p.add("vpc-endpoint", endpoint["VpcEndpointId"], "aws.ec2.vpc_endpoint", endpoint, attributes)
        p.in_vpc(uid, endpoint)
        for subnet in endpoint.get("SubnetIds") or []:
            p.relate(uid, "in_subnet", p.uid("subnet", subnet))
        for group in endpoint.get("Groups") or []:
            if group.get("GroupId"):
                p.relate(uid, "uses_security_group", p.uid("security-group", group["GroupId"]))
