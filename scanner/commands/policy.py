"""``haguard policy list | show | validate | test | schema``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_FAIL, EXIT_OK, Parser, UsageError

NAME = "policy"
HELP = "list, show, validate and test policies"


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    subcommands = parser.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=Parser)
    subcommands.required = True
    listing = subcommands.add_parser("list", help="list the policies")
    listing.add_argument("--format", choices=("rich", "markdown"), default="rich",
                         help="markdown: the README's pack and parameter tables")
    show = subcommands.add_parser("show", help="show one policy")
    show.add_argument("id")
    validate = subcommands.add_parser("validate", help="validate policy files or directories")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    test = subcommands.add_parser("test", help="run the policies' test cases")
    subcommands.add_parser("schema", help="print the JSON Schema of a policy file")
    for sub in (listing, show, test):
        sub.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH")
        sub.add_argument("--no-builtin", action="store_true")


def run(args: argparse.Namespace) -> int:
    from ..policy import load_pack, load_policy

    if args.policy_command == "schema":
        import json

        from ..policy import policy_json_schema

        print(json.dumps(policy_json_schema(), indent=2))
        return EXIT_OK
    if args.policy_command == "validate":
        from ..policy.pack import Pack, policy_files

        count = 0
        pack = Pack()
        for path in args.paths:
            for file in policy_files(path):
                loaded, lines = load_policy(file)
                pack.add(loaded, lines)
                count += 1
        print(f"{count} policies valid")
        return EXIT_OK
    pack = load_pack(args.policies, replace=args.no_builtin)
    if args.policy_command == "list" and args.format == "markdown":
        from ..policy.catalogue import pack_markdown

        print(pack_markdown(pack), end="")
        return EXIT_OK
    if args.policy_command == "list":
        from rich.console import Console
        from rich.table import Table

        table = Table("id", "severity", "theme", "resources", "title", box=None)
        for loaded in pack.ordered():
            p = loaded.policy
            table.add_row(p.id, p.severity.value, loaded.theme, ", ".join(p.resource_types), p.title)
        Console().print(table)
        return EXIT_OK
    if args.policy_command == "show":
        loaded = pack.policies.get(args.id)
        if loaded is None:
            raise UsageError(f"haguard policy show: unknown policy id {args.id!r}")
        print(f"# {loaded.path}")
        print(loaded.path.read_text(encoding="utf-8"), end="")
        return EXIT_OK
    if args.policy_command == "test":
        from ..policy.cases import run_policy_cases

        failed = total = 0
        for loaded in pack.ordered():
            for result in run_policy_cases(loaded):
                total += 1
                if not result.ok:
                    failed += 1
                    for uid, want, got in result.mismatches:
                        print(f"FAIL {loaded.id} [{result.case}] {uid}: expected {want}, got {got}")
        print(f"{total - failed}/{total} policy cases passed")
        return EXIT_FAIL if failed else EXIT_OK
    raise UsageError(f"unknown policy command {args.policy_command}")
