"""Terraform HCL loader: evaluation of vars/locals/references, count/for_each, modules, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tf_helpers import DATA, check_golden, relations, resource

from scanner.errors import InputError
from scanner.iac.terraform_hcl import find_declaration, load_terraform_hcl
from scanner.model import Snapshot

NETWORK = DATA / "hcl_network"


@pytest.fixture(scope="module")
def network() -> Snapshot:
    return load_terraform_hcl(NETWORK)




def test_directory_matches_golden(network: Snapshot) -> None:
    check_golden(network, "hcl_network")


def test_source_lists_every_parsed_file(network: Snapshot) -> None:
    assert network.source.kind == "terraform-hcl"
    assert network.source.regions == ["eu-west-1"]
    assert network.source.files == [str(NETWORK / "data.tf"), str(NETWORK / "main.tf"),
                                    str(NETWORK / "modules" / "cache" / "main.tf")]


def test_count_expands_with_zones_from_the_zones_data_source(network: Snapshot) -> None:
    """``names[count.index]`` is a symbolic zone, made concrete by the provider's Region (eu-west-1)."""
    first, second = resource(network, "aws_subnet.public[0]"), resource(network, "aws_subnet.public[1]")
    assert (first.attributes["availability_zone"], second.attributes["availability_zone"]) == (
        "eu-west-1a", "eu-west-1b")
    assert (first.name, second.name) == ("public[0]", "public[1]")
    assert (first.attributes["cidr_block"], second.attributes["cidr_block"]) == ("10.0.0.0/24", "10.0.1.0/24")
    assert first.attributes["map_public_ip_on_launch"] is True
    assert first.location is not None and (first.location.file, first.location.line) == (str(NETWORK / "main.tf"), 21)


def test_for_each_expands_with_keys_and_values(network: Snapshot) -> None:
    subnet = resource(network, 'aws_subnet.private["b"]')
    assert subnet.attributes["cidr_block"] == "10.0.11.0/24"
    assert subnet.attributes["availability_zone"] == "eu-west-1b"  # "${var.region}${each.key}"
    assert subnet.attributes["map_public_ip_on_launch"] is False


def test_unknown_count_gives_one_resource_with_the_reason(network: Snapshot) -> None:
    spare = resource(network, "aws_subnet.spare")
    assert spare.unknown["count"] == ("count of aws_subnet.spare is unknown: variable spare_count has no value "
                                      "(no default, tfvars or --var)")
    assert spare.attributes["cidr_block"] == "10.0.20.0/24"  # cidrsubnet(var.cidr, 8, 20)


def test_variables_from_defaults_tfvars_and_overrides(network: Snapshot) -> None:
    assert resource(network, "aws_security_group.db").attributes["group_name"] == "shop-prod-db"  # tfvars
    assert resource(network, "aws_vpc.main").attributes["tags"] == {"Name": "shop-prod"}  # local from var
    overridden = load_terraform_hcl(NETWORK, var_overrides={"env": "dev", "spare_count": "0"})
    assert resource(overridden, "aws_security_group.db").attributes["group_name"] == "shop-dev-db"
    assert not [r for r in overridden.resources if r.uid.startswith("aws_subnet.spare")]  # count = 0
    with pytest.raises(InputError, match="--var spare_count: invalid value for variable 'spare_count'"):
        load_terraform_hcl(NETWORK, var_overrides={"spare_count": "x"})  # a number variable, as Terraform


def test_references_become_relations(network: Snapshot) -> None:
    found = relations(network)
    assert {
        ("aws_db_subnet_group.main", "in_subnet", 'aws_subnet.private["a"]'),
        ("aws_db_subnet_group.main", "in_subnet", 'aws_subnet.private["b"]'),
        ("aws_db_instance.orders", "in_subnet_group", "aws_db_subnet_group.main"),
        ("aws_db_instance.replica", "replica_of", "aws_db_instance.orders"),
        ("aws_autoscaling_group.app", "in_subnet", 'aws_subnet.private["a"]'),
        ("aws_autoscaling_group.workers", "in_subnet", "aws_subnet.public[1]"),
        ("aws_nat_gateway.nat", "in_subnet", "aws_subnet.public[0]"),
        ("aws_internet_gateway.gw", "attached_to", "aws_vpc.main"),
    } <= found


