"""One moto server for the package, seeded as a small AWS Organization, behind the test proxy."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from benchmarks.aws_proxy import AwsProxy, ProxyRules
from benchmarks.org_seed import Member, in_process_moto, seed_organization

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 20


@dataclass
class Org:
    """The seeded organisation, its proxy and the two broken accounts."""

    members: list[Member]
    proxy: AwsProxy
    role_refused: str
    rds_denied: str
    rules: ProxyRules


@pytest.fixture(scope="package")
def org() -> Iterator[Org]:
    """Seeded in-process (moto's backends are this process's), then served over HTTP to the scans."""
    patch = pytest.MonkeyPatch()
    patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # EC2 backends per account start 4x faster
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with in_process_moto():
        members = seed_organization(None, MEMBERS, threads=4)
    role_refused, rds_denied = members[7].account, members[11].account
    rules = ProxyRules(deny_assume_role=frozenset({role_refused}), deny_service=frozenset({(rds_denied, "rds")}))
    with AwsProxy(f"http://{host}:{port}", rules) as proxy:
        yield Org(members, proxy, role_refused, rds_denied, rules)
    server.stop()
    patch.undo()


def haguard_env(endpoint: str, home: Path) -> dict[str, str]:
    """A clean AWS environment pointing at ``endpoint`` (static test credentials)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    credentials = home / "credentials"
    credentials.write_text("[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_SHARED_CREDENTIALS_FILE=str(credentials),
               AWS_CONFIG_FILE=str(home / "no-config"), AWS_DEFAULT_REGION="us-east-1", PYTHONPATH=str(ROOT))
    return env


def haguard(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, check=False, **kwargs)  # type: ignore[call-overload]
