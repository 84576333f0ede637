"""``JsonCache``: TMDB bodies on disk, so a second run over the same library sends no requests.

Layout under the cache root (one UTF-8 JSON document per entry, human-inspectable)::

    objects/{kind}-{tmdb_id}.json   details bodies
    search/{qhash}.json             search pages (qhash: SHA-256 of the whole key)
    index.jsonl                     per-key hits, misses, last access; per-run totals
    quarantine/                     files that failed to parse, kept for inspection
    backup/v{N}/                    entries as they were before a schema migration
    cache.lock                      the cross-process lock (filelock)

Per lookup the cache reads one file (unless it is a details entry this process read or wrote
lately: the last ``RECENT_DETAILS`` are kept decoded) and bumps an in-memory counter (see
``index.py`` for how the counters reach disk). Writes are atomic; when the folder outgrows
``max_bytes`` the least recently used entries are evicted. Empty search results are cached too,
with a shorter TTL.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anivault.services.cache.document import (
    DEFAULT_NEGATIVE_TTL,
    DEFAULT_OBJECT_TTL,
    DEFAULT_SEARCH_TTL,
    SCHEMA_VERSION,
    Entry,
    TtlPolicy,
    new_entry,
)
from anivault.services.cache.entries import atomic_write, disk_usage, read_entry
from anivault.services.cache.index import IndexJournal
from anivault.services.cache.keys import CacheKey, normalize_query
from anivault.services.cache.maintenance import LOW_WATER, evict_lru

logger = logging.getLogger("anivault.services.cache")

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
RECENT_DETAILS = 512
"""Decoded details entries kept in memory. A run asks for the details of the same few hundred
titles thousands of times, and reading and decoding the file again each time would dominate a
warm lookup; 512 entries are a few MB. Searches are not kept: each is asked once per distinct name, so
they would only push the details out."""

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_NEGATIVE_TTL",
    "DEFAULT_OBJECT_TTL",
    "DEFAULT_SEARCH_TTL",
    "SCHEMA_VERSION",
    "CacheKey",
    "CacheStats",
    "JsonCache",
    "normalize_query",
]


@dataclass(frozen=True, slots=True)
class CacheStats:
    hits: int
    misses: int
    writes: int
    quarantined: int
    migrated: int = 0
    evicted: int = 0

    @property
    def hit_rate(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class JsonCache:
    """Thread- and process-safe JSON cache; ``close()`` (or exit) writes the last index batch."""

    def __init__(
        self,
        root: Path,
        *,
        object_ttl: int = DEFAULT_OBJECT_TTL,
        search_ttl: int = DEFAULT_SEARCH_TTL,
        negative_ttl: int = DEFAULT_NEGATIVE_TTL,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``max_bytes`` 0 means no disk cap."""
        self.root = root
        self._ttl = TtlPolicy(object_ttl, search_ttl, negative_ttl)
        self._max_bytes = max_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(("hits", "misses", "writes", "quarantined", "migrated", "evicted"), 0)
        self._bytes: int | None = None
        """Bytes on disk as this process knows them; measured at the first write, then tracked."""
        self._recent = _RecentDetails(RECENT_DETAILS)
        self._journal = IndexJournal(root, run=uuid.uuid4().hex[:12], started=clock(), clock=clock)
        # A run that never calls close() (Ctrl+C, a command that just exits) still records its
        # last batch: the finalizer runs when the cache is collected or the interpreter exits.
        self._finalizer = weakref.finalize(self, self._journal.flush)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(**self._counts)

    def get(self, key: CacheKey) -> dict[str, Any] | None:
        """The cached body, or None when absent, expired, for another key, or corrupt (quarantined)."""
        relative = key.filename()
        entry = self._recent.get(key, relative)
        if entry is None:
            result = read_entry(self.root, relative, self._clock())
            if result.status in ("quarantined", "migrated"):
                self._count(result.status)
            entry = result.entry
            if entry is not None:
                self._recent.keep(key, relative, entry)
        hit = entry is not None and entry.answers(key) and entry.is_fresh(self._clock())
        self._count("hits" if hit else "misses")
        self._journal.record(key.qhash(), relative, hit=hit)
        return entry.data if hit and entry is not None else None

    def put(self, key: CacheKey, data: dict[str, Any], *, source: str, empty: bool = False) -> None:
        """Store ``data`` atomically; ``empty`` marks a negative (no result) entry. May evict."""
        relative = key.filename()
        path = self.root / relative
        entry = new_entry(key, data, source=source, now=self._clock(), negative=empty, ttl=self._ttl)
        payload = entry.encode()
        try:
            replaced = path.stat().st_size
        except FileNotFoundError:
            replaced = 0
        atomic_write(path, payload)
        self._recent.keep(key, relative, entry)
        self._count("writes")
        self._journal.record(key.qhash(), relative, hit=None, wrote=True)
        if self._max_bytes and self._over_cap(len(payload) - replaced):
            self._evict()

    def flush(self) -> None:
        """Append the pending index batch now (the cache also does so on its own, every few seconds)."""
        self._journal.flush()

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> JsonCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _over_cap(self, grown: int) -> bool:
        with self._lock:
            if self._bytes is None:
                self._bytes = disk_usage(self.root)
            else:
                self._bytes += grown
            return self._bytes > self._max_bytes

    def _evict(self) -> None:
        self._journal.flush()  # so this process's recent reads count as recent use
        removed, left = evict_lru(self.root, int(self._max_bytes * LOW_WATER))
        with self._lock:
            self._bytes = left
            self._counts["evicted"] += removed.files

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1


class _RecentDetails:
    """A small LRU of decoded details entries by file name, shared by the lookup threads; other
    entries are neither kept nor looked for (see ``RECENT_DETAILS``)."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey, relative: str) -> Entry | None:
        if not key.is_details:
            return None
        with self._lock:
            entry = self._entries.get(relative)
            if entry is not None:
                self._entries.move_to_end(relative)
            return entry

    def keep(self, key: CacheKey, relative: str, entry: Entry) -> None:
        if not key.is_details:
            return
        with self._lock:
            self._entries[relative] = entry
            self._entries.move_to_end(relative)
            if len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
