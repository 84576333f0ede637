"""The TMDB link's state machine: Normal ↔ Throttle ↔ SleepThenResume ↔ CacheOnly, with a breaker.

Every request the transport sends reports back here (success with its latency, 429, 5xx, network
failure, rejected key), and every request asks ``admit`` first. The states, their triggers and
what each one does are written down in ``docs/policies/rate-limit-state-machine.md``; in short:

- **Normal**: the configured rate.
- **Throttle**: a 429, or P95 latency above its limit, halves the rate; a run of successes
  restores it.
- **SleepThenResume**: a 429 whose ``Retry-After`` is long enough: nothing is sent until it has
  elapsed (the bucket holds), then Throttle.
- **CacheOnly**: the breaker is open — too many failures in the window, several consecutive
  network failures, or a rejected key. Nothing is sent; lookups not in the cache are *deferred*
  for ``--resume``. After ``half_open_after`` one probe request may go: success → Throttle,
  failure → CacheOnly for another period. A rejected key never half-opens (it will not heal).

Time is injected, and the windows are parameters, so tests shrink minutes to milliseconds.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from anivault.services.tmdb.ratelimit import Clock

LinkState = Literal["normal", "throttle", "sleep_then_resume", "cache_only"]
Outcome = Literal["ok", "429", "5xx", "network"]


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    breaker_window: float = 300.0
    """Seconds of history the breaker looks at."""
    breaker_ratio: float = 0.6
    """Open when more than this share of the window's requests failed (429, 5xx, network)."""
    breaker_min_samples: int = 10
    half_open_after: float = 600.0
    consecutive_failures: int = 5
    """Network failures (refused, DNS, timeouts) in a row that open the breaker at once."""
    throttle_factor: float = 0.5
    recover_after: int = 20
    """Successes in a row that end Throttle."""
    latency_p95_limit: float = 4.0
    latency_samples: int = 40
    sleep_threshold: float = 1.0
    """A Retry-After at least this long means SleepThenResume rather than a throttled retry."""


@dataclass(frozen=True, slots=True)
class StateChange:
    before: LinkState
    after: LinkState
    reason: str


class LinkHealth:
    """Thread-safe; ``on_change`` is called outside the lock for every transition."""

    def __init__(
        self, policy: HealthPolicy, *, clock: Clock, on_change: Callable[[StateChange], None] | None = None
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._listeners: list[Callable[[StateChange], None]] = [on_change] if on_change else []
        self._lock = threading.Lock()
        self._state: LinkState = "normal"
        self._history: deque[tuple[float, bool]] = deque()
        self._latencies: deque[float] = deque(maxlen=policy.latency_samples)
        self._failures_in_a_row = 0
        self._successes_in_a_row = 0
        self._sleep_until = 0.0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self._permanent = False

    @property
    def state(self) -> LinkState:
        with self._lock:
            return self._state

    def watch(self, listener: Callable[[StateChange], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def admit(self) -> bool:
        """May a request be sent now? In CacheOnly, one probe per half-open period."""
        with self._lock:
            if self._state != "cache_only":
                return True
            if self._permanent or self._probe_in_flight:
                return False
            if self._clock() - self._opened_at < self.policy.half_open_after:
                return False
            self._probe_in_flight = True
            return True

    def record(self, outcome: Outcome, *, latency: float = 0.0, retry_after: float | None = None) -> None:
        with self._lock:
            now = self._clock()
            self._remember(now, outcome == "ok")
            change = self._next(now, outcome, latency, retry_after)
        self._announce(change)

    def key_rejected(self) -> None:
        with self._lock:
            self._permanent = True
            change = self._move("cache_only", "the TMDB key was rejected (401)")
            self._opened_at = self._clock()
        self._announce(change)

    def _next(
        self, now: float, outcome: Outcome, latency: float, retry_after: float | None
    ) -> StateChange | None:
        probing, self._probe_in_flight = self._probe_in_flight, False
        if outcome == "ok":
            self._failures_in_a_row = 0
            self._successes_in_a_row += 1
            self._latencies.append(latency)
            return self._after_success(now, probing)
        self._successes_in_a_row = 0
        self._failures_in_a_row = self._failures_in_a_row + 1 if outcome == "network" else 0
        if self._state == "cache_only":
            if probing:
                self._opened_at = now
                return StateChange("cache_only", "cache_only", "the half-open probe failed")
            return None
        if self._failures_in_a_row >= self.policy.consecutive_failures:
            return self._open(now, f"{self._failures_in_a_row} network failures in a row")
        if self._breaker_tripped():
            return self._open(now, f"over {self.policy.breaker_ratio:.0%} of recent requests failed")
        if outcome == "429":
            if retry_after is not None and retry_after >= self.policy.sleep_threshold:
                self._sleep_until = now + retry_after
                return self._move("sleep_then_resume", f"429 with Retry-After {retry_after:g} s")
            return self._move("throttle", "429 Too Many Requests")
        return None

    def _after_success(self, now: float, probing: bool) -> StateChange | None:
        if self._state == "cache_only":
            if not probing:
                return None
            self._history.clear()
            return self._move("throttle", "the half-open probe succeeded")
        if self._state == "sleep_then_resume" and now >= self._sleep_until:
            return self._move("throttle", "Retry-After elapsed")
        if self._state == "throttle" and self._successes_in_a_row >= self.policy.recover_after:
            return self._move("normal", f"{self._successes_in_a_row} successes in a row")
        if self._state == "normal" and self._latency_high():
            return self._move("throttle", f"P95 latency above {self.policy.latency_p95_limit:g} s")
        return None

    def _open(self, now: float, reason: str) -> StateChange | None:
        self._opened_at = now
        return self._move("cache_only", reason)

    def _move(self, after: LinkState, reason: str) -> StateChange | None:
        before, self._state = self._state, after
        if after != "throttle":
            self._successes_in_a_row = 0
        return StateChange(before, after, reason) if before != after else None

    def _remember(self, now: float, ok: bool) -> None:
        self._history.append((now, ok))
        while self._history and self._history[0][0] < now - self.policy.breaker_window:
            self._history.popleft()

    def _breaker_tripped(self) -> bool:
        if len(self._history) < self.policy.breaker_min_samples:
            return False
        failed = sum(1 for _, ok in self._history if not ok)
        return failed / len(self._history) > self.policy.breaker_ratio

    def _latency_high(self) -> bool:
        if len(self._latencies) < self.policy.latency_samples:
            return False
        ordered = sorted(self._latencies)
        return ordered[int(0.95 * (len(ordered) - 1))] > self.policy.latency_p95_limit

    def _announce(self, change: StateChange | None) -> None:
        if change is None:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(change)
