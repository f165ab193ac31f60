"""Terraform's network functions: ``cidrsubnet``, ``cidrsubnets``, ``cidrhost``, ``cidrnetmask`` (IPv4 and IPv6)."""

from __future__ import annotations

import ipaddress
from typing import Any

from .hcl_builtins import arity, as_int, register
from .hcl_values import (
    Env,
    EvalError,
    to_string,
)


def _network(value: Any, name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(to_string(value), strict=False)
    except ValueError:
        raise EvalError(f"{name}() needs a CIDR prefix, not {to_string(value)[:60]!r}") from None


def _subnet(prefix: ipaddress.IPv4Network | ipaddress.IPv6Network, newbits: int, netnum: int
            ) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    length = prefix.prefixlen + newbits
    if newbits < 0 or length > prefix.max_prefixlen:
        raise EvalError(f"cidrsubnet(): {newbits} new bits do not fit in /{prefix.prefixlen}")
    if not 0 <= netnum < 2 ** newbits:
        raise EvalError(f"cidrsubnet(): network number {netnum} does not fit in {newbits} bits")
    base = int(prefix.network_address) + (netnum << (prefix.max_prefixlen - length))
    return ipaddress.ip_network((base, length))


@register("cidrsubnet")
def _cidrsubnet(env: Env, *args: Any) -> Any:
    arity("cidrsubnet", args, 3)
    prefix = _network(args[0], "cidrsubnet")
    return str(_subnet(prefix, as_int(args[1], "cidrsubnet"), as_int(args[2], "cidrsubnet")))


@register("cidrsubnets")
def _cidrsubnets(env: Env, *args: Any) -> Any:
    if not args:
        raise EvalError("cidrsubnets() needs a prefix")
    prefix = _network(args[0], "cidrsubnets")
    env.limits.collection(len(args) - 1, "cidrsubnets()")
    result: list[str] = []
    cursor = int(prefix.network_address)
    end = int(prefix.broadcast_address)
    for newbits in (as_int(a, "cidrsubnets") for a in args[1:]):
        length = prefix.prefixlen + newbits
        if newbits < 1 or length > prefix.max_prefixlen:
            raise EvalError(f"cidrsubnets(): {newbits} new bits do not fit in /{prefix.prefixlen}")
        size = 1 << (prefix.max_prefixlen - length)
        cursor = (cursor + size - 1) // size * size
        if cursor + size - 1 > end:
            raise EvalError("cidrsubnets(): not enough address space")
        result.append(str(ipaddress.ip_network((cursor, length))))
        cursor += size
    return result


@register("cidrhost")
def _cidrhost(env: Env, *args: Any) -> Any:
    arity("cidrhost", args, 2)
    prefix, host = _network(args[0], "cidrhost"), as_int(args[1], "cidrhost")
    if host < 0:
        host += prefix.num_addresses
    if not 0 <= host < prefix.num_addresses:
        raise EvalError(f"cidrhost(): host number {host} is outside {prefix}")
    return str(prefix.network_address + host)


@register("cidrnetmask")
def _cidrnetmask(env: Env, *args: Any) -> Any:
    arity("cidrnetmask", args, 1)
    prefix = _network(args[0], "cidrnetmask")
    if prefix.version != 4:
        raise EvalError("cidrnetmask() needs an IPv4 prefix")
    return str(prefix.netmask)
