"""A JSON file cache of TMDB bodies, so a second run over the same library sends no requests.

Layout under the cache root (one UTF-8 JSON document per file, human-inspectable):

    objects/{media_type}-{tmdb_id}.json   details bodies
    search/{sha256 of the key}.json       search pages
    quarantine/                           files that failed to parse, kept for inspection

Every document carries ``schema_version``, ``created_at``, ``ttl_sec``, the full ``key`` (so a
hash collision or a language change reads as a miss, never as a wrong answer), ``data`` and
``source``. Writes go to a unique temp file and ``os.replace`` into place, so concurrent threads
and processes only ever see whole files. Empty search results are cached too, with a shorter TTL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from anivault.errors import CacheCorruptError

logger = logging.getLogger("anivault.services.cache")

SCHEMA_VERSION = 1
DAY = 24 * 3600
DEFAULT_OBJECT_TTL = 30 * DAY
DEFAULT_SEARCH_TTL = 7 * DAY
DEFAULT_NEGATIVE_TTL = 1 * DAY
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize_query(query: str, year: int | None = None) -> str:
    """``q_norm``: NFKC, lower-case, punctuation to spaces, year hint appended.

    No stop-word removal or word sorting: TMDB's search is sensitive to both, so two queries that
    differ that way may well have different answers and must not share an entry.
    """
    text = unicodedata.normalize("NFKC", query).casefold()
    text = " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())
    return f"{text} {year}" if year is not None else text


@dataclass(frozen=True, slots=True)
class CacheKey:
    """Everything that changes TMDB's answer for one request."""

    endpoint: str
    q_norm: str
    lang: str
    year_hint: int | None = None

    def filename(self) -> str:
        if self.endpoint.startswith(("tv/", "movie/")):
            return f"objects/{self.endpoint.replace('/', '-')}.json"
        raw = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return f"search/{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:40]}.json"


@dataclass(frozen=True, slots=True)
class CacheStats:
    hits: int
    misses: int
    writes: int
    quarantined: int

    @property
    def hit_rate(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class JsonCache:
    """Thread- and process-safe JSON cache (atomic replace; readers never see partial files)."""

    def __init__(
        self,
        root: Path,
        *,
        object_ttl: int = DEFAULT_OBJECT_TTL,
        search_ttl: int = DEFAULT_SEARCH_TTL,
        negative_ttl: int = DEFAULT_NEGATIVE_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self._object_ttl = object_ttl
        self._search_ttl = search_ttl
        self._negative_ttl = negative_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._counts = {"hits": 0, "misses": 0, "writes": 0, "quarantined": 0}

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(**self._counts)

    def get(self, key: CacheKey) -> dict[str, Any] | None:
        """The cached body, or None when absent, expired, for another key, or corrupt."""
        path = self.root / key.filename()
        try:
            document = self._read(path)
        except FileNotFoundError:
            self._miss()
            return None
        except CacheCorruptError as exc:
            self._quarantine(path, exc)
            self._miss()
            return None
        fresh = self._clock() < document.get("created_at", 0) + document.get("ttl_sec", 0)
        if document.get("key") != asdict(key) or not fresh:
            self._miss()
            return None
        self._count("hits")
        data: dict[str, Any] = document["data"]
        return data

    def put(self, key: CacheKey, data: dict[str, Any], *, source: str, empty: bool = False) -> None:
        """Store ``data`` atomically; ``empty`` marks a negative (no result) entry."""
        if empty:
            ttl = self._negative_ttl
        else:
            ttl = self._object_ttl if key.filename().startswith("objects/") else self._search_ttl
        document = {
            "schema_version": SCHEMA_VERSION,
            "created_at": self._clock(),
            "ttl_sec": ttl,
            "key": asdict(key),
            "data": data,
            "source": source,
        }
        path = self.root / key.filename()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._count("writes")

    def _read(self, path: Path) -> dict[str, Any]:
        with path.open("r", encoding="utf-8") as handle:
            try:
                document = json.load(handle)
            except (ValueError, UnicodeDecodeError) as exc:
                raise CacheCorruptError(f"cache file {path.name} is not valid JSON") from exc
        if not isinstance(document, dict) or "data" not in document:
            raise CacheCorruptError(f"cache file {path.name} has no data")
        if not all(isinstance(document.get(k), (int, float)) for k in ("created_at", "ttl_sec")):
            raise CacheCorruptError(f"cache file {path.name} has no numeric created_at/ttl_sec")
        if document.get("schema_version") != SCHEMA_VERSION:
            raise CacheCorruptError(f"cache file {path.name} has schema {document.get('schema_version')}")
        return document

    def _quarantine(self, path: Path, error: CacheCorruptError) -> None:
        target_dir = self.root / "quarantine"
        target_dir.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, target_dir / f"{path.name}.{int(self._clock())}")
        except FileNotFoundError:
            return  # another thread or process moved it first
        self._count("quarantined")
        logger.warning("event=cache_quarantined code=%s file=%s", error.code, path.name)

    def _miss(self) -> None:
        self._count("misses")

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1
