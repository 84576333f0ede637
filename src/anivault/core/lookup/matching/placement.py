"""Pure placement of a file inside a TMDB series: given seasons, continuing and absolute numbering,
a cour's year, sequel cours under their own title, specials; and ``--season-offset``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby

from rapidfuzz import fuzz

from anivault.core.lookup.matching.scoring import (
    all_titles,
    carried_titles,
    is_cjk,
    normalize_title,
    script_runs,
    title_similarity,
)
from anivault.core.models import ParsedName
from anivault.services.titles.index_file import AbsoluteRange
from anivault.services.tmdb.models import TitleDetails

SPECIALS_SEASON = 0
_ROMAN = {"ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}

Placement = tuple[int, tuple[int, ...]]


def extra_words(query: str, details: TitleDetails) -> tuple[str, ...]:
    """Words of ``query`` missing from the candidate's closest title: a cour's own number or
    subtitle ("Psycho-Pass 3", "Tokyo Ghoul Root A"), or mere spelling ("Kays")."""
    titles = [title for title in map(normalize_title, all_titles(details)) if title]
    if not titles:
        return ()
    wanted = normalize_title(query)
    closest = max(titles, key=lambda t: (fuzz.token_set_ratio(wanted, t), fuzz.ratio(wanted, t)))
    known = set(closest.split())
    return tuple(word for word in wanted.split() if word not in known)


class _Candidate:
    """A candidate's details as a memo key: hashed by its TMDB id, since hashing every season and
    translation per file would cost what the memo saves; equal only to equal details, so two
    fetches of one id that differ never share an answer."""

    __slots__ = ("details",)

    def __init__(self, details: TitleDetails) -> None:
        self.details = details

    def __hash__(self) -> int:
        return hash((self.details.media_type, self.details.tmdb_id))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Candidate) and (
            other.details is self.details or other.details == self.details
        )


MEMO_SIZE = 1 << 14
"""(title, candidate) pairs remembered: the words of a name do not depend on its episode, so a
series' files ask once; bounded because a run over 300k files meets many titles."""


def sequel_words(parsed: ParsedName, details: TitleDetails) -> tuple[str, ...]:
    """The words that make ``parsed`` a sequel of ``details`` ("3", "iii", "root a"); empty when the
    name gives its season itself or is plainly the series' own title, spelling aside."""
    if parsed.season is not None or details.media_type != "tv":
        return ()
    return _sequel_words(parsed.title, parsed.alternative_title, _Candidate(details))


@lru_cache(maxsize=MEMO_SIZE)
def _sequel_words(title: str, alternative_title: str | None, candidate: _Candidate) -> tuple[str, ...]:
    details = candidate.details
    closest = _closest_title(title, alternative_title, candidate)
    extra = extra_words(closest, details)
    if len(extra) == 1 and _season_word(extra[0]) is not None:
        return extra
    if not extra or _same_letters(closest, all_titles(details)):
        return ()
    return extra


OTHER_SCRIPT_SIMILARITY = 0.6
"""A title's part in another script is another title of the same work only when it is at least
this like one of the candidate's titles (TMDB's translations): else its words are the name's own
("OVERLORD 第四季": the fourth season)."""


def closest_title(parsed: ParsedName, details: TitleDetails) -> str:
    """Of the titles the name carries (a bracketed one, each script's part), the most like the
    candidate's: the words of the others are another title of the work, not a sequel's. When the
    closest is one script's part of the title or of the alternative title, and the other part is
    not like any of the candidate's titles, that other part is the name's own (an arc, a season):
    the whole is returned, so its words count as sequel words."""
    return _closest_title(parsed.title, parsed.alternative_title, _Candidate(details))


@lru_cache(maxsize=MEMO_SIZE)
def _closest_title(title: str, alternative_title: str | None, candidate: _Candidate) -> str:
    titles = all_titles(candidate.details)
    best = max(carried_titles(title, alternative_title), key=lambda query: title_similarity(query, titles))
    for carried in (title, alternative_title):
        runs = script_runs(carried) if carried else ()
        if best in runs and any(
            title_similarity(run, titles) < OTHER_SCRIPT_SIMILARITY for run in runs if run != best
        ):
            return carried or best
    return best


def _same_letters(query: str, titles: Sequence[str]) -> bool:
    """Only the spacing differs ("Kays" / "Kay's", "5000" / "5,000"): spelling, not a subtitle."""
    wanted = normalize_title(query).replace(" ", "")
    return any(normalize_title(t).replace(" ", "") == wanted for t in titles)


SeasonTitles = tuple[tuple[int, tuple[str, ...]], ...]
"""(season, its titles as written) per season: the title index's ``season_titles``."""


