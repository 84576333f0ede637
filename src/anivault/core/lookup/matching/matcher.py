"""``Matcher``: query variants and candidates through the TMDB client, ranked, then the gate.

Fetching (here) and ranking (``scoring``, ``placement``: pure) are separate on purpose. A series
is chosen once per (kind, titles, year) and remembered, so a 24-file batch costs one search, not
24; the episode fit is then judged per file.

Below ``min_confidence`` a file is left unmatched with its best candidates listed: a wrong
guess is a misplaced file, which our users fear more than an unmatched one. Two candidates scoring
within ``AMBIGUITY_MARGIN`` are a coin flip unless one is clearly the better known (popularity
``POPULARITY_TIE_RATIO`` times the other's): TMDB itself ranks that way, and so do users' libraries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from anivault.core.lookup.matching.consensus import FolderMajority
from anivault.core.lookup.matching.placement import (
    Placement,
    place_episodes,
    sequel_season,
    sequel_words,
    shift_seasons,
)
from anivault.core.lookup.matching.scoring import (
    Weights,
    all_titles,
    display_title,
    normalize_title,
    queried_titles,
    score_series,
    title_similarity,
)
from anivault.core.lookup.overrides import FolderOverrides, MatchOverride
from anivault.core.models import Candidate, Match, MatchedFile, ParsedFile, ParsedName, Score
from anivault.errors import ParseError, TmdbError, TmdbNotFoundError
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.models import MediaType, SearchHit, TitleDetails

SEARCH_TOP_N = 5
DETAILS_TOP_N = 3
MAX_DROPPED_WORDS = 3
DISTINCTIVE_WORDS = 2
AMBIGUITY_MARGIN = 0.05
"""Two different titles scoring this close are a coin flip: ask the user instead."""
POPULARITY_TIE_RATIO = 2.0
"""...unless one of them is at least this many times as popular: then it is the one meant."""


@dataclass(frozen=True, slots=True)
class SeriesChoice:
    """The shortlisted series/movies for one parsed title, best series-level score first."""

    options: tuple[tuple[TitleDetails, tuple[tuple[str, float], ...]], ...]
    reserve: tuple[SearchHit, ...] = ()
    """Search hits left off the shortlist: looked at only when no option can hold a file."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One candidate judged for one file: its score, where the file goes in it, or why nowhere."""

    score: Score
    details: TitleDetails
    placed: Placement | None
    problem: str = ""
    extra: bool = False
    """An NCOP/NCED/PV: it belongs to the series, not to an episode."""


