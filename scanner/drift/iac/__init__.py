"""IaC against what is deployed: ``haguard drift --iac PATH... --live | --snapshot FILE``.

See ``engine.iac_drift`` for the comparison, ``match`` for how resources are matched and
``compare`` for what counts as drift (and what is only unverifiable).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ...errors import InputError
from ..values import IgnoreRules
from .engine import IacInputs, iac_drift
from .inputs import is_state_file
from .model import IacDriftReport
from .render import render_iac_drift


def _stacks(items: list[str]) -> dict[str, str]:
    from ...commands.common import UsageError

    stacks: dict[str, str] = {}
    for item in items:
        template, sep, stack = item.partition("=")
        if not sep or not template or not stack:
            raise UsageError(f"haguard drift: --stack expects TEMPLATE=STACK, got {item!r}")
        stacks[template] = stack
    return stacks


def iac_drift_from_args(args: argparse.Namespace) -> IacDriftReport:
    """Load the IaC and the live side the options name, and compare them."""
    from ...commands.iac import parse_params
    from ...history import redacted
    from ...iac.detect import load_iac

    stacks = _stacks(args.stack)
    states = [p for p in args.iac if is_state_file(p)]
    paths = [p for p in args.iac if p not in states]
    if not paths:
        raise InputError("a Terraform state declares nothing by itself: give the configuration directory or "
                         "plan with it", str(states[0]))
    regions = getattr(args, "regions", []) or []
    region = regions[0] if len(regions) == 1 and regions[0] != "all" else None
    snapshots = [redacted(s) for s in load_iac(paths, parameters=parse_params(args.param), region=region)]
    if args.live:
        import sys

        from ...live.cli_args import options_from_args
        from ...live.scan import collect_live

        live = collect_live(options_from_args(args), progress=sys.stderr.isatty())
        label = "live scan"
    else:
        from ...model import load_snapshot

        live = load_snapshot(args.snapshot)
        label = str(args.snapshot)
    inputs = IacInputs(snapshots=snapshots, stacks=stacks, extra_states=[*args.tfstate, *states])
    return iac_drift(inputs, redacted(live), live_label=label, ignore=IgnoreRules(args.ignore))


__all__ = ["IacDriftReport", "IacInputs", "Path", "iac_drift", "iac_drift_from_args", "render_iac_drift"]
