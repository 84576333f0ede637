"""The one HTTP transport every TMDB backend shares: credentials, rate limit, retries, errors.

It is a ``requests.Session`` so tmdbv3api can be handed it (``session=``) and the plain-requests
backend can use it directly; either way every request goes through ``request`` below, which

* strips whatever ``api_key`` the caller put in the URL and adds our credential itself (a v3 key
  as ``api_key``, a v4 token as ``Authorization: Bearer``), so tmdbv3api never needs the real key;
* waits for the token bucket and the concurrency semaphore;
* always passes a (connect, read) timeout — requests has no default;
* retries 429 (honouring ``Retry-After`` first), 5xx and network failures with backoff;
* translates what is left into our error tree, so both backends fail identically;
* reports every outcome to the link's state machine (``health``) and asks it before sending, so a
  dead or hostile TMDB turns the run into CacheOnly instead of a long wait.

After a 401 the key is known bad: later calls raise ``TmdbKeyError`` without sending anything.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from anivault.errors import (
    TmdbError,
    TmdbKeyError,
    TmdbNotFoundError,
    TmdbRateLimitError,
    TmdbUnavailableError,
)
from anivault.services.tmdb.health import HealthPolicy, LinkHealth, StateChange
from anivault.services.tmdb.ratelimit import Clock, RetryPolicy, Sleep, TokenBucket, parse_retry_after
from anivault.utils.logging import log_event

logger = logging.getLogger("anivault.services.tmdb.transport")

RATE_LIMIT_BODY_CODE = 25
_KEY_HELP = (
    "TMDB rejected the API key (401). Set TMDB_API_KEY (or ANIVAULT_TMDB_KEY) to a valid v3 key "
    "or v4 read token from https://www.themoviedb.org/settings/api"
)


@dataclass(frozen=True, slots=True)
class Credential:
    """A TMDB v3 key or v4 read-access token; ``repr`` never shows the value."""

    value: str = field(repr=False)

    @property
    def is_bearer(self) -> bool:
        return self.value.startswith("eyJ")


@dataclass(frozen=True, slots=True)
class TransportSettings:
    base_url: str
    rate_per_second: float = 35.0
    burst: int = 10
    concurrency: int = 4
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    health: HealthPolicy = field(default_factory=HealthPolicy)


class TransportStats:
    """Thread-safe counters the run summary and the status command report."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent = 0
        self.retries = 0
        self.rate_limited = 0
        self.server_errors = 0
        self.network_errors = 0

    def bump(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


@dataclass(frozen=True, slots=True)
class _Retry:
    delay: float
    error: TmdbError


class TmdbTransport(requests.Session):
    """``requests.Session`` enforcing AniVault's TMDB etiquette (see module docstring)."""

    def __init__(
        self,
        settings: TransportSettings,
        credential: Credential,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        wall_clock: Clock = time.time,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.stats = TransportStats()
        self._credential = credential
        self._bucket = TokenBucket(settings.rate_per_second, settings.burst, clock=clock, sleep=sleep)
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()
        self._key_rejected = threading.Event()
        self._key_confirmed = threading.Event()
        self._probe = threading.Lock()
        self.health = LinkHealth(settings.health, clock=clock, on_change=self._on_state_change)
        self.headers.update({"Accept": "application/json", "User-Agent": "AniVault"})

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """Send with credentials, pacing and retries; raise TmdbError subclasses on failure."""
        if self._key_rejected.is_set():
            raise TmdbKeyError(_KEY_HELP)
        url_text = url.decode() if isinstance(url, bytes) else url
        kwargs.setdefault("timeout", (self.settings.connect_timeout, self.settings.read_timeout))
        kwargs.pop("proxies", None)  # tmdbv3api passes env-derived proxies; the session's own apply
        headers = dict(kwargs.pop("headers", None) or {})
        target = self._authorise(url_text, headers)
        send = partial(super().request, method, target, *args, **{**kwargs, "headers": headers})
        attempts = self.settings.retry.max_attempts
        for attempt in range(1, attempts + 1):
            if not self.health.admit():
                raise TmdbUnavailableError("TMDB lookups are paused (CacheOnly); this one is deferred")
            outcome = self._attempt_guarded(send, attempt)
            if isinstance(outcome, requests.Response):
                return outcome
            if attempt == attempts:
                raise outcome.error
            self.stats.bump("retries")
            self._sleep(outcome.delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _attempt_guarded(
        self, send: Callable[[], requests.Response], attempt: int
    ) -> requests.Response | _Retry:
        """Until TMDB has accepted the credential once, send one request at a time: a bad key
        then costs exactly one rejected request, however many workers are waiting."""
        if self._key_confirmed.is_set():
            return self._attempt(send, attempt)
        with self._probe:
            if self._key_rejected.is_set():
                raise TmdbKeyError(_KEY_HELP)
            return self._attempt(send, attempt)

    def _attempt(self, send: Callable[[], requests.Response], attempt: int) -> requests.Response | _Retry:
        """One try: the response on success, else how long to wait and what to raise if it was the last."""
        with self._slots:
            # Pace inside the slot: a thread that waited for a free slot must not send on a token
            # taken before a Retry-After arrived.
            self._bucket.acquire()
            self.stats.bump("sent")
            started = self._clock()
            try:
                response = send()
            except (requests.ConnectionError, requests.Timeout) as exc:
                self.stats.bump("network_errors")
                self.health.record("network")
                logger.warning("event=tmdb_network_error attempt=%d error=%s", attempt, type(exc).__name__)
                return _Retry(
                    self.settings.retry.backoff(attempt, self._rng),
                    TmdbUnavailableError(
                        f"TMDB unreachable at {self.settings.base_url}: {type(exc).__name__}"
                    ),
                )
        return self._classify(response, attempt, self._clock() - started)

    def _classify(
        self, response: requests.Response, attempt: int, latency: float
    ) -> requests.Response | _Retry:
        status = response.status_code
        # The URL may carry api_key=…; the log formatter masks it before anything reaches disk.
        logger.debug("event=tmdb_response status=%d attempt=%d url=%s", status, attempt, response.url)
        if status == 429 or (status >= 400 and _body_code(response) == RATE_LIMIT_BODY_CODE):
            self.stats.bump("rate_limited")
            waited = parse_retry_after(response.headers.get("Retry-After"), now_epoch=self._wall_clock())
            delay = waited if waited is not None else self.settings.retry.backoff(attempt, self._rng)
            self._bucket.hold_until(self._clock() + delay)
            self.health.record("429", retry_after=waited)
            logger.warning("event=tmdb_429 attempt=%d retry_after=%.3f", attempt, delay)
            return _Retry(delay, TmdbRateLimitError(f"TMDB kept answering 429 after {attempt} attempts"))
        if status >= 500:
            self.stats.bump("server_errors")
            self.health.record("5xx")
            logger.warning("event=tmdb_5xx attempt=%d status=%d", attempt, status)
            return _Retry(
                self.settings.retry.backoff(attempt, self._rng),
                TmdbUnavailableError(f"TMDB answered HTTP {status} after {attempt} attempts"),
            )
        if status == 401:
            self._key_rejected.set()
            self.health.key_rejected()
            logger.error("event=tmdb_key_rejected status=401")
            raise TmdbKeyError(_KEY_HELP)
        self._key_confirmed.set()
        self.health.record("ok", latency=latency)
        if status == 404:
            raise TmdbNotFoundError(f"TMDB has no {urlsplit(response.url).path}")
        return response

    def _on_state_change(self, change: StateChange) -> None:
        self._bucket.scale(self.settings.health.throttle_factor if change.after != "normal" else 1.0)
        log_event(
            logger,
            logging.WARNING if change.after == "cache_only" else logging.INFO,
            "tmdb_state",
            before=change.before,
            after=change.after,
            reason=change.reason,
        )

    def _authorise(self, url: str, headers: dict[str, str]) -> str:
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "api_key"]
        if self._credential.is_bearer:
            headers["Authorization"] = f"Bearer {self._credential.value}"
        else:
            query.append(("api_key", self._credential.value))
        return urlunsplit(parts._replace(query=urlencode(query)))


def _body_code(response: requests.Response) -> int | None:
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("status_code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None
