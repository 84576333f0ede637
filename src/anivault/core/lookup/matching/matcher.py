"""``Matcher``: query variants and candidates through the TMDB client, ranked, then the gate.

Fetching (here) and ranking (``scoring``, ``placement``: pure) are separate on purpose. A series
is chosen once per (kind, titles, year) and remembered, so a 24-file batch costs one search, not
24; the episode fit is then judged per file.

A file with a ranked candidate always gets its best guess. Above ``min_confidence`` it is
``matched``; below it, or when the episode fits no season of the best title, or when two titles are
a coin flip, it is ``review``: planned with its candidates, but moved only once the user accepts it
(a wrong guess is a misplaced file, which our users fear more than an unplaced one). Two
candidates scoring within ``AMBIGUITY_MARGIN`` are a coin flip unless one is clearly the better
known (popularity ``POPULARITY_TIE_RATIO`` times the other's): TMDB itself ranks that way, and so
do users' libraries. ``unmatched`` is left for a file without any candidate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from anivault.core.lookup.matching.consensus import FolderMajority
from anivault.core.lookup.matching.placement import (
    SPECIALS_SEASON,
    Placement,
    SeasonNames,
    closest_title,
    into_one_long_season,
    numbered_from_start,
    place_episodes,
    season_names,
    sequel_season,
    sequel_words,
    series_part,
    shift_seasons,
)
from anivault.core.lookup.matching.scoring import (
    SHORTENED_TITLE,
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
from anivault.services.titles.index import TitleHit, TitleIndex
from anivault.services.titles.index_file import AbsoluteRange
from anivault.services.tmdb.client import TmdbClient
from anivault.services.tmdb.media_types import MediaType
from anivault.services.tmdb.models import SearchHit, TitleDetails

SEARCH_TOP_N = 5
DETAILS_TOP_N = 3
INDEX_HITS = 5
INDEX_MIN_SIMILARITY = 0.85
"""How alike a title must be to an indexed one for the index to propose it."""
LEADING_MIN_CHARS = 5
"""An indexed title the name merely starts with must be this long (letters and digits): "One" or
"Blue" are titles too, but as the first word of a longer name they say nothing."""
MAX_DROPPED_WORDS = 3
DISTINCTIVE_WORDS = 2
AMBIGUITY_MARGIN = 0.05
"""Two different titles scoring this close are a coin flip: ask the user instead."""
POPULARITY_TIE_RATIO = 2.0
"""...unless one of them is at least this many times as popular: then it is the one meant."""


Parts = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Option:
    """A series or movie shortlisted for a title, with its series-level score parts."""

    details: TitleDetails
    parts: Parts
    season: int | None = None
    """The TMDB season the title index says this title is released as (None: the whole series)."""
    episode_offset: int = 0
    """Added to the name's episode numbers inside ``season`` (from the title index)."""
    leading: bool = False
    """Found only because the name starts with one of its indexed titles: the words after that
    title are mostly a group's tags, so they name a season only as a season number."""

    @property
    def total(self) -> float:
        return sum(value for _, value in self.parts)


