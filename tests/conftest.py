"""Test-suite root: puts ``tests/`` on ``sys.path`` for shared helpers such as ``snapshot_factory``.

Every session gets its own haguard cache directory (``HAGUARD_CACHE_DIR``), so no test, nor any
``haguard`` subprocess a test starts, writes to the user's ``~/.cache``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point ``HAGUARD_CACHE_DIR`` at a per-session temporary directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAGUARD_CACHE_DIR", str(tmp_path_factory.mktemp("haguard-cache")))
        yield
