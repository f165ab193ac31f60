"""A per-user cache of validated policies, so that a pre-commit hook does not re-parse the pack each run.

What is cached, per policy file: the validated ``Policy`` model, its ``param_roles`` (what
``check_policy`` found) and the line of its ``id`` key. Compiled conditions are not cached: they
are closures, rebuilt from the model in a few milliseconds. Failures are never cached, so a bad
policy always goes through the full load and gives its usual ``FILE:LINE`` error.

Where: ``cache_dir()/policies`` (``$HAGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/haguard``, else
``~/.cache/haguard``), one file per policy source (the bundled pack, each ``--policies`` path),
named by the source's path and the code fingerprint (a source keeps its ``KEEP`` newest ones).
Inside, entries are keyed by the SHA-256 of each policy file's bytes, so an edited policy misses
even when its path is unchanged.

The fingerprint covers the haguard, Python and pydantic versions, the size and modification time
of every module that reads, validates or checks a policy (``scanner/policy``, ``scanner/model``
with the vocabulary, the YAML reader and limits) and the YAML limits the environment sets: an
edited vocabulary in a development tree never serves a stale check.

Concurrency and failure: a cache file is written to a temporary file in the same directory, then
``os.replace``d, so two hooks running at once each read either a whole old file or a whole new one.
A missing, partial, corrupt or foreign cache file is ignored (and rewritten); a directory that
cannot be created or written means running without the cache, silently. ``HAGUARD_NO_CACHE=1``
disables the cache (nothing is read or written).

Security: the files are pickles, so a file is loaded only from a directory that the current user
owns and nobody else may write to (mode 0700, created so) and only when the file itself is a
regular file owned by the current user and not writable by group or others.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..paths import cache_dir
from .language import Policy

FORMAT = 1
"""Bumped when the layout of a cache file changes."""
SUBDIR = "policies"
KEEP = 4
"""Cache files kept per policy source (one per code fingerprint)."""
_FINGERPRINTED = ("policy", "model", "model/vocabulary")
"""Packages of ``scanner`` whose modules decide what a policy validates to."""
_FINGERPRINTED_MODULES = ("safe_yaml.py", "errors.py", "limits.py", "__init__.py")
_LIMIT_VARIABLES = ("HAGUARD_MAX_NESTING", "HAGUARD_MAX_YAML_ALIAS_NODES")


@dataclass(frozen=True)
class CachedPolicy:
    """What validating and checking one policy file produced."""

    policy: Policy
    param_roles: dict[str, frozenset[str]]
    id_line: int | None


def enabled() -> bool:
    """False when ``HAGUARD_NO_CACHE`` is set to anything but ``''`` or ``0``."""
    return os.environ.get("HAGUARD_NO_CACHE", "") in ("", "0")


def code_fingerprint() -> str:
    """A digest of the versions, the policy-reading code (size and mtime of each module) and the YAML limits."""
    if not _CODE:
        _CODE.append(_code_parts())
    limits = [f"{name}={os.environ.get(name, '')}" for name in _LIMIT_VARIABLES]
    return hashlib.sha256("\n".join([*_CODE[0], *limits]).encode()).hexdigest()


_CODE: list[list[str]] = []
"""The code part of the fingerprint, once per process (the modules are loaded once too)."""


def _code_parts() -> list[str]:
    import pydantic.version

    from .. import __version__

    root = Path(__file__).resolve().parents[1]
    parts: list[str] = [f"format={FORMAT}", f"haguard={__version__}", f"python={sys.version}",
                        f"pydantic={pydantic.version.VERSION}"]
    paths = [root / name for name in _FINGERPRINTED_MODULES]
    for package in _FINGERPRINTED:
        try:
            paths += sorted((root / package / entry) for entry in os.listdir(root / package) if entry.endswith(".py"))
        except OSError:
            parts.append(f"{package}=?")
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            parts.append(f"{path.relative_to(root)}=?")
            continue
        parts.append(f"{path.relative_to(root)}={info.st_size}:{info.st_mtime_ns}")
    return parts


def digest(data: bytes) -> str:
    """The key of one policy file's content."""
    return hashlib.sha256(data).hexdigest()


def _private_dir(path: Path) -> bool:
    """True when ``path`` is a real directory of the current user that only the user may write to."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o077:
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _ensure_dir(path: Path) -> bool:
    """Create ``path`` (mode 0700) if needed; True when it is usable for pickles."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return False
    return _private_dir(path)


class PackCache:
    """The cached policies of one source (a directory or a file), read on open and written by ``save``."""

    def __init__(self, directory: Path, source: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        name = hashlib.sha256(os.fsencode(os.path.abspath(source))).hexdigest()[:24]
        self.prefix = f"{name}-"
        self.file = directory / f"{self.prefix}{fingerprint[:24]}.pickle"
        self._old: dict[str, CachedPolicy] = self._read()
        self._new: dict[str, CachedPolicy] = {}

    def _read(self) -> dict[str, CachedPolicy]:
        """The entries of the cache file; empty when it is missing, foreign, unsafe or unreadable."""
        try:
            fd = os.open(self.file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return {}
        try:
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if (not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022
                        or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
                    return {}
                payload = pickle.load(handle)
        except Exception:  # a damaged cache is rebuilt, never an error
            return {}
        if not isinstance(payload, dict) or payload.get("fingerprint") != self.fingerprint:
            return {}
        entries = payload.get("entries")
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, CachedPolicy)}

    def get(self, key: str) -> CachedPolicy | None:
        """The cached result for the file content ``key``, kept for the next ``save``."""
        found = self._old.get(key)
        if found is not None:
            self._new[key] = found
        return found

    def put(self, key: str, entry: CachedPolicy) -> None:
        """Record the result of a full load."""
        self._new[key] = entry

    def save(self) -> None:
        """Write the entries used in this run when they differ from the file's (atomically; errors ignored)."""
        if self._new.keys() == self._old.keys():
            return
        payload: dict[str, Any] = {"fingerprint": self.fingerprint, "entries": self._new}
        try:
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".pickle")  # mode 0600
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
        except Exception:  # the cache is an optimisation only
            _unlink(temporary)
            return
        self._old = dict(self._new)
        self._prune()

    def _prune(self) -> None:
        """Keep this source's ``KEEP`` most recent cache files (fingerprints): two installations sharing
        the directory (a hook's and a development tree's) do not evict each other; older code's files go."""
        try:
            names = [name for name in os.listdir(self.directory) if name.startswith(self.prefix)]
            stamps = {name: os.stat(self.directory / name).st_mtime_ns for name in names}
        except OSError:
            return
        for name in sorted(names, key=lambda n: (n != self.file.name, -stamps[n]))[KEEP:]:
            _unlink(str(self.directory / name))


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def open_cache(source: Path) -> PackCache | None:
    """The cache of one policy source, or ``None`` when disabled or the directory is unusable."""
    if not enabled():
        return None
    directory = cache_dir() / SUBDIR
    if not _ensure_dir(directory):
        return None
    return PackCache(directory, source, code_fingerprint())


__all__ = ["CachedPolicy", "PackCache", "code_fingerprint", "digest", "enabled", "open_cache"]