@dataclass(frozen=True, slots=True)
class SeasonNames:
    """How a series' seasons are named after its title: what each season's titles add to the
    series' own words (``Stardust Crusaders``, ``BorN``, ``Virgin Soul``), in any script."""

    series_words: frozenset[str]
    """Every word of the series' own titles (TMDB's name, aliases and translations)."""
    by_words: Mapping[frozenset[str], tuple[int, ...]]
    """A season's own words → the regular seasons whose titles add them, in order."""
    lengths: Mapping[int, int]
    """TMDB's regular seasons of the series and their episode counts."""

    @property
    def later_seasons_titled(self) -> bool:
        """Whether a season after the first has words of its own in the index's titles."""
        return any(season >= 2 for seasons in self.by_words.values() for season in seasons)

    def seasons_of(self, words: Iterable[str], episodes: tuple[int, ...]) -> tuple[int, ...]:
        """The seasons that the words after a series' title name; () when they name none.

        The words less the series' own ones must be exactly what a season's title adds, or hold
        one season number (``刀剑神域III UnderWorld``: a group's count beside its own subtitle)
        that TMDB has and no season's title contradicts. Words several seasons' titles add
        (``Sword Art Online: Alicization`` is given to seasons 3 and 4) name those of them that
        can hold ``episodes``, when any can: more than one is a guess for the caller to flag."""
        own = frozenset(part for word in words for part in _script_parts(word)) - self.series_words
        if not own:
            return ()
        named = self.by_words.get(own) or self._numbered(own)
        last = max(episodes, default=1)
        holding = tuple(season for season in named if self.lengths[season] >= last)
        return holding or named

    def _numbered(self, own: frozenset[str]) -> tuple[int, ...]:
        numbers = {(word, number) for word in own if (number := _season_word(word)) is not None}
        if len(numbers) != 1:
            return ()
        word, number = numbers.pop()
        rest = self.by_words.get(own - {word}, (number,))
        return (number,) if number in self.lengths and number in rest else ()


def season_names(details: TitleDetails, season_titles: SeasonTitles) -> SeasonNames:
    """``SeasonNames`` of ``details`` from its seasons' titles (regular seasons TMDB has only)."""
    series_words = _series_words(_Candidate(details))
    lengths = {s.number: s.episode_count for s in details.seasons if s.number >= 1}
    by_words: dict[frozenset[str], list[int]] = {}
    for season, titles in sorted(season_titles):
        if season in lengths:
            for title in titles:
                own = frozenset(_title_words(title)) - series_words
                if own and season not in by_words.setdefault(own, []):
                    by_words[own].append(season)
    return SeasonNames(series_words, {own: tuple(seasons) for own, seasons in by_words.items()}, lengths)


def series_part(title: str, words: tuple[str, ...], details: TitleDetails) -> str:
    """``title`` without the words that name a sequel's season, to judge it as the series'. Of a
    word glued across scripts only the parts in no title of the series go (``刀剑神域iii`` keeps
    ``刀剑神域``)."""
    series_words = _series_words(_Candidate(details))
    season = {
        part
        for parts in map(_script_parts, words)
        for part in parts
        if len(parts) == 1 or part not in series_words
    }
    kept = (
        "".join(p for p in _script_parts(word) if p not in season) for word in normalize_title(title).split()
    )
    return " ".join(word for word in kept if word)


@lru_cache(maxsize=MEMO_SIZE)
def _series_words(candidate: _Candidate) -> frozenset[str]:
    return frozenset(part for title in all_titles(candidate.details) for part in _title_words(title))


def _title_words(text: str) -> list[str]:
    return [part for word in normalize_title(text).split() for part in _script_parts(word)]


@lru_cache(maxsize=MEMO_SIZE)
def _script_parts(word: str) -> tuple[str, ...]:
    """A word split where CJK meets another script: groups glue a season count or a Latin
    subtitle to a Chinese title (``刀剑神域iii``), and catalogs glue ``ハイスクールdxd``. Memoised:
    a batch's every file carries the same words."""
    return tuple("".join(run) for _, run in groupby(word, key=is_cjk))


def sequel_season(
    parsed: ParsedName, details: TitleDetails, words: tuple[str, ...], *, by_length: bool = True
) -> int | None:
    """The TMDB season of a sequel cour released under its own title: "Title 2"/"Title III" when
    TMDB has that season, else (``by_length``) the only later season long enough to hold the
    episode; or None."""
    number = _season_word(words[0]) if len(words) == 1 else None
    if number is not None and details.season(number) is not None:
        return number
    if not by_length:
        return None
    last = max(parsed.episodes, default=1)
    later = [s.number for s in details.seasons if s.number >= 2 and s.episode_count >= last]
    return later[0] if len(later) == 1 else None


