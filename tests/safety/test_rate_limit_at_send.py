"""Reproduction 12: the token is taken when the request is sent, not when it was scheduled.

A thread that oversleeps (a loaded CPU) sends later than the slot it was given; the bucket used to
remember the slot, so the one-second window slid from a moment nothing was sent and let a fourth
request into a real second at ``--rate 3``. The clock here is fake: a sleep that overruns is the
loaded CPU, deterministically.
"""

from __future__ import annotations

import pytest
from tests.services.test_ratelimit import FakeTime, busiest_second

from anivault.services.tmdb.ratelimit import TokenBucket


class LoadedTime(FakeTime):
    """Sleeps overrun by ``lag`` seconds in the given on/off ``pattern``, as under a busy scheduler."""

    def __init__(self, lag: float, pattern: tuple[int, ...]) -> None:
        super().__init__()
        self.lag, self.pattern = lag, pattern

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if self.pattern[(len(self.sleeps) - 1) % len(self.pattern)]:
            self.now += self.lag


@pytest.mark.parametrize("lag", [0.1, 0.2, 0.3, 0.6])
@pytest.mark.parametrize("pattern", [(1, 0, 0, 0), (0, 1, 0, 1), (1, 1, 0), (1,)])
def test_oversleeping_never_lets_more_than_rate_into_a_second(lag: float, pattern: tuple[int, ...]) -> None:
    fake = LoadedTime(lag, pattern)
    bucket = TokenBucket(3.0, 1, clock=fake.clock, sleep=fake.sleep)
    sent = []
    for _ in range(40):
        bucket.acquire()
        sent.append(fake.now)  # the request goes out the moment acquire returns
    assert busiest_second(sent) <= 3


def test_a_hold_arriving_while_a_thread_sleeps_is_honoured_at_send_time() -> None:
    fake = FakeTime()
    bucket = TokenBucket(2.0, 1, clock=fake.clock, sleep=fake.sleep)
    bucket.acquire()
    held_until = fake.now + 5.0

    def sleep_then_hold(seconds: float) -> None:
        FakeTime.sleep(fake, seconds)
        bucket.hold_until(held_until)  # a 429's Retry-After, answered to another thread meanwhile

    bucket._sleep = sleep_then_hold  # the bucket's injected sleep, swapped for this one scenario
    bucket.acquire()
    assert fake.now >= held_until