class Matcher:
    """Matches parsed files against TMDB through ``client``; thread-safe, remembers series."""

    def __init__(
        self,
        client: TmdbClient,
        *,
        min_confidence: float,
        weights: Weights | None = None,
        overrides: FolderOverrides | None = None,
        title_language: str | None = None,
        extras_folder: bool = False,
    ) -> None:
        """``title_language`` (``--lang``) picks the title written into the library from TMDB's
        translations, falling back to the title in the search language; None keeps the latter."""
        self._client = client
        self._min_confidence = min_confidence
        self._weights = weights or Weights()
        self._overrides = overrides
        self._title_language = title_language
        self._extras_folder = extras_folder
        self._chosen: dict[tuple[MediaType, bool, tuple[str, ...], int | None], SeriesChoice | None] = {}
        self._lock = threading.Lock()

    def match(self, item: ParsedFile) -> MatchedFile:
        """Never raises for one file's trouble: failures become recorded statuses.

        Raises UsageError only for an invalid ``.anivault-match.json`` override file."""
        parsed = item.parsed
        if parsed is None:
            return MatchedFile(item, "parse_failed", error_code=ParseError.code, note=item.error or "")
        if parsed.kind == "extra" and not self._extras_folder:
            return MatchedFile(item, "unmatched", note="extra (NCOP/NCED/PV…): left in place (extras = keep)")
        override = self._override_for(item.scanned.path)
        if override is not None:
            parsed = shift_seasons(parsed, override.season_offset)
            if override.tmdb_id is not None:
                return self._forced(item, parsed, override)
        media_type: MediaType = "movie" if parsed.kind in ("movie", "unknown") else "tv"
        try:
            choice = self._series(media_type, parsed)
            if choice is None:
                note = f"no TMDB {media_type} result for '{parsed.title}'"
                return MatchedFile(item, "unmatched", note=note)
            return self._decide(item, parsed, choice, media_type)
        except TmdbError as exc:
            return MatchedFile(item, "deferred", error_code=exc.code, note=exc.message)

    def settle(self, item: MatchedFile, majority: FolderMajority) -> MatchedFile:
        """Judge an unmatched file against its folder's majority title (one of its own
        candidates), with the folder's vote as one more score part; the gate still applies.
        Returns ``item`` unchanged when the episode does not fit or the score stays too low."""
        parsed = item.parsed.parsed
        if parsed is None or item.status != "unmatched" or not majority.among(item):
            return item
        override = self._override_for(item.parsed.scanned.path)
        if override is not None:
            parsed = shift_seasons(parsed, override.season_offset)
        try:
            details = self._client.details(majority.media_type, majority.tmdb_id)
        except TmdbError:
            return item
        parts = (*score_series(parsed, details, self._weights), ("folder", self._weights.folder_consensus))
        evaluation = self._evaluate(parsed, details, parts)
        if evaluation.problem or evaluation.score.total < self._min_confidence:
            return item
        note = (
            f"folder consensus: {majority.agreeing} of {majority.matched} matched files here"
            f" are {majority.title}"
        )
        others = tuple(
            c for c in item.candidates if (c.media_type, c.tmdb_id) != (details.media_type, details.tmdb_id)
        )
        return MatchedFile(
            item.parsed, "matched", match=self._match_of(evaluation), candidates=others, note=note
        )

    def _override_for(self, path: str) -> MatchOverride | None:
        return self._overrides.for_file(path) if self._overrides else None

    def _forced(self, item: ParsedFile, parsed: ParsedName, override: MatchOverride) -> MatchedFile:
        """The user named the title: no search, no gate; the episode must still fit it."""
        assert override.tmdb_id is not None
        try:
            details = self._client.details(override.media_type, override.tmdb_id)
        except TmdbNotFoundError:
            note = f"override: TMDB has no {override.media_type} with id {override.tmdb_id}"
            return MatchedFile(item, "unmatched", note=note)
        except TmdbError as exc:
            return MatchedFile(item, "deferred", error_code=exc.code, note=exc.message)
        evaluation = self._evaluate(parsed, details, (("override", 1.0),), sequel=False)
        if evaluation.problem:
            return MatchedFile(item, "unmatched", note=f"override: {evaluation.problem}")
        return MatchedFile(item, "matched", match=self._match_of(evaluation))

    def _match_of(self, evaluation: Evaluation) -> Match:
        season, episodes = evaluation.placed if evaluation.placed else (None, ())
        details = evaluation.details
        title = display_title(details, self._title_language)
        if evaluation.extra:
            return Match(
                "tv",
                details.tmdb_id,
                title,
                details.year,
                None,
                (),
                evaluation.score,
                extra=True,
                original_title=details.original_title,
            )
        return Match(
            details.media_type,
            details.tmdb_id,
            title,
            details.year,
            season,
            episodes,
            evaluation.score,
            original_title=details.original_title,
        )

    def _decide(
        self, item: ParsedFile, parsed: ParsedName, choice: SeriesChoice, media_type: MediaType
    ) -> MatchedFile:
        """Combine series-level evidence with this file's episode fit, then apply the gate. When
        no shortlisted title can hold the episode, the rest of the search hits are looked at
        (TMDB's own first hit may be named "Hamtaro" while the file says "Tottoko Hamtarou")."""
        ranked = self._ranked(parsed, choice)
        if ranked[0].problem and choice.reserve:
            ranked = self._ranked(parsed, self._widened(media_type, parsed, choice))
        candidates = tuple(
            Candidate(e.details.media_type, e.details.tmdb_id, e.details.title, e.details.year, e.score.total)
            for e in ranked
        )
        best = ranked[0]
        if best.problem:
            return MatchedFile(item, "unmatched", candidates=candidates, note=best.problem)
        if best.score.total < self._min_confidence:
            return MatchedFile(
                item, "unmatched", candidates=candidates, note="below the confidence threshold"
            )
        if len(ranked) > 1 and _too_close(best, ranked[1]):
            rival = ranked[1].details
            note = f"ambiguous: also {rival.title} ({rival.year}); add the year to the name or pick the id"
            return MatchedFile(item, "unmatched", candidates=candidates, note=note)
        return MatchedFile(item, "matched", match=self._match_of(best), candidates=candidates[1:])

    def _ranked(self, parsed: ParsedName, choice: SeriesChoice) -> list[Evaluation]:
        return sorted(
            (self._evaluate(parsed, details, parts) for details, parts in choice.options),
            key=lambda e: (-e.score.total, -e.details.popularity, e.details.tmdb_id),
        )

    def _evaluate(
        self,
        parsed: ParsedName,
        details: TitleDetails,
        series_parts: tuple[tuple[str, float], ...],
        *,
        sequel: bool = True,
    ) -> Evaluation:
        parts = list(series_parts)
        if details.media_type != "tv" or parsed.kind == "extra":  # an extra needs no episode
            return Evaluation(_total(parts), details, None, extra=parsed.kind == "extra")
        words = sequel_words(parsed, details) if sequel else ()
        if words:
            season = sequel_season(parsed, details, words)
            if season is None:
                words_text = " ".join(words)
                note = f"'{words_text}' is not part of any TMDB title: a sequel or cour title? season unknown"
                return Evaluation(_total(parts), details, None, note)
            parsed = replace(parsed, season=season)
            # The cour's own subtitle is not the series' title: judge the title without it.
            base = " ".join(w for w in normalize_title(parsed.title).split() if w not in words)
            parts = [
                ("title", self._weights.title * title_similarity(base, all_titles(details)))
                if name == "title"
                else (name, value)
                for name, value in parts
            ]
        placed = place_episodes(parsed, details)
        if parsed.kind != "special" and parsed.episodes != (0,):
            parts.append(("episode", self._weights.episode_fits if placed else self._weights.episode_misfit))
        elif not placed:  # "SP1" fitting says little about the series; a show without specials, much
            parts.append(("episode", self._weights.episode_misfit))
        return Evaluation(_total(parts), details, placed, "" if placed else "episode fits no TMDB season")

    def _series(self, media_type: MediaType, parsed: ParsedName) -> SeriesChoice | None:
        return self._remembered((media_type, False, parsed), lambda: self._choose(media_type, parsed))

    def _widened(self, media_type: MediaType, parsed: ParsedName, choice: SeriesChoice) -> SeriesChoice:
        """``choice`` with its reserve hits fetched and scored too (once per title per run)."""

        def widen() -> SeriesChoice:
            shortlisted = [(sum(v for _, v in parts), details, parts) for details, parts in choice.options]
            return SeriesChoice(_best_first([*shortlisted, *self._scored(parsed, choice.reserve)]))

        widened = self._remembered((media_type, True, parsed), widen)
        assert widened is not None
        return widened

    def _remembered(
        self, key: tuple[MediaType, bool, ParsedName], compute: Callable[[], SeriesChoice | None]
    ) -> SeriesChoice | None:
        media_type, wide, parsed = key
        memo_key = (media_type, wide, tuple(normalize_title(t) for t in queried_titles(parsed)), parsed.year)
        with self._lock:
            if memo_key in self._chosen:
                return self._chosen[memo_key]
        choice = compute()
        with self._lock:
            self._chosen[memo_key] = choice
        return choice

    def _choose(self, media_type: MediaType, parsed: ParsedName) -> SeriesChoice | None:
        hits = self._search(media_type, parsed)
        if not hits:
            return None
        queries = queried_titles(parsed)
        literal_first = sorted(
            hits[:SEARCH_TOP_N],
            key=lambda h: (
                -max(title_similarity(q, (h.title, h.original_title), shortened=False) for q in queries),
                -h.popularity,
            ),
        )
        scored = self._scored(parsed, literal_first[:DETAILS_TOP_N])
        if not scored:
            return None
        return SeriesChoice(_best_first(scored), reserve=tuple(literal_first[DETAILS_TOP_N:]))

    def _scored(self, parsed: ParsedName, hits: Sequence[SearchHit]) -> list[Scored]:
        scored: list[Scored] = []
        for hit in hits:
            try:
                details = self._client.details(hit.media_type, hit.tmdb_id)
            except TmdbNotFoundError:
                continue
            parts = score_series(parsed, details, self._weights)
            scored.append((sum(v for _, v in parts), details, parts))
        return scored

    def _search(self, media_type: MediaType, parsed: ParsedName) -> tuple[SearchHit, ...]:
        """Hits for the first query variant TMDB knows. With a year, the hits of that year come
        first, then the rest: "Title (2021)" is as often a later season's year as a remake's."""
        for query in search_queries(parsed):
            hits: dict[int, SearchHit] = {}
            for year in dict.fromkeys((parsed.year, None)):
                hits.update(
                    (h.tmdb_id, h)
                    for h in self._client.search(media_type, query, year=year)
                    if h.tmdb_id not in hits
                )
            if hits:
                return tuple(hits.values())
        return ()


