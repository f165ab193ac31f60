"""Live collector for EC2 networking and compute: VPCs, subnets, routing, gateways, SGs, NACLs, instances.

UIDs are ARNs built by ``ec2_arn`` (EC2's describe calls return only ids), and every reference to an
EC2 resource (a route target, a subnet of a load balancer, a peer security group) uses the same
scheme, so that other collectors can join on it. Instance user data is never requested.
"""

from __future__ import annotations

from typing import Any

from ..model import Relation, normalise
from ..model.mapping import Mapped
from .base import CallContext, Collected
from .engine import build

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
    "ec2:DescribeFlowLogs": ("aws.ec2.flow_log",),
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
    "flow_logs": ("DescribeFlowLogs", "FlowLogs"),
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


def fetch(ctx: CallContext) -> dict[str, Any]:
    """Every EC2 describe call this collector needs; a failed call leaves ``None`` and its reason."""
    raw: dict[str, Any] = {"errors": {}}
    for key, (operation, result_key) in _CALLS.items():
        raw[key] = ctx.paginate(SERVICE, operation, result_key,
                                unknown_types=OPERATIONS[f"{SERVICE}:{operation}"])
        if raw[key] is None:
            raw["errors"][key] = ctx.last_error or f"{operation} failed"
    return raw


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    """Resources and relations from ``fetch``'s raw responses (pure; no AWS calls)."""
    out = Collected()
    errors: dict[str, str] = raw.get("errors") or {}
    for vpc in raw.get("vpcs") or []:
        build(out, "aws.ec2.vpc", vpc, account, region)
    missing = {kind: errors[key] for key, kind in (("route_tables", "uses_route_table"),
                                                   ("network_acls", "uses_network_acl")) if key in errors}
    for subnet in raw.get("subnets") or []:
        build(out, "aws.ec2.subnet", subnet, account, region, mapped=Mapped(unknown_relations=dict(missing)))
    for table in raw.get("route_tables") or []:
        route_table(out, table, account, region)
    for igw in raw.get("internet_gateways") or []:
        build(out, "aws.ec2.internet_gateway", igw, account, region)
    for nat in raw.get("nat_gateways") or []:
        if nat.get("State") != "deleted":
            build(out, "aws.ec2.nat_gateway", nat, account, region)
    for group in raw.get("security_groups") or []:
        build(out, "aws.ec2.security_group", group, account, region, mapped=Mapped(attributes={
            "ingress": rules(group.get("IpPermissions") or [], account, region),
            "egress": rules(group.get("IpPermissionsEgress") or [], account, region)}))
    for acl in raw.get("network_acls") or []:
        build(out, "aws.ec2.network_acl", acl, account, region,
              mapped=Mapped(attributes={"entries": nacl_entries(acl.get("Entries") or [])}))
    for reservation in raw.get("reservations") or []:
        for instance in reservation.get("Instances") or []:
            if (instance.get("State") or {}).get("Name") != "terminated":
                build(out, "aws.ec2.instance", instance, account, region)
    for endpoint in raw.get("vpc_endpoints") or []:
        if str(endpoint.get("State", "")).lower() != "deleted":
            build(out, "aws.ec2.vpc_endpoint", endpoint, account, region)
    for flow_log in raw.get("flow_logs") or []:
        build(out, "aws.ec2.flow_log", flow_log, account, region)
    return out


def _route_target(route: dict[str, Any], account: str, region: str) -> tuple[str, str | None] | None:
    """(target_type, target uid) of a route; ``None`` for the VPC-local route."""
    gateway = route.get("GatewayId")
    if gateway == "local":
        return None
    for field, target_type, kind in _ROUTE_TARGET_FIELDS:
        if route.get(field):
            return target_type, ec2_arn(account, region, kind, route[field])
    if gateway:
        prefix = gateway.rsplit("-", 1)[0]
        if prefix in _GATEWAY_PREFIXES:
            target_type, kind = _GATEWAY_PREFIXES[prefix]
            return target_type, ec2_arn(account, region, kind, gateway)
        return "other", gateway
    for field in ("CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn"):
        if route.get(field):
            return "other", str(route[field])
    return "other", None


def route_table(out: Collected, table: dict[str, Any], account: str, region: str) -> None:
    """Hook ``route_tables``: routes other than ``local``, the main flag and the subnet associations."""
    routes: list[dict[str, Any]] = []
    for route in table.get("Routes") or []:
        destination = (route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
                       or route.get("DestinationPrefixListId"))
        target = _route_target(route, account, region)
        if destination is not None and target is not None:
            routes.append({"destination": destination, "target_type": target[0], "target": target[1]})
    associations = [a for a in table.get("Associations") or []
                    if (a.get("AssociationState") or {}).get("State", "associated") == "associated"]
    resource = build(out, "aws.ec2.route_table", table, account, region, mapped=Mapped(attributes={
        "main": any(a.get("Main") for a in associations), "routes": routes}))
    for association in associations:
        if association.get("SubnetId"):
            out.relations.append(Relation(src=ec2_arn(account, region, "subnet", association["SubnetId"]),
                                          kind="uses_route_table", dst=resource.uid))


def rules(permissions: list[dict[str, Any]], account: str, region: str) -> list[dict[str, Any]]:
    """Hook ``rules``: ``IpPermissions`` as one normalised rule per peer (CIDR, IPv6, SG, prefix list).

    A peer security group is given by its uid (``ec2_arn``), in the peer's account when it names one.
    """
    result: list[dict[str, Any]] = []
    for permission in permissions:
        proto = normalise.protocol(permission.get("IpProtocol", "-1"))
        base = {"protocol": proto, **normalise.rule_ports(proto, permission.get("FromPort"), permission.get("ToPort"))}
        for peer in permission.get("IpRanges") or []:
            result.append(_rule(base, peer, cidr=peer["CidrIp"]))
        for peer in permission.get("Ipv6Ranges") or []:
            result.append(_rule(base, peer, cidr=peer["CidrIpv6"]))
        for peer in permission.get("UserIdGroupPairs") or []:
            if peer.get("GroupId"):
                owner = peer.get("UserId") or account
                result.append(_rule(base, peer, source_security_group=ec2_arn(owner, region, "security-group",
                                                                              peer["GroupId"])))
        for peer in permission.get("PrefixListIds") or []:
            result.append(_rule(base, peer, prefix_list=peer["PrefixListId"]))
    return result


def _rule(base: dict[str, Any], peer: dict[str, Any], **fields: str) -> dict[str, Any]:
    rule = {**base, **fields}
    if peer.get("Description"):
        rule["description"] = peer["Description"]
    return rule


def nacl_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hook ``nacl_entries``: NACL entries with protocols and ports normalised."""
    result = []
    for entry in entries:
        proto = normalise.protocol(entry.get("Protocol", "-1"))
        ports = entry.get("PortRange") or {}
        icmp = entry.get("IcmpTypeCode") or {}
        low, high = (icmp.get("Type"), icmp.get("Code")) if proto in normalise.ICMP_PROTOCOLS else (
            ports.get("From"), ports.get("To"))
        item: dict[str, Any] = {"rule_number": int(entry["RuleNumber"]), "egress": bool(entry.get("Egress", False)),
                                "action": str(entry.get("RuleAction", "")).lower(), "protocol": proto,
                                **normalise.rule_ports(proto, low, high)}
        cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
        if cidr:
            item["cidr"] = cidr
        result.append(item)
    return result
