"""``TmdbClient``: the interface ``core`` uses — cached, deduplicated, returning frozen objects.

Concurrent workers often ask for the same series at once (every file of a batch folder parses to
the same title). A per-key lock makes the first caller fetch and the rest read the cache it just
wrote, so one title costs one request however many threads want it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from anivault.services.cache import CacheKey, CacheStats, JsonCache, normalize_query
from anivault.services.tmdb import mapping
from anivault.services.tmdb.backends import TmdbBackend
from anivault.services.tmdb.health import StateChange
from anivault.services.tmdb.media_types import MediaType
from anivault.services.tmdb.models import SearchHit, SeasonDetails, TitleDetails
from anivault.services.tmdb.transport import TmdbTransport

_LOCK_STRIPES = 64


@dataclass(frozen=True, slots=True)
class ClientStats:
    requests_sent: int
    retries: int
    rate_limited: int
    cache: CacheStats


class TmdbClient:
    """Searches and details through the JSON cache; raises TmdbError subclasses on failure."""

    def __init__(
        self, backend: TmdbBackend, transport: TmdbTransport, cache: JsonCache, *, language: str, source: str
    ) -> None:
        self._backend = backend
        self._transport = transport
        self._cache = cache
        self._language = language
        self._source = source
        self._stripes = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def search(self, media_type: MediaType, query: str, *, year: int | None = None) -> tuple[SearchHit, ...]:
        """First page of TMDB's search, in TMDB's order. The year goes as a filter, never in the query."""
        key = CacheKey(f"search/{media_type}", normalize_query(query, year), self._language, year)
        body = self._cached(key, lambda: self._backend.search(media_type, query, year=year))
        return mapping.search_hits(media_type, body)

    def details(self, media_type: MediaType, tmdb_id: int) -> TitleDetails:
        """Details with seasons, alternative titles and translations (one request, appended)."""
        key = CacheKey(f"{media_type}/{tmdb_id}", "", self._language)
        body = self._cached(key, lambda: self._backend.details(media_type, tmdb_id))
        return mapping.title_details(media_type, body)

    def season(self, tmdb_id: int, number: int) -> SeasonDetails:
        """A series' season with its episode titles (one request per season, cached like details)."""
        key = CacheKey(f"tv/{tmdb_id}/season/{number}", "", self._language)
        body = self._cached(key, lambda: self._backend.season(tmdb_id, number))
        return mapping.season_details(tmdb_id, number, body)

    def watch(self, listener: Callable[[StateChange], None]) -> None:
        """Be told of every change of the link's state (Normal, Throttle, CacheOnly…)."""
        self._transport.health.watch(listener)

    def stats(self) -> ClientStats:
        transport = self._transport.stats
        return ClientStats(transport.sent, transport.retries, transport.rate_limited, self._cache.stats())

    def close(self) -> None:
        """Write the cache's last index batch (also done at exit if nobody calls this)."""
        self._cache.close()

    def _cached(self, key: CacheKey, fetch: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._stripes[hash(key) % _LOCK_STRIPES]:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            body = fetch()
            empty = key.endpoint.startswith("search/") and not body.get("results")
            self._cache.put(key, body, source=self._source, empty=empty)
            return body
