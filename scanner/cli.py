"""The ``haguard`` command line: composes sources, graph, engine and reports.

Exit codes: 0 nothing at or above ``--fail-on`` fails; 1 something does (unknown and error findings
count unless ``--allow-unknown``); 2 usage or input error (one line on stderr, no traceback).
Imports are lazy so that each command loads only what it uses (the pre-commit path never loads boto3).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import InputError

if TYPE_CHECKING:
    from .model import Finding, Snapshot, Source
    from .policy import Config, Pack

SEVERITIES = ("critical", "high", "medium", "low", "info")
FORMATS = ("rich", "json", "sarif", "junit", "markdown", "html")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line mistake (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _csv(value: str) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()}


def _add_evaluation_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("policies and output")
    group.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH",
                       help="extra policy file or directory (repeatable)")
    group.add_argument("--no-builtin", action="store_true", help="do not load the bundled policy pack")
    group.add_argument("--config", type=Path, help="config file (params, per-policy settings, waivers)")
    group.add_argument("--only", type=_csv, default=set(), metavar="ID,...", help="run only these policies")
    group.add_argument("--skip", type=_csv, default=set(), metavar="ID,...", help="skip these policies")
    group.add_argument("--format", choices=FORMATS, default="rich", help="report format (default: rich)")
    group.add_argument("--output", "-o", type=Path, help="write the report to FILE (atomically)")
    group.add_argument("--fail-on", choices=SEVERITIES, default="low",
                       help="exit 1 when a finding at or above this severity fails (default: low)")
    group.add_argument("--allow-unknown", action="store_true",
                       help="do not count unknown/error findings (incomplete data) as failures")
    group.add_argument("--show-passed", action="store_true", help="list passing findings in the rich report")
    group.add_argument("--verbose", "-v", action="store_true", help="show full evidence in the rich report")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; live-scan options are only loaded when ``command`` is ``scan`` or unknown."""
    from . import __version__

    parser = _Parser(prog="haguard", description="Prove AWS infrastructure keeps its HA/DR architecture's "
                     "promises: declarative policies over live accounts, CloudFormation and Terraform.")
    parser.add_argument("--version", action="version", version=f"haguard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    scan = commands.add_parser("scan", help="evaluate the policies over live AWS, a saved snapshot or the example")
    source = scan.add_mutually_exclusive_group()
    source.add_argument("--snapshot", type=Path, help="evaluate a saved snapshot (.json or .json.gz)")
    source.add_argument("--example", action="store_true", help="evaluate the bundled example snapshot")
    if command in (None, "scan"):
        from .live.cli_args import add_live_arguments

        add_live_arguments(scan)
        scan.add_argument("--save", type=Path, metavar="FILE",
                          help="write the collected snapshot to FILE (gzip when it ends in .gz)")
    _add_evaluation_options(scan)

    iac = commands.add_parser("iac", help="evaluate the policies over CloudFormation or Terraform files")
    iac.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="templates, plan JSON files or directories")
    iac.add_argument("--type", choices=("auto", "cloudformation", "terraform-plan", "terraform"), default="auto",
                     help="force the input type (default: detect)")
    iac.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="CloudFormation parameter or Terraform variable value (repeatable)")
    iac.add_argument("--region", help="make symbolic Availability Zones (!GetAZs) concrete for this region")
    iac.add_argument("--ignore-unrecognised", action="store_true",
                     help="skip files that are not IaC instead of failing (for pre-commit hooks)")
    _add_evaluation_options(iac)

    policy = commands.add_parser("policy", help="list, show, validate and test policies")
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=_Parser)
    policy_commands.required = True
    listing = policy_commands.add_parser("list", help="list the policies")
    show = policy_commands.add_parser("show", help="show one policy")
    show.add_argument("id")
    validate = policy_commands.add_parser("validate", help="validate policy files or directories")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    test = policy_commands.add_parser("test", help="run the policies' test cases")
    policy_commands.add_parser("schema", help="print the JSON Schema of a policy file")
    for sub in (listing, show, test):
        sub.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH")
        sub.add_argument("--no-builtin", action="store_true")

    commands.add_parser("iam-policy", help="print the minimal read-only IAM policy for live scans")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``haguard`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        args = build_parser(command).parse_args(argv)
        return _dispatch(args)
    except UsageError as exc:
        print(f"{exc} (see haguard --help)", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(str(exc) if exc.file else f"haguard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        from .live.readonly import ReadOnlyViolation

        if not isinstance(exc, ReadOnlyViolation):
            raise
        print(f"haguard: refused a call that is not read-only (a haguard bug, please report it): {exc}",
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("haguard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "scan":
        return _scan(args)
    if args.command == "iac":
        return _iac(args)
    if args.command == "policy":
        return _policy(args)
    if args.command == "iam-policy":
        import json

        from .live.iam import minimal_iam_policy

        print(json.dumps(minimal_iam_policy(), indent=2))
        return EXIT_OK
    raise UsageError(f"unknown command {args.command}")


def _load(args: argparse.Namespace) -> tuple[Pack, Config | None]:
    from .policy import check_config, load_config, load_pack

    pack = load_pack(args.policies, replace=args.no_builtin)
    for name in ("only", "skip"):
        unknown = sorted(getattr(args, name, set()) - set(pack.policies))
        if unknown:
            raise UsageError(f"haguard: --{name}: unknown policy id {', '.join(unknown)}")
    config = load_config(args.config) if getattr(args, "config", None) else None
    if config is not None:
        check_config(pack, config)
    return pack, config


def _scan(args: argparse.Namespace) -> int:
    pack, config = _load(args)
    if args.snapshot or args.example:
        from .model import load_snapshot

        if args.example:
            from .examples import EXAMPLE_PATH

            snapshot = load_snapshot(EXAMPLE_PATH)
        else:
            snapshot = load_snapshot(args.snapshot)
        if getattr(args, "save", None):
            raise UsageError("haguard: --save applies to live scans only")
    else:
        from .live.cli_args import options_from_args
        from .live.scan import collect_live

        options = options_from_args(args)
        snapshot = collect_live(options, progress=sys.stderr.isatty())
        if args.save:
            from .model import save_snapshot

            save_snapshot(snapshot, args.save)
    return _evaluate_and_report(args, pack, config, [snapshot], snapshot.source)


def _iac(args: argparse.Namespace) -> int:
    from .iac.detect import load_iac

    values: dict[str, str] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"haguard iac: --param expects KEY=VALUE, got {item!r}")
        values[key] = value
    pack, config = _load(args)
    snapshots = load_iac(args.paths, kind=args.type, parameters=values, region=args.region,
                         ignore_unrecognised=args.ignore_unrecognised)
    from .model import Source

    files = sorted({f for s in snapshots for f in s.source.files})
    kinds = sorted({s.source.kind for s in snapshots})
    source = Source(kind="+".join(kinds) or "iac", files=files, regions=[args.region] if args.region else [])
    return _evaluate_and_report(args, pack, config, snapshots, source)


def _evaluate_and_report(args: argparse.Namespace, pack: Pack, config: Config | None,
                         snapshots: list[Snapshot], source: Source) -> int:
    from .graph import build_graph
    from .model import Severity
    from .policy import evaluate

    findings: list[Finding] = []
    coverage = []
    for snapshot in snapshots:
        graph = build_graph(snapshot)
        findings.extend(evaluate(pack, graph, config, only=args.only or None, skip=args.skip or None))
        coverage.extend(snapshot.coverage)
    from reports import build_report

    policies = [p.info() for p in pack.ordered()
                if (not args.only or p.id in args.only) and p.id not in args.skip]
    report = build_report(findings, policies, source, fail_on=Severity(args.fail_on),
                          allow_unknown=args.allow_unknown, coverage=coverage)
    _write_report(args, report)
    incomplete = bool(coverage) and not args.allow_unknown  # a partial scan never exits clean
    return EXIT_FAIL if report.summary.failing or incomplete else EXIT_OK


def _write_report(args: argparse.Namespace, report: Any) -> None:
    from reports import render

    if args.format == "rich":
        import io

        from rich.console import Console

        from reports.rich_report import render_rich

        if args.output:
            buffer = io.StringIO()
            console = Console(file=buffer, force_terminal=False, width=120, no_color=True)
            render_rich(report, console, show_passed=args.show_passed, verbose=args.verbose)
            text = buffer.getvalue()
        else:
            render_rich(report, Console(), show_passed=args.show_passed, verbose=args.verbose)
            return
    else:
        text = render(report, args.format)
        assert text is not None
    if args.output:
        from .model import write_atomically

        write_atomically(args.output, text.encode())
    else:
        sys.stdout.write(text)


def _policy(args: argparse.Namespace) -> int:
    from .policy import load_pack, load_policy

    if args.policy_command == "schema":
        import json

        from .policy import policy_json_schema

        print(json.dumps(policy_json_schema(), indent=2))
        return EXIT_OK
    if args.policy_command == "validate":
        from .policy.pack import Pack, policy_files

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
        from .policy.cases import run_policy_cases

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


if __name__ == "__main__":
    sys.exit(main())
