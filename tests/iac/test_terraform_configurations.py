"""Terraform directories read as Terraform reads them, end to end through ``haguard iac``: module
count/for_each, remote modules, dynamic blocks, tfvars precedence, override files, .tf.json, values
Terraform rejects, instance limits, and a called module never scanned twice. Each of these used to
pass wrongly (resources dropped, inputs ignored) or fail with a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main

DB = """
resource "aws_db_instance" "this" {{
  identifier     = var.name
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az       = {multi_az}
}}
variable "name" {{
  type    = string
  default = "db"
}}
output "id" {{
  value = aws_db_instance.this.id
}}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any] | None, str]:
    code = main(["iac", *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else None, captured.err


def statuses(report: dict[str, Any] | None, policy: str) -> dict[str, str]:
    assert report is not None
    return {f["resource_uid"]: f["status"] for f in report["findings"] if f["policy_id"] == policy}


# -- modules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("meta", "expected"), [
    ("count = 2", {"module.db[0].aws_db_instance.this", "module.db[1].aws_db_instance.this"}),
    ("count = 1", {"module.db[0].aws_db_instance.this"}),
    ('for_each = toset(["orders", "users"])',
     {'module.db["orders"].aws_db_instance.this', 'module.db["users"].aws_db_instance.this'}),
    ('for_each = { a = "x" }', {'module.db["a"].aws_db_instance.this'}),
])
def test_module_instances_each_give_their_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str], meta: str,
                                                   expected: set[str]) -> None:
    write(tmp_path, {"main.tf": f'module "db" {{\n  source = "./db"\n  {meta}\n}}\n',
                     "db/main.tf": DB.format(multi_az="false")})
    code, report, _ = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert code == 1
    assert statuses(report, "rds-instance-multi-az") == dict.fromkeys(expected, "fail")


def test_module_count_zero_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'module "db" {\n  source = "./db"\n  count = 0\n}\n',
                     "db/main.tf": DB.format(multi_az="false")})
    code, report, _ = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert code == 0 and statuses(report, "rds-instance-multi-az") == {}


def test_module_inputs_follow_each_instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {
        "main.tf": '''
locals {
  dbs = { orders = true, reports = false }
}
module "db" {
  source   = "./db"
  for_each = local.dbs
  name     = "${each.key}-db"
  multi_az = each.value
}
resource "aws_cloudwatch_metric_alarm" "cpu" {
  for_each            = module.db
  alarm_name          = "cpu-${each.key}"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  period              = 60
  threshold           = 80
  statistic           = "Average"
  dimensions          = { DBInstanceIdentifier = each.value.id }
}
''',
        "db/main.tf": DB.format(multi_az="var.multi_az") + 'variable "multi_az" {\n  type = bool\n}\n'})
    code, report, _ = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert code == 1
    assert statuses(report, "rds-instance-multi-az") == {'module.db["orders"].aws_db_instance.this': "pass",
                                                         'module.db["reports"].aws_db_instance.this': "fail"}
    from scanner.iac.terraform_hcl import load_terraform_hcl

    snapshot = load_terraform_hcl(tmp_path)
    assert {(r.src, r.kind, r.dst) for r in snapshot.relations if r.kind == "alarms_on"} == {
        ('aws_cloudwatch_metric_alarm.cpu["orders"]', "alarms_on", 'module.db["orders"].aws_db_instance.this'),
        ('aws_cloudwatch_metric_alarm.cpu["reports"]', "alarms_on", 'module.db["reports"].aws_db_instance.this')}


def test_unknown_module_count_is_evaluated_once_with_a_warning(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'variable "replicas" {}\nmodule "db" {\n  source = "./db"\n'
                                '  count  = var.replicas\n  name   = "db-${count.index}"\n}\n',
                     "db/main.tf": DB.format(multi_az="false")})
    code, report, err = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert code == 1 and statuses(report, "rds-instance-multi-az") == {"module.db.aws_db_instance.this": "fail"}
    assert f"{tmp_path / 'main.tf'}:4: warning: count of module.db is unknown: variable replicas has no value" in err
    assert len(err.strip().splitlines()) == 1