def _season_word(word: str) -> int | None:
    number = int(word) if word.isdigit() else _ROMAN.get(word)
    return number if number is not None and 2 <= number <= 99 else None


def place_episodes(parsed: ParsedName, details: TitleDetails) -> Placement | None:
    """(season, episodes) in TMDB's numbering for ``parsed``, or None when it does not fit.

    Continuing numbering (episode 13 of a show whose season 1 has 12) moves to later seasons;
    absolute numbers given beside the season's own (``S16E03 - 313``) are tried when those do not fit.
    Specials (and an episode 0) go to Season 00; a group's "SP2" is TMDB's S00E02 only by chance,
    so unless Specials holds a single episode the file keeps its own name there (no episode).
    """
    if parsed.kind == "special" or parsed.episodes == (0,):
        season0 = details.season(SPECIALS_SEASON)
        if season0 is None or season0.episode_count == 0:
            return None
        if season0.episode_count == 1 and parsed.episodes in ((), (0,), (1,)):
            return SPECIALS_SEASON, (1,)
        return SPECIALS_SEASON, ()
    placed = _place_regular(parsed, details)
    if placed is None and parsed.absolute_episodes:  # "S16E03 - 313": TMDB may number on
        placed = _place_regular(replace(parsed, season=None, episodes=parsed.absolute_episodes), details)
    return placed


def into_one_long_season(parsed: ParsedName, details: TitleDetails) -> Placement | None:
    """A season TMDB does not have, of a series TMDB keeps as one long season ("Yu-Gi-Oh 3x089"):
    the episode as written, in that season, when it is long enough. Whether the name numbers
    within its own season or from the start cannot be told, so this is a guess."""
    if parsed.season is None or details.season(parsed.season) is not None or not parsed.episodes:
        return None
    regular = [s for s in details.seasons if s.number >= 1]
    if len(regular) != 1 or min(parsed.episodes) < 1 or max(parsed.episodes) > regular[0].episode_count:
        return None
    return regular[0].number, parsed.episodes


LONGEST_OWN_SEASON = 99
"""Seasons numbering their episodes from 1 stay under this: an episode numbered higher under a
season TMDB does not have ("S21E1023") counts from the series' start, not from its own season."""


def numbered_from_start(parsed: ParsedName, split: Sequence[AbsoluteRange] = ()) -> bool:
    """Whether the name's episodes under a season TMDB lacks are surely counted from the series'
    start. ``split`` is another database's division of the series into seasons (the title index's
    ``absolute_ranges``), which bounds how far a season numbering from 1 goes: beyond its longest
    season ("Yu-Gi-Oh 3x089", whose longest there has 49), or inside the given season's own
    absolute range but beyond its length ("S03E080" where season 3 is 75-107). Without a split,
    ``LONGEST_OWN_SEASON`` is the bound."""
    last = max(parsed.episodes, default=0)
    if not split:
        return last > LONGEST_OWN_SEASON
    if last > max(r.last - r.first + 1 for r in split):
        return True
    own = next((r for r in split if r.season == parsed.season), None)
    return (
        own is not None
        and own.first <= min(parsed.episodes)
        and last <= own.last
        and last > own.last - own.first + 1
    )


def _place_regular(parsed: ParsedName, details: TitleDetails) -> Placement | None:
    if not parsed.episodes or 0 in parsed.episodes:  # regular TMDB seasons number from 1
        return None
    season_number = parsed.season if parsed.season is not None else _season_of_year(parsed, details)
    season = details.season(season_number)
    if season and max(parsed.episodes) <= season.episode_count:
        return season_number, parsed.episodes
    if season is None:
        return None
    continued = _continued(parsed.episodes, details)
    if parsed.season is None:
        return continued
    # "S02 - 22" of a show whose season 1 has 12: counted from the start (as Sonarr and Shoko
    # map absolute numbers by TMDB's episode counts), taken only when it lands in the season given.
    return continued if continued is not None and continued[0] == parsed.season else None


def _continued(episodes: tuple[int, ...], details: TitleDetails) -> Placement | None:
    """Episodes counted from the series' start, in the regular season that holds them."""
    offset = 0
    for later in sorted((s for s in details.seasons if s.number >= 1), key=lambda s: s.number):
        if min(episodes) - offset <= later.episode_count:
            shifted = tuple(e - offset for e in episodes)
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


def shift_seasons(parsed: ParsedName, offset: int) -> ParsedName:
    """``--season-offset``: the season the name gives (1 when none) moved by ``offset``; specials
    and movies stay where they are."""
    if not offset or parsed.kind != "episode":
        return parsed
    return replace(parsed, season=(parsed.season if parsed.season is not None else 1) + offset)
