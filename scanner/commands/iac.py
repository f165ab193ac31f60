"""``haguard iac``: evaluate the policies over CloudFormation templates, Terraform plans and directories."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import UsageError, add_evaluation_options, evaluate_and_report, load_pack_and_config

NAME = "iac"
HELP = "evaluate the policies over CloudFormation or Terraform files"


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="templates, plan JSON files or directories")
    parser.add_argument("--type", choices=("auto", "cloudformation", "terraform-plan", "terraform"), default="auto",
                        help="force the input type (default: detect)")
    parser.add_argument("--param", "--var", dest="param", action="append", default=[], metavar="KEY=VALUE",
                        help="CloudFormation parameter or Terraform variable value (repeatable; above tfvars files)")
    parser.add_argument("--var-file", action="append", default=[], type=Path, metavar="FILE",
                        help="Terraform variables file (.tfvars or .tfvars.json; repeatable, above the automatic ones)")
    parser.add_argument("--max-instances", type=_positive, default=10_000, metavar="N",
                        help="most Terraform resource and module instances count/for_each may expand to "
                             "(default: 10000)")
    parser.add_argument("--region", help="make symbolic Availability Zones (!GetAZs) concrete for this region")
    parser.add_argument("--ignore-unrecognised", action="store_true",
                        help="skip files that are not IaC instead of failing (for pre-commit hooks)")
    add_evaluation_options(parser)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def preload(args: argparse.Namespace) -> None:
    """Import what the run will use (``scanner.cli`` loads it with the garbage collector paused)."""
    from .. import graph, policy, reports  # noqa: F401
    from ..iac import detect  # noqa: F401

    if any(not str(p).endswith((".tf", ".tfvars")) for p in args.paths) and args.type in ("auto", "cloudformation"):
        from ..iac import cloudformation  # noqa: F401


def parse_params(items: list[str]) -> dict[str, str]:
    """``--param KEY=VALUE`` values as a dict; a malformed one is a usage error."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"haguard iac: --param expects KEY=VALUE, got {item!r}")
        values[key] = value
    return values


def run(args: argparse.Namespace) -> int:
    from ..iac.detect import load_iac
    from ..iac.tf_options import LoadWarning, Options
    from ..model import Source

    values = parse_params(args.param)
    pack, config = load_pack_and_config(args)
    warnings: list[LoadWarning] = []
    terraform = Options(var_files=tuple(args.var_file), max_instances=args.max_instances)
    snapshots = load_iac(args.paths, kind=args.type, parameters=values, region=args.region,
                         ignore_unrecognised=args.ignore_unrecognised, terraform=terraform, warnings=warnings)
    for warning in warnings:
        if warning.kind != "unmodelled":  # those are listed, not warned about
            print(f"haguard: {warning}", file=sys.stderr)
    files = sorted({f for s in snapshots for f in s.source.files})
    kinds = sorted({s.source.kind for s in snapshots})
    source = Source(kind="+".join(kinds) or "iac", files=files, regions=[args.region] if args.region else [])
    return evaluate_and_report(args, pack, config, snapshots, source)
