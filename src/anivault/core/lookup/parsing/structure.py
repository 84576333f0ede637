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

# An episode token: ``07``, ``07v2``, ``01-02``, ``01 ~ 10``, ``01+02``, ``01-02-03``, ``215 ao 220``
# (Portuguese "to"), and the half and part episodes ``12.5`` and ``111C`` / ``01b``.
_NUMBER: Final = (
    r"(?P<ep>\d{1,4})(?:\.(?P<half>5)|(?P<part>[a-d]))?"
    r"(?:(?:\s?[-~+]\s?|\s(?:to|ao|à)\s)(?:\d{1,4}[-+])*(?P<last>\d{1,4}))?"
    r"(?:v(?P<version>\d))?"
)
# ``Title 01 - 119``, ``Title E10 - E17``: the first number of a range the dash reader ends with.
_RANGE_START: Final = re.compile(
    r"\s(?:(?:E|EP|Episode)\s?(?P<marked>\d{1,4})|(?P<first>0[1-9]\d{0,2}))$", re.IGNORECASE
)
_AFTER: Final = r"(?=\s*(?:[\[(【]|$|-\s))"
_REPEATED_EPISODE: Final = re.compile(r"\s*\((?P<ep>\d{2})\)")
"""``Duckman - 101 (01)``: a three-digit number whose last two digits come again in brackets is a
season and an episode (``101`` is season 1, episode 01), not an absolute number."""
"""What may follow an episode number: tags, the end, or an episode title after a dash."""
_EPISODE_WORD: Final = r"(?:Episode\s*|Ep\.?\s*|E)?"
# ``Title - 07 [1080p]``: the number after the last spaced dash, followed only by tags (or the
# "END" groups put on a season's last episode). A dash glued to a closing bracket is as plain a
# separator (``男女之间存在纯友情吗？（不，不存在!!）-01``): a bracket ends a title, never a number.
_END: Final = r"(?:\s+(?:END|FINAL|Fin))?"
_DASH: Final = r"(?:\s+-\s+|(?<=[)\]）】」』])\s*-\s*)"
DASH_EPISODE: Final = re.compile(rf"{_DASH}{_EPISODE_WORD}{_NUMBER}{_END}{_AFTER}", re.IGNORECASE)
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
# ``Title - OVA``, ``Title - SP02``, ``Title - NCOP1``, ``Title - Episode 0``, ``Title - Recap``, and
# AniDB's numbered trailers ``Title - T1 - Trailer``.
DASH_SPECIAL: Final = re.compile(
    r"(?:\s+(?:-\s+)?T(?P<trailer>\d{1,2})(?=\s+-\s+Trailer))?\s+-\s+"
    r"(?P<kind>OVA|OAD|ONA|SP|Specials?|NCOP|NCED|OP|ED|PV|CM|Preview|Recap|Picture Drama|EX|Trailer)"
    rf"\s?(?P<ep>\d{{1,3}})?(?:v(?P<version>\d))?{_AFTER}",
    re.IGNORECASE,
)
# ``S01E05``, ``s03-e01``, ``S1-E1``, ``S01EP01``, ``S6.E1``, ``S2013E14`` (a year as the season),
# ``S006E18``, also glued to a word (``grp-zoos01e11``).
SCENE_EPISODE: Final = re.compile(
    r"(?:\b|(?<=[a-z]))S(?P<season>\d{1,4})[ ._-]?(?P<mark>E(?:P\.?)?)(?P<ep>\d{1,5})(?:v(?P<version>\d))?"
    r"(?![a-df-z\d])",
    re.IGNORECASE,
)
# ``1x05``, ``2x04``, ``2009x09``, ``1 x 03``, ``2×7``: never a resolution (``1280x720``), so the
# season has at most two digits unless it is a year, and never a channel count (``5.1x2``).
CROSS_EPISODE: Final = re.compile(
    r"(?<![^\W_]|×)(?<!\d\.)(?P<season>\d{1,2}|(?:19|20)\d{2})(?P<mark>[x×]| [x×] )(?P<ep>\d{1,3})(?![\d×])",
    re.IGNORECASE,
)
# ``Friends.s10.06.2003.BDRip``, ``Title.S01.12.mkv``: a dotted season and a two-digit episode with
# no ``E`` between them; only between dots, so a resolution or a date (``S01.2010.11.23``) is none.
DOTTED_EPISODE: Final = re.compile(
    r"(?<=\.)S(?P<season>\d{1,2})\.(?P<mark>)(?P<ep>\d{2})(?=\.|$)", re.IGNORECASE
)
# What may follow a first scene episode and add more: ``E02``, ``-02``, ``-E02``, ``+02``, `` & S01E02``,
# `` - S01E03``, ``.S01E03``, ``x05`` (``2x04x05``), ``_02`` (``8x01_02``). A bare number needs a tight
# joiner; a marked one (``E``, ``S01E``, ``1x``) may stand after spaces, dots or a spaced joiner.
_MORE_EPISODES: Final = re.compile(
    r"(?P<joiner>[ ._]*(?:[-~+&]|and|to|à|ao)?[ ._]*)"
    r"(?P<mark>(?:S(?P<season>\d{1,4})[ ._-]?)?E(?:P\.?)?|(?P<cross>\d{1,4})[x×]|[x×])?"
    r"(?P<ep>\d{1,5})(?![\dpi]|[a-df-wyz])",
    re.IGNORECASE,
)
# ``Bleach s16e03-04.313-314-GROUP``, ``Show S10E14 214``: absolute numbers after the scene form,
# ending the name or followed by tags or a ``-GROUP``.
_ABSOLUTE_AFTER: Final = re.compile(
    r"[ ._]+(?P<first>\d{2,4})(?:-(?P<last>\d{2,4}))?(?=[ ._]*(?:[\[(]|-[^\W\d_]|$))"
)
# ``Show Name 313-315 s16e03-05``, ``Show - 313-315 - s16e03-05``, ``Title - 05 - S01E05``,
# ``Title - 12 (S01E12)``, ``Title - 01 - (S01E01)``, ``Title - 07.5 (S00E01)``: before the scene
# form a number set off by a dash, or a range; one number after a space alone may end the title
# ("Mob Psycho 100 S02E01").
# A half episode's number is no absolute number, but it is not the title's either.
_ABSOLUTE_BEFORE: Final = re.compile(
    r"(?:\s+-\s+|[ ._]+(?:-[ ._]+)?(?=\d{2,4}-\d))(?P<first>\d{2,4})(?:-(?P<last>\d{2,4})|(?P<half>\.5))?"
    r"[ ._]*(?:-[ ._]*)?(?:\(\s*)?$"
)
# ``[HR] Title 87 (S4-24)``: season 4, episode 24 in brackets after the absolute number.
_BRACKETED_SCENE: Final = re.compile(
    r"\s(?P<first>\d{1,4})\s+\(S(?P<season>\d{1,2})-(?P<ep>\d{1,3})\)", re.IGNORECASE
)
_WORD_AFTER: Final = re.compile(r" [^\W\d_]")
_EPISODE_WORD_END: Final = re.compile(r"[\s._-]+(?:Ep|Episode)[\s._-]*$", re.IGNORECASE)
"""``Star Trek DS9 Ep 2x03``: the word that announced the scene episode is not the title's."""
_TIGHT_JOINER: Final = re.compile(r"[-+&_]")
_RANGE_JOINER: Final = re.compile(r"-|~|\bto\b|\bà\b|\bao\b", re.IGNORECASE)
_BRACKET: Final = re.compile(r"\[([^\[\]]*)\]")
_ONLY_BRACKETS: Final = re.compile(r"(?:\s*\[[^\[\]]*\]\s*)+")
# ``[07]``, ``[07v2]``, ``[12END]``, ``[13完]``, ``[第05话]``, ``[857集]``, ``[01-24完]``, ``[166-192TV]``,
# ``[215 Fin]``.
_BRACKET_NUMBER: Final = re.compile(
    r"第?(?P<ep>\d{1,4})(?:\s*[-~]\s*(?P<last>\d{1,4}))?(?:v(?P<version>\d))?\s*(?:END|完|Fin|TV|[話话集])?",
    re.IGNORECASE,
)
_BILINGUAL: Final = re.compile(r"\s*/\s*|_(?=[\x00-\x7f]*$)")
"""``[哥布林杀手/Goblin Slayer]``, ``[多田君不恋爱_Tada-kun wa Koi wo Shinai]``: two titles in one bracket."""
_MOVIE: Final = re.compile(
    r"^(?:\s*[\[【][^\]】]*[\]】])*\s*(?P<title>[^\[(【]*?\w[^\[(【]*?)\s*\((?P<year>(?:19|20)\d{2})\)\s*(?:[\[(].*)?$"
)
LEADING_BRACKETS: Final = re.compile(r"^\s*(?:[\[【(][^\]】)]*[\]】)]\s*[★☆♪・]*\s*)+")


