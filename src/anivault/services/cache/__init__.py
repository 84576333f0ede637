"""On-disk JSON cache of TMDB responses (see ``store.py``)."""

from anivault.services.cache.store import CacheKey, CacheStats, JsonCache, normalize_query

__all__ = ["CacheKey", "CacheStats", "JsonCache", "normalize_query"]