@dataclass(frozen=True, slots=True)
class SeriesChoice:
    """The shortlisted series/movies for one parsed title, best series-level score first."""

    options: tuple[Option, ...]
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
    unknown: tuple[str, ...] = ()
    """Words of the name no title of the series has and that name no season: placed without them."""


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
        titles: Callable[[], TitleIndex] | None = None,
    ) -> None:
        """``title_language`` (``--lang``) picks the title written into the library from TMDB's
        translations, falling back to the title in the search language; None keeps the latter.
        ``titles`` provides the title index (called on the first lookup, so a run that matches
        nothing never reads it); None searches TMDB alone."""
        self._client = client
        self._min_confidence = min_confidence
        self._weights = weights or Weights()
        self._overrides = overrides
        self._title_language = title_language
        self._extras_folder = extras_folder
        self._titles = titles
        self._index_lock = threading.Lock()
        self._chosen: dict[tuple[MediaType, bool, tuple[str, ...], int | None], SeriesChoice | None] = {}
        self._season_names: dict[int, SeasonNames] = {}
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
        try:
            choices = [(kind, c) for kind in _media_types(parsed) if (c := self._series(kind, parsed))]
            if not choices:
                kinds = " or ".join(_media_types(parsed))
                return MatchedFile(item, "unmatched", note=f"no TMDB {kinds} result for '{parsed.title}'")
            return self._decide(item, parsed, choices)
        except TmdbError as exc:
            return MatchedFile(item, "deferred", error_code=exc.code, note=exc.message)

    def settle(self, item: MatchedFile, majority: FolderMajority) -> MatchedFile:
        """Judge a file under review against its folder's majority title (one of its own
        candidates), with the folder's vote as one more score part; the gate still applies.
        Returns ``item`` unchanged when the episode does not fit or the score stays too low."""
        parsed = item.parsed.parsed
        if parsed is None or item.status != "review" or not majority.among(item):
            return item
        override = self._override_for(item.parsed.scanned.path)
        if override is not None:
            parsed = shift_seasons(parsed, override.season_offset)
        try:
            details = self._client.details(majority.media_type, majority.tmdb_id)
        except TmdbError:
            return item
        parts = (*score_series(parsed, details, self._weights), ("folder", self._weights.folder_consensus))
        evaluation = self._evaluate(parsed, Option(details, parts))
        if evaluation.problem or evaluation.score.total < self._min_confidence:
            return item
        note = (
            f"folder consensus: {majority.agreeing} of {majority.matched} matched files here"
            f" are {majority.title} #{majority.tmdb_id}"
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
        evaluation = self._evaluate(parsed, Option(details, (("override", 1.0),)), sequel=False)
        if evaluation.problem:
            return MatchedFile(
                item,
                "review",
                match=self._match_of(evaluation),
                candidates=(_candidate(evaluation),),
                note=f"override: {evaluation.problem}",
            )
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
        self, item: ParsedFile, parsed: ParsedName, choices: list[tuple[MediaType, SeriesChoice]]
    ) -> MatchedFile:
        """Combine series-level evidence with this file's episode fit, then apply the gate. When
        no shortlisted title can hold the episode, the rest of the search hits are looked at
        (TMDB's own first hit may be named "Hamtaro" while the file says "Tottoko Hamtarou")."""
        ranked = self._ranked(parsed, [choice for _, choice in choices])
        if ranked[0].problem and any(choice.reserve for _, choice in choices):
            widened = [self._widened(kind, parsed, c) if c.reserve else c for kind, c in choices]
            ranked = self._ranked(parsed, widened)
        candidates = tuple(_candidate(e) for e in ranked)
        best = ranked[0]
        doubt = self._doubt(best, ranked[1] if len(ranked) > 1 else None)
        if doubt:
            return MatchedFile(item, "review", match=self._match_of(best), candidates=candidates, note=doubt)
        return MatchedFile(item, "matched", match=self._match_of(best), candidates=candidates[1:])

    def _doubt(self, best: Evaluation, rival: Evaluation | None) -> str:
        """Why ``best`` is only a guess, or "" when it is confident."""
        if best.problem:
            return best.problem
        if best.score.total < self._min_confidence:
            unknown = f"; '{' '.join(best.unknown)}' is in no TMDB title of it" if best.unknown else ""
            return "below the confidence threshold" + unknown
        if rival is not None and _too_close(best, rival):
            other = rival.details
            # the id is what --pick and --tmdb-id take; how to settle it is said once per run
            return f"ambiguous: also {other.title} ({other.year}) #{other.tmdb_id}"
        return ""

    def _ranked(self, parsed: ParsedName, choices: list[SeriesChoice]) -> list[Evaluation]:
        return sorted(
            (self._evaluate(parsed, option) for choice in choices for option in choice.options),
            key=lambda e: (-e.score.total, -e.details.popularity, e.details.tmdb_id),
        )

    def _evaluate(self, parsed: ParsedName, option: Option, *, sequel: bool = True) -> Evaluation:
        details = option.details
        parts = list(option.parts)
        if details.media_type != "tv" or parsed.kind == "extra":  # an extra needs no episode
            return Evaluation(_total(parts), details, None, extra=parsed.kind == "extra")
        if parsed.kind == "unknown":  # a series fits the title, but which episode is this?
            return Evaluation(_total(parts), details, None, "the name gives no episode of the series")
        if option.season is not None and parsed.kind == "episode" and parsed.season in (None, 1):
            # The title names a season (a sequel cour released under its own title): its words
            # are the season's name, not a subtitle, and a group's "S01" counts within that title.
            shifted = tuple(e + option.episode_offset for e in parsed.episodes)
            parsed = replace(parsed, season=option.season, episodes=shifted)
            sequel = False
        words = sequel_words(parsed, details) if sequel else ()
        names = self._names_of_seasons(details) if words else None
        named = names.seasons_of(words, parsed.episodes) if names else ()
        season = named[0] if named else None
        if season is None and words:
            # A later season long enough for the episode is a guess the index's season titles
            # overrule: when they name later seasons and these words none of them, the words are
            # no season's.
            by_length = not option.leading and not (names and names.later_seasons_titled)
            season = sequel_season(parsed, details, words, by_length=by_length)
        if season is not None:
            parsed = replace(parsed, season=season)
            # The cour's own subtitle is not the series' title: judge the title without it.
            base = series_part(closest_title(parsed, details), words, details)
            parts = [
                ("title", self._weights.title * title_similarity(base, all_titles(details)))
                if name == "title"
                else (name, value)
                for name, value in parts
            ]
        elif words:
            # Words no title of the series has: a cour's subtitle, an edition, or mere noise. They
            # already cost title similarity; they cost more because the season is now a guess.
            parts.append(("unknown_words", self._weights.unknown_words))
        placed = place_episodes(parsed, details)
        problem = "" if placed else _no_place(parsed)
        if placed is None and (long_season := into_one_long_season(parsed, details)) is not None:
            placed = long_season
            problem = (
                ""
                if numbered_from_start(parsed, self._absolute_ranges(details.tmdb_id))
                else f"TMDB has no season {parsed.season}: placed in its one long season as numbered"
            )
        if parsed.kind != "special" and parsed.episodes != (0,):
            parts.append(("episode", self._weights.episode_fits if placed else self._weights.episode_misfit))
        elif not placed:  # "SP1" fitting says little about the series; a show without specials, much
            parts.append(("episode", self._weights.episode_misfit))
        unknown = words if season is None else ()
        # (a special goes to Season 00 whichever season the words would name)
        if placed and parsed.kind != "special":
            if unknown and _seasons_holding(parsed, details) > 1:
                problem = f"'{' '.join(unknown)}' is in no TMDB title of it: which season is a guess"
            elif len(named) > 1:
                seasons = " and ".join(map(str, named))
                problem = f"'{' '.join(words)}' names its seasons {seasons}: which one is a guess"
        return Evaluation(_total(parts), details, placed, problem, unknown=unknown)

    def _series(self, media_type: MediaType, parsed: ParsedName) -> SeriesChoice | None:
        return self._remembered((media_type, False, parsed), lambda: self._choose(media_type, parsed))

    def _widened(self, media_type: MediaType, parsed: ParsedName, choice: SeriesChoice) -> SeriesChoice:
        """``choice`` with its reserve hits fetched and scored too (once per title per run)."""

        def widen() -> SeriesChoice:
            return SeriesChoice(_best_first([*choice.options, *self._scored(parsed, choice.reserve)]))

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
        """The title index's entries for the name's titles, beside TMDB's search hits; TMDB's
        details for both (the index only points: every id, name and season is TMDB's)."""
        indexed, leading = self._indexed(media_type, parsed)
        hits = tuple(h for h in self._search(media_type, parsed) if h.tmdb_id not in indexed)
        if not hits and not indexed:
            return None
        queries = queried_titles(parsed)
        literal_first = sorted(
            hits,
            key=lambda h: (
                -max(title_similarity(q, (h.title, h.original_title), shortened=False) for q in queries),
                -h.popularity,
            ),
        )
        scored = [
            *self._index_options(parsed, indexed.values(), leading),
            *self._scored(parsed, literal_first[:DETAILS_TOP_N]),
        ]
        if not scored:
            return None
        return SeriesChoice(_best_first(scored), reserve=tuple(literal_first[DETAILS_TOP_N:]))

    def _scored(self, parsed: ParsedName, hits: Sequence[SearchHit]) -> list[Option]:
        scored: list[Option] = []
        for hit in hits:
            try:
                details = self._client.details(hit.media_type, hit.tmdb_id)
            except TmdbNotFoundError:
                continue
            scored.append(Option(details, score_series(parsed, details, self._weights)))
        return scored

    def _indexed(
        self, media_type: MediaType, parsed: ParsedName
    ) -> tuple[dict[int, TitleHit], frozenset[int]]:
        """The title index's hit per TMDB id of ``media_type`` for the name's titles, the most
        alike first, at most ``DETAILS_TOP_N`` ids; and which of them only a title the name
        starts with found. Its season counts only when the title is an exact one and names one
        season: a close title ("One Punch Man (2019)" for "One Punch Man") or a title shared by
        several seasons says which series, not which season; a title several works share says
        neither."""
        index = self._title_index()
        if index is None:
            return {}, frozenset()
        by_id: dict[int, list[TitleHit]] = {}
        for query in queried_titles(parsed):
            for hit in index.lookup(query, limit=INDEX_HITS, min_similarity=INDEX_MIN_SIMILARITY):
                if hit.media_type == media_type:
                    by_id.setdefault(hit.tmdb_id, []).append(hit)
        looked_up = set(by_id)
        if not any(hit.similarity == 1.0 for hits in by_id.values() for hit in hits):
            for hit in self._leading(index, media_type, parsed):
                by_id.setdefault(hit.tmdb_id, []).append(hit)
        found = {tmdb_id: _one_place(hits) for tmdb_id, hits in by_id.items()}
        if sum(hit.similarity == 1.0 for hit in found.values()) > 1:
            # One title, several works ("Fullmetal Alchemist": the 2003 series, and the first
            # season of "Brotherhood"): the index cannot say which; TMDB's titles and the rest decide.
            found = {tmdb_id: replace(hit, season=None) for tmdb_id, hit in found.items()}
        best = sorted(found.values(), key=lambda h: -h.similarity)[:DETAILS_TOP_N]
        return {hit.tmdb_id: hit for hit in best}, frozenset(by_id) - looked_up

    @staticmethod
    def _leading(index: TitleIndex, media_type: MediaType, parsed: ParsedName) -> list[TitleHit]:
        """Hits for the longest indexed title the name starts with, as a shortened title's: the
        words after it (a group's tags, an edition, "HD") cost the title part, and an
        ``unknown_words`` part when the name gives no season, but no longer hide the work. Which
        season such a title names is not taken: the words after it may name another one."""
        hits: list[TitleHit] = []
        for query in queried_titles(parsed):
            _, found = index.leading(query, min_chars=LEADING_MIN_CHARS)
            hits += (
                replace(hit, similarity=SHORTENED_TITLE) for hit in found if hit.media_type == media_type
            )
        return hits

    def _index_options(
        self, parsed: ParsedName, hits: Iterable[TitleHit], leading: frozenset[int]
    ) -> list[Option]:
        """Options for index hits. The index's similarity stands in for the title part when it is
        the better one: the indexed title is a name the series or season is released under,
        which TMDB's own titles may lack (a season's title) or spell otherwise (``title_key``
        folds ``&``, ``×`` and apostrophes). ``leading``: ids found only by a title the name
        starts with."""
        options: list[Option] = []
        for hit in hits:
            media_type: MediaType = "movie" if hit.media_type == "movie" else "tv"
            try:
                details = self._client.details(media_type, hit.tmdb_id)
            except TmdbNotFoundError:
                continue
            parts = score_series(parsed, details, self._weights)
            by_index = self._weights.title * hit.similarity
            if by_index > dict(parts)["title"]:
                parts = tuple(("title_index", by_index) if n == "title" else (n, v) for n, v in parts)
            options.append(
                Option(details, parts, hit.season, hit.episode_offset, leading=hit.tmdb_id in leading)
            )
        return options

    def _names_of_seasons(self, details: TitleDetails) -> SeasonNames | None:
        """How the title index's season titles name the seasons of ``details`` after its title
        (``JoJo's Bizarre Adventure - Stardust Crusaders``); None without an index. Worked out
        once per series per run: every file of a batch carries the same words."""
        index = self._title_index()
        if index is None:
            return None
        with self._lock:
            names = self._season_names.get(details.tmdb_id)
        if names is None:
            names = season_names(details, index.season_titles(details.tmdb_id))
            with self._lock:
                self._season_names[details.tmdb_id] = names
        return names

    def _absolute_ranges(self, tmdb_id: int) -> tuple[AbsoluteRange, ...]:
        index = self._title_index()
        return index.absolute_ranges(tmdb_id) if index is not None else ()

    def _title_index(self) -> TitleIndex | None:
        """The title index, read on first use (once per process: the provider keeps it)."""
        if self._titles is None:
            return None
        with self._index_lock:
            return self._titles()

    def _search(self, media_type: MediaType, parsed: ParsedName) -> tuple[SearchHit, ...]:
        """Hits for every title the name carries, else for the first fallback variant TMDB
        knows. With a year, the hits of that year come first, then the rest: "Title (2021)" is
        as often a later season's year as a remake's."""
        hits: dict[int, SearchHit] = {}
        titles = len(queried_titles(parsed))
        for number, query in enumerate(search_queries(parsed)):
            if number >= titles and hits:
                break
            found: dict[int, SearchHit] = {}
            for year in dict.fromkeys((parsed.year, None)):
                found.update(
                    (h.tmdb_id, h)
                    for h in self._client.search(media_type, query, year=year)
                    if h.tmdb_id not in found
                )
            # TMDB's first few per title: a short title's many hits must not crowd out another's.
            hits.update(
                (tmdb_id, hit) for tmdb_id, hit in list(found.items())[:SEARCH_TOP_N] if tmdb_id not in hits
            )
        return tuple(hits.values())


