"""Nothing vanishes: single-node caches are modelled, unmodelled resources are listed, a rule on an outside
security group is judged on its own (CloudFormation, Terraform plan JSON and Terraform HCL alike)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.graph import build_graph
from scanner.iac.cloudformation import load_cloudformation
from scanner.iac.terraform_hcl import load_terraform_hcl
from scanner.iac.terraform_plan import load_terraform_plan
from scanner.model import Snapshot
from scanner.policy import evaluate, load_pack

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SharedGroup: {Type: String, Default: sg-0shared}
Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties: {Engine: redis, CacheNodeType: cache.t3.micro, NumCacheNodes: 1,
                 PreferredAvailabilityZone: us-east-1a}
  Worker:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: {ZipFile: "pass"}, Role: arn:aws:iam::1:role/x}
  OpenToAll:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref SharedGroup, IpProtocol: "-1", CidrIp: 0.0.0.0/0}
"""

HCL = """\
provider "aws" { region = "us-east-1" }
variable "shared_group" { default = "sg-0shared" }
resource "aws_elasticache_cluster" "sessions" {
  cluster_id        = "sessions"
  engine            = "redis"
  node_type         = "cache.t3.micro"
  num_cache_nodes   = 1
  availability_zone = "us-east-1a"
}
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::1:role/x"
  runtime       = "python3.12"
  handler       = "app.handler"
}
resource "aws_vpc_security_group_ingress_rule" "open_to_all" {
  security_group_id = var.shared_group
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
"""


def _plan() -> dict[str, Any]:
    resources = [
        ("aws_elasticache_cluster", "sessions", {"cluster_id": "sessions", "engine": "redis",
                                                 "num_cache_nodes": 1, "availability_zone": "us-east-1a"}),
        ("aws_lambda_function", "worker", {"function_name": "worker", "runtime": "python3.12"}),
        ("aws_vpc_security_group_ingress_rule", "open_to_all", {"security_group_id": "sg-0shared",
                                                                "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}),
    ]
    planned = [{"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n, "values": v} for t, n, v in resources]
    changes = [{"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
                "change": {"actions": ["create"], "after": v, "after_unknown": {}}} for t, n, v in resources]
    config = [{"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
               "expressions": {k: {"constant_value": val} for k, val in v.items()}} for t, n, v in resources]
    return {"format_version": "1.2", "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"expressions": {"region": {"constant_value": "us-east-1"}}}},
                              "root_module": {"resources": config}}}


def _sources(tmp_path: Path) -> dict[str, tuple[Snapshot, Path]]:
    template = tmp_path / "stack.yaml"
    template.write_text(TEMPLATE)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_plan()))
    hcl = tmp_path / "hcl"
    hcl.mkdir()
    (hcl / "main.tf").write_text(HCL)
    return {"cloudformation": (load_cloudformation(template), template),
            "terraform-plan": (load_terraform_plan(plan), plan),
            "terraform-hcl": (load_terraform_hcl(hcl), hcl)}


@pytest.mark.parametrize("source", ["cloudformation", "terraform-plan", "terraform-hcl"])
def test_cache_modelled_lambda_listed_outside_rule_fails(tmp_path: Path, source: str) -> None:
    snapshot, _ = _sources(tmp_path)[source]
    types = {r.type for r in snapshot.resources}
    assert "aws.elasticache.cache_cluster" in types
    cache = next(r for r in snapshot.resources if r.type == "aws.elasticache.cache_cluster")
    assert (cache.attributes["engine"], cache.attributes["num_nodes"]) == ("redis", 1)
    assert [u.source_type for u in snapshot.unevaluated] == [
        "AWS::Lambda::Function" if source == "cloudformation" else "aws_lambda_function"]
    group = next(r for r in snapshot.resources if r.type == "aws.ec2.security_group")
    assert group.attributes["group_id"] == "sg-0shared"
    assert group.partial["ingress"].startswith("the other rules of sg-0shared" if source == "cloudformation"
                                               else "the rules of sg-0shared")
    [finding] = [f for f in evaluate(load_pack(), build_graph(snapshot), None, only={"sg-data-ports-not-open-to-world"})
                 if f.resource_uid == group.uid]
    assert finding.status.value == "fail"
    assert finding.location is not None  # the rule's own declaration (a plan without .tf files has no line)
    assert (finding.location.line is not None) == (source != "terraform-plan")


def test_partial_rules_without_a_violation_are_unknown_not_pass(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(TEMPLATE.replace("IpProtocol: \"-1\", CidrIp: 0.0.0.0/0", "IpProtocol: tcp, FromPort: 443, "
                                         "ToPort: 443, CidrIp: 0.0.0.0/0"))
    snapshot = load_cloudformation(template)
    [finding] = evaluate(load_pack(), build_graph(snapshot), None, only={"sg-data-ports-not-open-to-world"})
    assert finding.status.value == "unknown"
    assert any("known only in part" in str(e.get("unknown", "")) for e in finding.evidence)


@pytest.mark.parametrize("source", ["cloudformation", "terraform-plan", "terraform-hcl"])
def test_reports_list_the_unevaluated_and_count_the_modelled(tmp_path: Path, source: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _, path = _sources(tmp_path)[source]
    main(["iac", str(path), "--format", "json", "--output", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text())
    assert [u["source_type"] for u in report["unevaluated"]] in (["AWS::Lambda::Function"], ["aws_lambda_function"])
    assert report["unevaluated"][0]["location"]["file"]
    assert report["summary"]["resources"] == 2  # the cache and the outside rule's partial group
    assert report["summary"]["unevaluated"] == 1
    code = main(["iac", str(path), "--format", "markdown", "--skip", "sg-data-ports-not-open-to-world",
                 "--allow-unknown", "--fail-on", "critical"])
    text = capsys.readouterr().out
    assert "Not evaluated (1)" in text and "2 resources modelled" in text
    assert code == 0
    lambda_type = report["unevaluated"][0]["source_type"]
    assert main(["iac", str(path), "--skip", "sg-data-ports-not-open-to-world", "--allow-unknown", "--fail-on",
                 "critical", "--fail-on-unevaluated", lambda_type]) == 1
    assert "1 not evaluated" in capsys.readouterr().out
