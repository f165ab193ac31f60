"""The provider's Region from a variable, and aliased providers (``provider = aws.dr``, a module call's
``providers``), in HCL and in plans: a cross-Region replica is in its own Region, or in none when unknown."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from tf_helpers import resource

from scanner.graph import build_graph
from scanner.iac.terraform_hcl import load_terraform_hcl
from scanner.iac.terraform_plan import load_terraform_plan
from scanner.model import Snapshot
from scanner.policy import Pack, evaluate, load_pack

ROOT = '''
variable "region" {
  default = "eu-west-1"
}
variable "dr_region" {}
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "dr"
  region = var.dr_region
}
resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
}
resource "aws_db_instance" "replica" {
  provider            = aws.dr
  identifier          = "orders-dr"
  replicate_source_db = aws_db_instance.orders.arn
  instance_class      = "db.t3.micro"
}
module "far" {
  source     = "./replica"
  providers  = { aws = aws.dr }
  source_arn = aws_db_instance.orders.arn
}
module "near" {
  source     = "./replica"
  source_arn = aws_db_instance.orders.arn
}
'''
CHILD = '''
variable "source_arn" {}
resource "aws_db_instance" "this" {
  replicate_source_db = var.source_arn
  instance_class      = "db.t3.micro"
}
'''


@pytest.fixture
def configuration(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(ROOT)
    (tmp_path / "replica").mkdir()
    (tmp_path / "replica" / "main.tf").write_text(CHILD)
    return tmp_path


@functools.cache
def _pack() -> Pack:
    return load_pack()


def _verdict(snapshot: Snapshot, uid: str, policy_id: str = "db-replica-other-region") -> str:
    findings = evaluate(_pack(), build_graph(snapshot), only={policy_id})
    return next(str(f.status.value) for f in findings if f.resource_uid == uid)


def test_hcl_regions_from_variables_and_aliases(configuration: Path) -> None:
    (configuration / "terraform.tfvars").write_text('dr_region = "us-west-2"\n')
    snapshot = load_terraform_hcl(configuration)
    assert resource(snapshot, "aws_db_instance.orders").region == "eu-west-1"
    assert resource(snapshot, "aws_db_instance.replica").region == "us-west-2"
    assert resource(snapshot, "module.far.aws_db_instance.this").region == "us-west-2"  # passed aws.dr
    assert resource(snapshot, "module.near.aws_db_instance.this").region == "eu-west-1"  # inherits the default
    assert snapshot.source.regions == ["eu-west-1", "us-west-2"]
    assert _verdict(snapshot, "aws_db_instance.orders") == "pass"


def test_hcl_alias_region_without_a_value_is_unknown_not_the_default(configuration: Path) -> None:
    snapshot = load_terraform_hcl(configuration)
    assert resource(snapshot, "aws_db_instance.replica").region is None
    assert resource(snapshot, "module.far.aws_db_instance.this").region is None
    assert resource(snapshot, "aws_db_instance.orders").region == "eu-west-1"
    assert _verdict(snapshot, "aws_db_instance.orders") != "pass"


def test_hcl_replica_in_the_same_region_fails(configuration: Path) -> None:
    (configuration / "terraform.tfvars").write_text('dr_region = "eu-west-1"\n')
    assert _verdict(load_terraform_hcl(configuration), "aws_db_instance.orders") == "fail"


def _plan(dr_region: Any, *, dr_expression: dict[str, Any] | None = None) -> dict[str, Any]:
    def planned(name: str, values: dict[str, Any]) -> dict[str, Any]:
        return {"address": f"aws_db_instance.{name}", "mode": "managed", "type": "aws_db_instance", "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}

    orders = {"identifier": "orders", "engine": "postgres", "instance_class": "db.t3.micro",
              "backup_retention_period": 7}
    replica = {"identifier": "orders-dr", "instance_class": "db.t3.micro"}
    resources = [planned("orders", orders), planned("replica", replica)]
    return {
        "format_version": "1.2",
        "variables": {"region": {"value": "eu-west-1"}, "dr_region": {"value": dr_region}},
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": [{**{k: v for k, v in r.items() if k != "values"},
                              "change": {"actions": ["create"], "after": r["values"],
                                         "after_unknown": {"id": True, "arn": True}
                                         | ({"replicate_source_db": True} if r["name"] == "replica" else {})}}
                             for r in resources],
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}},
                "aws.dr": {"name": "aws", "alias": "dr", "expressions": {
                    "region": dr_expression or {"references": ["var.dr_region"]}}},
            },
            "root_module": {"resources": [
                {"address": "aws_db_instance.orders", "mode": "managed", "type": "aws_db_instance", "name": "orders",
                 "provider_config_key": "aws", "expressions": {k: {"constant_value": v} for k, v in orders.items()}},
                {"address": "aws_db_instance.replica", "mode": "managed", "type": "aws_db_instance",
                 "name": "replica", "provider_config_key": "aws.dr",
                 "expressions": {"replicate_source_db": {"references": ["aws_db_instance.orders.arn",
                                                                        "aws_db_instance.orders"]}}},
            ]},
        },
    }


def _load_plan(tmp_path: Path, plan: dict[str, Any]) -> Snapshot:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return load_terraform_plan(path)


def test_plan_regions_from_variables_and_aliases(tmp_path: Path) -> None:
    snapshot = _load_plan(tmp_path, _plan("us-west-2"))
    assert resource(snapshot, "aws_db_instance.orders").region == "eu-west-1"
    assert resource(snapshot, "aws_db_instance.replica").region == "us-west-2"
    assert snapshot.source.regions == ["eu-west-1", "us-west-2"]
    assert _verdict(snapshot, "aws_db_instance.orders") == "pass"


@pytest.mark.parametrize(("value", "expression"), [
    ("us-west", {"references": ["var.dr_region"]}),  # "${var.dr_region}-2": not a whole Region name
    ("us-west-2", {"references": ["var.dr_region", "var.other"]}),  # an expression over several values
    ("us-west-2", {"references": ["local.dr"]}),
])
def test_plan_region_the_plan_does_not_state_is_unknown(tmp_path: Path, value: str,
                                                        expression: dict[str, Any]) -> None:
    snapshot = _load_plan(tmp_path, _plan(value, dr_expression=expression))
    assert resource(snapshot, "aws_db_instance.replica").region is None
    assert _verdict(snapshot, "aws_db_instance.orders") != "pass"