_LAST_LATIN_LETTER: Final = "\u024f"
YEARS: Final = range(1900, 2100)
"""Numbers that read as a year before they read as an episode."""
_LONGEST_RANGE: Final = 1500
"""A whole long runner in one batch (``One Piece (0001-1071)``) is still a range."""


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
    alternative: str | None = None
    """A second title beside the title (``[哥布林杀手/Goblin Slayer]``)."""
    absolute: tuple[int, ...] = ()
    """Absolute numbers written beside a season's episode numbers (``S16E03-05 313-315``)."""


def episode_numbers(first: int, last: int | None) -> tuple[int, ...]:
    """``01-02`` → (1, 2); a "range" that runs backwards or absurdly far is two separate numbers."""
    if last is None:
        return (first,)
    if first < last <= first + _LONGEST_RANGE:
        return tuple(range(first, last + 1))
    return (first, last)


def read_dash(stem: str) -> Reading | None:
    """The fansub shape ``[Group] Title - 07v2 [tags]`` (also ``- SP02``, ``- OVA``, ``- 12.5``)."""
    special = _last(DASH_SPECIAL, stem)
    episode = _last(DASH_EPISODE, stem)
    if special and (not episode or special.start() > episode.start()):
        return _dash_special(stem, special, episode)
    if not episode:
        return None
    first = int(episode.group("ep"))
    if split := episode.group("half") or episode.group("part"):
        return Reading(  # "12.5", "111c": a half or part episode, filed as a special
            title=stem[: episode.start()],
            episodes=(),
            special=f"{first}.{split}" if episode.group("half") else f"{first}{split}",
            version=optional_int(episode.group("version")),
            rest=stem[episode.end() :],
        )
    title, last = stem[: episode.start()], optional_int(episode.group("last"))
    if last is not None and first in YEARS:
        return None  # a date ("Title - 2014-08-15"), not episodes
    if last is not None and last <= first:
        first, last = last, None  # "Title - 12 - 05": the second number is the episode
    elif last is None and (start := _RANGE_START.search(title)):
        opening = int(start.group("marked") or start.group("first"))
        if opening < first:
            title, first, last = title[: start.start()], opening, first  # "Title 01 - 119"
    rest = stem[episode.end() :]
    season = None
    repeated = _REPEATED_EPISODE.match(rest) if last is None and 100 <= first < 1000 else None
    if repeated and first % 100 == int(repeated.group("ep")):
        season, first, rest = first // 100, first % 100, rest[repeated.end() :]
    return Reading(
        title=title,
        episodes=episode_numbers(first, last),
        version=optional_int(episode.group("version")),
        season=season,
        rest=rest,
    )


