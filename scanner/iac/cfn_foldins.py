"""CloudFormation resources that are not vocabulary types but change one that is.

Routes fold into their route table's ``routes``; separate security-group and NACL entries into the
group's rules; associations and attachments become relations; EFS mount targets place their file
system; listeners link a load balancer to its target groups. ``maybe`` is the reason when the
resource's own condition is unknown: whatever it would change becomes unknown instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import normalise
from .cfn_hooks import protocol, sg_rule
from .cfn_intrinsics import ResourceRef, Unknown
from .cfn_reader import MISSING, BadValue, Mapped, Reader, UnknownValue, need

FoldIn = Callable[[Reader, "str | None"], None]

ROUTE_TARGETS: dict[str, str | None] = {
    "GatewayId": None, "NatGatewayId": "nat_gateway", "InstanceId": "instance",
    "NetworkInterfaceId": "network_interface", "TransitGatewayId": "transit_gateway",
    "VpcPeeringConnectionId": "vpc_peering", "VpcEndpointId": "vpc_endpoint",
    "EgressOnlyInternetGatewayId": "egress_only_internet_gateway", "CarrierGatewayId": "other",
    "LocalGatewayId": "other", "CoreNetworkArn": "other",
}
GATEWAY_TYPES = {
    "AWS::EC2::InternetGateway": "internet_gateway", "AWS::EC2::VPNGateway": "vpn_gateway",
    "AWS::EC2::TransitGateway": "transit_gateway", "AWS::EC2::VPCEndpoint": "vpc_endpoint",
    "AWS::EC2::NatGateway": "nat_gateway", "AWS::EC2::EgressOnlyInternetGateway": "egress_only_internet_gateway",
}
GATEWAY_PREFIXES = {"igw-": "internet_gateway", "vgw-": "vpn_gateway", "local": "local"}


def _target(reader: Reader, path: str) -> Mapped | None:
    """The mapped template resource that ``path`` references, if any."""
    value = reader.get(path)
    if isinstance(value, ResourceRef):
        return reader.ctx.mapped.get(reader.ctx.uid(value.logical_id))
    return None


def _append(reader: Reader, target: Mapped, attr: str, maybe: str | None, make: Callable[[], dict[str, Any]]) -> None:
    """Append ``make()`` to ``target``'s list ``attr``; unknown parts (or ``maybe``) make it unknown."""
    if attr in target.unknown:
        return
    try:
        if maybe:
            raise UnknownValue(f"{reader.out.logical_id} may not exist: {maybe}")
        item = make()
    except UnknownValue as exc:
        target.attributes.pop(attr, None)
        target.unknown[attr] = exc.reason
        return
    except BadValue as exc:
        raise reader.fail(exc.path, exc.message) from None
    target.attributes.setdefault(attr, []).append(item)


def _route(reader: Reader, maybe: str | None) -> None:
    table = _target(reader, "RouteTableId")
    if table is not None:
        _append(reader, table, "routes", maybe, lambda: _route_item(reader))


def _route_item(reader: Reader) -> dict[str, Any]:
    destination = next((reader.get(k) for k in ("DestinationCidrBlock", "DestinationIpv6CidrBlock",
                                                  "DestinationPrefixListId") if reader.get(k) is not MISSING), MISSING)
    if destination is MISSING:
        raise BadValue("a route needs DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId")
    key = next((k for k in ROUTE_TARGETS if reader.get(k) is not MISSING), None)
    if key is None:
        raise BadValue(f"a route needs one of {', '.join(ROUTE_TARGETS)}")
    value = need(reader.get(key))
    target_type = ROUTE_TARGETS[key]
    if target_type is None:  # GatewayId: internet, VPN or other gateway
        ref_type = reader.ctx.ref_type(value)
        if ref_type is not None:
            target_type = GATEWAY_TYPES.get(ref_type, "other")
        else:
            literal = reader.text(value)
            target_type = next((t for p, t in GATEWAY_PREFIXES.items() if literal.startswith(p)), "other")
    return {"destination": reader.text(destination), "target_type": target_type, "target": reader.text(value)}


def _sg_rule(egress: bool) -> FoldIn:
    def fold(reader: Reader, maybe: str | None) -> None:
        group = _target(reader, "GroupId") or _target(reader, "GroupName") or _outside_group(reader)
        _append(reader, group, "egress" if egress else "ingress", maybe, lambda: sg_rule(reader, reader.props, egress))

    return fold


def _outside_group(reader: Reader) -> Mapped:
    """A standalone rule whose group the template does not declare: a partial group of the rule's own, so that
    the rule is judged (at its own line) although the group's other rules are not known."""
    ref = reader.get("GroupId")
    if ref is MISSING:
        ref = reader.get("GroupName")
    group = Mapped(reader.out.uid, "aws.ec2.security_group", reader.out.logical_id, reader.out.line,
                   attributes={"ingress": [], "egress": []})
    if isinstance(ref, Unknown):
        group.unknown["group_id"] = ref.reason
        name = "a group outside the template"
    else:
        name = reader.text(need(ref)) if ref is not MISSING else "the default VPC's group"
        group.attributes["group_id"] = name
    why = f"the other rules of {name} are declared outside this template"
    group.partial.update({"ingress": why, "egress": why})
    reader.ctx.mapped[group.uid] = group
    return group