def test_routes_and_associations(network: Snapshot) -> None:
    assert resource(network, "aws_route_table.public").attributes["routes"] == [
        {"destination": "0.0.0.0/0", "target_type": "internet_gateway", "target": "aws_internet_gateway.gw"}]
    assert resource(network, "aws_route_table.private").attributes["routes"] == [
        {"destination": "0.0.0.0/0", "target_type": "nat_gateway", "target": "aws_nat_gateway.nat"}]
    found = relations(network)
    assert ("aws_subnet.public[1]", "uses_route_table", "aws_route_table.public") in found
    assert ('aws_subnet.private["a"]', "uses_route_table", "aws_route_table.private") in found


def test_security_group_rules_are_flattened_and_folded(network: Snapshot) -> None:
    app = resource(network, "aws_security_group.app")
    assert app.attributes["ingress"] == [
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "icmp_type": None, "icmp_code": None, "cidr": "0.0.0.0/0",
         "source_security_group": None, "prefix_list": None, "description": None},
        {"protocol": "all", "from_port": 0, "to_port": 65535, "icmp_type": None, "icmp_code": None, "cidr": None,
         "source_security_group": "aws_security_group.app", "prefix_list": None, "description": None},
    ]
    egress = resource(network, "aws_security_group.db").attributes["egress"]
    assert [(e["protocol"], e["from_port"], e["to_port"], e["cidr"]) for e in egress] == [
        ("all", 0, 65535, "0.0.0.0/0"), ("all", 0, 65535, "::/0")]


def test_local_module_is_expanded_with_its_inputs(network: Snapshot) -> None:
    group = resource(network, "module.cache.aws_elasticache_replication_group.this")
    assert group.location is not None
    assert group.location.file == str(NETWORK / "modules" / "cache" / "main.tf")
    assert group.attributes["automatic_failover"] is True
    assert group.attributes["multi_az"] is False
    assert [m["availability_zone"] for m in group.attributes["node_groups"][0]["members"]] == [
        "eu-west-1a", "eu-west-1b"]
    assert ("module.cache.aws_elasticache_subnet_group.this", "in_subnet", "aws_subnet.public[0]") in relations(network)


def test_suppression_comments_above_and_inside_the_block(network: Snapshot) -> None:
    assert resource(network, "aws_db_instance.orders").suppressions == {
        "rds-instance-multi-az": "reporting replica, rebuilt from the primary"}
    assert resource(network, "aws_db_instance.replica").suppressions == {
        "rds-backup-retention": "replicas are not backed up"}
    assert resource(network, "aws_vpc.main").suppressions == {}


def test_defaults_and_replica_backups(network: Snapshot) -> None:
    orders = resource(network, "aws_db_instance.orders")
    assert orders.attributes["multi_az"] is False  # var default false
    assert orders.attributes["backup_retention_days"] == 7
    replica = resource(network, "aws_db_instance.replica")
    assert replica.attributes["is_read_replica"] is True
    assert replica.attributes["backup_retention_days"] == 0
    assert resource(network, "aws_autoscaling_group.app").attributes["health_check_grace_period_seconds"] == 300


def test_secrets_are_never_stored(network: Snapshot) -> None:
    assert "do-not-store" not in json.dumps(network.to_json())


def test_syntax_error_names_file_and_line() -> None:
    path = DATA / "hcl_syntax_error" / "main.tf"
    with pytest.raises(InputError) as caught:
        load_terraform_hcl(path.parent)
    assert str(caught.value).startswith(f"{path}:6: HCL syntax error at column 12")


def test_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \*\.tf files"):
        load_terraform_hcl(tmp_path)
    with pytest.raises(InputError, match="not a directory"):
        load_terraform_hcl(tmp_path / "absent")


