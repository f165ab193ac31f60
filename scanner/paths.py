"""Where haguard keeps its per-user files (no heavy imports: the command-line parsers use it)."""

from __future__ import annotations

import os
from pathlib import Path

HISTORY_NAME = "history.db"


def _xdg(variable: str, *fallback: str) -> Path:
    """``$variable`` when it is an absolute path, else ``~/<fallback...>`` (the XDG base-directory rule)."""
    base = os.environ.get(variable) or ""
    return Path(base) if base and Path(base).is_absolute() else Path.home().joinpath(*fallback)


def default_history_path() -> Path:
    """``$XDG_DATA_HOME/haguard/history.db``, by default ``~/.local/share/haguard/history.db``."""
    return _xdg("XDG_DATA_HOME", ".local", "share") / "haguard" / HISTORY_NAME


def cache_dir() -> Path:
    """``$HAGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/haguard``, else ``~/.cache/haguard``."""
    given = os.environ.get("HAGUARD_CACHE_DIR") or ""
    if given:
        return Path(given)
    return _xdg("XDG_CACHE_HOME", ".cache") / "haguard"


__all__ = ["HISTORY_NAME", "cache_dir", "default_history_path"]