def search_queries(parsed: ParsedName) -> Iterator[str]:
    """Query variants, most literal first: every title the name carries (the whole title, a
    bracketed alternative, each script's part of a title written in two), all searched; then,
    when none is found, fallbacks until one is. TMDB ANDs query words, so one word it lacks (a
    cour's subtitle, "Kays" for "Kay's", "5000" for "5,000") empties the result: the fallbacks are
    the title with trailing words dropped and its longest words alone. Ranking
    compares the candidates with the whole title afterwards, so a loose query costs no accuracy."""
    yield from queried_titles(parsed)
    words = parsed.title.split()
    for dropped in range(1, min(MAX_DROPPED_WORDS, len(words) - 1) + 1):
        yield " ".join(words[:-dropped])
    meaningful = [w for w in words if any(ch.isalnum() for ch in w)]
    if len(meaningful) > DISTINCTIVE_WORDS:
        longest = set(sorted(meaningful, key=len, reverse=True)[:DISTINCTIVE_WORDS])
        yield " ".join(w for w in meaningful if w in longest)


def _one_place(hits: list[TitleHit]) -> TitleHit:
    """One id's index hits as one: the best similarity, and the season they name when the best
    hits are exact and agree on it (a regular season outranks Specials, which often repeat a
    season's title for its recap or OVA)."""
    similarity = max(h.similarity for h in hits)
    best = [h for h in hits if h.similarity == similarity]
    places = {(h.season, h.episode_offset) for h in best}
    regular = {p for p in places if p[0] != SPECIALS_SEASON}
    if len(places) > 1 and regular:
        places = regular
    season, offset = next(iter(places)) if len(places) == 1 and similarity == 1.0 else (None, 0)
    return replace(best[0], season=season, episode_offset=offset)