def _dash_special(stem: str, special: re.Match[str], episode: re.Match[str] | None) -> Reading:
    """``Title - OVA2``; ``Title - 01 - OVA``, where the number before the special's word is its
    number (an episode number in that place would have nothing after it but the word)."""
    title, number = stem[: special.start()], special.group("ep") or special.group("trailer")
    if (
        number is None
        and episode is not None
        and episode.end() == special.start()
        and not (episode.group("half") or episode.group("part") or episode.group("last"))
    ):
        title, number = stem[: episode.start()], episode.group("ep")
    return Reading(
        title=title,
        episodes=(int(number),) if number else (),
        special=special.group("kind"),
        version=optional_int(special.group("version")),
        rest=stem[special.end() :],
    )


def read_scene(stem: str) -> Reading | None:
    """``Title.S01E05E06.1080p…``, ``Title - S01E01-E02``, ``Title.1x02.1x03``, ``Title.s06.01``:
    season, episodes, and the title before them. A ``1x02`` that opens a name and is followed by a
    word is a title (``3x3 Eyes - 01``), not a season and an episode."""
    scene = (
        next(filter(_not_glued_noise, SCENE_EPISODE.finditer(stem)), None)
        or _cross_episode(stem)
        or DOTTED_EPISODE.search(stem)
    )
    if scene is None:
        return _read_bracketed_scene(stem)
    season = int(scene.group("season"))
    form = _mark_form(scene.group("mark"))
    episodes, end = _more_episodes(stem, season, int(scene.group("ep")), scene.end(), form)
    version = scene.groupdict().get("version")
    title = stem[: scene.start()]
    absolute: tuple[int, ...] = ()
    if (after := _ABSOLUTE_AFTER.match(stem, end)) and (absolute := _absolute_beside(after, episodes)):
        end = after.end()
    elif before := _ABSOLUTE_BEFORE.search(title):
        absolute = () if before.group("half") else _absolute_beside(before, episodes)
        title = title[: before.start()] if absolute or before.group("half") else title
    return Reading(
        title=_EPISODE_WORD_END.sub("", title).rstrip(" ._-(["),
        episodes=episodes,
        season=season,
        version=int(version) if version else None,
        rest=stem[end:],
        absolute=absolute,
    )


