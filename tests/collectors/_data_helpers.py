"""Helpers for the data/backup/monitoring collector tests: contexts, denial hooks, snapshots."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
from botocore.exceptions import ClientError

from scanner.collectors.base import CallContext, Collected
from scanner.model import Snapshot, Source

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"


def context(module: ModuleType, region: str = REGION, hooks: list[Callable[[Any], None]] | None = None
            ) -> CallContext:
    """A real ``CallContext`` over boto3 clients in ``region``; ``hooks`` get each new client."""

    def factory(service: str) -> Any:
        client = boto3.client(service, region_name=region)
        for hook in hooks or []:
            hook(client)
        return client

    return CallContext(factory, ACCOUNT, region, getattr(module, "OPERATIONS", {}))


def deny(operation: str, code: str = "AccessDenied") -> Callable[[Any], None]:
    """A client hook making ``operation`` fail with ``code`` (a botocore ``before-call`` handler)."""

    def install(client: Any) -> None:
        service = client.meta.service_model.service_id.hyphenize()

        def handler(model: Any, **_: Any) -> None:
            if model.name == operation:
                raise ClientError({"Error": {"Code": code, "Message": "denied by test"}}, operation)

        client.meta.events.register(f"before-call.{service}.{operation}", handler)

    return install


def count_calls(counter: dict[str, int]) -> Callable[[Any], None]:
    """A client hook counting calls per operation name into ``counter``."""

    def install(client: Any) -> None:
        def handler(model: Any, **_: Any) -> None:
            counter[model.name] = counter.get(model.name, 0) + 1

        client.meta.events.register("before-call", handler)

    return install


def collect(module: ModuleType, region: str = REGION, hooks: list[Callable[[Any], None]] | None = None
            ) -> tuple[Collected, CallContext]:
    """``fetch`` + ``parse`` through a real context."""
    ctx = context(module, region, hooks)
    return module.parse(module.fetch(ctx), ACCOUNT, region), ctx


def snapshot_of(collected: Collected, ctx: CallContext | None = None) -> Snapshot:
    """Validate the output as a snapshot (applies vocabulary defaults)."""
    return Snapshot(source=Source(kind="aws", accounts=[ACCOUNT]), resources=collected.resources,
                    relations=collected.relations, coverage=ctx.gaps if ctx else [])


def by_uid(snapshot: Snapshot) -> dict[str, Any]:
    """Resources of a snapshot by uid."""
    return {r.uid: r for r in snapshot.resources}


def edges(collected: Collected, kind: str) -> set[tuple[str, str]]:
    """(src, dst) pairs of one relation kind."""
    return {(r.src, r.dst) for r in collected.relations if r.kind == kind}


def serialized(snapshot: Snapshot) -> str:
    """The JSON text a snapshot is saved as."""
    return json.dumps(snapshot.to_json())


def recorded(operation: str, response: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]
             ) -> Callable[[Any], None]:
    """A client hook answering ``operation`` with a recorded response (for APIs moto lacks).

    ``response`` may be a callable of botocore's request dict (``url_path``, ``body``...). The
    response still goes through botocore's ``after-call`` event and the collector's own code.
    """

    class _Http:
        status_code = 200
        headers: dict[str, str] = {}

    def install(client: Any) -> None:
        service = client.meta.service_model.service_id.hyphenize()

        def handler(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
            body = response(params) if callable(response) else response
            return _Http(), json.loads(json.dumps(body))

        client.meta.events.register(f"before-call.{service}.{operation}", handler)

    return install
