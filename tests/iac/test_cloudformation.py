"""CloudFormation loader: golden snapshots of small templates, plus the behaviour they pin down.

Goldens live beside the templates (``tests/iac/data/cfn/*.golden.json``). Regenerate them with
``HAGUARD_UPDATE_GOLDEN=1 pytest tests/iac/test_cloudformation.py`` and review the diff by eye.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.graph import build_graph
from scanner.iac.cloudformation import load_cloudformation, looks_like_cloudformation
from scanner.model import Snapshot

DATA = Path(__file__).parent / "data" / "cfn"


@pytest.fixture(autouse=True)
def _in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load templates by bare file name so uids (``<path as given>#Id``) are stable."""
    monkeypatch.chdir(DATA)


def check_golden(name: str, snapshot: Snapshot) -> None:
    """Compare the snapshot's JSON with ``<name>.golden.json`` (rewrite it when HAGUARD_UPDATE_GOLDEN=1)."""
    path = DATA / f"{name}.golden.json"
    actual = snapshot.to_json()
    if os.environ.get("HAGUARD_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=1) + "\n")
    assert path.exists(), f"missing golden {path.name}: run with HAGUARD_UPDATE_GOLDEN=1"
    assert actual == json.loads(path.read_text())


GOLDEN_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("network", "network.yaml", {}),
    ("network-us-east-1", "network.yaml", {"region": "us-east-1"}),
    ("services", "services.yaml", {}),
    ("intrinsics", "intrinsics.yaml", {}),
    ("conditions", "conditions.yaml", {}),
    ("conditions-prod", "conditions.yaml",
     {"parameters": {"Env": "prod", "DbMultiAz": "true", "AppSubnets": "subnet-a,subnet-b"}, "region": "us-east-1"}),
    ("template", "template.json", {}),
    ("cdk", "cdk.json", {}),
]


