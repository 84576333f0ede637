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
    details: TitleDetails
    parts: tuple[tuple[str, float], ...]
    runners_up: tuple[Candidate, ...]


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
        season0 = details.season(SPECIALS_SEASON)
        if (
            season0
            and parsed.episodes
            and parsed.episodes != (0,)
            and max(parsed.episodes) <= season0.episode_count
        ):
            return SPECIALS_SEASON, parsed.episodes
        return None
    if not parsed.episodes:
        return None
    season_number = parsed.season if parsed.season is not None else 1
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
        details, parts = choice.details, list(choice.parts)
        season: int | None = None
        episodes: tuple[int, ...] = ()
        if details.media_type == "tv":
            placed = place_episodes(parsed, details)
            parts.append(("episode", self._weights.episode_fits if placed else self._weights.episode_misfit))
            if placed:
                season, episodes = placed
        score = Score(round(max(0.0, min(1.0, sum(v for _, v in parts))), 4), tuple(parts))
        own = Candidate(details.media_type, details.tmdb_id, details.title, details.year, score.total)
        if score.total < self._min_confidence or (details.media_type == "tv" and season is None):
            note = "episode does not fit any TMDB season" if score.total >= self._min_confidence else ""
            return MatchedFile(item, "unmatched", candidates=(own, *choice.runners_up), note=note)
        match = Match(
            details.media_type, details.tmdb_id, details.title, details.year, season, episodes, score
        )
        return MatchedFile(item, "matched", match=match, candidates=choice.runners_up)

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
        hits = self._search(media_type, parsed)
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
        _, best, parts = scored[0]
        runners_up = tuple(
            Candidate(d.media_type, d.tmdb_id, d.title, d.year, round(t, 4)) for t, d, _ in scored[1:]
        )
        return SeriesChoice(best, parts, runners_up)

    def _search(self, media_type: MediaType, parsed: ParsedName) -> tuple[SearchHit, ...]:
        """TMDB ANDs query words, so one stray word (a cour subtitle) empties the result:
        retry without the year filter, then with trailing words dropped."""
        words = parsed.title.split()
        for dropped in range(0, min(MAX_DROPPED_WORDS, len(words) - 1) + 1):
            query = " ".join(words[: len(words) - dropped])
            for year in dict.fromkeys((parsed.year, None)):
                hits = self._client.search(media_type, query, year=year)
                if hits:
                    return hits
        return ()
