"""``parse_name``: one file or folder name → ``ParsedName`` (or None when nothing usable is in it).

Order of evidence: the unambiguous shapes in ``structure`` and ``words`` (scene ``S01E05``,
all-bracket names, fansub `` - 07``, episode words, batch ranges, ``Title (1993)`` movies) override
anitopy, because anitopy's token guessing is exactly what fails on those; anitopy supplies
everything else (group, resolution, CRC, year) and the title/episode when no shape matches, except
for plain fansub names, whose tags ``tags`` reads without it; a leading episode number, a glued
``Title-01`` and the ``parse``-library patterns catch what anitopy leaves without a title or an
episode. Then the title is normalised: bracketed junk and prefixes before the group go, season
markers, special suffixes, years and alternative titles move out of it into their own fields.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

import anitopy

from anivault.core.lookup.parsing.structure import (
    LEADING_BRACKETS,
    YEARS,
    Reading,
    bilingual,
    episode_numbers,
    non_latin,
    read_brackets,
    read_dash,
    read_fallback,
    read_last_word,
    read_movie,
    read_scene,
)
from anivault.core.lookup.parsing.tags import plain_release_tags
from anivault.core.lookup.parsing.text import (
    clean_name,
    sidecar_languages,
    split_extension,
    strip_language_tags,
)
from anivault.core.lookup.parsing.trailing import trailing_alternative
from anivault.core.lookup.parsing.words import (
    chinese_numeral,
    read_batch_range,
    read_bracket_number,
    read_dotted_number,
    read_episode_word,
    read_glued_dash,
    read_leading_number,
    read_number_before_season,
    read_number_word,
    read_scene_number,
)
from anivault.core.lookup.scan import SIDECAR_EXTENSIONS
from anivault.core.models import FileKind, ParsedName

_SPECIAL_SUFFIX: Final = re.compile(
    r"(?:[\s\-_]+T\d{1,2}(?=[\s\-_]+Trailer))?[\s\-_]+(OVA|OAD|ONA|SP|Specials?|Trailer)\s*$", re.IGNORECASE
)
"""``Title OVA``, ``Title Trailer``; ``Title T1 Trailer``: AniDB numbers trailers T1, T2."""
_SEASON_SUFFIX: Final = re.compile(
    r"\s*(?:無印\s*)?[(（]\s*第\s*(?P<glued>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[季期]\s*[)）]\s*$"
    r"|[\s\-_]+(?:S(?P<s>\d{1,2})|(?:Season|Part|Cour|Saison|Staffel|Stagione|Temporada)\s*(?P<season>\d{1,2})"
    r"|(?P<nth>\d{1,2})(?:st|nd|rd|th)\s+(?:Season|Part|Cour)"
    r"|Dai\s*(?P<dai>\d{1,2})\s*(?:Ki|Kisei|Cour|Bu|Season)"
    r"|第\s*(?P<cjk>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[季期])\s*$",
    re.IGNORECASE,
)
"""A season marker ending a title; a CJK counter may be glued on in brackets (``A's(第2期)``), and
``無印(第1期)`` ("the unmarked one") names a first season."""
_TITLE_SEPARATORS: Final = " /|／｜"
_TITLE_SEPARATOR: Final = re.compile(r"\s+[/／|｜]\s+|\s*／\s*")
"""``Title / 魔王學院的不適任者``, ``全职高手 第3季 | Title``: a native title beside the Latin one."""
_SPACED_SLASH: Final = re.compile(r"\s[/／]\s")
"""``English Title / Romaji Title``: two names of one show in Latin letters (a bar may be part of a
title: Sonarr's ``Anime, Title? | Japanse Anime, Title?`` is one)."""
_NATIVE_FIRST: Final = re.compile(
    r"^(?P<lead>(?:\s*[\[【][^\]】]*[\]】])*)\s*(?P<native>[^\[\]【】/／|｜]+?)"
    r"\s+[/／|｜]\s+(?P<rest>.*[a-zA-Z].*)$"
)
"""``[Group] 魔王學院的不適任者 / Title S02 - 01``, ``Босх: Спадок (S2E1) / Series: Legacy (S2E1)``:
the native title goes first, and its own numbers would be read before the Latin title's."""
_NATIVE_SEASON_FIRST: Final = re.compile(
    r"^(?P<native>.*[^\x00-\u024f].*?\s*第\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[季期])"
    r"\s+(?P<latin>[\x00-\u024f]*[a-zA-Z][\x00-\u024f]*)$"
)
"""``古见同学有交流障碍症 第二季 Komi-san wa, Komyushou Desu.``: a native title and its season counter,
then the Latin title, with no separator between them."""
_PART_WORD: Final = re.compile(r"\b(?:Part|Cour)\b", re.IGNORECASE)
_SEASON_WORD: Final = re.compile(r"[\s\-_]+(?:Season|Part|Cour)$", re.IGNORECASE)
_PAREN_YEAR_AND_MARK: Final = re.compile(r"\s*\((?P<year>(?:19|20)\d{2})\s+(?P<mark>[^()]+)\)$")
"""``Ajin (2016 Dai 2 Cour)``: a release year and a season marker in one pair of brackets."""
_PAREN_YEAR: Final = re.compile(r"\s*[(\[](?P<year>(?:19|20)\d{2})[)\]]$")
_BARE_YEAR: Final = re.compile(r"^(?P<title>.+?)[ ._]+(?P<year>(?:19|20)\d{2})$")
_ALTERNATIVE: Final = re.compile(
    r"^(?P<title>.+?)\s+(?:\((?P<alt>[^()]*[^\W\d_][^()]*)\)|~(?P<tilde>[^~]*[^\W\d_][^~]*)~)$"
)
"""``Title (Alt Title)``, ``Title ~Subtitle~``."""
_MARKED_ALTERNATIVE: Final = re.compile(r"^(?P<title>.+?)\s+\([^()]+\)\s+-\s+(?P<alt>.*[^\W\d_].*)$")
"""``Title (REVERSE) - Other Title``: a bracketed marker, then the title the show also goes by."""
_TECHNICAL: Final = r"(?:\d{3,4}p|HDTV|PDTV|SDTV|WEB-?DL|WEBRip|BDRip|BluRay|DVDRip|x26[45]|XviD)"
_TECHNICAL_TAIL: Final = re.compile(rf"[\s._\-]+{_TECHNICAL}[\s._\-]+{_TECHNICAL}\b.*$", re.IGNORECASE)
"""``Show Name - Temporada 1 720p HDTV x264``: source and codec tags that a reader left in a title
(two in a row: one alone may be a word of the title, as in guessit's "my 720p show")."""
_INNER_BRACKET: Final = re.compile(r"\s*\[(?P<inside>[^\[\]]*)\]\s*")
_PREFIX: Final = re.compile(r"\s*(?:\d{1,4}|\S+[.\-_\\/]|\S+\s+-)\s*")
"""What may stand before a group bracket: a list index (``37``), an uploader or site set off by a
dot or dash (``Uploader.``, ``www.site.com -``), or a Windows folder (``C:\\folder\\``)."""
_ABSOLUTE: Final = re.compile(
    r"^\s*(?:\((?P<first>\d{1,4})(?:-(?P<last>\d{1,4}))?\)"
    r"|-\s*(?:ep\.?\s*)?(?P<dashed>\d{1,4})(?:-(?:\d{1,4}-)*(?P<dashed_last>\d{1,4}))?(?=\s*(?:[.\[(-]|$)))",
    re.IGNORECASE,
)
"""An absolute number beside a season's episode: ``S01E01-02 (001-002)``, `` - 313-314``,
`` - 001-002-003``, `` - Ep.129``; not a year (``- 09 (2021)``), nor a number that opens an episode
title (``- 11 - 511 Kinderheim``). Beside a number without a season (``Title (2014) - 39 (137)``,
``Title 2 - 16-20 (191-195)``) the bracketed count runs across a whole franchise: the dash number
is the series' own count, which TMDB numbers by, so the franchise count is not kept."""
_TAGS: Final = re.compile(r"\s*[\[(【]")
_DECORATION: Final = re.compile(
    r"\]\s*(?:[★☆♪・◆◇][^\[\]★☆♪・◆◇]*[★☆♪・◆◇]|[★☆][^\[\]★☆♪・◆◇]*|[★☆♪・◆◇]*)\s*\["
)
"""Symbols between brackets, and a note wrapped in them or opened by a star (``】★10月新番★【``,
"October's new shows"; ``】★1月新番[``)."""
_REGION_NOTE: Final = re.compile(r"\s*[（(][僅仅]限[^（）()]{1,12}?地[區区][）)]")
"""A Taiwanese web release's licence note after the title (``第三季（僅限港澳臺地區）``, "Hong Kong,
Macau and Taiwan only"): a note about the stream, never part of the title or its season."""
_LEADING_GROUP: Final = re.compile(r"^\s*[\[【]([^\]】]+)[\]】]")
_SPLIT_EPISODE: Final = re.compile(r"\d+(?:\.5|[a-d])")
"""A half or part episode (``7.5``, ``111c``): not a regular episode of any TMDB season."""
_SPECIAL_KINDS: Final = frozenset(
    {"ova", "oad", "ona", "sp", "special", "specials", "ex", "recap", "picture drama"}
)
_EXTRA_KINDS: Final = frozenset({"ncop", "nced", "op", "ed", "pv", "cm", "preview", "menu", "trailer"})
_MOVIE_KINDS: Final = frozenset({"movie", "gekijouban"})
_PARSE_CACHE_SIZE: Final = 4096
"""Names remembered per process. Folder names repeat for every file they hold, so a few thousand
suffice; file names hardly repeat in a real library, so a larger cache would only spend each
parse worker's memory."""


@lru_cache(maxsize=_PARSE_CACHE_SIZE)
def parse_name(name: str) -> ParsedName | None:
    """Parse one file or folder name; None when no title comes out. Pure, memoised, never raises.

    Broken input (lone surrogates from undecodable bytes, NFD, bidi marks, emoji, trailing dots)
    is cleaned first; anitopy's own crashes on odd names count as "anitopy found nothing".
    """
    parsed = read_name(name)
    return parsed if parsed is not None and any(ch.isalnum() for ch in parsed.title) else None


def read_name(name: str) -> ParsedName | None:
    """``parse_name`` without the cache, keeping a name that has numbers but no title
    (``S01E04 - Episode Title``, ``1x04``): its folder names the series (``parse_file``)."""
    clean = clean_name(name)
    if (split := _NATIVE_FIRST.match(clean)) and non_latin(split["native"]):
        parsed = read_name(f"{split['lead']} {split['rest']}")
        native = read_name(split["native"])
        if parsed is not None and parsed.title:
            alternative = native.title if native is not None and native.title else split["native"].strip()
            return dataclasses.replace(parsed, alternative_title=alternative)
    stem, extension = split_extension(clean)
    languages: tuple[str, ...] = ()
    if extension.casefold() in SIDECAR_EXTENSIONS:
        languages = sidecar_languages(clean)
        stem = strip_language_tags(stem)
    if not stem:
        return None
    shape = _shape(stem)
    reading = (
        read_scene(shape)
        or read_brackets(shape)
        or read_dash(shape)
        or read_bracket_number(shape)
        or read_episode_word(shape)
        or read_number_word(shape)
        or read_batch_range(shape)
        or read_scene_number(shape)
        or read_number_before_season(shape)
        or read_movie(shape)
        or read_last_word(shape)
    )
    tags = plain_release_tags(shape, reading) if reading else None
    raw = tags if tags is not None else _anitopy(shape)
    title = str(raw.get("anime_title") or "")
    episodes = _episodes(raw.get("episode_number"))
    if reading is None and (not title or not episodes) and raw.get("anime_year") is None:
        reading = (
            read_leading_number(shape)
            or read_glued_dash(shape)
            or read_fallback(shape)
            or read_dotted_number(shape)
        )
    if reading is None:
        title = _as_written(title, shape)
    season = _int(raw.get("anime_season"))
    year = _int(raw.get("anime_year"))
    special = _first(raw.get("anime_type"))
    version = _int(raw.get("release_version"))
    absolute: tuple[int, ...] = ()
    alternative_in_brackets = None
    if reading is not None:
        title = LEADING_BRACKETS.sub("", reading.title) if not reading.group else reading.title
        episodes = reading.episodes
        season = reading.season  # anitopy's season came from inside the title ("3x3 Eyes") or is
        # repeated in it ("Title S2"), where the title normalisation below finds it again
        year = reading.year if reading.year is not None else year
        special = reading.special or (special if not episodes else None)
        alternative_in_brackets = reading.alternative
        version = reading.version or version
        absolute = reading.absolute or (_absolute(reading.rest) if season is not None else ())
    title, inner_group = _untangle(title)
    title, season, year, special, alternative = _normalise_title(
        title, stem, season, year, special, bare_year_is_movie=not episodes
    )
    if not any(ch.isalnum() for ch in title):
        if not episodes:
            return None
        title = ""
    if alternative is None and (alternative := alternative_in_brackets or _trailing(shape, title)):
        alternative, season = _season_of(alternative, season)
    kind = _kind(special, episodes, year)
    return ParsedName(
        title=title,
        season=season,
        episodes=episodes,
        kind=kind,
        year=year,
        group=_group(shape, title, reading, raw) or inner_group,
        resolution=_first(raw.get("video_resolution")),
        alternative_title=alternative,
        special=special if kind in ("special", "extra") else None,  # "Movie" is a kind, not a marker
        absolute_episodes=absolute,
        version=version,
        crc=_first(raw.get("file_checksum")),
        languages=languages,
    )


@lru_cache(maxsize=_PARSE_CACHE_SIZE)
def parse_folder_name(name: str) -> ParsedName | None:
    """Parse a folder name. A folder names a series or a season, not an episode, so a lone number
    anitopy takes for the episode belongs to the title ("Galaxy Express 999", "Slimes for 300
    Years … Season 2"); ranges and scene ``S01E01`` forms are still read as numbers."""
    parsed = parse_name(name)
    if parsed is None or not parsed.episodes:
        return parsed
    shape = _shape(split_extension(clean_name(name))[0])
    if read_scene(shape) or read_dash(shape) or read_brackets(shape):
        return parsed
    text = _TAGS.split(LEADING_BRACKETS.sub("", shape), maxsplit=1)[0]
    title, season, year, special, alternative = _normalise_title(
        text, shape, None, parsed.year, None, bare_year_is_movie=False
    )
    if not any(ch.isalnum() for ch in title):
        return parsed
    return dataclasses.replace(
        parsed,
        title=title,
        season=season,
        episodes=(),
        kind=_kind(special, (), year),
        year=year,
        special=special,
        alternative_title=alternative,
    )


def _shape(stem: str) -> str:
    """The stem as the readers see it: CJK lenticular brackets as square ones, decorations between
    brackets dropped (``【MMZYSUB】★【Golden Time】`` → ``[MMZYSUB][Golden Time]``), region notes
    dropped (``_REGION_NOTE``), and underscores
    as spaces when a name uses nothing else (old fansub style)."""
    if "【" in stem:
        stem = _DECORATION.sub("][", stem.replace("【", "[").replace("】", "]"))
    if "限" in stem:
        stem = _REGION_NOTE.sub("", stem)
    return stem.replace("_", " ") if " " not in stem else stem


def _anitopy(stem: str) -> Mapping[str, Any]:
    # A fixed extension stops anitopy from eating a dotted title part ("Aldnoah.Zero") as one. A
    # trailing dash is cut because anitopy 2.1.1 loops forever on one it cannot place as an episode
    # title's start ("[G] Show - Ep 01 - .mkv").
    try:
        return anitopy.parse(f"{stem.rstrip(' -_~')}.mkv") or {}
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return {}  # anitopy bugs on odd token sequences ("[Keroro].148"); the fallback reads those


def _normalise_title(
    title: str,
    stem: str,
    season: int | None,
    year: int | None,
    special: str | None,
    *,
    bare_year_is_movie: bool,
) -> tuple[str, int | None, int | None, str | None, str | None]:
    """Move season markers, special suffixes, years and an alternative title out of the title.

    A trailing bare year ("Kimi no Na wa 2016") is only taken when the name has no episodes: in an
    episode's title it is more often part of the name than a release year.
    """
    title = _TECHNICAL_TAIL.sub("", _spaced(title, stem))
    native = None
    if match := _NATIVE_SEASON_FIRST.match(title):
        title, native = match["latin"], match["native"]
    elif non_latin(title) or _SPACED_SLASH.search(title):
        title, native = bilingual(title.strip(_TITLE_SEPARATORS), _TITLE_SEPARATOR)
    if match := _SPECIAL_SUFFIX.search(title):
        special = special or match.group(1)
        title = title[: match.start()].strip()
    if (match := _PAREN_YEAR_AND_MARK.search(title)) and _SEASON_SUFFIX.fullmatch(f" {match['mark']}"):
        title = f"{title[: match.start()]} ({match['year']}) {match['mark']}"
    if match := _SEASON_SUFFIX.search(title):
        marked = _marked_season(match)
        title = title[: match.start()].strip()
        if _PART_WORD.search(match.group()) and (outer := _SEASON_SUFFIX.search(title)):
            marked = _marked_season(outer)  # "S03 - Part 1": a part of season 3
            title = title[: outer.start()].strip()
        season = season if season is not None else marked
    elif season is not None and (match := _SEASON_WORD.search(title)):
        title = title[: match.start()].strip()  # anitopy took "Season 2"'s number, not its word
    if match := _PAREN_YEAR.search(title):
        year = year if year is not None else int(match.group("year"))
        title = title[: match.start()].strip()
    elif bare_year_is_movie and year is None and (match := _BARE_YEAR.match(title)):
        title, year = match.group("title"), int(match.group("year"))
    alternative = None
    if match := _MARKED_ALTERNATIVE.match(title) or _ALTERNATIVE.match(title):
        title, alternative = match.group("title"), (match.group("alt") or match.group("tilde")).strip()
    if native is not None:
        native, season = _season_of(native, season)
    return title.strip(" -_").rstrip(_TITLE_SEPARATORS), season, year, special, native or alternative


def _season_of(alternative: str, season: int | None) -> tuple[str, int | None]:
    """An alternative title without its own season marker (``Romaji Title Season 2``, ``致不灭的你
    第二季``), and the season: the name's own, else the one the alternative marks."""
    match = _SEASON_SUFFIX.search(alternative)
    if match is None or not alternative[: match.start()].strip(" -_"):
        return alternative, season
    return alternative[: match.start()].strip(" -_"), season if season is not None else _marked_season(match)


def _trailing(stem: str, title: str) -> str | None:
    """The other title in the parenthesis ending the name, unless the title already holds it."""
    alternative = trailing_alternative(stem)
    return alternative if alternative is not None and alternative.casefold() not in title.casefold() else None


def _marked_season(match: re.Match[str]) -> int:
    # ``第四季``, ``第2期``: Chinese and Japanese season counters
    if cjk := match.group("cjk") or match.group("glued"):
        return int(cjk) if cjk.isdigit() else chinese_numeral(cjk)
    return int(match.group("s") or match.group("season") or match.group("nth") or match.group("dai"))


def _untangle(title: str) -> tuple[str, str | None]:
    """(title, group) from a title that still holds brackets: ``Title [Dual Audio]`` → ``Title``;
    an index or uploader before the group (``37 [Group] Title``, ``Uploader.[Group] Title``) → the
    title after the group, and that group."""
    match = _INNER_BRACKET.search(title)
    if match is None:
        return title, None
    before, after = title[: match.start()], _INNER_BRACKET.sub(" ", title[match.end() :])
    if _PREFIX.fullmatch(before) and any(ch.isalpha() for ch in after):
        after = after.strip(" _.")
        return (after if " " in after else after.replace("_", " ")), match.group("inside").strip() or None
    return before, None


def _spaced(title: str, stem: str) -> str:
    """Underscores are separators when a name has no spaces; dots only in dot-separated names;
    a dash or plus when it also joins the title to the rest (``show-name-episode-25``,
    ``Show+Name+Episode+3``; not ``Rent-a-Girlfriend``)."""
    if " " not in stem:
        title = title.replace("_", " ")
    if " " not in stem and "_" not in stem and (joiner := _joiner_after(title, stem)):
        title = title.replace(joiner, " ")
    if " " not in stem and "_" not in stem and stem.count(".") >= 2:
        title = title.replace(".", " ")
    return " ".join(title.split())


def _joiner_after(title: str, stem: str) -> str:
    """The dash or plus right after ``title`` in ``stem``, or ""."""
    at = stem.find(title)
    following = stem[at + len(title) : at + len(title) + 1] if at >= 0 and title else ""
    return following if following in ("-", "+") else ""


def _as_written(title: str, stem: str) -> str:
    """anitopy's title re-read from the name, so dots and "..." inside a title survive."""
    words = title.split()
    if not words:
        return title
    pattern = r"[\s._]+".join(re.escape(word) for word in words)
    match = re.search(pattern + r"[.]*", stem)
    return match.group() if match else title


def _kind(special: str | None, episodes: tuple[int, ...], year: int | None) -> FileKind:
    marker = (special or "").casefold()
    if marker in _EXTRA_KINDS:
        return "extra"
    if marker in _SPECIAL_KINDS or _SPLIT_EPISODE.fullmatch(marker) or 0 in episodes:
        return "special"  # regular TMDB seasons start at episode 1, and have no half episodes
    if marker in _MOVIE_KINDS or (not episodes and year is not None):
        return "movie"
    return "episode" if episodes else "unknown"


def _group(stem: str, title: str, reading: Reading | None, raw: Mapping[str, Any]) -> str | None:
    """The leading bracket (numeric ones too: ``[46620]``) unless it holds the title itself;
    anitopy's guess only when it has letters (it takes an absolute range ``(191-195)`` for one)."""
    if reading is not None and reading.group:
        return reading.group
    leading = _LEADING_GROUP.match(stem)
    if leading:
        group = leading.group(1).strip()
        return None if group == title else group
    guess = _first(raw.get("release_group"))
    return guess if guess and any(ch.isalpha() for ch in guess) and guess != title else None


def _absolute(rest: str) -> tuple[int, ...]:
    match = _ABSOLUTE.match(rest)
    if not match:
        return ()
    first = int(match.group("first") or match.group("dashed"))
    last = _int(match.group("last") or match.group("dashed_last"))
    return () if last is None and first in YEARS else episode_numbers(first, last)


def _episodes(value: object) -> tuple[int, ...]:
    numbers = [n for n in (_int(v) for v in (value if isinstance(value, list) else [value])) if n is not None]
    if len(numbers) == 2:
        return episode_numbers(numbers[0], numbers[1])
    return tuple(numbers)


def _int(value: object) -> int | None:
    text = _first(value)
    return int(text) if text is not None and text.isascii() and text.isdigit() else None


def _first(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None