@pytest.mark.parametrize(("golden", "template", "options"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden_snapshot(golden: str, template: str, options: dict[str, Any]) -> None:
    check_golden(golden, load_cloudformation(template, **options))


def _by_name(snapshot: Snapshot) -> dict[str, Any]:
    return {r.name: r for r in snapshot.resources}


def _edges(snapshot: Snapshot) -> set[tuple[str, str, str]]:
    return {(r.src.split("#")[-1], r.kind, r.dst.split("#")[-1]) for r in snapshot.relations}


def test_source_uid_name_and_location() -> None:
    snap = load_cloudformation("network.yaml")
    assert snap.source.kind == "cloudformation"
    assert snap.source.files == ["network.yaml"]
    db = _by_name(snap)["Database"]
    assert db.uid == "network.yaml#Database"
    assert (db.location.file, db.location.line) == ("network.yaml", 128)
    assert db.account is None and db.region is None


def test_omitted_properties_get_aws_defaults() -> None:
    db = _by_name(load_cloudformation("services.yaml"))["PlainDb"]
    assert db.attributes["multi_az"] is False
    assert db.attributes["backup_retention_days"] == 1
    assert db.attributes["is_read_replica"] is False


def test_strings_are_coerced_to_the_vocabulary_types() -> None:
    resources = _by_name(load_cloudformation("services.yaml"))
    assert resources["Asg"].attributes["min_size"] == 2  # MinSize: "2"
    assert resources["ShardedCache"].attributes["multi_az"] is True  # MultiAZEnabled: "true"
    assert resources["Tg"].attributes["deregistration_delay_seconds"] == 30


def test_symbolic_zones_count_as_distinct_azs() -> None:
    snap = load_cloudformation("network.yaml")
    resources = _by_name(snap)
    assert resources["PublicA"].attributes["availability_zone"] == "{region}#az1"
    assert resources["PublicB"].attributes["availability_zone"] == "{region}#az2"
    graph = build_graph(snap)
    assert graph.derived["network.yaml#PublicA"]["is_public"] is True
    assert graph.derived["network.yaml#PrivateA"]["is_public"] is False


def test_region_makes_zones_concrete() -> None:
    resources = _by_name(load_cloudformation("network.yaml", region="us-east-1"))
    assert resources["PublicA"].attributes["availability_zone"] == "us-east-1a"
    assert resources["PublicB"].attributes["availability_zone"] == "us-east-1b"
    assert resources["PublicA"].region == "us-east-1"


def test_subnet_without_zone_is_unknown_not_defaulted() -> None:
    subnet = _by_name(load_cloudformation("network.yaml"))["PrivateB"]
    assert "availability_zone" not in subnet.attributes
    assert "AWS picks" in subnet.unknown["availability_zone"]


def test_routes_associations_and_attachment() -> None:
    snap = load_cloudformation("network.yaml")
    resources = _by_name(snap)
    assert resources["PublicRoutes"].attributes["routes"] == [
        {"destination": "0.0.0.0/0", "target_type": "internet_gateway", "target": "network.yaml#Igw"}]
    assert resources["PrivateRoutes"].attributes["routes"][0]["target_type"] == "nat_gateway"
    edges = _edges(snap)
    assert {("PublicA", "uses_route_table", "PublicRoutes"), ("PrivateA", "uses_route_table", "PrivateRoutes"),
            ("Igw", "attached_to", "Vpc"), ("Nat", "in_subnet", "PublicA")} <= edges
    assert not any(kind == "routes_to" for _, kind, _ in edges)  # the graph derives those


def test_security_group_rules_are_flattened_and_folded() -> None:
    resources = _by_name(load_cloudformation("network.yaml"))
    app = resources["AppSg"].attributes
    assert [(r["protocol"], r["from_port"], r["to_port"], r["cidr"]) for r in app["ingress"]] == [
        ("tcp", 443, 443, "0.0.0.0/0"), ("all", 0, 65535, "::/0")]
    assert app["egress"][0]["cidr"] == "0.0.0.0/0"  # AWS's default egress rule
    db = resources["DbSg"].attributes
    assert db["ingress"][0]["source_security_group"] == "network.yaml#AppSg"
    assert db["egress"][0]["protocol"] == "tcp"  # IpProtocol: 6


def test_literal_ids_become_relations_to_literal_uids() -> None:
    assert ("DbSubnets", "in_subnet", "subnet-0abc") in _edges(load_cloudformation("network.yaml"))


def test_service_relations() -> None:
    edges = _edges(load_cloudformation("services.yaml"))
    assert {
        ("Replica", "replica_of", "PlainDb"), ("AuroraWriter", "member_of", "Aurora"),
        ("Aurora", "member_of", "Global"), ("Cache", "in_subnet_group", "CacheSubnets"),
        ("Alb", "targets", "Tg"), ("Tg", "targets", "Asg"), ("CpuPolicy", "scales", "Asg"),
        ("DbCpuAlarm", "alarms_on", "PlainDb"), ("Selection", "member_of", "Plan"), ("Selection", "backs_up", "Table"),
        ("Files", "in_subnet", "SubnetA"), ("Cdn", "serves", "Bucket"),
    } <= edges
    assert not any(dst.endswith("table/*") for _, _, dst in edges)  # ARN patterns are not resources


def test_read_replica_flag() -> None:
    assert _by_name(load_cloudformation("services.yaml"))["Replica"].attributes["is_read_replica"] is True


def test_elasticache_node_groups() -> None:
    resources = _by_name(load_cloudformation("services.yaml"))
    (group,) = resources["Cache"].attributes["node_groups"]
    assert [(m["role"], m["availability_zone"]) for m in group["members"]] == [
        ("primary", "eu-west-1a"), ("replica", None)]
    sharded = resources["ShardedCache"].attributes
    assert sharded["cluster_mode"] is True
    assert [len(g["members"]) for g in sharded["node_groups"]] == [2, 2]


def test_publicly_accessible_follows_the_vpc_internet_gateway() -> None:
    resources = _by_name(load_cloudformation("services.yaml"))
    assert resources["PlainDb"].attributes["publicly_accessible"] is False  # VPC without an IGW
    network = _by_name(load_cloudformation("network.yaml"))["Database"]
    assert "subnet-0abc" in network.unknown["publicly_accessible"]  # a subnet outside the template


def test_parameter_without_default_is_unknown_with_reason() -> None:
    resources = _by_name(load_cloudformation("conditions.yaml"))
    db = resources["Db"]
    assert db.unknown["multi_az"] == "unresolved !Ref DbMultiAz (parameter without default)"
    assert "multi_az" not in db.attributes
    assert resources["Group"].unknown_relations["in_subnet"] == (
        "unresolved !Ref AppSubnets (parameter without default)")


def test_parameter_overrides() -> None:
    resources = _by_name(load_cloudformation(
        "conditions.yaml", parameters={"DbMultiAz": "true", "DbSize": "db.r6g.xlarge", "AppSubnets": "subnet-x"}))
    assert resources["Db"].attributes["multi_az"] is True
    assert resources["Db"].attributes["instance_class"] == "db.r6g.xlarge"
    assert "in_subnet" not in resources["Group"].unknown_relations


def test_conditions_true_false_and_unknown() -> None:
    resources = _by_name(load_cloudformation("conditions.yaml"))
    assert "ProdOnlyReplica" not in resources  # IsProd is false
    assert "DevOnlyBucket" in resources  # Or(true, unknown) is true
    db = resources["Db"]
    assert db.attributes["deletion_protection"] is False  # Fn::If on a false condition
    assert db.unknown["backup_retention_days"].startswith("condition InUsEast1 unknown")
    assert resources["UsEast1Bucket"].presumed == ("evaluated as if created: condition InUsEast1 unknown: "
                                                   "unresolved !Ref AWS::Region (no --region given)")
    assert db.presumed is None
    assert resources["Routes"].attributes["routes"][0]["target"] == "igw-0123456789"  # as if MaybeRoute is created
    assert resources["Routes"].presumed.startswith("evaluated as if MaybeRoute is created: condition InUsEast1")
    prod = _by_name(load_cloudformation("conditions.yaml", parameters={"Env": "prod"}, region="us-east-1"))
    assert "ProdOnlyReplica" in prod
    assert prod["Db"].attributes["backup_retention_days"] == 30
    assert prod["Group"].attributes["desired_capacity"] is None  # AWS::NoValue removed the property


def test_suppressions_from_metadata() -> None:
    assert _by_name(load_cloudformation("network.yaml"))["Database"].suppressions == {
        "rds-storage-autoscaling": "fixed-size dev database"}
    assert _by_name(load_cloudformation("template.json"))["Db"].suppressions == {
        "rds-instance-multi-az": "single-AZ by design"}


def test_json_template_lines() -> None:
    resources = _by_name(load_cloudformation("template.json"))
    assert [resources[n].location.line for n in ("Subnet", "Db", "Table")] == [7, 15, 27]


def test_cdk_template_loads() -> None:
    resources = _by_name(load_cloudformation("cdk.json"))
    assert set(resources) == {"OrdersTable1A2B3C4D", "OrdersBucketE5F6A7B8"}
    assert resources["OrdersTable1A2B3C4D"].attributes["billing_mode"] == "PAY_PER_REQUEST"


def test_no_secrets_are_stored() -> None:
    text = json.dumps(load_cloudformation("network.yaml").to_json())
    assert "secretsmanager" not in text and "MasterUser" not in text


@pytest.mark.parametrize(("name", "expected"), [
    ("network.yaml", True), ("template.json", True), ("cdk.json", True),
    ("network.golden.json", False), ("errors/no_resources.yaml", True),
])
def test_looks_like_cloudformation(name: str, expected: bool) -> None:
    assert looks_like_cloudformation(name) is expected


def test_looks_like_cloudformation_rejects_other_files(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    hcl = tmp_path / "main.tf"
    hcl.write_text('resource "aws_vpc" "main" {}\n')
    assert not looks_like_cloudformation(compose)
    assert not looks_like_cloudformation(hcl)
    assert not looks_like_cloudformation(tmp_path / "missing.yaml")


def test_import_does_not_load_boto3_or_networkx() -> None:
    code = "import sys, scanner.iac.cloudformation; print(sorted({'boto3', 'networkx'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "[]"
