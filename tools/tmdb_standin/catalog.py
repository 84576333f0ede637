"""Catalog loading and TMDB-like search (pure): AND over word tokens, text match then popularity.

TMDB documents no algorithm; what clients observe (docs/tmdb-api.md §3) is reproduced: every
query word must appear in one title (extra words → no hit), NFKC + case folding, punctuation
tokenised away, Latin diacritics folded, ordering by a coarse text-match bucket and then by
popularity — so a popular partial match can outrank a less popular exact title.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "data" / "tmdb_catalog.json.gz"
_WORD = re.compile(r"\w+", re.UNICODE)
RELEVANCE_BUCKETS = 4


def tokens(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return tuple(t for t in _WORD.findall(stripped.replace("_", " ")))


@dataclass(frozen=True)
class Item:
    media_type: str
    raw: dict[str, Any]
    titles: tuple[tuple[str, ...], ...]

    @property
    def id(self) -> int:
        return int(self.raw["id"])

    @property
    def popularity(self) -> float:
        return float(self.raw.get("popularity") or 0.0)


class Catalog:
    """The catalog with a token index per media type."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.items: dict[str, dict[int, Item]] = {"tv": {}, "movie": {}}
        self._index: dict[str, dict[str, set[int]]] = {"tv": defaultdict(set), "movie": defaultdict(set)}
        for media_type in ("tv", "movie"):
            for raw in data.get(media_type, []):
                item = Item(media_type, raw, tuple(t for t in map(tokens, _searchable(media_type, raw)) if t))
                self.items[media_type][item.id] = item
                for title in item.titles:
                    for token in title:
                        self._index[media_type][token].add(item.id)

    @classmethod
    def load(cls, path: Path = DEFAULT_CATALOG) -> Catalog:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))

    def search(self, media_type: str, query: str) -> list[Item]:
        wanted = tokens(query)
        if not wanted:
            return []
        index = self._index[media_type]
        ids = set.intersection(*(index.get(t, set()) for t in wanted))
        scored = []
        for item_id in ids:
            item = self.items[media_type][item_id]
            best = max((len(wanted) / len(t) for t in item.titles if set(wanted) <= set(t)), default=0.0)
            if best > 0:
                scored.append((-round(best * RELEVANCE_BUCKETS - 0.5), -item.popularity, item.id, item))
        scored.sort(key=lambda s: s[:3])
        return [s[3] for s in scored]


def _searchable(media_type: str, raw: dict[str, Any]) -> list[str]:
    if media_type == "tv":
        names = [raw.get("name") or "", raw.get("original_name") or ""]
    else:
        names = [raw.get("title") or "", raw.get("original_title") or ""]
    names += [a.get("title") or "" for a in raw.get("alternative_titles") or []]
    names += [t.get("name") or "" for t in raw.get("translations") or []]
    return names
