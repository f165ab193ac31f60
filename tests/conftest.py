"""Test-suite root: puts ``tests/`` on ``sys.path`` for shared helpers such as ``snapshot_factory``.

Every pytest process (each xdist worker too) gets its own haguard cache directory
(``HAGUARD_CACHE_DIR``), set before collection, since some test modules load the pack while they are
collected: no test, nor any ``haguard`` subprocess a test starts, writes to the user's ``~/.cache``.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_CACHE_DIR: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Point ``HAGUARD_CACHE_DIR`` at a temporary directory of this process."""
    directory = tempfile.mkdtemp(prefix="haguard-test-cache-")
    _CACHE_DIR.append(directory)
    os.environ["HAGUARD_CACHE_DIR"] = directory


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the directory again."""
    for directory in _CACHE_DIR:
        shutil.rmtree(directory, ignore_errors=True)
    _CACHE_DIR.clear()
