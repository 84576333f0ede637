"""Parsed file → TMDB match: candidate fetching (I/O) and pure, explainable scoring.

Fetching and ranking are separate on purpose: ``score`` is a pure function of the parsed name, a
candidate and the weights, so it is tested without a network and every match carries its named
score parts into the plan and ``--json``. A series is chosen once per (kind, title, year) and
remembered, so a 24-file batch costs one search, not 24; the episode fit is then judged per file.

Below ``min_confidence`` a file is left unmatched with its best candidates listed: a wrong
guess is a misplaced file, which our users fear more than an unmatched one.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from anivault.core.models import Candidate, Match, MatchedFile, ParsedFile, ParsedName, Score
from anivault.errors import ParseError, TmdbError, TmdbNotFoundError
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.models import MediaType, SearchHit, TitleDetails

SEARCH_TOP_N = 5
DETAILS_TOP_N = 3
MAX_DROPPED_WORDS = 2
AMBIGUITY_MARGIN = 0.05
"""Two different titles scoring this close are a coin flip: ask the user instead."""
SPECIALS_SEASON = 0


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each part of the evidence counts; pinned by a test so changes are deliberate."""

    title: float = 0.80
    year_match: float = 0.10
    year_mismatch: float = -0.15
    popularity: float = 0.05
    episode_fits: float = 0.05
    episode_misfit: float = -0.40


@dataclass(frozen=True, slots=True)
class SeriesChoice:
    """The shortlisted series/movies for one parsed title, best series-level score first."""

    options: tuple[tuple[TitleDetails, tuple[tuple[str, float], ...]], ...]
    dropped_words: tuple[str, ...] = ()
    """Words of the parsed title TMDB did not know: often a cour's own subtitle ("Super S")."""


def normalize_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def title_similarity(query: str, titles: Sequence[str]) -> float:
    """Best similarity in [0, 1] between ``query`` and any of ``titles`` (order-insensitive)."""
    wanted = normalize_title(query)
    best = 0.0
    for title in titles:
        candidate = normalize_title(title)
        if candidate:
            best = max(best, fuzz.ratio(wanted, candidate), fuzz.token_sort_ratio(wanted, candidate))
    return best / 100.0


def score_series(
    parsed: ParsedName, details: TitleDetails, weights: Weights
) -> tuple[tuple[str, float], ...]:
    """Named score parts for ``details`` as the series/movie of ``parsed`` (pure)."""
    titles = (
        details.title,
        details.original_title,
        *details.alternative_titles,
        *(t for _, t in details.translated_titles),
    )
    parts = [("title", weights.title * title_similarity(parsed.title, titles))]
    if parsed.year is not None and details.year is not None:
        season_years = {s.air_year for s in details.seasons}
        fits = parsed.year == details.year or parsed.year in season_years
        parts.append(("year", weights.year_match if fits else weights.year_mismatch))
    parts.append(("popularity", weights.popularity * min(1.0, math.log10(1 + details.popularity) / 3)))
    return tuple(parts)


def place_episodes(parsed: ParsedName, details: TitleDetails) -> tuple[int, tuple[int, ...]] | None:
    """(season, episodes) in TMDB's numbering for ``parsed``, or None when it does not fit.

    Continuing numbering (episode 13 of a show whose season 1 has 12) moves to later seasons.
    """
    if parsed.kind == "special":
        # A group's "SP2" is not TMDB's S00E02 unless Specials holds a single episode: guessing
        # would misfile it, so anything else is left for the user.
        season0 = details.season(SPECIALS_SEASON)
        if season0 and season0.episode_count == 1 and parsed.episodes in ((1,), ()):
            return SPECIALS_SEASON, (1,)
        return None
    if not parsed.episodes or 0 in parsed.episodes:  # regular TMDB seasons number from 1
        return None
    season_number = parsed.season if parsed.season is not None else _season_of_year(parsed, details)
    season = details.season(season_number)
    if season and max(parsed.episodes) <= season.episode_count:
        return season_number, parsed.episodes
    if parsed.season is not None or season is None:
        return None
    offset = 0
    for later in sorted((s for s in details.seasons if s.number >= 1), key=lambda s: s.number):
        if min(parsed.episodes) - offset <= later.episode_count:
            shifted = tuple(e - offset for e in parsed.episodes)
            return (later.number, shifted) if max(shifted) <= later.episode_count else None
        offset += later.episode_count
    return None


def _season_of_year(parsed: ParsedName, details: TitleDetails) -> int:
    """A cour released as "Title (2018)" is the season that aired that year, when it is not the first."""
    if parsed.year is not None and parsed.year != details.year:
        aired = [s.number for s in details.seasons if s.number >= 1 and s.air_year == parsed.year]
        if len(aired) == 1:
            return aired[0]
    return 1


