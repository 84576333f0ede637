"""On-disk JSON cache of TMDB responses (see ``store.py``; ``maintenance.py`` for ``anivault cache``)."""

from anivault.services.cache.keys import CacheKey, normalize_query
from anivault.services.cache.store import DEFAULT_MAX_BYTES, CacheStats, JsonCache

__all__ = ["DEFAULT_MAX_BYTES", "CacheKey", "CacheStats", "JsonCache", "normalize_query"]