def _read_bracketed_scene(stem: str) -> Reading | None:
    match = _BRACKETED_SCENE.search(stem)
    if match is None:
        return None
    episodes = (int(match.group("ep")),)
    return Reading(
        title=stem[: match.start()],
        episodes=episodes,
        season=int(match.group("season")),
        rest=stem[match.end() :],
        absolute=_absolute_beside(match, episodes),
    )


def _absolute_beside(match: re.Match[str], episodes: tuple[int, ...]) -> tuple[int, ...]:
    """The absolute numbers a scene episode carries beside it: as many as it has episodes, none
    below them (an absolute number counts every earlier season too), and not a year."""
    first = int(match.group("first"))
    numbers = episode_numbers(first, optional_int(match.groupdict().get("last")))
    if len(numbers) != len(episodes) or first < episodes[0] or first in YEARS:
        return ()
    return numbers


def _not_glued_noise(scene: re.Match[str]) -> bool:
    """A scene episode glued to a word is lower-case scene style (``grp-zoos01e11``); glued inside a
    mixed-case run (``gNWDXow11s7E0X7``, an obfuscated name) it is noise."""
    start = scene.start()
    return start == 0 or not scene.string[start - 1].isalpha() or scene.group().islower()


def _cross_episode(stem: str) -> re.Match[str] | None:
    cross = CROSS_EPISODE.search(stem)
    if cross is None:
        return None
    if len(cross.group("ep")) > 1:
        return cross
    # "3x3 Eyes - 01", "[Group] Title 3x3 - 01": a one-digit "episode" before a title word or a
    # fansub episode number is part of the title
    opens_name = not LEADING_BRACKETS.sub("", stem[: cross.start()]).strip()
    if (opens_name and _WORD_AFTER.match(stem, cross.end())) or DASH_EPISODE.search(stem, cross.end()):
        return None
    return cross


def _mark_form(mark: str | None) -> str:
    """``S01E``/``E`` → "e", ``Ep.`` → "ep", ``2x``/``x`` → "x": the way a name marks its episodes."""
    return "".join(ch for ch in (mark or "").casefold() if ch in "epx×").replace("×", "x")


