"""``haguard iam-policy``: print the minimal read-only IAM policy for live scans."""

from __future__ import annotations

import argparse

from .common import EXIT_OK

NAME = "iam-policy"
HELP = "print the minimal read-only IAM policy for live scans"


def add_arguments(parser: argparse.ArgumentParser, command: str | None) -> None:
    """No options."""


def run(args: argparse.Namespace) -> int:
    import json

    from ..live.iam import minimal_iam_policy

    print(json.dumps(minimal_iam_policy(), indent=2))
    return EXIT_OK
