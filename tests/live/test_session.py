"""Session creation, credential and Region checks: every user error is one ``InputError`` line."""

from __future__ import annotations

import socket

import pytest
from moto import mock_aws

from scanner.errors import InputError
from scanner.live.session import caller_account, check_region, create_session, make_client, retry_config


def test_unknown_profile_is_one_line() -> None:
    with pytest.raises(InputError, match="unknown AWS profile 'nope'") as info:
        create_session("nope")
    assert "\n" not in str(info.value)


def test_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(InputError, match=r"^no AWS credentials found \(set AWS_PROFILE or"):
        create_session()


def test_profile_from_config_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text("[scanner]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    session = create_session("scanner", "eu-west-1")
    assert session.get_credentials().access_key == "AKIDPROFILE"
    assert session.region_name == "eu-west-1"


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "us-gov-west-1", "xx-newplace-9"])
def test_known_or_well_formed_regions_pass(region: str) -> None:
    assert check_region(create_session(), region) == region


@pytest.mark.parametrize("region", ["mars-north-1", "useast1", "US-EAST-1", "eu-west"])
def test_unknown_region(region: str) -> None:
    with pytest.raises(InputError, match=f"unknown AWS Region '{region}'"):
        check_region(create_session(), region)


def test_retry_config_is_standard_with_eight_retries() -> None:
    """Standard-mode conditions; the backoff and pacing are haguard's (``scanner.live.budget``)."""
    config = retry_config(workers=20)
    assert config.retries == {"mode": "standard", "max_attempts": 8}
    assert config.max_pool_connections == 40


@mock_aws
def test_caller_account() -> None:
    assert caller_account(create_session(), "us-east-1") == "123456789012"


def test_unreachable_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(InputError, match=rf"cannot reach the AWS endpoint http://127.0.0.1:{port}/"):
        caller_account(create_session(), "us-east-1")


@mock_aws
def test_rejected_credentials_are_one_line() -> None:
    client = make_client(create_session(), "sts", "us-east-1", retry_config())
    from scanner.live.session import call_or_input_error

    with pytest.raises(InputError, match=r"^sts:AssumeRole failed: \w+"):
        call_or_input_error(client.assume_role, "sts:AssumeRole", RoleArn="not-an-arn", RoleSessionName="x")