def test_unknown_variable_and_data_source_references(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "subnets" {}\n'
        'data "aws_subnet" "shared" {\n  id = "subnet-1"\n}\n'
        'resource "aws_lb" "a" {\n  subnets = var.subnets\n}\n'
        'resource "aws_lb" "b" {\n  subnets = [data.aws_subnet.shared.id, "subnet-2"]\n  internal = true\n}\n'
        'resource "aws_route_table_association" "x" {\n  subnet_id = var.subnets[0]\n'
        '  route_table_id = "rtb-1"\n}\n'
        'resource "aws_subnet" "s" {\n  vpc_id = "vpc-1"\n}\n')
    snapshot = load_terraform_hcl(tmp_path)
    assert resource(snapshot, "aws_lb.a").unknown_relations == {
        "in_subnet": "variable subnets has no value (no default, tfvars or --var)"}
    assert {("aws_lb.b", "in_subnet", "data.aws_subnet.shared"), ("aws_lb.b", "in_subnet", "subnet-2")} <= relations(
        snapshot)
    assert resource(snapshot, "aws_lb.b").attributes["scheme"] == "internal"
    assert resource(snapshot, "aws_subnet.s").unknown_relations["uses_route_table"].startswith(
        "aws_route_table_association.x:")


def test_find_declaration_only_counts_contiguous_comments() -> None:
    lines = ["# haguard:skip=a not mine", "", "// haguard:skip=b mine", 'resource "aws_vpc" "v" {',
             "  # haguard:skip=c inside", "}", "# haguard:skip=d after"]
    assert find_declaration(lines, "aws_vpc", "v") == (4, {"b": "mine", "c": "inside"})
    assert find_declaration(lines, "aws_vpc", "w") is None


def test_number_override_expands_count(network: Snapshot) -> None:
    snapshot = load_terraform_hcl(NETWORK, var_overrides={"spare_count": "2"})
    assert {r.uid for r in snapshot.resources} >= {"aws_subnet.spare[0]", "aws_subnet.spare[1]"}
    assert "aws_subnet.spare" not in {r.uid for r in snapshot.resources}


def test_functions_heredocs_and_main_route_tables(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
  tags       = { Note = <<EOT
two "words"
EOT
  }
}
resource "aws_vpc" "w" {}
resource "aws_subnet" "s" {
  count  = 3
  vpc_id = aws_vpc.v.id
}
resource "aws_instance" "i" {
  count         = 4
  subnet_id     = element(aws_subnet.s[*].id, count.index)
  instance_type = tolist(["t3.micro"])[0]
}
resource "aws_default_route_table" "d" {
  default_route_table_id = aws_vpc.v.default_route_table_id
}
resource "aws_route_table" "m" {
  vpc_id = aws_vpc.w.id
}
resource "aws_main_route_table_association" "m" {
  vpc_id         = aws_vpc.w.id
  route_table_id = aws_route_table.m.id
}
''')
    snapshot = load_terraform_hcl(tmp_path)
    found = relations(snapshot)
    assert ("aws_instance.i[3]", "in_subnet", "aws_subnet.s[0]") in found  # element() wraps around
    assert ("aws_instance.i[1]", "in_subnet", "aws_subnet.s[1]") in found
    assert resource(snapshot, "aws_instance.i[2]").attributes["instance_type"] == "t3.micro"
    assert resource(snapshot, "aws_vpc.v").attributes["tags"] == {"Note": 'two "words"\n'}  # heredocs end in \n
    assert resource(snapshot, "aws_default_route_table.d").attributes["main"] is True
    assert resource(snapshot, "aws_route_table.m").attributes["main"] is True
    assert ("aws_default_route_table.d", "in_vpc", "aws_vpc.v") in found
    uids = {r.uid for r in snapshot.resources}
    assert "aws_vpc.v#main-route-table" not in uids and "aws_vpc.w#main-route-table" not in uids


def test_count_from_length_of_a_list_variable(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
variable "azs" {
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}
variable "sizes" {
  default = { web = 2 }
}
resource "aws_subnet" "s" {
  count             = length(var.azs)
  availability_zone = var.azs[count.index]
}
resource "aws_autoscaling_group" "web" {
  min_size = lookup(var.sizes, "web", 1)
  max_size = lookup(var.sizes, "api", 4)
  desired_capacity = lookup(var.sizes, "api")
}
''')
    snapshot = load_terraform_hcl(tmp_path)
    assert [r.attributes["availability_zone"] for r in snapshot.resources if r.type == "aws.ec2.subnet"] == [
        "us-east-1a", "us-east-1b", "us-east-1c"]
    group = resource(snapshot, "aws_autoscaling_group.web")
    assert (group.attributes["min_size"], group.attributes["max_size"]) == (2, 4)
    assert "lookup() found no key 'api' and has no default" in group.unknown["desired_capacity"]
