"""Episode numbers that are not a fansub `` - 07``: spelled with a word, a batch range, a scene
number, or a number in front of the title.

Release names mark an episode with a word in many languages (``Episode.18``, ``episode-25``,
``EP1``, ``#957``, ``Capitulo 5``, ``Folge 5``, ``1. Bölüm``, ``第3話``), give a batch as a bracketed
range (``(01-25)``), write a scene episode as one number (``Title.103.HDTV`` is S01E03) or put the
number before the title (``05 - Title - Episode Title``). Each reader below returns a ``Reading``
whose title is the text before the number, or None; ``names`` decides the order they are tried in.
One reader says the opposite: a number before a bare season marker (``Title 00 S01``) is no episode.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

from anivault.core.lookup.parsing.structure import (
    LEADING_BRACKETS,
    YEARS,
    Reading,
    episode_numbers,
    optional_int,
)

_SPACED_CAP_END: Final = re.compile(r" (\d{3,4})(?!\w)")
_SEPARATORS: Final = " ._-+"

# ``Episode 5``, ``Episode.18``, ``episode-25``, ``Episode+3``, ``EP1``, ``Ep01-12``, ``E10 - E17``,
# ``#957``, ``Capitulo 5``, ``Cap.102``, ``Folge 5``, ``Aflevering 5``, ``afl.2-3-4``. The word must
# start a token, so a word ending in "e" or "ep" ("Recipe 5") is not a marker.
_WORD_EPISODE: Final = re.compile(
    r"(?:^|(?<=[\s._\-+\[(]))"
    r"(?P<word>Episodes?|Episodio|Epis[oó]dio|Episodul|Cap[ií]tulo|Cap|Folge|Aflevering|afl|EP|E|#)"
    r"(?:\.\s?|[\s_\-+]*)(?P<ep>\d{1,4})(?:v(?P<version>\d))?"
    r"(?:\s*(?:-|~|_|&|\b(?:to|à|ao|and|en)\b)\s*(?:(?:E|EP|Episode)\.?\s?)?(?:\d{1,4}-)*(?P<last>\d{1,4}))?"
    r"(?!\w|[*x×]\d)",
    re.IGNORECASE,
)
# ``5.серия``, ``69. Blm``, ``1. Bölüm``, ``7.Bolum``, ``第195話``, ``第3集``, ``857集``, ``第二十三集``.
_NUMBER_WORD: Final = re.compile(
    r"(?:第\s*(?P<cjk>\d{1,4})\s*[話话集回]|第(?P<numeral>[一二三四五六七八九十百〇零两]{1,6})[話话集回]|(?<!\d)(?P<ep>\d{1,4})\.?[\s._]*(?:серия|Blm|Bölüm|Bolum)\b"
    r"|(?<![\d第])(?P<bare>\d{1,4})\s*[話话集])",
    re.IGNORECASE,
)
_OF_COUNT: Final = re.compile(r"(?<!\d)(?P<of>\d{1,3})of\d{1,3}\b")
# ``Title (01-25) [1080p]``, ``Title 1017-1088 (WEB)``, ``Title S01 (01 - 12)``, ``(0001-1071+Movies)``,
# ``Title.493-498.&.500-507.(tags)`` (a batch missing one episode).
_BATCH_RANGE: Final = re.compile(
    r"^(?P<title>.*?\S)[\s.]+(?P<open>[(\[])?(?P<ep>\d{1,4})\s*[-~]\s*(?P<last>\d{1,4})"
    r"(?P<more>(?:[\s.]*[&,][\s.]*\d{1,4}\s*-\s*\d{1,4})*)(?(open)[)\]+]|(?=[\s.]*[(\[]|$))"
)
_MORE_RANGES: Final = re.compile(r"(\d{1,4})\s*-\s*(\d{1,4})")
# ``Title [01]``, ``Title [01-05]``, and ``Dragon Ball [5.134]``: season 5, episode 134. The episode
# after a dot has two digits or more, so a version or a channel count (``[1.0]``, ``[5.1]``) is none.
_TITLE_THEN_BRACKET: Final = re.compile(
    r"^(?P<title>(?:\s*\[[^\[\]]*\])*[^\[\]]*?[^\W\d_][^\[\]]*?)\s*"
    r"\[(?:(?P<season>\d{1,2})\.(?=(?!0+\])\d{2,4}\]))?(?P<ep>\d{1,4})(?:-(?P<last>\d{1,4}))?(?:v(?P<version>\d))?\]"
)
# ``GIBIATE.the.Animation.5``, ``[Group].Title.the.Animation.5.[Web][1080p]``: a dotted title with no
# digit in it, ending in a short number, then only tags.
_DOTTED_LAST_NUMBER: Final = re.compile(
    r"^(?P<title>[^\W\d_][^\s\d\[\]()]*?[^\W\d_])\.(?P<ep>\d{1,3})(?=\.?\[|$)"
)
# ``Title.103.720p.HDTV`` (S01E03), ``the.simpsons.2401.hdtv`` (S24E01), ``Title.10708.hdtv``
# (S01E07-E08), ``Title.101.102.hdtv``: a scene name whose number runs straight into the source tags.
_SCENE_NUMBER: Final = re.compile(
    r"^(?P<title>[^\[\]\s]*?[^\W_][^\[\]\s]*?)[._](?P<season>\d{1,2})(?P<ep>(?!00)\d{2})(?P<ep2>\d{2})?"
    r"(?:[._](?P=season)(?P<ep3>\d{2}))?"
    r"[._-](?=(?:hdtv|pdtv|sdtv|dsr|web|webrip|web-dl|\d{3,4}[pi]|x26[45]|h\.?26[45]|xvid|dvdrip|bdrip|bluray)\b)",
    re.IGNORECASE,
)
# ``FooBar.7.PDTV``: a short number before a TV source tag is an episode (a movie's sequel number
# is followed by a disc or web source, never by a broadcast one).
_BROADCAST_EPISODE: Final = re.compile(
    r"^(?P<title>[^\[\]\s]*?[^\W\d_][^\[\]\s]*?)[._](?P<ep>\d{1,2})[._-](?=(?:hdtv|pdtv|sdtv|dsr)\b)",
    re.IGNORECASE,
)
_COUNTED_BEFORE: Final = re.compile(
    r"(?:\d|\b(?:Season|Saison|Staffel|Stagione|Temporada|Part|Vol))$", re.IGNORECASE
)
"""``Title.Season.04.HDTV``, ``Title.2010.11.23.HDTV``: the number counts a season or ends a date."""
# ``05 - Title - Episode Title``, ``003. Title``, ``003-004. Title``, ``03-Title``, ``[Group] 06 Title``:
# zero-padded or set off by a dash or a dot and a space, so a title that starts with a number ("86",
# "91 Days", "30.Series.Season.04") is not taken for one.
_LEADING_NUMBER: Final = re.compile(
    r"^(?P<ep>0\d{1,3}|\d{1,4}(?=\s*-|\.\s))(?:-(?P<last>\d{1,4}))?(?:v\d)?(?:\s*-\s*|\.\s+|\s+|-)"
    r"(?P<title>[^\W\d_].*)$"
)
# ``Series_Title-01[1280x720]``, ``Jujutsu.Kaisen-09.x265``: a dash glued to the title and the number.
_GLUED_DASH: Final = re.compile(r"^(?P<title>.*[^\W\d_])-(?P<ep>\d{2,4})(?:v(?P<version>\d))?(?=[\[(.\s]|$)")
_EPISODE_TITLE: Final = re.compile(r"\s+-\s+|\s*[\[(]")
# ``[Grp] Title 00 S01 [BD 1080p]``, ``Title 100 Season 2 (1080p)``: a season pack whose title ends in
# a number; the season marker has no episode and only tags follow it.
_NUMBER_BEFORE_SEASON: Final = re.compile(
    r"(?<!-)\s\d{1,4}(?P<marker>[\s.]+(?:S|Season\s?)(?P<season>\d{1,2}))(?=(?:\s*[\[(][^\])]*[\])])*\s*$)",
    re.IGNORECASE,
)


def read_episode_word(stem: str) -> Reading | None:
    """A number marked by an episode word, in any of the languages above; the title is what precedes
    the word (``Cap.102`` is Spanish TV's season 1, episode 2)."""
    for match in _WORD_EPISODE.finditer(stem):
        title = stem[: match.start()].rstrip(_SEPARATORS + "[(")
        if title.count("[") > title.count("]"):
            continue  # inside a bracket with other words: ``[NCED_EP12]`` is an extra's number
        if not _has_letters(LEADING_BRACKETS.sub("", title)) and match.group("word") in ("E", "e", "#"):
            continue  # "E" or "#" alone needs a title before it to be read as an episode marker
        first, last = int(match.group("ep")), optional_int(match.group("last"))
        word = match.group("word").casefold()
        if word == "cap" and first >= 100:
            return _cap_reading(title, first, last, stem[match.end() :])
        if first in YEARS:
            continue
        return Reading(
            title=title,
            episodes=episode_numbers(first, last),
            version=optional_int(match.group("version")),
            rest=stem[match.end() :],
        )
    return None


def _cap_reading(title: str, first: int, last: int | None, rest: str) -> Reading:
    """``Cap.102`` (season 1, episode 2); ``Cap.102_104`` reaches here as ``Cap.102 104`` when the
    name's underscores were spaces."""
    if last is None and (spaced := _SPACED_CAP_END.match(rest)):
        last, rest = int(spaced.group(1)), rest[spaced.end() :]
    season, episode = divmod(first, 100)
    end = last % 100 if last is not None and last // 100 == season else None
    return Reading(title=title, episodes=episode_numbers(episode, end), season=season, rest=rest)


def read_number_word(stem: str) -> Reading | None:
    """A number followed by an episode word (``5.серия``, ``1. Bölüm``) or CJK ``第3話`` / ``857集``,
    or the last count of a mini-series (``Season.2.1of4``, ``5of9``)."""
    match = _NUMBER_WORD.search(stem)
    if match is None:
        counts = list(_OF_COUNT.finditer(stem))
        if not counts:
            return None
        match = counts[-1]
    if match.lastgroup == "numeral":
        number = chinese_numeral(match.group("numeral"))
    else:
        number = int(match.group(match.lastgroup or 0))  # each alternative has one number group
    title = stem[: match.start()].rstrip(_SEPARATORS + "[(【")
    return Reading(title=title, episodes=(number,), rest=stem[match.end() :])


_DIGITS: Final = {
    ch: value for value, chars in enumerate(("〇零", "一", "二两", *"三四五六七八九")) for ch in chars
}
_UNITS: Final = {"十": 10, "百": 100}


def chinese_numeral(text: str) -> int:
    """``二十三`` → 23, ``十一`` → 11, ``一百零五`` → 105: the numerals episode counters are written in."""
    total, digit = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            digit = _DIGITS[ch]
    return total + digit


def read_batch_range(stem: str) -> Reading | None:
    """A batch: ``Title (01-25)``, ``Title 1017-1088``; a range of years (``(2005-2009)``) is not one."""
    match = _BATCH_RANGE.match(stem)
    if match is None:
        return None
    first, last = int(match.group("ep")), int(match.group("last"))
    if first >= last or (first in YEARS and last in YEARS):
        return None
    episodes = list(episode_numbers(first, last))
    for more in _MORE_RANGES.finditer(match.group("more")):
        more_first, more_last = int(more.group(1)), int(more.group(2))
        if not episodes[-1] < more_first < more_last:
            return None  # not one batch counting upwards
        episodes += episode_numbers(more_first, more_last)
    return Reading(title=match.group("title"), episodes=tuple(episodes), rest=stem[match.end() :])


def read_bracket_number(stem: str) -> Reading | None:
    """``[Group] Title [01] [720p]``, ``Title_2_[01-05]_[Source]``: a bracketed number after a title;
    ``Title [5.134]``: a season and an episode."""
    match = _TITLE_THEN_BRACKET.match(stem)
    reading = _titled_number(match)
    if reading is None or match is None or match.group("season") is None:
        return reading
    return dataclasses.replace(reading, season=int(match.group("season")))


def read_dotted_number(stem: str) -> Reading | None:
    """``Title.the.Animation.5`` → episode 5, for a name where nothing else reads as an episode;
    not ``Title.Season.1``."""
    match = _DOTTED_LAST_NUMBER.match(LEADING_BRACKETS.sub("", stem).lstrip("."))
    if match is None or _COUNTED_BEFORE.search(match.group("title")):
        return None
    return _titled_number(match)


def read_scene_number(stem: str) -> Reading | None:
    """``Title.103.HDTV`` → season 1, episode 3 (and ``.101.102.`` / ``.10102.`` → episodes 1, 2);
    ``Title.7.PDTV`` → episode 7."""
    match = _SCENE_NUMBER.match(stem)
    if match is None:
        broadcast = _BROADCAST_EPISODE.match(stem)
        if broadcast is None or _COUNTED_BEFORE.search(broadcast.group("title")):
            return None
        episodes = (int(broadcast.group("ep")),)
        return Reading(title=broadcast.group("title"), episodes=episodes, rest=stem[broadcast.end() :])
    if int(match.group("season") + match.group("ep")) in YEARS:
        return None
    numbers = [int(match.group(name)) for name in ("ep", "ep2", "ep3") if match.group(name)]
    return Reading(
        title=match.group("title"),
        episodes=tuple(numbers),
        season=int(match.group("season")),
        rest=stem[match.end() :],
    )


def read_number_before_season(stem: str) -> Reading | None:
    """``Title 00 S01 [tags]``: the number before a season marker with no episode is the title's
    (``Gundam 00``, ``Mob Psycho 100``), not an episode of a season pack."""
    match = _NUMBER_BEFORE_SEASON.search(stem)
    if match is None or not _has_letters(LEADING_BRACKETS.sub("", stem[: match.start()])):
        return None
    return Reading(title=stem[: match.start("marker")], episodes=(), season=int(match.group("season")))


def read_leading_number(stem: str) -> Reading | None:
    """``05 - Title - Episode Title [Group]``: the number comes first; the title runs to the episode
    title or the tags."""
    body = LEADING_BRACKETS.sub("", stem)
    match = _LEADING_NUMBER.match(body)
    if match is None:
        return None
    first = int(match.group("ep"))
    if first in YEARS:
        return None
    title = _EPISODE_TITLE.split(match.group("title"), maxsplit=1)[0]
    group = _leading_group(stem)
    return Reading(
        title=title, episodes=episode_numbers(first, optional_int(match.group("last"))), group=group
    )


def read_glued_dash(stem: str) -> Reading | None:
    """``Series_Title-01[1280x720]``: a title and a two-digit (or longer) number joined by a dash."""
    return _titled_number(_GLUED_DASH.match(stem))


def _titled_number(match: re.Match[str] | None) -> Reading | None:
    """The reading of a match with ``title`` and ``ep`` groups (``last`` and ``version`` if the
    shape has them); None when nothing matched or the number is a year."""
    if match is None or int(match.group("ep")) in YEARS:
        return None
    groups = match.groupdict()
    return Reading(
        title=match.group("title"),
        episodes=episode_numbers(int(match.group("ep")), optional_int(groups.get("last"))),
        version=optional_int(groups.get("version")),
        rest=match.string[match.end() :],
    )


def _leading_group(stem: str) -> str | None:
    match = re.match(r"\s*\[([^\]]+)\]", stem)
    return match.group(1).strip() if match else None


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