def test_remote_module_is_named_not_evaluated_and_its_outputs_are_unknown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": '''
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = module.vpc.private_subnets
}
'''})
    code, report, err = run(capsys, str(tmp_path))
    assert code == 1 and report is not None  # the subnet group's subnets are unknown: not a pass
    assert err.strip() == (f"haguard: {tmp_path / 'main.tf'}:2: warning: not evaluated: remote module "
                           "terraform-aws-modules/vpc/aws (module.vpc)")
    from scanner.iac.terraform_hcl import LoadWarning, load_terraform_hcl

    warnings: list[LoadWarning] = []
    snapshot = load_terraform_hcl(tmp_path, warnings=warnings)
    assert [(w.kind, w.subject) for w in warnings] == [("not-evaluated", "module.vpc")]
    group = next(r for r in snapshot.resources if r.uid == "aws_db_subnet_group.db")
    assert "not evaluated: remote module terraform-aws-modules/vpc/aws" in group.unknown_relations["in_subnet"]


@pytest.mark.parametrize("module_dir", ["db", "modules/db", "../shared-db"])
def test_a_called_module_is_not_scanned_again_as_its_own_root(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], module_dir: str) -> None:
    root = tmp_path / "live"
    write(root, {"main.tf": f'module "db" {{\n  source = "./{module_dir}"\n  name = "orders"\n}}\n'})
    write(root / module_dir, {"main.tf": DB.format(multi_az="false")})
    code, report, _ = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert statuses(report, "rds-instance-multi-az") == {"module.db.aws_db_instance.this": "fail"}
    assert report is not None and report["summary"]["failing"] == 1
    # the pre-commit hook passes changed files: the module's file and the root's, with --type terraform
    code, report, _ = run(capsys, "--type", "terraform", str(root / "main.tf"), str(root / module_dir / "main.tf"),
                          "--only", "rds-instance-multi-az")
    assert code == 1
    assert statuses(report, "rds-instance-multi-az") == {"module.db.aws_db_instance.this": "fail"}


def test_an_uncalled_module_directory_is_still_scanned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
                     "modules/db/main.tf": DB.format(multi_az="false")})
    code, report, _ = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert code == 1 and statuses(report, "rds-instance-multi-az") == {"aws_db_instance.this": "fail"}


# -- dynamic blocks -----------------------------------------------------------------------------------

GROUP = '''
variable "ports" {{
  default = {ports}
}}
resource "aws_security_group" "web" {{
  name = "web"
  dynamic "ingress" {{
    for_each = var.ports
    iterator = port
    content {{
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }}
  }}
  ingress {{
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}
'''


def test_dynamic_blocks_expand_next_to_static_ones(tmp_path: Path) -> None:
    from scanner.iac.terraform_hcl import load_terraform_hcl

    write(tmp_path, {"main.tf": GROUP.format(ports="[80, 443]")})
    group = load_terraform_hcl(tmp_path).resources[0]
    assert sorted((i["from_port"], i["cidr"]) for i in group.attributes["ingress"]) == [
        (22, "10.0.0.0/8"), (80, "0.0.0.0/0"), (443, "0.0.0.0/0")]


def test_dynamic_block_over_unknown_values_makes_the_block_unknown(tmp_path: Path) -> None:
    from scanner.iac.terraform_hcl import load_terraform_hcl

    write(tmp_path, {"main.tf": GROUP.format(ports="[80, 443]").replace("default = [80, 443]", "type = list(number)")})
    group = load_terraform_hcl(tmp_path).resources[0]
    assert "ingress" not in group.attributes
    assert group.unknown["ingress"] == ("dynamic block ingress: for_each is unknown (variable ports has no value "
                                        "(no default, tfvars or --var))")


# -- variables ----------------------------------------------------------------------------------------


def test_tfvars_files_load_in_terraforms_precedence(tmp_path: Path) -> None:
    from scanner.iac.terraform_hcl import Options, load_terraform_hcl

    names = ["default", "tfvars", "tfvars_json", "auto_a", "auto_b_json", "var_file", "var"]
    declared = "".join(f'variable "{n}" {{\n  default = "default"\n}}\n' for n in names)
    tags = ", ".join(f"{n} = var.{n}" for n in names)

    def assigning(level: int) -> dict[str, str]:
        return {n: names[level] for n in names[level:]}

    write(tmp_path, {
        "main.tf": declared + f'resource "aws_vpc" "v" {{\n  tags = {{ {tags} }}\n}}\n',
        "terraform.tfvars": "".join(f'{k} = "{v}"\n' for k, v in assigning(1).items()),
        "terraform.tfvars.json": json.dumps(assigning(2)),
        "a.auto.tfvars": "".join(f'{k} = "{v}"\n' for k, v in assigning(3).items()),
        "b.auto.tfvars.json": json.dumps(assigning(4)),
        "extra/given.tfvars": "".join(f'{k} = "{v}"\n' for k, v in assigning(5).items()),
    })
    snapshot = load_terraform_hcl(tmp_path, var_overrides={"var": "var"},
                                  options=Options(var_files=(tmp_path / "extra" / "given.tfvars",)))
    assert snapshot.resources[0].attributes["tags"] == {n: n for n in names}


def test_var_and_var_file_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"tf/main.tf": 'variable "multi" {\n  type = bool\n}\nvariable "sizes" {\n'
                                   '  type = list(number)\n  default = []\n}\n'
                                   'resource "aws_db_instance" "db" {\n  count = length(var.sizes)\n'
                                   '  engine = "postgres"\n  instance_class = "db.t3.micro"\n'
                                   '  multi_az = var.multi\n}\n',
                     "prod.tfvars": "multi = true\n"})
    code, report, _ = run(capsys, str(tmp_path / "tf"), "--var", "sizes=[1, 2]", "--var-file",
                          str(tmp_path / "prod.tfvars"), "--only", "rds-instance-multi-az")
    assert statuses(report, "rds-instance-multi-az") == {"aws_db_instance.db[0]": "pass",
                                                         "aws_db_instance.db[1]": "pass"}
    code, report, _ = run(capsys, str(tmp_path / "tf"), "--param", "sizes=[1]", "--var", "multi=false",
                          "--only", "rds-instance-multi-az")
    assert statuses(report, "rds-instance-multi-az") == {"aws_db_instance.db[0]": "fail"}
    code, _, err = run(capsys, str(tmp_path / "tf"), "--var-file", str(tmp_path / "absent.tfvars"))
    assert code == 2 and err.strip() == f"{tmp_path / 'absent.tfvars'}: no such variables file"


@pytest.mark.parametrize(("tfvars", "message"), [
    ('multi = "maybe"\n', "terraform.tfvars:1: invalid value for variable 'multi': a bool is required"),
    ("multi = var.other\n", "terraform.tfvars:1: invalid value for variable 'multi'"),
    ("multi {\n}\n", "terraform.tfvars:1: blocks are not allowed in a variables file"),
])
def test_bad_tfvars_are_input_errors_at_their_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], tfvars: str,
                                                   message: str) -> None:
    write(tmp_path, {"main.tf": 'variable "multi" {\n  type = bool\n}\n', "terraform.tfvars": tfvars})
    code, report, err = run(capsys, str(tmp_path))
    assert code == 2 and report is None
    assert err.strip().startswith(str(tmp_path / message.split(":")[0]) + ":" + message.split(":", 1)[1])
    assert len(err.strip().splitlines()) == 1


def test_values_for_undeclared_variables_are_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_vpc" "v" {}\n', "terraform.tfvars": 'typo = 1\n'})
    code, _, err = run(capsys, str(tmp_path), "--fail-on", "critical")  # a bare VPC has findings (no flow log)
    assert code == 0
    assert err.strip() == f"haguard: {tmp_path / 'terraform.tfvars'}:1: warning: a value is given for 'typo', " \
                          "which no variable declares"


# -- override files -----------------------------------------------------------------------------------


def test_override_files_merge_attribute_by_attribute(tmp_path: Path) -> None:
    from scanner.iac.terraform_hcl import load_terraform_hcl

    write(tmp_path, {
        "main.tf": '''
resource "aws_db_instance" "db" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  multi_az                = false
  backup_retention_period = 14
}
resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
locals {
  a = 1
  b = 2
}
''',
        "override.tf": 'resource "aws_db_instance" "db" {\n  multi_az = true\n}\n',
        "security_override.tf": '''
resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
''',
    })
    snapshot = load_terraform_hcl(tmp_path)
    db = next(r for r in snapshot.resources if r.uid == "aws_db_instance.db")
    assert (db.attributes["multi_az"], db.attributes["backup_retention_days"]) == (True, 14)
    group = next(r for r in snapshot.resources if r.uid == "aws_security_group.web")
    assert [(i["from_port"], i["cidr"]) for i in group.attributes["ingress"]] == [(443, "10.0.0.0/8")]
    assert [e["cidr"] for e in group.attributes["egress"]] == ["0.0.0.0/0"]  # block types not overridden stay


def test_override_of_a_dynamic_block_type_replaces_the_dynamic_blocks(tmp_path: Path) -> None:
    from scanner.iac.terraform_hcl import load_terraform_hcl

    write(tmp_path, {"main.tf": GROUP.format(ports="[80]"),
                     "override.tf": 'resource "aws_security_group" "web" {\n  ingress {\n    from_port = 1\n'
                                    '    to_port = 1\n    protocol = "tcp"\n    cidr_blocks = ["10.1.0.0/16"]\n'
                                    '  }\n}\n'})
    group = load_terraform_hcl(tmp_path).resources[0]
    assert [(i["from_port"], i["cidr"]) for i in group.attributes["ingress"]] == [(1, "10.1.0.0/16")]


@pytest.mark.parametrize(("files", "message"), [
    ({"override.tf": 'resource "aws_vpc" "nothing" {\n  cidr_block = "10.0.0.0/16"\n}\n'},
     "override.tf:1: override of resource 'aws_vpc.nothing', which no other file declares"),
    ({"second.tf": '\nresource "aws_vpc" "v" {}\n'}, "second.tf:2: duplicate resource 'aws_vpc.v'"),
])
def test_override_without_original_and_duplicates_are_input_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], message: str) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_vpc" "v" {}\n', **files})
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and err.strip().startswith(f"{tmp_path}/{message}")


def test_json_configuration_files_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf.json": json.dumps({
        "variable": {"multi": {"type": "bool", "default": False}},
        "resource": {"aws_db_instance": {"db": {"engine": "postgres", "instance_class": "db.t3.micro",
                                                "multi_az": "${var.multi}", "count": 2}}}})})
    code, report, _ = run(capsys, str(tmp_path), "--only", "rds-instance-multi-az")
    assert code == 1
    assert statuses(report, "rds-instance-multi-az") == {"aws_db_instance.db[0]": "fail",
                                                         "aws_db_instance.db[1]": "fail"}


# -- what Terraform rejects, and limits ---------------------------------------------------------------


@pytest.mark.parametrize(("meta", "message"), [
    ("count = -1", "count of aws_vpc.v is -1; Terraform rejects a negative count"),
    ("count = 1.5", "count of aws_vpc.v is 1.5, not a whole number (Terraform rejects it)"),
    ('count = "two"', "count of aws_vpc.v: a number is required, not a non-numeric string (Terraform rejects it)"),
    ("count = null", "count of aws_vpc.v is null (Terraform rejects it)"),
    ('for_each = ["a", "b"]', "for_each of aws_vpc.v is a list; Terraform accepts a map or a set of strings "
                              "(wrap it in toset())"),
    ("for_each = toset([1, 2])", "for_each of aws_vpc.v is a set of numbers; Terraform accepts a map or a set of "
                                 "strings"),
    ("for_each = null", "for_each of aws_vpc.v is null (Terraform rejects it)"),
    ('count = 1\n  for_each = {}', "aws_vpc.v sets both count and for_each (Terraform rejects it)"),
    ("count = 100000000", "count = 100000000 for aws_vpc.v exceeds haguard's limit of 10000 instances "
                          "(raise it with --max-instances N)"),
])
def test_values_terraform_rejects_are_one_line_input_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], meta: str, message: str) -> None:
    write(tmp_path, {"main.tf": f'\nresource "aws_vpc" "v" {{\n  cidr_block = "10.0.0.0/16"\n  {meta}\n}}\n'})
    code, report, err = run(capsys, str(tmp_path))
    assert (code, report) == (2, None)
    line = 2 if "both" in message else 4
    assert err.strip() == f"{tmp_path / 'main.tf'}:{line}: {message}"


def test_negative_count_inside_a_module_names_the_module_file(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "./m"\n  n = -2\n}\n',
                     "m/main.tf": 'variable "n" {}\nresource "aws_vpc" "v" {\n  count = var.n\n}\n'})
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2
    assert err.strip() == f"{tmp_path / 'm' / 'main.tf'}:3: count of module.m.aws_vpc.v is -2; Terraform rejects " \
                          "a negative count"


def test_max_instances_bounds_the_whole_expansion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "./m"\n  count = 30\n}\n',
                     "m/main.tf": 'resource "aws_vpc" "v" {\n  count = 30\n}\n'})
    code, _, err = run(capsys, str(tmp_path), "--max-instances", "500")
    assert code == 2 and "expands to more than 500 resource and module instances" in err
    assert "raise it with --max-instances N" in err
    code, report, _ = run(capsys, str(tmp_path), "--max-instances", "1000", "--fail-on", "critical")
    assert code == 0 and report is not None
    from scanner.iac.terraform_hcl import Options, load_terraform_hcl

    snapshot = load_terraform_hcl(tmp_path, options=Options(max_instances=1000))
    assert len([r for r in snapshot.resources if r.type == "aws.ec2.vpc"]) == 900
    code, _, err = run(capsys, str(tmp_path), "--max-instances", "0")
    assert code == 2 and "--max-instances" in err


@pytest.mark.parametrize(("body", "message"), [
    ("cidr_block = " + "[" * 100 + "1" + "]" * 100, "nested deeper than"),
    ("cidr_block = " + "[" * 3000 + "1" + "]" * 3000, "nested deeper than"),
])
def test_deeply_nested_hcl_is_a_one_line_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     body: str, message: str) -> None:
    write(tmp_path, {"main.tf": f'resource "aws_vpc" "v" {{\n  {body}\n}}\n'})
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and message in err and "(haguard" in err
    assert err.strip().startswith(str(tmp_path / "main.tf")) and len(err.strip().splitlines()) == 1


def test_module_missing_an_argument_or_given_an_unknown_one(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "./m"\n}\n', "m/main.tf": 'variable "needed" {}\n'})
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and err.strip() == (f"{tmp_path / 'main.tf'}:1: module module.m needs a value for its variable "
                                         "'needed' (Terraform rejects the call without it)")
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "./m"\n  needed = 1\n  typo = 2\n}\n'})
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "has no variable 'typo'" in err


def test_for_expressions_with_literal_values_are_read(tmp_path: Path) -> None:
    """python-hcl2 8.1 raised TypeError on these valid expressions; they are evaluated."""
    from scanner.iac.terraform_hcl import load_terraform_hcl

    write(tmp_path, {"main.tf": '''
locals {
  flags = { for name in ["a", "b"] : name => 1 }
  ones  = [for name in ["a", "b"] : 2.5]
}
resource "aws_vpc" "v" {
  tags = { a = local.flags["a"], n = length(local.ones), f = local.ones[0] }
}
'''})
    assert load_terraform_hcl(tmp_path).resources[0].attributes["tags"] == {"a": "1", "n": "2", "f": "2.5"}


def test_unmodelled_resources_are_listed_not_dropped_silently(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.iac.terraform_hcl import LoadWarning, load_terraform_hcl

    write(tmp_path, {"main.tf": 'resource "aws_iam_role" "r" {\n  count = 2\n  name = "r"\n}\n'})
    warnings: list[LoadWarning] = []
    load_terraform_hcl(tmp_path, warnings=warnings)
    assert [(w.kind, w.subject, w.line) for w in warnings] == [("unmodelled", "aws_iam_role.r", 1)]
    code, _, err = run(capsys, str(tmp_path))
    assert (code, err) == (0, "")  # listed for the report, not a warning on stderr
