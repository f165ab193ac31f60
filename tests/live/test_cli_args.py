"""``add_live_arguments`` / ``options_from_args``: argparse to ``LiveOptions`` with one-line errors."""

from __future__ import annotations

import argparse

import pytest

from scanner.errors import InputError
from scanner.live.cli_args import add_live_arguments, options_from_args, parse_duration
from scanner.live.options import LiveOptions


def _parse(*argv: str) -> LiveOptions:
    parser = argparse.ArgumentParser()
    add_live_arguments(parser)
    return options_from_args(parser.parse_args(list(argv)))


def test_defaults() -> None:
    assert _parse() == LiveOptions()
    assert LiveOptions().workers == 8 and LiveOptions().lag_window_seconds == 604800


def test_every_option() -> None:
    options = _parse("--region", "us-east-1", "--region", "eu-west-1,eu-central-1", "--profile", "audit",
                     "--accounts", "111111111111, 222222222222", "--role-arn", "arn:aws:iam::{account}:role/r",
                     "--external-id", "x1", "--workers", "3", "--lag-window", "12h")
    assert options == LiveOptions(regions=["us-east-1", "eu-west-1", "eu-central-1"], profile="audit",
                                  accounts=["111111111111", "222222222222"], role_arn="arn:aws:iam::{account}:role/r",
                                  external_id="x1", workers=3, lag_window_seconds=43200)
    assert _parse("--org", "--region", "all").org is True


@pytest.mark.parametrize(("text", "seconds"), [("7d", 604800), ("30m", 1800), ("3600s", 3600), ("90", 90)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(("argv", "message"), [
    (("--lag-window", "soon"), "--lag-window: 'soon' is not a duration"),
    (("--lag-window", "0d"), "--lag-window"),
    (("--workers", "0"), "--workers: Input should be greater than or equal to 1"),
])
def test_bad_values_are_one_line(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        _parse(*argv)
    assert "\n" not in str(info.value)
