"""Reading collector declarations: service-qualified or bare operation keys, lazy imports."""

from __future__ import annotations

import types

import pytest

from scanner.live.registry import context_operations, load_collectors, operations, resource_types


def _module(service: str | None, declared: dict[str, tuple[str, ...]]) -> types.ModuleType:
    module = types.ModuleType("scanner.collectors.example")
    if service:
        module.SERVICE = service  # type: ignore[attr-defined]
    module.OPERATIONS = declared  # type: ignore[attr-defined]
    return module


def test_keys_with_and_without_service() -> None:
    module = _module("elbv2", {"DescribeLoadBalancers": ("aws.elbv2.load_balancer",),
                               "elb:DescribeLoadBalancers": ("aws.elb.load_balancer",)})
    assert operations(module) == {("elbv2", "DescribeLoadBalancers"): ("aws.elbv2.load_balancer",),
                                  ("elb", "DescribeLoadBalancers"): ("aws.elb.load_balancer",)}
    assert context_operations(module) == {"DescribeLoadBalancers": ("aws.elbv2.load_balancer",
                                                                    "aws.elb.load_balancer")}
    assert resource_types(module) == ("aws.elbv2.load_balancer", "aws.elb.load_balancer")


def test_bare_key_without_service_is_a_bug() -> None:
    with pytest.raises(ValueError, match="names no service"):
        operations(_module(None, {"DescribeVpcs": ("aws.ec2.vpc",)}))


def test_missing_modules_are_skipped_but_broken_ones_fail() -> None:
    loaded = load_collectors(("ec2", "not_written_yet"), metrics=None)
    assert [m.__name__ for m in loaded.collectors] == ["scanner.collectors.ec2"]
    assert loaded.metrics is None
    with pytest.raises(ModuleNotFoundError):
        load_collectors(("ec2",), metrics=None, package="scanner.no_such_package")
