"""Look a release title up in the title index: every TMDB series, season or movie it is released as.

This is what Shoko does with AniDB's title dump and Sonarr with XEM and the anime lists: a sequel
cour that release groups name "Title 2nd Season" is TMDB's season 2 of "Title", and only a table of
the titles each season is released under can say so before any TMDB request is made. The index
answers; the matcher decides between several answers.
"""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

from rapidfuzz import fuzz, process

from anivault.errors import TitleIndexError
from anivault.services.titles.defaults import DEFAULT_LIMIT, DEFAULT_MIN_SIMILARITY
from anivault.services.titles.index_file import AbsoluteRange, IndexContents, Target, read_index
from anivault.utils.titles import title_key

BUNDLED_INDEX: Final = "data/title_index.json.gz"
"""The index shipped inside the ``anivault`` package (wheel, editable install and the one-file build)."""

_CLOSE_KEYS_MEMO: Final = 4096
"""How many fuzzy lookups an index remembers: more than the distinct titles of a large library."""
_SLACK: Final = 1e-9  # float rounding must not drop a key whose length sits exactly on the bound


@dataclass(frozen=True, slots=True)
class TitleHit:
    """One place a title leads to, and how closely the title asked for matched the indexed one."""

    tmdb_id: int
    media_type: str  # "tv" | "movie"
    season: int | None  # the TMDB season this title names; None = the whole series / a movie
    episode_offset: int  # add to the release's episode number to get TMDB's (0 normally)
    title: str  # the indexed title as written
    similarity: float  # 1.0 for an exact (normalised) hit, else the fuzzy ratio in [0, 1]


