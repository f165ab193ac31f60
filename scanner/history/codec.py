"""Compressed JSON blobs: how snapshots and reports are kept in the history (gzip, so an exported
snapshot is a ready ``.json.gz`` file)."""

from __future__ import annotations

import gzip
import json
from typing import Any

COMPRESS_LEVEL = 6


def pack_json(data: Any) -> bytes:
    """Compact JSON, gzip-compressed (``mtime=0``: equal data gives equal bytes)."""
    return gzip.compress(json.dumps(data, separators=(",", ":")).encode(), COMPRESS_LEVEL, mtime=0)


def unpack_json(blob: bytes) -> Any:
    """The inverse of ``pack_json`` (``ValueError``/``OSError`` for damaged data)."""
    return json.loads(gzip.decompress(blob))
