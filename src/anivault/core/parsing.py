"""Release file name → ``ParsedName``: anitopy first, then the corrections anime names need.

anitopy reads fansub conventions well but leaves scene-style ``S01E05E06`` inside the title,
keeps a trailing year in movie titles, glues ``- OVA`` onto the title, and takes a bare ``01`` for
a title. Those gaps are closed here, and a file whose own name has no usable title borrows its
folder's (``[Group] Title S2 [BD]/01.mkv``). Failures are recorded results, never exceptions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import anitopy

from anivault.core.models import FileKind, ParsedFile, ParsedName, ScannedFile
from anivault.errors import ParseError

_SCENE_EPISODES = re.compile(r"\bS(\d{1,2})((?:[ ._-]?E\d{1,4})+)\b", re.IGNORECASE)
_DASH_EPISODE = re.compile(r" - (?P<ep>\d{1,4})(?:v\d)?(?=\s*(?:[\[(]|\.\w{2,4}$|$))")
_LEADING_BRACKETS = re.compile(r"^\s*(?:[\[【(][^\]】)]*[\]】)]\s*)+")
_EPISODE_TOKEN = re.compile(r"E(\d{1,4})", re.IGNORECASE)
_TRAILING_YEAR = re.compile(r"^(?P<title>.+?)[ ._(\[]+(?P<year>(?:19|20)\d{2})[)\]]?$")
_SPECIAL_SUFFIX = re.compile(r"[\s\-_]+(OVA|OAD|ONA|SP|Special|Specials)\s*$", re.IGNORECASE)
_SEASON_SUFFIX = re.compile(
    r"[\s\-_]+(?:S(?P<s>\d{1,2})|Season\s*(?P<season>\d{1,2})|(?P<nth>\d{1,2})(?:st|nd|rd|th)\s+Season)\s*$",
    re.IGNORECASE,
)
_SPECIAL_TYPES = frozenset({"ova", "oad", "ona", "sp", "special", "specials"})
_EXTRA_TYPES = frozenset({"ncop", "nced", "op", "ed", "pv", "cm", "preview", "menu", "trailer"})
_MOVIE_TYPES = frozenset({"movie", "gekijouban"})


def parse_file(scanned: ScannedFile) -> ParsedFile:
    """Parse a scanned video's name, using its folder for whatever the name lacks."""
    parsed = parse_name(scanned.path.name)
    if parsed is None or not _usable_title(parsed.title):
        folder = parse_name(scanned.path.parent.name)
        if folder is None or not _usable_title(folder.title):
            return ParsedFile(scanned, None, f"{ParseError.code}: no title in name or folder")
        episodes = parsed.episodes if parsed and parsed.episodes else _bare_episode(scanned.path.stem)
        season = parsed.season if parsed and parsed.season else folder.season
        return ParsedFile(
            scanned,
            ParsedName(
                title=folder.title,
                season=season,
                episodes=episodes,
                kind=parsed.kind if parsed and parsed.kind != "unknown" else _kind(None, episodes, None),
                year=folder.year,
                group=folder.group,
                resolution=(parsed.resolution if parsed else None) or folder.resolution,
                title_source="folder",
            ),
        )
    if parsed.season is None:
        folder = parse_name(scanned.path.parent.name)
        if folder is not None and folder.season is not None and _same_title(folder.title, parsed.title):
            parsed = ParsedName(**{**_fields(parsed), "season": folder.season})
    return ParsedFile(scanned, parsed)


@lru_cache(maxsize=65536)
def parse_name(name: str) -> ParsedName | None:
    """Parse one file or folder name; None when nothing usable comes out. Pure and memoised."""
    clean = unicodedata.normalize("NFC", name).strip()
    if not clean:
        return None
    try:
        raw: Mapping[str, Any] = anitopy.parse(clean) or {}
    except Exception:
        return None
    title = str(raw.get("anime_title") or "").strip()
    season = _int(raw.get("anime_season"))
    episodes = _episodes(raw.get("episode_number"))
    year = _int(raw.get("anime_year"))
    anime_type = _first(raw.get("anime_type"))
    dash = _DASH_EPISODE.search(clean)
    if dash and not _SCENE_EPISODES.search(clean) and int(dash.group("ep")) not in episodes:
        episodes = (int(dash.group("ep")),)
        title = _strip_brackets(clean[: dash.start()]).strip(" -_")
    scene = _SCENE_EPISODES.search(title)
    if scene:
        season = int(scene.group(1))
        episodes = tuple(int(e) for e in _EPISODE_TOKEN.findall(scene.group(2)))
        title = title[: scene.start()].strip(" .-_")
    special = _SPECIAL_SUFFIX.search(title)
    if special:
        anime_type = anime_type or special.group(1)
        title = title[: special.start()].strip()
    season_suffix = _SEASON_SUFFIX.search(title)
    if season_suffix:
        suffix_season = int(
            season_suffix.group("s") or season_suffix.group("season") or season_suffix.group("nth")
        )
        season = season if season is not None else suffix_season
        title = title[: season_suffix.start()].strip()
    if not episodes and year is None:
        trailing = _TRAILING_YEAR.match(title)
        if trailing:
            title, year = trailing.group("title").strip(" .-_"), int(trailing.group("year"))
    return ParsedName(
        title=" ".join(title.replace("_", " ").split()),
        season=season,
        episodes=episodes,
        kind=_kind(anime_type, episodes, year),
        year=year,
        group=_first(raw.get("release_group")),
        resolution=_first(raw.get("video_resolution")),
    )


def _kind(anime_type: str | None, episodes: tuple[int, ...], year: int | None) -> FileKind:
    kind = (anime_type or "").casefold()
    if kind in _EXTRA_TYPES:
        return "extra"
    if kind in _SPECIAL_TYPES or 0 in episodes:  # regular TMDB seasons start at episode 1
        return "special"
    if kind in _MOVIE_TYPES or (not episodes and year is not None):
        return "movie"
    return "episode" if episodes else "unknown"


def _episodes(value: object) -> tuple[int, ...]:
    numbers = [n for n in (_int(v) for v in (value if isinstance(value, list) else [value])) if n is not None]
    if len(numbers) == 2 and numbers[0] < numbers[1] <= numbers[0] + 50:
        return tuple(range(numbers[0], numbers[1] + 1))
    return tuple(numbers)


def _bare_episode(stem: str) -> tuple[int, ...]:
    match = re.fullmatch(r"\s*(?:E|EP|Episode\s*)?(\d{1,4})(?:v\d)?\s*", stem, re.IGNORECASE)
    return (int(match.group(1)),) if match else ()


def _int(value: object) -> int | None:
    text = _first(value)
    if text is None:
        return None
    try:
        return int(float(text)) if "." not in text else None
    except ValueError:
        return None


def _first(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def _strip_brackets(text: str) -> str:
    return _LEADING_BRACKETS.sub("", text)


def _usable_title(title: str) -> bool:
    return any(ch.isalpha() for ch in title)


def _same_title(a: str, b: str) -> bool:
    def squash(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return squash(a) == squash(b)


def _fields(parsed: ParsedName) -> dict[str, Any]:
    return {name: getattr(parsed, name) for name in parsed.__dataclass_fields__}
