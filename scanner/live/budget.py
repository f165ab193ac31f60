"""Politeness and throughput: a request budget per account, Region and service, and quick retries.

AWS rate quotas are per account and Region (per account for global APIs), per API family. A scan
of many accounts must keep each account under its quota whatever the number of workers, and must
not let one throttled service stall the others. So:

- every client of a shard acquires a token from the ``AdaptiveBucket`` of its (account, Region,
  service) before each HTTP attempt (retries included). A bucket refills at ``rate`` tokens per
  second up to ``burst``; a throttling response lowers its rate by 20 % (at most once a second,
  never below a quarter of the budget) and the rate recovers linearly to the budget within ~4 s.
  Waiting for a token blocks only the calling thread: other services' calls go on;
- retries replace botocore's standard backoff (1 s base for throttling, so a 30 %-throttled scan
  took 7x longer) with full-jitter exponential backoff from a 100 ms base, capped at 10 s. The
  retry conditions stay botocore's own, and so does its retry quota, except for throttling errors,
  which take none of it (see ``ThrottlingExempt``).

A shard is the only user of its (account, Region) buckets, so the budget holds across processes
and machines: it lives where the shard runs.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

MAX_RETRIES = 8
THROTTLE_BASE_SECONDS = 0.1
TRANSIENT_BASE_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 10.0
DEFAULT_RATE = 20.0
DEFAULT_BURST = 100
DECREASE_FACTOR = 0.8
MIN_RATE_FRACTION = 0.25
RECOVERY_SECONDS = 4.0
DECREASE_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class BudgetSettings:
    """Calls per second and burst allowed per account, Region and service (``--budget RATE[/BURST]``)."""

    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST


class AdaptiveBucket:
    """A blocking token bucket whose refill rate backs off on throttling and recovers over time."""

    def __init__(self, settings: BudgetSettings, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(settings.burst)
        self._rate = settings.rate
        self._last = clock()
        self._last_decrease = float("-inf")
        self.waited_seconds = 0.0
        self.throttles = 0

    @property
    def rate(self) -> float:
        """The current refill rate (tokens per second)."""
        with self._lock:
            self._advance(self._clock())
            return self._rate

    def _advance(self, now: float) -> None:
        elapsed = max(0.0, now - self._last)
        self._last = now
        self._tokens = min(float(self.settings.burst), self._tokens + elapsed * self._rate)
        recovery = self.settings.rate / RECOVERY_SECONDS
        self._rate = min(self.settings.rate, self._rate + elapsed * recovery)

    def acquire(self) -> float:
        """Take one token, sleeping (outside the lock) until one is available; returns the wait."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._advance(now)
                if self._tokens >= 1.0 - 1e-9:  # tolerance: refills are floating-point sums
                    self._tokens = max(0.0, self._tokens - 1.0)
                    self.waited_seconds += waited
                    return waited
                delay = (1.0 - self._tokens) / self._rate
            self._sleep(delay)
            waited += delay

    def throttled(self) -> None:
        """A throttling response: lower the rate (once per interval, down to the floor)."""
        with self._lock:
            now = self._clock()
            self._advance(now)
            self.throttles += 1
            if now - self._last_decrease < DECREASE_INTERVAL_SECONDS:
                return
            self._last_decrease = now
            floor = self.settings.rate * MIN_RATE_FRACTION
            self._rate = max(floor, self._rate * DECREASE_FACTOR)


class RequestBudget:
    """The buckets of one scan in one process, by (account, Region, service)."""

    def __init__(self, settings: BudgetSettings | None = None) -> None:
        self.settings = settings or BudgetSettings()
        self._buckets: dict[tuple[str, str, str], AdaptiveBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, account: str, region: str, service: str) -> AdaptiveBucket:
        """The bucket of one account, Region and service (created on first use)."""
        key = (account, region, service)
        with self._lock:
            if key not in self._buckets:
                self._buckets[key] = AdaptiveBucket(self.settings)
            return self._buckets[key]

    def buckets(self) -> dict[tuple[str, str, str], AdaptiveBucket]:
        """A copy of every bucket created so far."""
        with self._lock:
            return dict(self._buckets)


class RetryBackoff:
    """Full-jitter exponential backoff: ``rand(0, 1) * min(cap, base * 2 ** (attempt - 1))``."""

    def __init__(self, is_throttling: Callable[[Any], bool], rng: Callable[[], float] = random.random) -> None:
        self._is_throttling = is_throttling
        self._random = rng

    def delay_amount(self, context: Any) -> float:
        """Seconds to wait before the next attempt (botocore ``BaseRetryBackoff`` interface)."""
        base = THROTTLE_BASE_SECONDS if self._is_throttling(context) else TRANSIENT_BASE_SECONDS
        return self._random() * min(MAX_BACKOFF_SECONDS, base * 2 ** (context.attempt_number - 1))


def install_retries(client: Any, bucket: AdaptiveBucket | None = None, max_retries: int = MAX_RETRIES) -> None:
    """Replace the client's standard-mode retry handler by one with ``RetryBackoff``; feed ``bucket``.

    With a bucket, every HTTP attempt first takes a token (``before-send``) and every throttling
    response lowers the bucket's rate.
    """
    from botocore.retries import quota, standard

    service_event = client.meta.service_model.service_id.hyphenize()
    adapter = standard.RetryEventAdapter()
    detector = standard.ThrottlingErrorDetector(adapter)
    retry_quota = throttling_exempt_quota()(quota.RetryQuota(), detector)
    handler = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(
            retry_checker=standard.StandardRetryConditions(max_attempts=max_retries + 1),
            retry_backoff=RetryBackoff(detector.is_throttling_error_from_context),
        ),
        retry_event_adapter=adapter,
        retry_quota=retry_quota,
        service_name=service_event,
    )
    unique_id = f"retry-config-{service_event}"
    events = client.meta.events
    events.unregister(f"needs-retry.{service_event}", unique_id=unique_id)

    def needs_retry(**kwargs: Any) -> float | None:
        if bucket is not None and detector.is_throttling_error(**kwargs):
            bucket.throttled()
        delay: float | None = handler.needs_retry(**kwargs)
        return delay

    events.register(f"needs-retry.{service_event}", needs_retry, unique_id=unique_id)
    events.register(f"after-call.{service_event}", retry_quota.release_retry_quota)
    if bucket is not None:
        events.register_first(f"before-send.{service_event}", lambda **_: _acquire(bucket))


@cache
def throttling_exempt_quota() -> type:
    """The ``ThrottlingExempt`` retry-quota checker class (built on first use: botocore loads lazily)."""
    from botocore.retries import standard

    class ThrottlingExempt(standard.RetryQuotaChecker):  # type: ignore[misc]
        """botocore's retry quota, except that a throttling error's retry takes none of it.

        The quota is a circuit breaker for a failing service: each retry takes 5 (throttling) or 14, a
        success gives back only its last retry's cost. Under steady throttling a busy client (S3's
        per-bucket calls) drains it, then its calls fail with the throttling error although the next
        attempt would succeed: a throttled scan would report values as unknown that a clean scan reads.
        Throttling is paced by the adaptive bucket and bounded by ``MAX_RETRIES`` instead.
        """

        def acquire_retry_quota(self, context: Any) -> bool:
            if self._is_throttling_error(context):
                return True
            return bool(super().acquire_retry_quota(context))

    return ThrottlingExempt


def _acquire(bucket: AdaptiveBucket) -> None:
    bucket.acquire()  # a before-send handler must return None (a value would replace the response)
