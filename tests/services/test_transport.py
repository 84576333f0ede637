"""The shared transport and both backends against the real stand-in over HTTP."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from anivault.errors import TmdbKeyError, TmdbNotFoundError, TmdbRateLimitError, TmdbUnavailableError
from anivault.services.cache import JsonCache
from anivault.services.tmdb.backends import RequestsBackend, TmdbV3ApiBackend
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.health import HealthPolicy, StateChange
from anivault.services.tmdb.ratelimit import RetryPolicy
from anivault.services.tmdb.transport import Credential, TmdbTransport, TransportSettings
from tools.tmdb_standin import Standin

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base=0.01, backoff_cap=0.05, jitter=0.0)


def make_client(
    standin: Standin,
    tmp_path: Path,
    *,
    backend: str = "tmdbv3api",
    key: str | None = None,
    retry: RetryPolicy = FAST_RETRY,
    read_timeout: float = 5.0,
    health: HealthPolicy | None = None,
) -> TmdbClient:
    transport = TmdbTransport(
        TransportSettings(
            base_url=standin.base_url,
            rate_per_second=50,
            burst=5,
            concurrency=2,
            read_timeout=read_timeout,
            retry=retry,
            health=health or HealthPolicy(),
        ),
        Credential(key or standin.api_key),
    )
    kind = TmdbV3ApiBackend if backend == "tmdbv3api" else RequestsBackend
    return TmdbClient(
        kind(transport, language="en-US"),
        transport,
        JsonCache(tmp_path / "cache"),
        language="en-US",
        source="test",
    )


@pytest.mark.parametrize("backend", ["tmdbv3api", "requests"])
def test_both_backends_map_search_and_details_identically(
    tmdb_standin: Standin, tmp_path: Path, backend: str
) -> None:
    client = make_client(tmdb_standin, tmp_path / backend, backend=backend)

    hits = client.search("tv", "Shingeki no Kyojin")
    details = client.details("tv", 1429)

    assert [h.tmdb_id for h in hits] == [1429]
    assert details.title == "Attack on Titan" and details.year == 2013
    assert [(s.number, s.episode_count) for s in details.seasons][:2] == [(0, 40), (1, 25)]
    assert "Shingeki no Kyojin" in details.alternative_titles
    assert ("ja", "進撃の巨人") in details.translated_titles
    assert all("api_key" not in e["query"] for e in tmdb_standin.request_log)
    assert all(e["auth"] == "api_key" for e in tmdb_standin.request_log)


def test_tmdbv3api_never_sees_or_stores_the_real_key(tmdb_standin: Standin, tmp_path: Path) -> None:
    client = make_client(tmdb_standin, tmp_path)
    client.search("movie", "Akira", year=1988)
    assert tmdb_standin.api_key not in os.environ.values()


def test_bearer_token_goes_in_the_header(tmdb_standin: Standin, tmp_path: Path) -> None:
    client = make_client(tmdb_standin, tmp_path, key=tmdb_standin.bearer_token)
    assert client.search("tv", "Frieren")
    assert tmdb_standin.request_log[-1]["auth"] == "bearer"


def test_second_lookup_comes_from_the_cache(tmdb_standin: Standin, tmp_path: Path) -> None:
    make_client(tmdb_standin, tmp_path).details("tv", 1429)
    sent = tmdb_standin.request_count
    again = make_client(tmdb_standin, tmp_path)
    again.details("tv", 1429)
    assert tmdb_standin.request_count == sent
    assert again.stats().cache.hits == 1 and again.stats().requests_sent == 0


@pytest.mark.parametrize("retry_after", ["1", "http-date:2"])
def test_429_waits_for_retry_after_before_the_next_request(
    tmdb_standin: Standin, tmp_path: Path, retry_after: str
) -> None:
    tmdb_standin.configure(
        fail_nth={1}, fail_status=429, retry_after=int(retry_after) if retry_after.isdigit() else retry_after
    )
    client = make_client(tmdb_standin, tmp_path)

    assert client.search("tv", "Frieren")

    first, second = tmdb_standin.request_log[:2]
    assert first["status"] == 429 and second["status"] == 200
    # HTTP-dates have one-second resolution, so the wait can be up to a second short of 2 s.
    assert second["t"] - first["t"] >= 0.95
    assert client.stats().rate_limited == 1


def test_429_storm_outlasting_the_budget_is_an_error(tmdb_standin: Standin, tmp_path: Path) -> None:
    tmdb_standin.configure(fail_nth={1, 2, 3}, fail_status=429, retry_after=0)
    with pytest.raises(TmdbRateLimitError):
        make_client(tmdb_standin, tmp_path).search("tv", "Frieren")
    assert tmdb_standin.request_count == 3


def test_5xx_is_retried(tmdb_standin: Standin, tmp_path: Path) -> None:
    tmdb_standin.configure(fail_nth={1, 2}, fail_status=503)
    assert make_client(tmdb_standin, tmp_path).search("tv", "Frieren")
    assert [e["status"] for e in tmdb_standin.request_log] == [503, 503, 200]


def test_bad_key_is_said_once_and_stops_requests(tmdb_standin: Standin, tmp_path: Path) -> None:
    client = make_client(tmdb_standin, tmp_path, key="ffffffffffffffffffffffffffffffff")
    for _ in range(3):
        with pytest.raises(TmdbKeyError):
            client.search("tv", "Frieren")
    assert tmdb_standin.request_count == 1


def test_unknown_id_is_not_found(tmdb_standin: Standin, tmp_path: Path) -> None:
    with pytest.raises(TmdbNotFoundError):
        make_client(tmdb_standin, tmp_path, backend="requests").details("tv", 1)


def test_dead_server_is_unavailable(tmdb_standin: Standin, tmp_path: Path) -> None:
    tmdb_standin.configure(down=True)
    started = time.monotonic()
    with pytest.raises(TmdbUnavailableError):
        make_client(tmdb_standin, tmp_path).search("tv", "Frieren")
    assert time.monotonic() - started < 5


def test_stall_past_the_read_timeout_is_unavailable(tmdb_standin: Standin, tmp_path: Path) -> None:
    tmdb_standin.configure(stall_seconds=0.5)
    with pytest.raises(TmdbUnavailableError):
        make_client(
            tmdb_standin, tmp_path, read_timeout=0.2, retry=RetryPolicy(max_attempts=2, backoff_base=0.01)
        ).search("tv", "Frieren")


# --- the link state machine, end to end ----------------------------------------------------------


def test_dead_tmdb_opens_the_breaker_then_lookups_fail_fast_without_requests(
    tmdb_standin: Standin, tmp_path: Path
) -> None:
    policy = HealthPolicy(consecutive_failures=3, half_open_after=60.0)
    client = make_client(tmdb_standin, tmp_path, health=policy)
    changes: list[StateChange] = []
    client.watch(changes.append)
    client.search("tv", "Frieren")  # cached from here on
    tmdb_standin.configure(down=True)
    with pytest.raises(TmdbUnavailableError):
        client.search("tv", "Mob Psycho")
    assert [c.after for c in changes] == ["cache_only"]
    sent = tmdb_standin.request_count
    started = time.monotonic()
    with pytest.raises(TmdbUnavailableError, match="CacheOnly"):
        client.search("tv", "Another title")
    assert time.monotonic() - started < 0.5
    assert tmdb_standin.request_count == sent, "CacheOnly must not send"
    assert client.search("tv", "Frieren"), "cached lookups still answer"


def test_half_open_probe_recovers_when_tmdb_is_back(tmdb_standin: Standin, tmp_path: Path) -> None:
    policy = HealthPolicy(consecutive_failures=2, half_open_after=0.2)
    client = make_client(tmdb_standin, tmp_path, health=policy)
    tmdb_standin.configure(down=True)
    with pytest.raises(TmdbUnavailableError):
        client.search("tv", "Frieren")
    tmdb_standin.configure(down=False)
    time.sleep(0.25)
    assert client.search("tv", "Frieren")
    assert client.search("tv", "Mob Psycho") is not None


def test_a_rejected_key_costs_one_request_and_the_link_goes_cache_only(
    tmdb_standin: Standin, tmp_path: Path
) -> None:
    client = make_client(tmdb_standin, tmp_path, key="0" * 32)
    changes: list[StateChange] = []
    client.watch(changes.append)
    for title in ("Frieren", "Mob Psycho", "Haikyuu"):
        with pytest.raises(TmdbKeyError):
            client.search("tv", title)
    assert tmdb_standin.request_count == 1
    assert [(c.after, c.reason) for c in changes] == [("cache_only", "the TMDB key was rejected (401)")]
