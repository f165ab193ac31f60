"""Generated Terraform inputs: whatever the expressions, blocks or plan shapes, loading ends in a snapshot
or in an ``InputError`` (one line, exit 2), never another exception.

The number of examples is small by default; ``HAGUARD_FUZZ_EXAMPLES=10000`` runs the long profile.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import InputError
from scanner.iac import hcl_syntax
from scanner.iac.hcl_eval import Evaluator
from scanner.iac.hcl_functions import FUNCTIONS
from scanner.iac.hcl_values import Env, EvalError, Limits, finalise
from scanner.iac.terraform_hcl import Options, load_terraform_hcl
from scanner.iac.terraform_plan import load_terraform_plan
from scanner.model import Snapshot
from scanner.model.values import Reference, Unknown

EXAMPLES = int(os.environ.get("HAGUARD_FUZZ_EXAMPLES", "0"))
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}

NAMES = ["var.n", "var.s", "var.l", "var.m", "var.u", "local.a", "local.b", "count.index", "each.key", "each.value",
         "aws_subnet.a.id", "aws_subnet.a[*].id", "aws_subnet.a[0].cidr_block", "aws_subnet.b",
         "data.aws_availability_zones.az.names[1]", "data.aws_vpc.v.id", "module.m.out", "module.r.out",
         "module.m", "path.module", "terraform.workspace", "self.x", "undeclared.thing"]
FUNCTION_NAMES = [*sorted(FUNCTIONS), "try", "can", "timestamp", "nosuch"]
OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]

atoms = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: repr(abs(f))),
    st.text(st.characters(codec="utf-8", exclude_characters='"\\$%\r\n'), max_size=12).map(lambda t: f'"{t}"'),
    st.sampled_from(['"10.0.0.0/16"', '"a-${var.s}-b"', '"%{ if true }x%{ endif }"', "true", "false", "null",
                     '"fd00::/56"', '"0.0.0.0/0"', "[]", "{}"]),
    st.sampled_from(NAMES),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(OPERATORS), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "!"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(st.sampled_from(FUNCTION_NAMES), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", "k"]), children), max_size=3).map(
            lambda items: "{" + ", ".join(f"{k} = {v}" for k, v in items) + "}"),
        st.tuples(children, children).map(lambda t: f"[for x in {t[0]} : {t[1]}]"),
        st.tuples(children, children).map(lambda t: f"{{for k, v in {t[0]} : k => {t[1]}...}}"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        children.map(lambda c: f"{c}[*].id"),
        children.map(lambda c: f'"pre ${{{c}}} post"'),
    )


expressions = st.recursive(atoms, _combine, max_leaves=12)

ROOT_NAMES: dict[str, Any] = {
    "var": {"n": 3, "s": "x", "l": [1, "a", None], "m": {"a": 1, "b": [2]}, "u": Unknown("not given")},
    "local": {"a": Reference(("aws_subnet.a",)), "b": Reference(("aws_vpc.v",), "10.0.0.0/16", True)},
    "count": {"index": 1}, "each": {"key": "k", "value": {"id": "i"}},
}


def _root(name: str) -> Any:
    if name in ROOT_NAMES:
        return ROOT_NAMES[name]
    raise EvalError(f"{name} is not declared")


@settings(max_examples=EXAMPLES or 200, **SETTINGS)  # type: ignore[arg-type]
@given(text=expressions)
def test_expressions_evaluate_or_raise_only_their_own_errors(text: str) -> None:
    try:
        node = hcl_syntax.parse_expression(text)
    except hcl_syntax.HclSyntaxError:
        return
    try:
        value = Evaluator().evaluate(node, Env(_root, Limits(max_elements=10_000, max_steps=200_000), {}, FUNCTIONS))
    except (EvalError, InputError):
        return
    json.dumps(finalise(value), default=repr)  # what the mapping receives is a plain value tree


def _configuration(values: list[str], meta: str, module_meta: str) -> dict[str, str]:
    attributes = "\n".join(f"  {name} = {value}" for name, value in zip(
        ["cidr_block", "availability_zone", "vpc_id", "map_public_ip_on_launch", "tags"], values, strict=False))
    main = f'''
variable "n" {{
  default = 2
}}
variable "s" {{
  type    = string
  default = "x"
}}
variable "l" {{
  default = [1, "a"]
}}
variable "m" {{
  default = {{ a = 1 }}
}}
variable "u" {{}}
locals {{
  a = {values[0] if values else 1}
  b = [for i in range(2) : i]
}}
data "aws_availability_zones" "az" {{}}
data "aws_vpc" "v" {{}}
resource "aws_subnet" "a" {{
  {meta}
{attributes}
}}
resource "aws_subnet" "b" {{
  vpc_id = aws_subnet.a[0].vpc_id
}}
resource "aws_security_group" "g" {{
  dynamic "ingress" {{
    for_each = {values[-1] if values else "[]"}
    content {{
      from_port   = ingress.key
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }}
  }}
}}
module "m" {{
  source = "./m"
  {module_meta}
  input  = {values[1] if len(values) > 1 else 0}
}}
module "r" {{
  source = "git::https://example.com/mod.git"
}}
'''
    child = '''
variable "input" {}
resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az       = var.input
}
output "out" {
  value = aws_db_instance.db.id
}
'''
    return {"main.tf": main, "m/main.tf": child}


@settings(max_examples=EXAMPLES or 40, **SETTINGS)  # type: ignore[arg-type]
@given(values=st.lists(expressions, min_size=1, max_size=5),
       meta=st.one_of(st.just(""), expressions.map(lambda e: f"count = {e}"),
                      expressions.map(lambda e: f"for_each = {e}")),
       module_meta=st.sampled_from(["", "count = 2", "count = var.u", 'for_each = toset(["p", "q"])',
                                    "for_each = var.m", "count = -1"]))
def test_generated_configurations_load_or_fail_as_input_errors(values: list[str], meta: str,
                                                               module_meta: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, text in _configuration(values, meta, module_meta).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        try:
            snapshot = load_terraform_hcl(root, options=Options(max_instances=200))
        except InputError as exc:
            assert "\n" not in str(exc)
            return
        assert isinstance(snapshot, Snapshot)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6),
              st.sampled_from(["aws_db_instance", "aws_subnet", "managed", "data", "aws_subnet.a", "module.m"])),
    lambda children: st.one_of(st.lists(children, min_size=1, max_size=3),
                               st.dictionaries(st.sampled_from(
                                   ["address", "type", "name", "mode", "values", "resources", "child_modules",
                                    "after", "after_unknown", "change", "expressions", "references",
                                    "constant_value", "module_calls", "module", "root_module", "multi_az",
                                    "subnet_ids", "route", "ingress"]), children, min_size=1, max_size=4)),
    max_leaves=20)


@settings(max_examples=EXAMPLES or 80, **SETTINGS)  # type: ignore[arg-type]
@given(planned=json_values, changes=json_values, configuration=json_values,
       resources=st.lists(st.fixed_dictionaries({
           "address": st.sampled_from(["aws_db_instance.d", "aws_subnet.a[0]", "module.m.aws_vpc.v"]),
           "mode": st.sampled_from(["managed", "data"]),
           "type": st.sampled_from(["aws_db_instance", "aws_subnet", "aws_vpc", "aws_route_table"]),
           "name": st.sampled_from(["d", "a", "v"]),
           "values": json_values}), max_size=3))
def test_generated_plans_load_or_fail_as_input_errors(planned: Any, changes: Any, configuration: Any,
                                                      resources: list[dict[str, Any]]) -> None:
    document = {"format_version": "1.2",
                "planned_values": {"root_module": {"resources": resources, "child_modules": planned}}
                if isinstance(planned, list) else planned if isinstance(planned, dict) else {},
                "resource_changes": changes, "configuration": configuration}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "plan.json"
        path.write_text(json.dumps(document))
        try:
            snapshot = load_terraform_plan(path)
        except InputError as exc:
            assert "\n" not in str(exc)
            return
        assert isinstance(snapshot, Snapshot)