class Matcher:
    """Matches parsed files against TMDB through ``client``; thread-safe, remembers series."""

    def __init__(self, client: TmdbClient, *, min_confidence: float, weights: Weights | None = None) -> None:
        self._client = client
        self._min_confidence = min_confidence
        self._weights = weights or Weights()
        self._chosen: dict[tuple[MediaType, str, int | None], SeriesChoice | None] = {}
        self._lock = threading.Lock()

    def match(self, item: ParsedFile) -> MatchedFile:
        """Never raises for one file's trouble: failures become recorded statuses."""
        parsed = item.parsed
        if parsed is None:
            return MatchedFile(item, "parse_failed", error_code=ParseError.code, note=item.error or "")
        if parsed.kind == "extra":
            return MatchedFile(item, "unmatched", note="extra (NCOP/NCED/PV…): not mapped to an episode")
        media_type: MediaType = "movie" if parsed.kind in ("movie", "unknown") else "tv"
        try:
            choice = self._series(media_type, parsed)
        except TmdbError as exc:
            return MatchedFile(item, "deferred", error_code=exc.code, note=exc.message)
        if choice is None:
            return MatchedFile(item, "unmatched", note=f"no TMDB {media_type} result for '{parsed.title}'")
        return self._decide(item, parsed, choice)

    def _decide(self, item: ParsedFile, parsed: ParsedName, choice: SeriesChoice) -> MatchedFile:
        """Combine series-level evidence with this file's episode fit, then apply the gate."""
        ranked = sorted(
            (self._evaluate(parsed, details, parts) for details, parts in choice.options),
            key=lambda e: (-e[0].total, -e[1].popularity, e[1].tmdb_id),
        )
        candidates = tuple(
            Candidate(d.media_type, d.tmdb_id, d.title, d.year, sc.total) for sc, d, _ in ranked
        )
        score, details, placed = ranked[0]
        if details.media_type == "tv" and choice.dropped_words and parsed.season is None:
            words = " ".join(choice.dropped_words)
            note = f"'{words}' is not part of any TMDB title: a sequel or cour title? season unknown"
            return MatchedFile(item, "unmatched", candidates=candidates, note=note)
        if details.media_type == "tv" and placed is None:
            return MatchedFile(item, "unmatched", candidates=candidates, note="episode fits no TMDB season")
        if score.total < self._min_confidence:
            return MatchedFile(
                item, "unmatched", candidates=candidates, note="below the confidence threshold"
            )
        if len(ranked) > 1 and score.total - ranked[1][0].total < AMBIGUITY_MARGIN:
            rival = ranked[1][1]
            note = f"ambiguous: also {rival.title} ({rival.year}); add the year to the name or pick the id"
            return MatchedFile(item, "unmatched", candidates=candidates, note=note)
        season, episodes = placed if placed else (None, ())
        match = Match(
            details.media_type, details.tmdb_id, details.title, details.year, season, episodes, score
        )
        return MatchedFile(item, "matched", match=match, candidates=candidates[1:])

    def _evaluate(
        self, parsed: ParsedName, details: TitleDetails, series_parts: tuple[tuple[str, float], ...]
    ) -> tuple[Score, TitleDetails, tuple[int, tuple[int, ...]] | None]:
        parts = list(series_parts)
        placed = None
        if details.media_type == "tv":
            placed = place_episodes(parsed, details)
            # Whether "SP1" fits says little about which series it belongs to: do not let it rank.
            if parsed.kind != "special":
                parts.append(
                    ("episode", self._weights.episode_fits if placed else self._weights.episode_misfit)
                )
        total = round(max(0.0, min(1.0, sum(v for _, v in parts))), 4)
        return Score(total, tuple(parts)), details, placed

    def _series(self, media_type: MediaType, parsed: ParsedName) -> SeriesChoice | None:
        memo_key = (media_type, normalize_title(parsed.title), parsed.year)
        with self._lock:
            if memo_key in self._chosen:
                return self._chosen[memo_key]
        choice = self._choose(media_type, parsed)
        with self._lock:
            self._chosen[memo_key] = choice
        return choice

    def _choose(self, media_type: MediaType, parsed: ParsedName) -> SeriesChoice | None:
        hits, dropped = self._search(media_type, parsed)
        if not hits:
            return None
        shortlist = sorted(
            hits[:SEARCH_TOP_N],
            key=lambda h: (-title_similarity(parsed.title, (h.title, h.original_title)), -h.popularity),
        )[:DETAILS_TOP_N]
        scored: list[tuple[float, TitleDetails, tuple[tuple[str, float], ...]]] = []
        for hit in shortlist:
            try:
                details = self._client.details(hit.media_type, hit.tmdb_id)
            except TmdbNotFoundError:
                continue
            parts = score_series(parsed, details, self._weights)
            scored.append((sum(v for _, v in parts), details, parts))
        if not scored:
            return None
        scored.sort(key=lambda s: (-s[0], -s[1].popularity, s[1].tmdb_id))
        return SeriesChoice(tuple((details, parts) for _, details, parts in scored), dropped)

    def _search(
        self, media_type: MediaType, parsed: ParsedName
    ) -> tuple[tuple[SearchHit, ...], tuple[str, ...]]:
        """TMDB ANDs query words, so one stray word (a cour subtitle) empties the result:
        retry without the year filter, then with trailing words dropped (and say which)."""
        words = parsed.title.split()
        for dropped in range(0, min(MAX_DROPPED_WORDS, len(words) - 1) + 1):
            kept = len(words) - dropped
            for year in dict.fromkeys((parsed.year, None)):
                hits = self._client.search(media_type, " ".join(words[:kept]), year=year)
                if hits:
                    return hits, tuple(words[kept:])
        return (), ()
