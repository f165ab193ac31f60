"""``AWS_ENDPOINT_URL`` is honoured natively by botocore for every client the live scan creates."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import fake_network
import pytest
from moto.server import ThreadedMotoServer

from scanner.live.options import LiveOptions
from scanner.live.registry import CollectorSet
from scanner.live.scan import collect_live
from scanner.live.session import create_session, make_client, retry_config


@pytest.fixture
def moto_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server on a free loopback port, exported as ``AWS_ENDPOINT_URL``."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    try:
        yield url
    finally:
        server.stop()


def test_scan_reaches_the_endpoint_from_the_environment(moto_endpoint: str) -> None:
    assert make_client(create_session(), "ec2", "eu-west-1", retry_config()).meta.endpoint_url == moto_endpoint
    vpc = boto3.client("ec2", region_name="eu-west-1").create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    snapshot = collect_live(LiveOptions(regions=["eu-west-1"]), collectors=CollectorSet([fake_network]))
    assert f"arn:aws:ec2:eu-west-1:123456789012:vpc/{vpc}" in {r.uid for r in snapshot.resources}
    assert snapshot.source.api_calls == 3
