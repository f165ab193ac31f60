"""How a benchmark runs this source tree in a child process, as an installed haguard would run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    """This source tree first on the path; bytecode cached (outside the tree) as an installed package has it.

    With ``PYTHONDONTWRITEBYTECODE`` set every run would compile every module again.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "haguard-bench-pycache"))
    return env
