"""The cache entry document: its shape, TTLs per kind, and the migrator for older versions.

A document is one UTF-8 JSON object (``schemas/cache_object.schema.json``)::

    {"schema_version": 2, "created_at": 1700000000.0, "ttl_sec": 604800, "negative": false,
     "key": {"endpoint": "search/tv", "q_norm": "frieren 2023", "lang": "en-US", "year_hint": 2023},
     "data": {...TMDB body...}, "source": "https://api.themoviedb.org/3"}

The full key is stored so a hash collision or a language change reads as a miss, never as a wrong
answer. Older versions are upgraded one step at a time by ``_MIGRATIONS``, so a cache written by an
earlier AniVault is reused, not thrown away.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from anivault.errors import CacheCorruptError
from anivault.services.cache.keys import CacheKey

SCHEMA_VERSION = 2
DAY = 24 * 3600
DEFAULT_OBJECT_TTL = 30 * DAY
"""Details (seasons, titles, translations) change rarely once a show has aired."""
DEFAULT_SEARCH_TTL = 7 * DAY
"""Search results move as new shows are added and popularity shifts."""
DEFAULT_NEGATIVE_TTL = 1 * DAY
"""A search that found nothing may find the show tomorrow, once someone adds it to TMDB."""
_KEY_FIELDS = ("endpoint", "q_norm", "lang", "year_hint")


@dataclass(frozen=True, slots=True)
class TtlPolicy:
    """Seconds an entry stays fresh, per kind."""

    objects: int = DEFAULT_OBJECT_TTL
    search: int = DEFAULT_SEARCH_TTL
    negative: int = DEFAULT_NEGATIVE_TTL

    def for_entry(self, key: CacheKey, *, negative: bool) -> int:
        if negative:
            return self.negative
        return self.objects if key.is_details else self.search


@dataclass(frozen=True, slots=True)
class Entry:
    """One decoded cache document (the raw TMDB body stays inside ``services``)."""

    key: dict[str, Any]
    created_at: float
    ttl_sec: float
    negative: bool
    data: dict[str, Any]
    source: str

    def is_fresh(self, now: float) -> bool:
        return now < self.created_at + self.ttl_sec

    def answers(self, key: CacheKey) -> bool:
        return self.key == key.as_dict()

    def encode(self) -> bytes:
        document = {
            "schema_version": SCHEMA_VERSION,
            "created_at": self.created_at,
            "ttl_sec": self.ttl_sec,
            "negative": self.negative,
            "key": self.key,
            "data": self.data,
            "source": self.source,
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def new_entry(
    key: CacheKey, data: dict[str, Any], *, source: str, now: float, negative: bool, ttl: TtlPolicy
) -> Entry:
    return Entry(key.as_dict(), now, ttl.for_entry(key, negative=negative), negative, data, source)


def decode(raw: bytes, name: str) -> tuple[Entry, int]:
    """The entry and the schema version it was stored with (older ones are migrated in memory).

    Raises CacheCorruptError for anything that is not a complete document of a known version.
    """
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CacheCorruptError(f"cache file {name} is not valid UTF-8 JSON") from exc
    if not isinstance(document, dict):
        raise CacheCorruptError(f"cache file {name} is not a JSON object")
    stored = document.get("schema_version")
    if not isinstance(stored, int) or isinstance(stored, bool) or not 1 <= stored <= SCHEMA_VERSION:
        raise CacheCorruptError(f"cache file {name} has unknown schema_version {stored!r}")
    for version in range(stored, SCHEMA_VERSION):
        document = _MIGRATIONS[version](_checked(document, name, version))
    return _entry(_checked(document, name, SCHEMA_VERSION)), stored


def _checked(document: dict[str, Any], name: str, version: int) -> dict[str, Any]:
    """Refuse a document missing what ``version`` promises (a torn or hand-edited file)."""
    problems = []
    if not isinstance(document.get("data"), dict):
        problems.append("data")
    if not all(_is_number(document.get(field)) for field in ("created_at", "ttl_sec")):
        problems.append("numeric created_at/ttl_sec")
    key = document.get("key")
    if not isinstance(key, dict) or set(key) != set(_KEY_FIELDS):
        problems.append("key")
    if not isinstance(document.get("source"), str):
        problems.append("source")
    if version >= 2 and not isinstance(document.get("negative"), bool):
        problems.append("negative")
    if problems:
        raise CacheCorruptError(f"cache file {name} lacks a valid {', '.join(problems)}")
    return document


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _entry(document: dict[str, Any]) -> Entry:
    return Entry(
        key=document["key"],
        created_at=float(document["created_at"]),
        ttl_sec=document["ttl_sec"],
        negative=document["negative"],
        data=document["data"],
        source=document["source"],
    )


def _v1_to_v2(document: dict[str, Any]) -> dict[str, Any]:
    """v1 had no ``negative`` flag; a v1 search without results was stored as a negative entry."""
    is_search = str(document["key"]["endpoint"]).startswith("search/")
    negative = is_search and not document["data"].get("results")
    return {**document, "schema_version": 2, "negative": negative}


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}
"""version N → a function returning the same document as version N + 1."""
