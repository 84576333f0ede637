"""Builds the service objects a command needs, once, from settings and overrides.

No module-level clients or sessions: the command asks for a client here and hands it down.
"""

from __future__ import annotations

from pathlib import Path

from anivault.core.lookup.overrides import MatchOverride, Pick
from anivault.core.lookup.scan import ScanFilter
from anivault.core.lookup.stream import LookupRequest
from anivault.errors import TmdbKeyError
from anivault.services.cache import JsonCache
from anivault.services.settings import KEY_ENV_VARS
from anivault.services.settings_model import Settings
from anivault.services.tmdb.backends import RequestsBackend, TmdbBackend, TmdbV3ApiBackend
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.health import HealthPolicy
from anivault.services.tmdb.ratelimit import RetryPolicy
from anivault.services.tmdb.transport import Credential, TmdbTransport, TransportSettings


def lookup_request(
    settings: Settings,
    source: Path,
    match_override: MatchOverride | None = None,
    select: ScanFilter | None = None,
    picks: tuple[Pick, ...] = (),
) -> LookupRequest:
    """A lookup of ``source`` as the settings ask, for ``match``, ``cache warm`` and the ``RunConfig``
    of ``run``/``organize``: one place, so a preview never looks files up differently."""
    return LookupRequest(
        source,
        None,
        settings.max_workers,
        settings.min_confidence,
        settings.parse_processes,
        match_override,
        settings.title_language or None,
        settings.extras_moved,
        select=select,
        picks=picks,
        follow_source_symlinks=settings.follow_source_symlinks,
    )


def build_tmdb_client(settings: Settings, api_key: str | None) -> TmdbClient:
    """The cached TMDB client over the configured backend. Raises TmdbKeyError without a key."""
    if not api_key:
        raise TmdbKeyError(
            f"no TMDB API key: set {' or '.join(KEY_ENV_VARS)} to your v3 key or v4 read token"
        )
    transport = TmdbTransport(
        TransportSettings(
            base_url=settings.tmdb_base_url,
            rate_per_second=settings.tmdb_rate,
            burst=settings.tmdb_burst,
            concurrency=settings.tmdb_concurrency,
            connect_timeout=settings.tmdb_connect_timeout,
            read_timeout=settings.tmdb_read_timeout,
            retry=RetryPolicy(max_attempts=settings.tmdb_max_attempts, backoff_cap=settings.tmdb_backoff_cap),
            health=HealthPolicy(
                breaker_window=settings.tmdb_breaker_window,
                breaker_ratio=settings.tmdb_breaker_ratio,
                half_open_after=settings.tmdb_half_open_after,
                consecutive_failures=settings.tmdb_consecutive_failures,
            ),
        ),
        Credential(api_key),
    )
    backend: TmdbBackend
    if settings.tmdb_backend == "requests":
        backend = RequestsBackend(transport, language=settings.language)
    else:
        backend = TmdbV3ApiBackend(transport, language=settings.language)
    cache = JsonCache(settings.cache_dir, max_bytes=settings.cache_max_bytes)
    return TmdbClient(backend, transport, cache, language=settings.language, source=settings.tmdb_base_url)
