"""A client hook recording every operation the scan calls, as (boto3 service, Operation) (tests only)."""

from __future__ import annotations

import threading
from typing import Any


class CallRecorder:
    """Records ``(service, operation)`` of every call made through the clients it is installed on."""

    def __init__(self) -> None:
        self.calls: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def install(self, client: Any) -> None:
        """Client hook for ``collect_live`` / ``resolve_scope``."""
        service = client.meta.service_model.service_name

        def record(model: Any, **_: Any) -> None:
            with self._lock:
                self.calls.add((service, model.name))

        client.meta.events.register("before-parameter-build", record)
