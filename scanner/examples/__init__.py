"""Bundled example snapshots (``haguard`` can scan them without AWS credentials).

``EXAMPLE_PATH`` is the three-tier web application of ``build_three_tier`` with at least one
deliberate violation per policy theme (see ``violations.VIOLATIONS``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

EXAMPLE_PATH = Path(str(files(__name__).joinpath("three_tier.json")))

__all__ = ["EXAMPLE_PATH"]
