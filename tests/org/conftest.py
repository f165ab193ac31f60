"""One moto server for the package, seeded as a small AWS Organization, behind the test proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer
from org_helpers import MEMBERS, Org

from benchmarks.aws_proxy import AwsProxy, ProxyRules
from benchmarks.org_seed import in_process_moto, seed_organization


@pytest.fixture(scope="package")
def org() -> Iterator[Org]:
    """Seeded in-process (moto's backends are this process's), then served over HTTP to the scans."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as patch, in_process_moto():
        # EC2 backends per account start 4x faster; only while seeding: the variable must not reach other tests
        patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        members = seed_organization(None, MEMBERS, threads=4)
    role_refused, rds_denied = members[7].account, members[11].account
    rules = ProxyRules(deny_assume_role=frozenset({role_refused}), deny_service=frozenset({(rds_denied, "rds")}))
    with AwsProxy(f"http://{host}:{port}", rules) as proxy:
        yield Org(members, proxy, role_refused, rds_denied, rules)
    server.stop()
