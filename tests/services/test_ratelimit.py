"""Token bucket and retry policy with injected time: no real sleeping anywhere."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from email.utils import formatdate

import pytest

from anivault.services.tmdb.ratelimit import (
    WINDOW_MARGIN,
    WINDOW_SECONDS,
    RetryPolicy,
    TokenBucket,
    parse_retry_after,
)

NOW = 1_700_000_000.0


class FakeTime:
    """A clock that only moves when the code under test sleeps (or the test idles)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


def bucket(fake: FakeTime, rate: float, burst: int) -> TokenBucket:
    return TokenBucket(rate, burst, clock=fake.clock, sleep=fake.sleep)


def acquisition_times(fake: FakeTime, limiter: TokenBucket, idles: list[float]) -> list[float]:
    times = []
    for idle in idles:
        fake.now += idle
        limiter.acquire()
        times.append(fake.now)
    return times


def busiest_second(times: list[float]) -> int:
    """Most acquisitions in any half-open window [t, t + 1) starting at an acquisition."""
    return max(sum(1 for u in times if t <= u < t + 1.0) for t in times)


@pytest.mark.parametrize("args", [(0, 1), (-1, 1), (10, 0)])
def test_invalid_parameters_are_refused(args: tuple[float, int]) -> None:
    fake = FakeTime()
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(*args, clock=fake.clock, sleep=fake.sleep)


def test_burst_is_free_then_paced_and_capped_by_the_one_second_window() -> None:
    fake = FakeTime()
    limiter = bucket(fake, rate=4, burst=3)
    waits = [limiter.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == 0.25  # paced at 1/rate once the burst is spent
    # The fifth would be the fifth send inside [1000, 1001): it waits for the window (plus margin).
    assert fake.now == pytest.approx(1000.0 + WINDOW_SECONDS + WINDOW_MARGIN)


def test_idle_time_refills_but_never_beyond_the_burst() -> None:
    fake = FakeTime()
    limiter = bucket(fake, rate=4, burst=2)
    for _ in range(2):
        limiter.acquire()
    fake.now += 3600  # an hour idle must not bank 14400 requests
    waits = [limiter.acquire() for _ in range(4)]
    assert waits == [0.0, 0.0, 0.25, 0.25]


@pytest.mark.parametrize("seed", range(5))
def test_never_more_than_rate_in_any_second_over_a_long_run(seed: int) -> None:
    rng = random.Random(seed)
    fake = FakeTime()
    rate = 8  # 1/8 s is exact in binary, so window edges are not blurred by rounding
    limiter = bucket(fake, rate=rate, burst=1)
    idles = [rng.choice([0.0, 0.0, 0.0, 0.01, 0.05, 0.3, 2.0]) for _ in range(2000)]
    times = acquisition_times(fake, limiter, idles)
    assert busiest_second(times) == rate  # the limit is reached, and never exceeded


@pytest.mark.parametrize("burst", [2, 5, 10, 40])
def test_a_burst_never_lets_more_than_rate_into_any_second(burst: int) -> None:
    rng = random.Random(burst)
    fake = FakeTime()
    rate = 8
    limiter = bucket(fake, rate=rate, burst=burst)
    idles = [rng.choice([0.0, 0.0, 0.0, 0.01, 0.3, 2.0]) for _ in range(2000)]
    times = acquisition_times(fake, limiter, idles)
    assert busiest_second(times) <= rate
    # A saturated stretch after the burst settles at the rate.
    fake.now += 10
    steady = acquisition_times(fake, limiter, [0.0] * 200)[burst:]
    assert busiest_second(steady) == rate


def test_hold_until_delays_the_next_acquisition() -> None:
    fake = FakeTime()
    limiter = bucket(fake, rate=10, burst=5)
    limiter.acquire()
    limiter.hold_until(fake.now + 30)
    assert limiter.acquire() == pytest.approx(30.0)
    assert fake.now == pytest.approx(1030.0)
    assert limiter.acquire() == pytest.approx(0.1)  # then normal pacing resumes


def test_a_hold_received_while_sleeping_towards_a_slot_voids_that_slot() -> None:
    """Another worker's 429 arrives while this one waits for its token: it must not send on it."""
    fake = FakeTime()
    limiter = bucket(fake, rate=2, burst=1)
    limiter.acquire()
    hold_at = fake.now + 5.0

    def sleep_and_meet_a_retry_after(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.sleeps) == 1:
            limiter.hold_until(hold_at)

    limiter._sleep = sleep_and_meet_a_retry_after
    limiter.acquire()
    assert fake.now >= hold_at
    assert fake.sleeps[0] == pytest.approx(0.5)


def test_hold_until_in_the_past_changes_nothing() -> None:
    fake = FakeTime()
    limiter = bucket(fake, rate=8, burst=5)
    limiter.hold_until(fake.now - 100)
    assert [limiter.acquire() for _ in range(5)] == [0.0] * 5


# --- parse_retry_after -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "seconds"), [("0", 0.0), ("3", 3.0), (" 120 ", 120.0)])
def test_retry_after_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value, now_epoch=NOW) == seconds


def test_retry_after_http_date() -> None:
    assert parse_retry_after(formatdate(NOW + 42, usegmt=True), now_epoch=NOW) == pytest.approx(42.0)


def test_retry_after_date_in_the_past_is_zero() -> None:
    assert parse_retry_after(formatdate(NOW - 60, usegmt=True), now_epoch=NOW) == 0.0


@pytest.mark.parametrize("value", ["garbage", "", "   ", "-1", "1.5", "soon", None])
def test_retry_after_unreadable_or_absent_is_none(value: str | None) -> None:
    assert parse_retry_after(value, now_epoch=NOW) is None


def test_retry_after_superscript_digit_is_none() -> None:
    assert parse_retry_after("²", now_epoch=NOW) is None


@pytest.fixture
def five_hours_west() -> Iterator[None]:
    """Run with a local zone 5 h west of UTC (a POSIX TZ string: no tzdata needed), then restore."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TZ", "XST+5")
    time.tzset()
    try:
        yield
    finally:
        mp.undo()
        time.tzset()


def test_retry_after_asctime_date_is_gmt_whatever_the_local_zone(five_hours_west: None) -> None:
    assert time.timezone == 5 * 3600  # the zone really is in effect
    asctime = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(NOW + 30))
    assert parse_retry_after(asctime, now_epoch=NOW) == pytest.approx(30.0)


# --- RetryPolicy -------------------------------------------------------------------------------


def test_backoff_without_jitter_doubles_until_the_cap() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=30.0, jitter=0.0)
    delays = [policy.backoff(attempt, random.Random(0)) for attempt in range(1, 10)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_backoff_jitter_stays_within_bounds_and_is_reproducible() -> None:
    policy = RetryPolicy()
    rng = random.Random(1234)
    for attempt in range(1, 12):
        base = min(policy.backoff_cap, policy.backoff_base * 2 ** (attempt - 1))
        for _ in range(50):
            delay = policy.backoff(attempt, rng)
            assert base <= delay <= base * (1 + policy.jitter)
    first = [policy.backoff(a, random.Random(7)) for a in range(1, 6)]
    second = [policy.backoff(a, random.Random(7)) for a in range(1, 6)]
    assert first == second


def test_backoff_jitter_actually_varies() -> None:
    rng = random.Random(99)
    delays = {RetryPolicy().backoff(3, rng) for _ in range(20)}
    assert len(delays) > 1


def test_default_retry_policy() -> None:
    assert RetryPolicy() == RetryPolicy(max_attempts=6, backoff_base=0.5, backoff_cap=30.0, jitter=0.25)
