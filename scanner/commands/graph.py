"""``haguard graph``: export the discovered topology as Mermaid, DOT, GraphML or JSON.

Inputs as ``scan`` (``--snapshot``, ``--example``, else a live scan with the live options) or IaC
files as ``iac`` (``--iac PATH...``, with ``--type``/``--param``; a single ``--region`` makes symbolic
zones concrete). ``--focus UID --depth N`` keeps the resources within N relations of one resource.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_OK, UsageError

if TYPE_CHECKING:
    from ..model import Snapshot

NAME = "graph"
HELP = "export the discovered topology (mermaid, dot, graphml, json)"
GRAPH_FORMATS = ("mermaid", "dot", "graphml", "json")


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    """Source options (snapshot, example, IaC, live), the export format and the focus."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--snapshot", type=Path, help="a saved snapshot (.json or .json.gz)")
    source.add_argument("--example", action="store_true", help="the bundled example snapshot")
    source.add_argument("--iac", nargs="+", type=Path, metavar="PATH",
                        help="CloudFormation templates, Terraform plan JSON files or directories (as `haguard iac`)")
    iac = parser.add_argument_group("IaC input (with --iac)")
    iac.add_argument("--type", choices=("auto", "cloudformation", "terraform-plan", "terraform"), default="auto",
                     help="force the IaC input type (default: detect)")
    iac.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="CloudFormation parameter or Terraform variable value (repeatable)")
    if command in (None, NAME):
        from ..live.cli_args import add_live_arguments

        add_live_arguments(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--format", choices=GRAPH_FORMATS, default="mermaid", help="export format (default: mermaid)")
    out.add_argument("--focus", metavar="UID", help="keep only the resources around this uid (or unique name)")
    out.add_argument("--depth", type=int, default=1, metavar="N",
                     help="with --focus: relations to follow from it, in either direction (default: 1)")
    out.add_argument("--output", "-o", type=Path, help="write the export to FILE (atomically)")


def _snapshots(args: argparse.Namespace) -> list[Snapshot]:
    from ..model import load_snapshot

    if args.example:
        from ..examples import EXAMPLE_PATH

        return [load_snapshot(EXAMPLE_PATH)]
    if args.snapshot:
        return [load_snapshot(args.snapshot)]
    if args.iac:
        from ..iac.detect import load_iac
        from .iac import parse_params

        regions = [r.strip() for value in getattr(args, "regions", []) for r in value.split(",") if r.strip()]
        if len(regions) > 1:
            raise UsageError("haguard graph: --iac takes at most one --region (to make symbolic zones concrete)")
        return load_iac(args.iac, kind=args.type, parameters=parse_params(args.param),
                        region=regions[0] if regions else None)
    from ..live.cli_args import options_from_args
    from ..live.scan import collect_live

    return [collect_live(options_from_args(args), progress=sys.stderr.isatty())]


def run(args: argparse.Namespace) -> int:
    if args.depth < 0:
        raise UsageError(f"haguard graph: --depth must be 0 or more, got {args.depth}")
    if args.focus is None and args.depth != 1:
        raise UsageError("haguard graph: --depth applies with --focus only")
    if not args.iac and (args.param or args.type != "auto"):
        raise UsageError("haguard graph: --type and --param apply with --iac only")
    from ..graph import build_graph
    from ..graph.export import export

    graphs = [build_graph(snapshot) for snapshot in _snapshots(args)]
    text = export(graphs, args.format, focus=args.focus, depth=args.depth)
    if args.output:
        from ..model import write_atomically

        write_atomically(args.output, text.encode())
    else:
        sys.stdout.write(text)
    return EXIT_OK
