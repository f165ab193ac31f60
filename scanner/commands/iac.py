"""``haguard iac``: evaluate the policies over CloudFormation templates, Terraform plans and directories."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import UsageError, add_evaluation_options, evaluate_and_report, load_pack_and_config

NAME = "iac"
HELP = "evaluate the policies over CloudFormation or Terraform files"


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="templates, plan JSON files or directories")
    parser.add_argument("--type", choices=("auto", "cloudformation", "terraform-plan", "terraform"), default="auto",
                        help="force the input type (default: detect)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="CloudFormation parameter or Terraform variable value (repeatable)")
    parser.add_argument("--region", help="make symbolic Availability Zones (!GetAZs) concrete for this region")
    parser.add_argument("--ignore-unrecognised", action="store_true",
                        help="skip files that are not IaC instead of failing (for pre-commit hooks)")
    add_evaluation_options(parser)


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
    from ..model import Source

    values = parse_params(args.param)
    pack, config = load_pack_and_config(args)
    snapshots = load_iac(args.paths, kind=args.type, parameters=values, region=args.region,
                         ignore_unrecognised=args.ignore_unrecognised)
    files = sorted({f for s in snapshots for f in s.source.files})
    kinds = sorted({s.source.kind for s in snapshots})
    source = Source(kind="+".join(kinds) or "iac", files=files, regions=[args.region] if args.region else [])
    return evaluate_and_report(args, pack, config, snapshots, source)