def _best_first(options: list[Option]) -> tuple[Option, ...]:
    return tuple(sorted(options, key=lambda o: (-o.total, -o.details.popularity, o.details.tmdb_id)))


def _total(parts: list[tuple[str, float]]) -> Score:
    return Score(round(max(0.0, min(1.0, sum(v for _, v in parts))), 4), tuple(parts))


def _media_types(parsed: ParsedName) -> tuple[MediaType, ...]:
    """Where to look: a name with neither an episode nor a movie's marks may be either."""
    if parsed.kind == "unknown":
        return ("movie", "tv")
    return ("movie",) if parsed.kind == "movie" else ("tv",)


def _no_place(parsed: ParsedName) -> str:
    if parsed.kind == "special" or parsed.episodes == (0,):
        return "a special, and TMDB has no Specials season for it"
    return "episode fits no TMDB season"


def _seasons_holding(parsed: ParsedName, details: TitleDetails) -> int:
    """How many regular seasons are long enough for the file's episodes."""
    last = max(parsed.episodes, default=1)
    return sum(1 for s in details.seasons if s.number >= 1 and s.episode_count >= last)


def _candidate(evaluation: Evaluation) -> Candidate:
    details = evaluation.details
    return Candidate(details.media_type, details.tmdb_id, details.title, details.year, evaluation.score.total)


def _too_close(best: Evaluation, rival: Evaluation) -> bool:
    """A different title scoring within the margin, and not clearly less known, is a coin flip."""
    if best.score.total - rival.score.total >= AMBIGUITY_MARGIN:
        return False
    return best.details.popularity < POPULARITY_TIE_RATIO * rival.details.popularity