def _more_episodes(stem: str, season: int, first: int, end: int, form: str) -> tuple[tuple[int, ...], int]:
    """The episodes that continue a scene episode at ``end``: a list (``E01E02``, ``.S01E03``) or a
    range when a dash or "to" joins them (``E01-E03``, ``1x01-03``); each must be above the last, so
    an absolute number after the scene form (``S01E01 - 001``) is not taken for another episode."""
    numbers = [first]
    ranged = False
    while (more := _MORE_EPISODES.match(stem, end)) is not None:
        number = int(more.group("ep"))
        joiner = more.group("joiner")
        marked = more.group("mark") is not None
        dotted_next = joiner == "." and number == numbers[-1] + 1  # ``S03E21.22``
        if number <= numbers[-1] or not (marked or dotted_next or _TIGHT_JOINER.fullmatch(joiner)):
            break
        if marked and _mark_form(more.group("mark")) != form:
            break  # ``S05E53 - Ep.129``: an absolute number in another notation, not a second episode
        if int(more.group("season") or more.group("cross") or season) != season:
            break  # ``1x05 1920x1080`` is a resolution
        if more.group("mark") in ("x", "X", "×") and joiner and not _TIGHT_JOINER.search(joiner):
            break  # ``2x04x05`` and ``1x01-x03`` continue, ``1x05.x264`` does not
        ranged = ranged or bool(_RANGE_JOINER.search(joiner))
        numbers.append(number)
        end = more.end()
    if ranged:
        return episode_numbers(numbers[0], numbers[-1]), end
    return tuple(numbers), end


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
    if not match or match.group("half") or match.group("part"):
        return None
    first = int(match.group("ep"))
    title = match.group("title")
    if first in YEARS or (_COUNTED_WORD.search(title) and not _ORDINAL_COUNTED.search(title)):
        return None
    last = optional_int(match.group("last"))
    if last is not None and last < first:  # ``Title 2-01``: no range runs backwards, so the
        # first number ends the title (a sequel's) and the second is the episode
        title, first, last = f"{title} {match.group('ep')}", last, None
    return Reading(
        title=title,
        episodes=episode_numbers(first, last),
        version=optional_int(match.group("version")),
    )


def read_brackets(stem: str) -> Reading | None:
    """``[Group][Title][07][720p][encoded by X]``: the title is the bracket just before the number
    (a year between them is the year: ``[Title][2019][02]``); a bracket in another script between
    the group and a Latin title is the native title (``[Group][致不灭的你 第二季][Title S2][10]``)."""
    if not _ONLY_BRACKETS.fullmatch(stem):
        return None
    parts = [part.strip() for part in _BRACKET.findall(stem)]
    for index, part in enumerate(parts):
        number = _BRACKET_NUMBER.fullmatch(part)
        if number is None or index == 0 or int(number.group("ep")) in YEARS:
            continue
        before = index - 1
        year = int(parts[before]) if parts[before].isdigit() and int(parts[before]) in YEARS else None
        if year is not None:
            before -= 1
        if before < 0 or not any(ch.isalpha() for ch in parts[before]):
            continue
        title, alternative = bilingual(parts[before], _BILINGUAL)
        group_at = before - 1
        if alternative is None and group_at >= 1 and non_latin(parts[group_at]) and not non_latin(title):
            alternative, group_at = parts[group_at], group_at - 1  # [Group][致不灭的你 第二季][Title S2][10]
        return Reading(
            title=title,
            episodes=episode_numbers(int(number.group("ep")), optional_int(number.group("last"))),
            version=optional_int(number.group("version")),
            group=parts[group_at] if group_at >= 0 else None,
            year=year,
            alternative=alternative,
        )
    return None


def non_latin(text: str) -> bool:
    """Whether ``text`` has a letter of another script than Latin (CJK, Cyrillic, …)."""
    return not text.isascii() and any(ch.isalpha() and ch > _LAST_LATIN_LETTER for ch in text)


def bilingual(text: str, separator: re.Pattern[str]) -> tuple[str, str | None]:
    """(title, alternative) of a text holding titles split by ``separator``: the last one written
    in Latin letters is the title, the first other one the alternative."""
    names = [name.strip() for name in separator.split(text) if name.strip()]
    latin = [name for name in names if any("a" <= ch.casefold() <= "z" for ch in name)]
    if len(names) < 2 or not latin:
        return text, None
    title = latin[-1]
    return title, next(name for name in names if name != title)


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
        if generic and (result["ep"] in YEARS or _COUNTED_WORD.search(result["title"])):
            continue  # "Title 2016" is a year, "Title Season 2" a season, not episodes
        title = str(result["title"]).strip()
        if any(ch.isalpha() for ch in title):
            return Reading(title=title, episodes=(result["ep"],), special=special)
    return None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def optional_int(text: str | None) -> int | None:
    return int(text) if text else None
