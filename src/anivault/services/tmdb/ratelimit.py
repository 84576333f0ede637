"""Client-side rate limiting: a token bucket and a retry policy, both with injected time.

TMDB's ceiling sits around 40–50 requests/s and is enforced per IP with 429 + ``Retry-After``
(docs/tmdb-api.md §4). We stay under it by construction (the bucket) and, when told to slow down
anyway, wait at least as long as the server asked (the policy). Time is injected so both are
tested without sleeping.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime

Clock = Callable[[], float]
Sleep = Callable[[float], None]


WINDOW_SECONDS = 1.0
WINDOW_MARGIN = 0.05
"""Slack on the 1-s window so network jitter between our clock and TMDB's cannot squeeze one more
request into a window as TMDB counts it."""


class TokenBucket:
    """At most ``rate`` requests in any 1-s window, spaced by ``1/rate`` after a burst; thread-safe.

    A plain token bucket lets ``burst + rate`` requests through the first second after an idle
    spell — over ``--rate`` in that window, which is the promise users read. So every token is
    also checked against the last ``floor(rate)`` tokens taken: the next one waits until the oldest
    of them is a full window old.

    A token is taken at the moment its request is sent, never at the moment it is scheduled: a
    thread computes how long to wait, sleeps outside the lock, then checks again and takes the
    token only if it is still due, stamped with the clock at that instant. A thread that overslept
    (a loaded CPU) or a Retry-After that arrived meanwhile therefore moves the window along with
    the real send, instead of leaving an earlier, invented send time in it.
    """

    def __init__(self, rate: float, burst: int, *, clock: Clock, sleep: Sleep) -> None:
        if not rate > 0 or burst < 1 or rate == float("inf"):
            raise ValueError("rate must be > 0 and finite, and burst >= 1")
        self._rate, self._burst = rate, burst
        self._interval = 1.0 / rate
        self._burst_span = burst * self._interval
        self._per_window = max(1, int(rate))
        self._recent: deque[float] = deque(maxlen=self._per_window)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free = clock() - self._burst_span
        self._held_until = float("-inf")

    def acquire(self) -> float:
        """Block until a request may be sent, take its token now; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                # Credit never accumulates beyond the burst: idle time is capped.
                slot = max(self._next_free, now - self._burst_span + self._interval)
                due = max(slot, self._held_until)
                if len(self._recent) == self._per_window:
                    due = max(due, self._recent[0] + WINDOW_SECONDS + WINDOW_MARGIN)
                if due <= now:
                    self._next_free = slot + self._interval
                    self._recent.append(now)
                    return waited
            wait = due - now
            self._sleep(wait)
            waited += wait

    def scale(self, factor: float) -> None:
        """Run at ``factor`` × the configured rate (Throttle halves it; Normal restores 1.0)."""
        with self._lock:
            rate = self._rate * factor
            self._interval = 1.0 / rate
            self._burst_span = min(self._burst, max(1, int(rate))) * self._interval
            self._per_window = max(1, int(rate))
            self._recent = deque(self._recent, maxlen=self._per_window)

    def hold_until(self, instant: float) -> None:
        """Make every later acquisition wait until ``instant`` (a received Retry-After)."""
        with self._lock:
            self._next_free = max(self._next_free, instant)
            self._held_until = max(self._held_until, instant)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry 429/5xx/network failures (urllib3 ``Retry`` style)."""

    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    jitter: float = 0.25

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with proportional jitter for the ``attempt``-th retry (1-based)."""
        delay = min(self.backoff_cap, self.backoff_base * 2.0 ** (attempt - 1))
        return delay * (1.0 + rng.uniform(0.0, self.jitter))


def parse_retry_after(value: str | None, *, now_epoch: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds (0 allowed) or an HTTP-date.

    Returns None when absent or unreadable, so the caller falls back to backoff.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # "²".isdigit() is True too
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # asctime form: RFC 9110 says it is GMT, not local time
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, float(moment.timestamp()) - now_epoch)
