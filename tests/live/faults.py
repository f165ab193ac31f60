"""Fault injection for live-scan tests: AWS error responses that botocore parses and retries itself.

A ``before-call`` handler cannot test retries: botocore raises its exception (or uses its response)
before the endpoint's retry loop. A ``before-send`` handler returning an ``AWSResponse`` replaces the
HTTP exchange inside that loop, so the retry handler sees a real throttling response and retries it.
``inject(...)`` returns a ``Fault`` whose ``install`` is a client hook for ``collect_live``.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

STATUS = {"AccessDenied": 403, "AccessDeniedException": 403, "RequestLimitExceeded": 503, "SlowDown": 503}


class _Body:
    """The ``raw`` of an ``AWSResponse``: botocore reads it through ``stream()``."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def error_response(url: str, protocol: str, code: str, message: str = "injected by haguard tests") -> AWSResponse:
    """The error response a service of ``protocol`` sends for ``code``."""
    status = STATUS.get(code, 400)
    headers = {"x-amzn-RequestId": "injected"}
    if protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                "</Error><RequestId>injected</RequestId></ErrorResponse>")
        headers["Content-Type"] = "text/xml"
    elif protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                "<RequestID>injected</RequestID></Response>")
        headers["Content-Type"] = "text/xml"
    elif protocol == "rest-xml":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>injected</RequestId></Error>"
        headers["Content-Type"] = "application/xml"
    elif protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": message})
        headers["Content-Type"] = "application/x-amz-json-1.1"
        headers["x-amzn-ErrorType"] = code
    else:
        raise NotImplementedError(f"no error body for protocol {protocol!r}")
    return AWSResponse(url, status, headers, _Body(body.encode()))


@dataclass
class Fault:
    """Fails a fraction of the calls of some services (and operations) with one AWS error code."""

    rate: float
    error_code: str
    services: frozenset[str] | None = None
    operations: frozenset[str] | None = None
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    attempts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def install(self, client: Any) -> None:
        """Client hook: register the ``before-send`` handler first on ``client``."""
        model = client.meta.service_model
        service, protocol = model.service_name, model.resolved_protocol
        if self.services is not None and service not in self.services:
            return

        def before_send(request: Any, event_name: str = "", **_: Any) -> AWSResponse | None:
            operation = event_name.rsplit(".", 1)[-1]
            if self.operations is not None and operation not in self.operations:
                return None
            with self._lock:
                self.attempts[f"{service}:{operation}"] += 1
                fail = self._random.random() < self.rate
                if fail:
                    self.injected[f"{service}:{operation}"] += 1
            return error_response(request.url, protocol, self.error_code) if fail else None

        client.meta.events.register_first("before-send", before_send)


def inject(rate: float, error_code: str = "Throttling", services: set[str] | None = None, seed: int = 0,
           operations: set[str] | None = None) -> Fault:
    """A ``Fault`` failing ``rate`` of the calls to ``services`` (boto3 names; all when None)."""
    return Fault(rate=rate, error_code=error_code, services=frozenset(services) if services is not None else None,
                 operations=frozenset(operations) if operations is not None else None, seed=seed)
