"""What the organisation tests share: the seeded organisation's shape and running haguard as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.aws_proxy import AwsProxy, ProxyRules
from benchmarks.org_seed import Member

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
