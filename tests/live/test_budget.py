"""The request budget (adaptive token bucket per account, Region and service) and the quick retries."""

from __future__ import annotations

from typing import Any

import pytest
from faults import inject
from moto import mock_aws

from scanner.live import budget
from scanner.live.budget import AdaptiveBucket, BudgetSettings, RequestBudget, RetryBackoff
from scanner.live.session import create_session, make_client, retry_config


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _bucket(rate: float = 10.0, burst: int = 5) -> tuple[AdaptiveBucket, FakeClock]:
    clock = FakeClock()
    return AdaptiveBucket(BudgetSettings(rate, burst), clock=clock, sleep=clock.sleep), clock


def test_burst_then_the_rate() -> None:
    bucket, clock = _bucket(rate=10, burst=5)
    for _ in range(5):
        assert bucket.acquire() == 0.0
    for _ in range(10):
        bucket.acquire()
    assert clock.now == pytest.approx(1.0)  # 10 more tokens at 10 per second
    assert bucket.waited_seconds == pytest.approx(1.0)


def test_throttling_lowers_the_rate_once_a_second_down_to_a_floor_then_it_recovers() -> None:
    bucket, clock = _bucket(rate=10, burst=5)
    bucket.throttled()
    bucket.throttled()  # the same second: one decrease only
    assert bucket.rate == pytest.approx(8.0)
    for _ in range(30):  # sustained throttling, once per interval, without time to recover
        clock.now += budget.DECREASE_INTERVAL_SECONDS
        bucket.throttled()
    floor = 10 * budget.MIN_RATE_FRACTION
    assert floor <= bucket.rate < 10
    # recovery is linear: budget / RECOVERY_SECONDS per second, capped at the budget
    clock.now += budget.RECOVERY_SECONDS
    assert bucket.rate == pytest.approx(10.0)
    assert bucket.throttles == 32


def test_the_rate_never_falls_below_the_floor() -> None:
    bucket, clock = _bucket(rate=10, burst=5)
    for _ in range(50):
        clock.now += 1e-9  # no recovery to speak of
        bucket._last_decrease = float("-inf")  # allow a decrease each time
        bucket.throttled()
    assert bucket.rate == pytest.approx(10 * budget.MIN_RATE_FRACTION, rel=1e-3)


def test_random_thirty_percent_throttling_keeps_most_of_the_rate() -> None:
    """Throttles in bursts lower the rate; random ones (30 % of 10 calls a second) barely do."""
    import random

    bucket, clock = _bucket(rate=10, burst=10)
    rng = random.Random(3)
    for _ in range(300):
        bucket.acquire()
        if rng.random() < 0.3:
            bucket.throttled()
    assert clock.now < 300 / 10 * 1.35  # under 35 % slower than the unthrottled budget


def test_buckets_are_per_account_region_and_service() -> None:
    registry = RequestBudget(BudgetSettings(5, 5))
    a = registry.bucket("111111111111", "us-east-1", "ec2")
    assert registry.bucket("111111111111", "us-east-1", "ec2") is a
    assert registry.bucket("111111111111", "eu-west-1", "ec2") is not a
    assert registry.bucket("222222222222", "us-east-1", "ec2") is not a
    assert registry.bucket("111111111111", "us-east-1", "rds") is not a
    assert len(registry.buckets()) == 4


_DELAY = RetryBackoff.delay_amount  # the real one (the live conftest sets it to 0 for every other test)


class _Context:
    def __init__(self, attempt: int) -> None:
        self.attempt_number = attempt


@pytest.mark.parametrize(("throttled", "attempt", "expected"), [
    (True, 1, 0.1), (True, 3, 0.4), (False, 1, 0.05), (True, 12, budget.MAX_BACKOFF_SECONDS)])
def test_backoff_is_full_jitter_from_a_small_base(throttled: bool, attempt: int, expected: float) -> None:
    backoff = RetryBackoff(lambda context: throttled, rng=lambda: 1.0)
    assert _DELAY(backoff, _Context(attempt)) == pytest.approx(expected)
    assert _DELAY(RetryBackoff(lambda context: throttled, rng=lambda: 0.0), _Context(attempt)) == 0.0


@mock_aws
def test_a_client_paces_every_attempt_and_tells_the_bucket_about_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    acquired: list[int] = []
    bucket = AdaptiveBucket(BudgetSettings(1000, 1000))
    monkeypatch.setattr(bucket, "acquire", lambda: acquired.append(1) or 0.0)
    fault = inject(1.0, "Throttling", services={"rds"})
    rds = make_client(create_session(), "rds", "us-east-1", retry_config(), [fault.install], bucket)
    with pytest.raises(Exception, match="Throttling"):
        rds.describe_db_instances()
    assert fault.attempts["rds:DescribeDBInstances"] == 9  # 1 attempt + 8 retries
    assert len(acquired) == 9 and bucket.throttles == 9


@mock_aws
def test_the_retry_handler_uses_haguards_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore sleeps what the handler returns: our delays, not the standard 1 s-based ones."""
    delays: list[float] = []
    monkeypatch.setattr(RetryBackoff, "delay_amount", lambda self, context: delays.append(0.0) or 0.0)
    sleeps: list[Any] = []
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda s: sleeps.append(s))
    fault = inject(1.0, "RequestLimitExceeded", services={"ec2"})
    ec2 = make_client(create_session(), "ec2", "us-east-1", retry_config(), [fault.install])
    with pytest.raises(Exception, match="RequestLimitExceeded"):
        ec2.describe_vpcs()
    assert len(delays) == 8 and sleeps == [0.0] * 8


@mock_aws
def test_steady_throttling_never_drains_the_retry_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call throttled twice, then answered: botocore's quota (500; a throttled retry takes 5, a success
    gives back 5) would refuse retries after ~100 calls and the scan would read values as unknown."""
    from faults import error_response

    monkeypatch.setattr(RetryBackoff, "delay_amount", lambda self, context: 0.0)
    attempts = {"n": 0}

    def twice_throttled(client: Any) -> None:
        protocol = client.meta.service_model.resolved_protocol

        def before_send(request: Any, **_: Any) -> Any:
            attempts["n"] += 1
            return None if attempts["n"] % 3 == 0 else error_response(request.url, protocol, "Throttling")

        client.meta.events.register_first("before-send", before_send)

    rds = make_client(create_session(), "rds", "us-east-1", retry_config(), [twice_throttled])
    for _ in range(150):
        rds.describe_db_instances()
    assert attempts["n"] == 450
