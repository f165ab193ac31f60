"""Assumed-role sessions refresh their credentials before expiry, also in the middle of a scan."""

from __future__ import annotations

import re
import time
import types
from typing import Any

from moto import mock_aws

from scanner.collectors.base import CallContext, Collected
from scanner.live.credentials import CallCounter, RoleSettings, assumed_role_session
from scanner.live.options import LiveOptions
from scanner.live.registry import CollectorSet
from scanner.live.scan import collect_live
from scanner.live.session import create_session, make_client, retry_config

ROLE = "arn:aws:iam::{account}:role/haguard-read"
MEMBER = "111111111111"
KEY = re.compile(r"Credential=([A-Z0-9]+)/")


class KeyRecorder:
    """Client hook: the access key that signed each call, by operation."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str]] = []

    def install(self, client: Any) -> None:
        def before_send(request: Any, event_name: str = "", **_: Any) -> None:
            auth = request.headers.get("Authorization", "")
            match = KEY.search(auth.decode() if isinstance(auth, bytes) else auth)
            self.keys.append((event_name.rsplit(".", 1)[-1], match.group(1) if match else ""))

        client.meta.events.register("before-send", before_send)


@mock_aws
def test_credentials_refresh_within_the_margin() -> None:
    counter = CallCounter()
    session = assumed_role_session(create_session(), MEMBER, RoleSettings(ROLE, None, 900, 899), "us-east-1",
                                   retry_config(), make_client, counter=counter)
    first = session.get_credentials().get_frozen_credentials()
    assert counter.take() == 1
    assert session.client("sts", region_name="us-east-1").get_caller_identity()["Account"] == MEMBER
    time.sleep(1.3)  # now less than 899 s of the 900 s session remain: the next use refreshes
    refreshed = session.get_credentials().get_frozen_credentials()
    assert counter.take() == 1
    assert refreshed.access_key != first.access_key


@mock_aws
def test_a_short_session_is_refreshed_mid_scan() -> None:
    def fetch(ctx: CallContext) -> dict[str, Any]:
        before = ctx.paginate("ec2", "DescribeVpcs", "Vpcs")
        time.sleep(2.5)  # the scan outlives the (shortened) validity of its first credentials
        after = ctx.paginate("ec2", "DescribeSubnets", "Subnets")
        return {"vpcs": before, "subnets": after}

    module = types.ModuleType("tests.live.slow_collector")
    module.SERVICE = "ec2"  # type: ignore[attr-defined]
    module.OPERATIONS = {"DescribeVpcs": ("aws.ec2.vpc",), "DescribeSubnets": ("aws.ec2.subnet",)}  # type: ignore
    module.fetch = fetch  # type: ignore[attr-defined]
    module.parse = lambda raw, account, region: Collected()  # type: ignore[attr-defined]
    recorder = KeyRecorder()
    options = LiveOptions(regions=["us-east-1"], accounts=[MEMBER], role_arn=ROLE, session_duration_seconds=900,
                          refresh_margin_seconds=898)
    snapshot = collect_live(options, collectors=CollectorSet([module]), client_hooks=[recorder.install])
    assert snapshot.coverage == []
    calls = dict(recorder.keys)
    assumed = [op for op, _ in recorder.keys if op == "AssumeRole"]
    assert len(assumed) == 2  # the first AssumeRole, then one refresh during the scan
    assert calls["DescribeVpcs"] != calls["DescribeSubnets"]  # signed with the first, then the new credentials
    assert snapshot.source.api_calls == 1 + 2 + 2  # GetCallerIdentity, two AssumeRole, two describes