def search_queries(parsed: ParsedName) -> Iterator[str]:
    """Query variants, most literal first. TMDB ANDs query words, so one word it lacks (a cour's
    subtitle, "Kays" for "Kay's", "5000" for "5,000") empties the result: then try the bracketed
    alternative title, the title with trailing words dropped, and its longest words alone. Ranking
    compares the candidates with the whole title afterwards, so a loose query costs no accuracy."""
    yield parsed.title
    if parsed.alternative_title:
        yield parsed.alternative_title
    words = parsed.title.split()
    for dropped in range(1, min(MAX_DROPPED_WORDS, len(words) - 1) + 1):
        yield " ".join(words[:-dropped])
    meaningful = [w for w in words if any(ch.isalnum() for ch in w)]
    if len(meaningful) > DISTINCTIVE_WORDS:
        longest = set(sorted(meaningful, key=len, reverse=True)[:DISTINCTIVE_WORDS])
        yield " ".join(w for w in meaningful if w in longest)


Scored = tuple[float, TitleDetails, tuple[tuple[str, float], ...]]


def _best_first(scored: list[Scored]) -> tuple[tuple[TitleDetails, tuple[tuple[str, float], ...]], ...]:
    scored.sort(key=lambda s: (-s[0], -s[1].popularity, s[1].tmdb_id))
    return tuple((details, parts) for _, details, parts in scored)


def _total(parts: list[tuple[str, float]]) -> Score:
    return Score(round(max(0.0, min(1.0, sum(v for _, v in parts))), 4), tuple(parts))


def _too_close(best: Evaluation, rival: Evaluation) -> bool:
    """A different title scoring within the margin, and not clearly less known, is a coin flip."""
    if best.score.total - rival.score.total >= AMBIGUITY_MARGIN:
        return False
    return best.details.popularity < POPULARITY_TIE_RATIO * rival.details.popularity
