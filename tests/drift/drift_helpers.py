"""Helpers of the drift tests: a moto-pointed environment and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def _env(endpoint: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    (home / "credentials").write_text("[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    (home / "config").write_text(f"[default]\nregion = {REGION}\n")
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
               AWS_CONFIG_FILE=str(home / "config"), PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(home / "data"))
    return env


def haguard(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def reset_moto(endpoint: str) -> None:
    """Clear every moto backend: servers in one process share state, and other modules seed their own."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30).close()
