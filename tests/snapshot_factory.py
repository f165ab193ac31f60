"""A tiny-snapshot factory shared by the unit tests."""

from __future__ import annotations

from typing import Any

from scanner.model import Relation, Resource, Snapshot, Source


def snapshot(resources: list[dict[str, Any]], relations: list[tuple[str, str, str]] = ()) -> Snapshot:
    """A tiny snapshot from compact resource dicts and (src, kind, dst) triples."""
    return Snapshot(
        source=Source(kind="synthetic"),
        resources=[Resource(**r) for r in resources],
        relations=[Relation(src=s, kind=k, dst=d) for s, k, d in relations],
    )
