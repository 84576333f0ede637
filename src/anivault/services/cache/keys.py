"""Cache keys: everything that changes TMDB's answer, and where its entry lives on disk."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
QHASH_CHARS = 40
"""Hex digits of the key's SHA-256 kept in file names: 160 bits, collisions are not a concern, and
the full key inside the file turns even one into a miss rather than a wrong answer."""


def normalize_query(query: str, year: int | None = None) -> str:
    """``q_norm``: NFKC, lower-case, punctuation to spaces, year hint appended.

    No stop-word removal or word sorting: TMDB's search is sensitive to both, so two queries that
    differ that way may well have different answers and must not share an entry.
    """
    text = unicodedata.normalize("NFKC", query).casefold()
    text = " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())
    return f"{text} {year}" if year is not None else text


@functools.lru_cache(maxsize=4096)
def _qhash(key: CacheKey) -> str:
    """Memoised: every lookup names its file and records its index line by the same hash."""
    raw = json.dumps(asdict(key), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:QHASH_CHARS]


@dataclass(frozen=True, slots=True)
class CacheKey:
    """Everything that changes TMDB's answer for one request."""

    endpoint: str
    q_norm: str
    lang: str
    year_hint: int | None = None

    @property
    def is_details(self) -> bool:
        return self.endpoint.startswith(("tv/", "movie/"))

    def qhash(self) -> str:
        """Stable hash of the whole key: the index's key and the name of a search entry."""
        return _qhash(self)

    def filename(self) -> str:
        """``objects/{kind}-{tmdb_id}.json`` for details, ``search/{qhash}.json`` for searches."""
        if self.is_details:
            return f"objects/{self.endpoint.replace('/', '-')}.json"
        return f"search/{self.qhash()}.json"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
