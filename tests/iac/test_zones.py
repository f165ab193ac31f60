"""Symbolic Availability Zones become concrete once the Region is known."""

from __future__ import annotations

from scanner.iac.zones import concrete_zone, concretise, symbolic_zone


def test_symbolic_zones_by_index() -> None:
    assert symbolic_zone(0) == "{region}#az1"
    assert concrete_zone(symbolic_zone(2), "eu-west-1") == "eu-west-1c"
    assert concrete_zone("us-east-1f", "eu-west-1") == "us-east-1f"
    assert concrete_zone("{region}#az99", "eu-west-1") == "{region}#az99"  # out of range: left symbolic


def test_concretise_walks_nested_values() -> None:
    value = {"availability_zones": ["{region}#az1", "{region}#az2"],
             "node_groups": [{"members": [{"availability_zone": "{region}#az3"}]}], "port": 6379}
    assert concretise(value, "ap-south-2") == {
        "availability_zones": ["ap-south-2a", "ap-south-2b"],
        "node_groups": [{"members": [{"availability_zone": "ap-south-2c"}]}], "port": 6379}
