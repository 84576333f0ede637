"""The link state machine with an injected clock: every transition of the documented table."""

from __future__ import annotations

import pytest

from anivault.services.tmdb.health import HealthPolicy, LinkHealth, StateChange

POLICY = HealthPolicy(
    breaker_window=60.0,
    breaker_ratio=0.6,
    breaker_min_samples=10,
    half_open_after=30.0,
    consecutive_failures=3,
    recover_after=5,
    latency_p95_limit=2.0,
    latency_samples=10,
    sleep_threshold=1.0,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def changes() -> list[StateChange]:
    return []


@pytest.fixture
def health(clock: Clock, changes: list[StateChange]) -> LinkHealth:
    return LinkHealth(POLICY, clock=clock, on_change=changes.append)


def path(changes: list[StateChange]) -> list[str]:
    return [f"{c.before}->{c.after}" for c in changes]


def test_a_429_throttles_and_a_run_of_successes_restores_normal(
    health: LinkHealth, changes: list[StateChange]
) -> None:
    health.record("429", retry_after=0.0)
    assert health.state == "throttle"
    for _ in range(POLICY.recover_after - 1):
        health.record("ok")
    assert health.state == "throttle"
    health.record("ok")
    assert path(changes) == ["normal->throttle", "throttle->normal"]


def test_a_long_retry_after_sleeps_then_resumes_throttled(
    health: LinkHealth, clock: Clock, changes: list[StateChange]
) -> None:
    health.record("429", retry_after=5.0)
    assert health.state == "sleep_then_resume"
    clock.now += 2
    health.record("ok")  # a request that was already in flight
    assert health.state == "sleep_then_resume"
    clock.now += 4
    health.record("ok")
    assert path(changes) == ["normal->sleep_then_resume", "sleep_then_resume->throttle"]


def test_consecutive_network_failures_open_the_breaker_and_nothing_is_admitted(
    health: LinkHealth, clock: Clock
) -> None:
    for _ in range(POLICY.consecutive_failures):
        assert health.admit()
        health.record("network")
    assert health.state == "cache_only"
    clock.now += POLICY.half_open_after - 1
    assert not health.admit()


def test_failure_ratio_over_the_window_opens_the_breaker(health: LinkHealth) -> None:
    outcomes = ["ok", "5xx", "5xx", "ok", "429", "5xx", "5xx", "5xx", "ok", "5xx"]
    for outcome in outcomes:
        health.record(outcome, retry_after=0.0)  # type: ignore[arg-type]
    assert health.state == "cache_only"  # 7 of 10 failed > 60 %


def test_old_failures_leave_the_window(health: LinkHealth, clock: Clock) -> None:
    for _ in range(6):
        health.record("5xx")
    clock.now += POLICY.breaker_window + 1
    for _ in range(5):
        health.record("ok")
    health.record("5xx")
    assert health.state != "cache_only"


def test_half_open_probe_success_closes_failure_reopens(
    health: LinkHealth, clock: Clock, changes: list[StateChange]
) -> None:
    for _ in range(POLICY.consecutive_failures):
        health.record("network")
    clock.now += POLICY.half_open_after
    assert health.admit()
    assert not health.admit(), "only one probe per half-open period"
    health.record("network")
    assert health.state == "cache_only"
    assert not health.admit()
    clock.now += POLICY.half_open_after
    assert health.admit()
    health.record("ok")
    assert health.state == "throttle"
    assert changes[-1].reason == "the half-open probe succeeded"


def test_a_rejected_key_is_cache_only_for_good(health: LinkHealth, clock: Clock) -> None:
    health.key_rejected()
    clock.now += 10 * POLICY.half_open_after
    assert health.state == "cache_only"
    assert not health.admit()


def test_high_p95_latency_throttles(health: LinkHealth) -> None:
    for _ in range(POLICY.latency_samples):
        health.record("ok", latency=3.0)
    assert health.state == "throttle"


def test_default_policy_matches_the_documented_windows() -> None:
    policy = HealthPolicy()
    assert (policy.breaker_window, policy.breaker_ratio, policy.half_open_after) == (300.0, 0.6, 600.0)