class TitleIndex:
    """An immutable, in-memory title index; build one with ``load`` or ``default_title_index``."""

    def __init__(self, contents: IndexContents, source: str) -> None:
        self._targets = contents.targets
        self._first_row = contents.first_row
        self._titles = contents.titles
        self._row_targets = contents.row_targets
        self._run_lengths = contents.run_lengths
        self._keys = sorted(contents.first_row, key=len)  # stable: the index's (key) order within a length
        self._groups = _grouped(self._keys)
        self._group_lengths = [group.length for group in self._groups]
        self._source = source
        self.title_count = contents.title_count
        self._absolute_ranges = contents.absolute_ranges
        self._close_keys = lru_cache(maxsize=_CLOSE_KEYS_MEMO)(self._close)

    @classmethod
    def load(cls, path: Path) -> TitleIndex:
        """Read the index at ``path``. Raises TitleIndexError (E-TITLE-INDEX) when it is missing or
        damaged, so a bad file stops the run with a code instead of matching nothing quietly."""
        contents = read_index(path)
        built_from = ", ".join(str(s.get("name", "?")) for s in contents.sources) or "unknown sources"
        return cls(contents, f"{path} ({contents.schema}, from {built_from})")

    @property
    def source(self) -> str:
        """Which index file is in use and what it was built from, for ``anivault titles``."""
        return self._source

    def exact(self, title: str) -> list[TitleHit]:
        """Every entry whose title has the same normalised key as ``title``, in the index's rank order."""
        return self._hits(title_key(title), 1.0)

    def absolute_ranges(self, tmdb_id: int) -> tuple[AbsoluteRange, ...]:
        """Another database's split of a series TMDB keeps as one long season, in absolute
        episode numbers; () when the index has none for it."""
        return self._absolute_ranges.get(tmdb_id, ())

    def season_titles(self, tmdb_id: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """(season, its titles as written) for each season of series ``tmdb_id`` that has indexed
        titles, seasons in order; () when none has. The words a season's title adds to the series'
        name (``Stardust Crusaders``, ``BorN``) are how groups name that season after the title."""
        return self._by_series.get(tmdb_id, ())

    @cached_property
    def _by_series(self) -> dict[int, tuple[tuple[int, tuple[str, ...]], ...]]:
        """Season titles per series id: built on first use, one pass over the rows, since only a
        name with words after its series' title asks (two threads asking at once build it twice,
        harmlessly)."""
        seasons: dict[int, dict[int, list[str]]] = {}
        for title, position in zip(self._titles, self._row_targets, strict=True):
            target = self._targets[position]
            if target.season is not None and target.media_type == "tv":
                seasons.setdefault(target.tmdb_id, {}).setdefault(target.season, []).append(title)
        return {
            tmdb_id: tuple((season, tuple(titles)) for season, titles in sorted(by_season.items()))
            for tmdb_id, by_season in seasons.items()
        }

    def leading(self, title: str, *, min_chars: int) -> tuple[str, list[TitleHit]]:
        """The longest run of ``title``'s first words (shorter than the whole, at least
        ``min_chars`` letters and digits, a wide CJK character counting two: it carries a word's
        worth, ``来自深渊`` is as telling as ``Eminence``) that is an indexed title, and its exact
        hits; ("", []) when none is. A group's junk after the title (``The Eminence in Shadow S02
        1080p Dual Audio``, an edition's ``HD``) empties an exact and a fuzzy lookup alike, not this one. At
        most one dict look-up per word: no scan of the index."""
        words = title_key(title).split()
        for end in range(len(words) - 1, 0, -1):
            key = " ".join(words[:end])
            if sum(_weight(ch) for ch in key if ch != " ") < min_chars:
                break
            if key in self._first_row:
                return key, self._hits(key, 1.0)
        return "", []

    def lookup(
        self, title: str, *, limit: int = DEFAULT_LIMIT, min_similarity: float = DEFAULT_MIN_SIMILARITY
    ) -> list[TitleHit]:
        """Exact hits first, then titles at least ``min_similarity`` alike (Indel ratio of the keys),
        best first (equally alike: shorter first, then in the index's order); at most ``limit``
        hits in all."""
        key = title_key(title)
        hits = self._hits(key, 1.0)
        if len(hits) >= limit or not key:
            return hits[:limit]
        for found, similarity in self._close_keys(key, min_similarity)[:limit]:
            hits += self._hits(found, similarity)
        return hits[:limit]

    def _close(self, key: str, min_similarity: float) -> tuple[tuple[str, float], ...]:
        """The other keys at least ``min_similarity`` alike to ``key``, with their similarity, best
        first; equally alike, shorter first, then in key order (the index's order). Memoised per
        index: the matcher asks for a series' titles once per media type and again per season."""
        close = process.extract(
            key,
            self._candidates(key, min_similarity),
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=min_similarity * 100,
            limit=None,  # few pass the cutoff; ranked below in the index's order, not the candidates'
        )
        ranked = sorted((-score, len(found), found) for found, score, _ in close if found != key)
        return tuple((found, -score / 100) for score, _, found in ranked)

    def _candidates(self, key: str, min_similarity: float) -> list[str]:
        """Keys that can be ``min_similarity`` alike to ``key`` at all, so that most are never
        compared. The Indel ratio of two strings is ``2 * LCS / (sum of lengths)``, and their
        longest common subsequence holds at most as many ASCII characters as the one with fewer
        has, and likewise of the others: a whole group of keys of one length and ASCII count
        is passed over when that bound is below ``min_similarity`` (a Latin title is never
        compared with the Chinese ones, nor a Chinese title with the Latin ones)."""
        if min_similarity <= 0:
            return self._keys
        length = len(key)
        ascii_count = _ascii_count(key)
        shortest = length * min_similarity / (2 - min_similarity)
        longest = length * (2 - min_similarity) / min_similarity
        low = bisect_left(self._group_lengths, math.ceil(shortest - _SLACK))
        high = bisect_right(self._group_lengths, math.floor(longest + _SLACK))
        candidates: list[str] = []
        for group in self._groups[low:high]:
            common = min(ascii_count, group.ascii_count) + min(
                length - ascii_count, group.length - group.ascii_count
            )
            if 2 * common >= min_similarity * (length + group.length) - _SLACK:
                candidates += group.keys
        return candidates

    def _hits(self, key: str, similarity: float) -> list[TitleHit]:
        first = self._first_row.get(key)
        if first is None:
            return []
        return [
            _hit(self._targets[self._row_targets[row]], self._titles[row], similarity)
            for row in range(first, first + self._run_lengths[first])
        ]


@dataclass(frozen=True, slots=True)
class _KeyGroup:
    """The index's keys of one length and one count of ASCII characters, in the index's order."""

    length: int
    ascii_count: int
    keys: tuple[str, ...]


def _grouped(keys: list[str]) -> list[_KeyGroup]:
    by_shape: dict[tuple[int, int], list[str]] = {}
    for key in keys:
        by_shape.setdefault((len(key), _ascii_count(key)), []).append(key)
    return [_KeyGroup(length, count, tuple(found)) for (length, count), found in sorted(by_shape.items())]


def _ascii_count(text: str) -> int:
    return len(text.encode("ascii", "ignore"))


def _weight(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _hit(target: Target, title: str, similarity: float) -> TitleHit:
    return TitleHit(
        target.tmdb_id, target.media_type, target.season, target.episode_offset, title, similarity
    )


def bundled_index_path() -> Path:
    """The bundled index file's path. Raises TitleIndexError when the installation lacks it."""
    resource = resources.files("anivault").joinpath(BUNDLED_INDEX)
    path = Path(str(resource))
    if not path.is_file():
        raise TitleIndexError(f"the bundled title index is missing from this installation ({path})")
    return path


@cache
def default_title_index() -> TitleIndex:
    """The bundled index, read on first use and kept for the rest of the process: runs that never
    look a title up never pay for reading it. Ask for it on the main thread before lookups start in
    workers (the root of a run builds its dependencies once); two threads asking at once would each
    read the file, harmlessly but twice. Raises TitleIndexError (E-TITLE-INDEX)."""
    return TitleIndex.load(bundled_index_path())
