"""Release-name shapes read directly, where anitopy's token guessing goes wrong.

anitopy guesses which number is the episode token by token, so numbers inside titles win
(``86``, ``3x3 Eyes``, ``Fairy Tail - 100 Years Quest - 01``, ``2.5 Dimensional Seduction``), the
last bracket of an all-bracket name becomes the title (``[encoded by SEED]``), and glued forms
(``-ep1``, ``EX01``) are left in the title. The shapes below are unambiguous when they match, so
they override anitopy; the ``parse``-library patterns are the fallback when anitopy finds no title
or no episode at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import parse

# An episode token: ``07``, ``07v2``, ``01-02``, ``01~02``, ``01+02``, ``12.5``.
_NUMBER: Final = r"(?P<ep>\d{1,4})(?:\.(?P<half>5))?(?:[-~+](?P<last>\d{1,4}))?(?:v(?P<version>\d))?"
_AFTER: Final = r"(?=\s*(?:[\[(【]|$))"
_EPISODE_WORD: Final = r"(?:Episode\s*|Ep\.?\s*|E)?"
# ``Title - 07 [1080p]``: the number after the last spaced dash, followed only by tags (or the
# "END" groups put on a season's last episode).
_END: Final = r"(?:\s+(?:END|FINAL|Fin))?"
DASH_EPISODE: Final = re.compile(rf"\s+-\s+{_EPISODE_WORD}{_NUMBER}{_END}{_AFTER}", re.IGNORECASE)
# ``[Group] Title 07 [1080p]``: no dash, the number is the last word before the tags.
LAST_WORD_EPISODE: Final = re.compile(
    rf"^(?P<title>\S.*?)\s+{_EPISODE_WORD}{_NUMBER}{_END}"
    r"(?=(?:\s*[\[(【][^\])】]*[\])】])*\s*$)",
    re.IGNORECASE,
)
# ``Title.Part.2.2012.1080p.BluRay``: a scene movie's year sits just before the technical tags.
SCENE_MOVIE: Final = re.compile(
    r"^(?P<title>[^\s\[\]]+?)\.(?P<year>(?:19|20)\d{2})\.(?:\d{3,4}p|BluRay|BDRip|WEB|HDTV|DVDRip|REMUX)\b",
    re.IGNORECASE,
)
# ``Title - OVA``, ``Title - SP02``, ``Title - NCOP1``, ``Title - Episode 0``, ``Title - Recap``.
DASH_SPECIAL: Final = re.compile(
    r"\s+-\s+(?P<kind>OVA|OAD|ONA|SP|Specials?|NCOP|NCED|OP|ED|PV|CM|Preview|Recap|Picture Drama|EX)"
    rf"\s?(?P<ep>\d{{1,3}})?(?:v(?P<version>\d))?{_AFTER}",
    re.IGNORECASE,
)
SCENE_EPISODES: Final = re.compile(r"\bS(\d{1,2})((?:[ ._-]?E\d{1,4})+)(?![a-z\d])", re.IGNORECASE)
EPISODE_TOKEN: Final = re.compile(r"E(\d{1,4})", re.IGNORECASE)
_BRACKET: Final = re.compile(r"\[([^\[\]]*)\]")
_ONLY_BRACKETS: Final = re.compile(r"(?:\s*\[[^\[\]]*\]\s*)+")
_PURE_NUMBER: Final = re.compile(r"\d{1,4}(?:v\d)?")
_MOVIE: Final = re.compile(
    r"^(?:\s*[\[【][^\]】]*[\]】])*\s*(?P<title>[^\[(【]*?\w[^\[(【]*?)\s*\((?P<year>(?:19|20)\d{2})\)\s*(?:[\[(].*)?$"
)
LEADING_BRACKETS: Final = re.compile(r"^\s*(?:[\[【(][^\]】)]*[\]】)]\s*[★☆♪・]*\s*)+")


@dataclass(frozen=True, slots=True)
class Reading:
    """What one shape says about a name: the title text as written and the numbers after it."""

    title: str
    episodes: tuple[int, ...]
    special: str | None = None
    version: int | None = None
    group: str | None = None
    season: int | None = None
    year: int | None = None
    rest: str = ""
    """What follows the numbers (tags, an absolute range in parentheses)."""


def episode_numbers(first: int, last: int | None) -> tuple[int, ...]:
    """``01-02`` → (1, 2); a "range" that runs backwards or absurdly far is two separate numbers."""
    if last is None:
        return (first,)
    if first < last <= first + 50:
        return tuple(range(first, last + 1))
    return (first, last)


def read_dash(stem: str) -> Reading | None:
    """The fansub shape ``[Group] Title - 07v2 [tags]`` (also ``- SP02``, ``- OVA``, ``- 12.5``)."""
    special = _last(DASH_SPECIAL, stem)
    episode = _last(DASH_EPISODE, stem)
    if special and (not episode or special.start() > episode.start()):
        number = special.group("ep")
        return Reading(
            title=stem[: special.start()],
            episodes=(int(number),) if number else (),
            special=special.group("kind"),
            version=_opt_int(special.group("version")),
            rest=stem[special.end() :],
        )
    if not episode:
        return None
    first = int(episode.group("ep"))
    if episode.group("half"):
        return Reading(
            title=stem[: episode.start()],
            episodes=(),
            special=f"{first}.5",
            version=_opt_int(episode.group("version")),
            rest=stem[episode.end() :],
        )
    return Reading(
        title=stem[: episode.start()],
        episodes=episode_numbers(first, _opt_int(episode.group("last"))),
        version=_opt_int(episode.group("version")),
        rest=stem[episode.end() :],
    )


def read_scene(stem: str) -> Reading | None:
    """``Title.S01E05E06.1080p…`` / ``Title - S01E01-E02``: season and episodes, title before them."""
    scene = SCENE_EPISODES.search(stem)
    if not scene:
        return None
    numbers = [int(e) for e in EPISODE_TOKEN.findall(scene.group(2))]
    episodes = episode_numbers(numbers[0], numbers[-1]) if "-" in scene.group(2) else tuple(numbers)
    return Reading(title=stem[: scene.start()].rstrip(" ._-"), episodes=episodes, season=int(scene.group(1)))


def read_movie(stem: str) -> Reading | None:
    """``[Group] Title (1993) [BD 1080p]`` or ``Title.2012.1080p.BluRay``: a year ends a movie title."""
    match = _MOVIE.match(stem) or SCENE_MOVIE.match(stem)
    if not match:
        return None
    return Reading(title=match.group("title"), episodes=(), year=int(match.group("year")))


def read_last_word(stem: str) -> Reading | None:
    """``[Group] Title 07 [1080p]``: trusted over anitopy, which picks numbers inside titles
    ("Mob Psycho 100 2nd Season 11"), unless the number is a year or counts a season/part/movie."""
    match = LAST_WORD_EPISODE.match(LEADING_BRACKETS.sub("", stem))
    if not match or match.group("half"):
        return None
    first = int(match.group("ep"))
    title = match.group("title")
    if first in _YEARS or (_COUNTED_WORD.search(title) and not _ORDINAL_COUNTED.search(title)):
        return None
    return Reading(
        title=title,
        episodes=episode_numbers(first, _opt_int(match.group("last"))),
        version=_opt_int(match.group("version")),
    )


def read_brackets(stem: str) -> Reading | None:
    """``[Group][Title][07][720p][encoded by X]``: the title is the bracket just before the number."""
    if not _ONLY_BRACKETS.fullmatch(stem):
        return None
    parts = [part.strip() for part in _BRACKET.findall(stem)]
    for index, part in enumerate(parts):
        if _PURE_NUMBER.fullmatch(part) and index > 0 and any(ch.isalpha() for ch in parts[index - 1]):
            number = part.split("v")
            return Reading(
                title=parts[index - 1],
                episodes=(int(number[0]),),
                version=int(number[1]) if len(number) > 1 else None,
                group=parts[index - 2] if index >= 2 else None,
            )
    return None


# Tried in order when anitopy yields no title or no episode: the first on the whole stem, the rest
# once leading group brackets are gone. ``parse`` patterns read like the names they match, which
# keeps this list reviewable as it grows. The generic "title number" shapes would read a year or a
# "Season 2" as an episode, so they refuse those.
_BRACKETED_TITLE: Final = parse.compile("[{title}].{ep:d}")  # [Keroro].148 (anitopy crashes on it)
_FALLBACKS: Final = tuple(
    (parse.compile(pattern, case_sensitive=False), special, generic)
    for pattern, special, generic in (
        ("{title}-ep{ep:d}{}", None, False),  # Title-ep1 [720p]
        ("{title}-ep{ep:d}", None, False),
        ("{title} ep{ep:d}{}", None, False),
        ("{title} EX{ep:d}{}", "EX", False),  # bonus episodes, filed as specials
        ("{title} EX{ep:d}", "EX", False),
        ("{title} - {ep:d}", None, True),
        ("{title} {ep:d}", None, True),
    )
)
_YEARS: Final = range(1900, 2100)
_ORDINAL_COUNTED: Final = re.compile(r"\d(?:st|nd|rd|th)\s+(?:Season|Part|Cour)$", re.IGNORECASE)
_COUNTED_WORD: Final = re.compile(r"\b(?:Season|Part|Cour|Vol|Volume|Movie|Film)$", re.IGNORECASE)


def read_fallback(stem: str) -> Reading | None:
    """The ``parse``-library patterns, on the stem with leading group brackets removed."""
    body = LEADING_BRACKETS.sub("", stem).strip()
    attempts: list[tuple[Any, str, str | None, bool]] = [(_BRACKETED_TITLE, stem, None, False)]
    attempts += [(pattern, body, special, generic) for pattern, special, generic in _FALLBACKS]
    for pattern, text, special, generic in attempts:
        result = pattern.parse(text)
        if result is None or not isinstance(result["ep"], int):
            continue
        if generic and (result["ep"] in _YEARS or _COUNTED_WORD.search(result["title"])):
            continue  # "Title 2016" is a year, "Title Season 2" a season, not episodes
        title = str(result["title"]).strip()
        if any(ch.isalpha() for ch in title):
            return Reading(title=title, episodes=(result["ep"],), special=special)
    return None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def _opt_int(text: str | None) -> int | None:
    return int(text) if text else None