def _nacl_entry(reader: Reader, maybe: str | None) -> None:
    acl = _target(reader, "NetworkAclId")
    if acl is not None:
        _append(reader, acl, "entries", maybe, lambda: _nacl_item(reader))


def _nacl_item(reader: Reader) -> dict[str, Any]:
    proto = protocol(reader, reader.get("Protocol"))
    item: dict[str, Any] = {
        "rule_number": reader.integer(reader.get("RuleNumber")),
        "egress": reader.boolean(reader.get("Egress")) if reader.get("Egress") is not MISSING else False,
        "action": reader.text(reader.get("RuleAction")).lower(), "protocol": proto,
    }
    for key in ("CidrBlock", "Ipv6CidrBlock"):
        if reader.get(key) is not MISSING:
            item["cidr"] = reader.text(reader.get(key))
    icmp = proto in normalise.ICMP_PROTOCOLS
    bounds = [reader.get(key) for key in (("Icmp.Type", "Icmp.Code") if icmp else ("PortRange.From", "PortRange.To"))]
    low, high = (None if value is MISSING else reader.integer(value) for value in bounds)
    try:
        item.update(normalise.rule_ports(proto, low, high))
    except ValueError as exc:
        raise BadValue(str(exc)) from None
    return item


def _link(kind: str, src_path: str, dst_path: str) -> FoldIn:
    """``src -kind-> dst`` between two referenced resources (an association or attachment)."""

    def fold(reader: Reader, maybe: str | None) -> None:
        source = _target(reader, src_path)
        if source is None:
            return
        if maybe:
            reader.ctx.unknown_relation(source.uid, kind, f"{reader.out.logical_id} may not exist: {maybe}")
            return
        reader.relate(kind, dst_path, src=source.uid)

    return fold


def _mount_target(reader: Reader, maybe: str | None) -> None:
    file_system = _target(reader, "FileSystemId")
    if file_system is None:
        return
    if maybe:
        reader.ctx.unknown_relation(file_system.uid, "in_subnet", f"{reader.out.logical_id} may not exist: {maybe}")
        return
    reader.relate("in_subnet", "SubnetId", src=file_system.uid)
    reader.relate("uses_security_group", "SecurityGroups", src=file_system.uid)


def _listener_target_groups(reader: Reader, path: str) -> list[Any]:
    actions = reader.get(path)
    if isinstance(actions, Unknown) or not isinstance(actions, list):
        return [actions] if isinstance(actions, Unknown) else []
    groups: list[Any] = []
    for action in actions:
        if isinstance(action, Unknown):
            groups.append(action)
            continue
        if not isinstance(action, dict):
            continue
        if "TargetGroupArn" in action:
            groups.append(action["TargetGroupArn"])
        forward = reader.get("ForwardConfig.TargetGroups", action)
        if isinstance(forward, list):
            groups += [g.get("TargetGroupArn") if isinstance(g, dict) else g for g in forward]
        elif isinstance(forward, Unknown):
            groups.append(forward)
    return groups


def _listener(reader: Reader, maybe: str | None, lb: Mapped | None = None, path: str = "DefaultActions") -> None:
    lb = lb or _target(reader, "LoadBalancerArn")
    if lb is None:
        return
    if maybe:
        reader.ctx.unknown_relation(lb.uid, "targets", f"{reader.out.logical_id} may not exist: {maybe}")
        return
    groups = [g for g in _listener_target_groups(reader, path) if g is not None]
    if groups:
        reader.relate("targets", path, value=groups, src=lb.uid)


def _listener_rule(reader: Reader, maybe: str | None) -> None:
    listener = reader.get("ListenerArn")
    if not isinstance(listener, ResourceRef):
        return
    listener_props = reader.ctx.properties.get(listener.logical_id, {})
    lb_ref = listener_props.get("LoadBalancerArn")
    if isinstance(lb_ref, ResourceRef):
        lb = reader.ctx.mapped.get(reader.ctx.uid(lb_ref.logical_id))
        if lb is not None:
            _listener(reader, maybe, lb, "Actions")


FOLD_INS: dict[str, FoldIn] = {
    "AWS::EC2::Route": _route,
    "AWS::EC2::SecurityGroupIngress": _sg_rule(egress=False),
    "AWS::EC2::SecurityGroupEgress": _sg_rule(egress=True),
    "AWS::EC2::NetworkAclEntry": _nacl_entry,
    "AWS::EC2::SubnetRouteTableAssociation": _link("uses_route_table", "SubnetId", "RouteTableId"),
    "AWS::EC2::SubnetNetworkAclAssociation": _link("uses_network_acl", "SubnetId", "NetworkAclId"),
    "AWS::EC2::VPCGatewayAttachment": _link("attached_to", "InternetGatewayId", "VpcId"),
    "AWS::EFS::MountTarget": _mount_target,
    "AWS::ElasticLoadBalancingV2::Listener": _listener,
    "AWS::ElasticLoadBalancingV2::ListenerRule": _listener_rule,
}
