"""The ``haguard`` command line: composes sources, graph, engine and reports.

Exit codes: 0 nothing at or above ``--fail-on`` fails; 1 something does (unknown and error findings
count unless ``--allow-unknown``); 2 usage or input error (one line on stderr, no traceback).
Each subcommand is a module of ``scanner.commands``; imports are lazy so that each command loads only
what it uses (the pre-commit path never loads boto3).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType

from .commands.common import EXIT_OK, EXIT_USAGE, Parser, UsageError
from .errors import InputError
from .redact import redact_text

COMMANDS: tuple[str, ...] = ("scan", "iac", "graph", "policy", "iam_policy", "history", "drift", "nightly")
"""The modules of ``scanner.commands``, in the order ``haguard --help`` lists them."""


def _command_modules(command: str | None = None) -> list[ModuleType]:
    """The modules of every command, or only of ``command`` when the user typed one (its parser alone parses)."""
    name = (command or "").replace("-", "_")
    if name in COMMANDS:
        module = import_module(f".commands.{name}", __package__)
        if command == module.NAME:
            return [module]
    return [import_module(f".commands.{name}", __package__) for name in COMMANDS]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; ``command`` (what the user typed) lets commands skip heavy options."""
    from . import __version__

    parser = Parser(prog="haguard", description="Prove AWS infrastructure keeps its HA/DR architecture's "
                    "promises: declarative policies over live accounts, CloudFormation and Terraform.")
    parser.add_argument("--version", action="version", version=f"haguard {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subcommands.required = True
    for module in _command_modules(command):
        sub = subcommands.add_parser(module.NAME, help=module.HELP)
        sub.set_defaults(run=module.run, preload=getattr(module, "preload", None))
        module.add_arguments(sub, command)
    return parser


@contextmanager
def _startup(*, own_process: bool) -> Iterator[None]:
    """In a process of haguard's own (``argv`` from ``sys.argv``), no cyclic collection while the command's
    modules load: they make long-lived objects, not garbage, and each collection would rescan them all.
    They then go to the permanent generation (``gc.freeze``), out of later collections' sight. Pydantic
    plugins (observability hooks of other applications) are not searched for unless
    ``PYDANTIC_DISABLE_PLUGINS`` is set: the search reads every installed distribution's entry points."""
    if own_process:
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    paused = own_process and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``haguard`` console script."""
    own_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        with _startup(own_process=own_process):
            args = build_parser(command).parse_args(argv)
            if own_process and args.preload is not None:
                args.preload(args)
        return int(args.run(args))
    except UsageError as exc:
        print(redact_text(f"{exc} (see haguard --help)"), file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(redact_text(str(exc) if exc.file else f"haguard: error: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        from .live.readonly import ReadOnlyViolation

        if not isinstance(exc, ReadOnlyViolation):
            raise
        print(redact_text(f"haguard: refused a call that is not read-only (a haguard bug, please report it): {exc}"),
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("haguard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


__all__ = ["COMMANDS", "build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
