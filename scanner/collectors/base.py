"""The contract every live collector follows, and the call context that records coverage.

A collector module (``scanner/collectors/<service>.py``) declares:

- ``SERVICE``: the boto3 service name (``"ec2"``);
- ``OPERATIONS``: a mapping *boto3 operation name* (``"DescribeVpcs"``) -> the vocabulary types whose
  collection depends on it. ``haguard iam-policy`` and the read-only test are generated from it;
- ``fetch(ctx: CallContext) -> dict[str, Any]``: the thin part that calls AWS through ``ctx`` only;
- ``parse(raw: dict[str, Any], account: str, region: str) -> Collected``: a pure function from the
  raw responses to resources and relations (unit-tested on recorded responses).

``ctx.paginate`` / ``ctx.call`` never raise for AWS errors: they record a ``CoverageGap`` (so policies
over the dependent types yield ``error`` in that scope) and return ``None``. A collector that makes a
per-resource call for one attribute passes ``unknown_types=()`` and marks that attribute unknown on
the resource instead, with the reason from ``ctx.last_error``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..model import CoverageGap, Relation, Resource

T = TypeVar("T")
R = TypeVar("R")
PER_RESOURCE_WORKERS = 8


@dataclass
class Collected:
    """What one collector produced for one account and region."""

    resources: list[Resource] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def extend(self, other: Collected) -> None:
        """Append another collector's output."""
        self.resources.extend(other.resources)
        self.relations.extend(other.relations)


class ClientFactory(Protocol):
    """Creates a boto3 client for a service in the context's account and region."""

    def __call__(self, service: str) -> Any: ...


class CallContext:
    """One account x region: makes calls, counts them, and records failures as coverage gaps."""

    def __init__(self, client_factory: ClientFactory, account: str, region: str,
                 operations: dict[str, tuple[str, ...]] | None = None) -> None:
        self._client_factory = client_factory
        self._clients: dict[str, Any] = {}
        self.account = account
        self.region = region
        self.operations = operations or {}
        self.gaps: list[CoverageGap] = []
        self.api_calls = 0
        self.last_error: str | None = None
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        """The (cached) boto3 client for ``service`` (clients are thread-safe; creation is locked)."""
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._client_factory(service)
            return self._clients[service]

    def _count(self, n: int = 1) -> None:
        with self._lock:
            self.api_calls += n

    def _record(self, service: str, operation: str, error: str, unknown_types: tuple[str, ...] | None) -> None:
        self.last_error = f"{operation}: {error}"
        if unknown_types is None:
            unknown_types = self.operations.get(f"{service}:{operation}", self.operations.get(operation, ()))
        if unknown_types:
            with self._lock:
                    self.gaps.append(CoverageGap(account=self.account, region=self.region, service=service,
                                             operation=operation, error=error, resource_types=list(unknown_types)))

    def call(self, service: str, operation: str, unknown_types: tuple[str, ...] | None = None,
             **params: Any) -> dict[str, Any] | None:
        """One API call (``operation`` in CamelCase, e.g. ``DescribeLoadBalancerAttributes``)."""
        return self.try_call(service, operation, unknown_types, **params)[0]

    def try_call(self, service: str, operation: str, unknown_types: tuple[str, ...] | None = None,
                 **params: Any) -> tuple[dict[str, Any] | None, str | None]:
        """``(response, None)`` or ``(None, "Operation: ErrorCode")``: safe to use from several threads."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client(service)
        method = getattr(client, _snake(operation))
        self._count()
        try:
            return method(**params), None
        except ClientError as exc:
            error = _error_code(exc)
        except BotoCoreError as exc:
            error = type(exc).__name__
        self._record(service, operation, error, unknown_types)
        return None, f"{operation}: {error}"

    def map(self, function: Callable[[T], R], items: Sequence[T], workers: int = PER_RESOURCE_WORKERS) -> list[R]:
        """``function`` over ``items`` on a few threads, results in order (per-resource calls, e.g. one
        ``DescribeContinuousBackups`` per table, where AWS has no batch API)."""
        if len(items) <= 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="haguard-item") as pool:
            return list(pool.map(function, items))

    def paginate(self, service: str, operation: str, result_key: str,
                 unknown_types: tuple[str, ...] | None = None, **params: Any) -> list[Any] | None:
        """All items of ``result_key`` over every page (or one call when the API has no paginator)."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client(service)
        name = _snake(operation)
        items: list[Any] = []
        try:
            if client.can_paginate(name):
                for page in client.get_paginator(name).paginate(**params):
                    self._count()
                    items.extend(page.get(result_key, []))
            else:
                self._count()
                items.extend(getattr(client, name)(**params).get(result_key, []))
        except ClientError as exc:
            self._record(service, operation, _error_code(exc), unknown_types)
            return None
        except BotoCoreError as exc:
            self._record(service, operation, type(exc).__name__, unknown_types)
            return None
        return items


def _error_code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code") or type(exc).__name__)


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)
