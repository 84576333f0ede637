"""``parse_file``: a scanned video's name, with its parent folder as evidence for what it lacks.

Batch releases put the title and season on the folder (``[Group] Title S2 [BD 1080p]/01.mkv``);
a file whose own name has no usable title borrows the folder's, and a titled file borrows the
folder's season when both name the same show. Failures are recorded results, never exceptions.

A release name with a ``/`` in it (``[Group] 魔王學院的不適任者 / Title S02 - 01``,
``Bleach 312v1 [720p/mkv]``) becomes folders when saved; such parts are read as one name again.
"""

from __future__ import annotations

import dataclasses
import os
import re
from typing import Final

from anivault.core.lookup.parsing.names import parse_folder_name, parse_name, read_name
from anivault.core.models import FileKind, ParsedFile, ParsedName, ScannedFile
from anivault.errors import ParseError

_BARE_EPISODE: Final = re.compile(r"\s*(?:E|EP|Episode\s*)?(\d{1,4})(?:v(\d))?\s*", re.IGNORECASE)
_BRACKETS: Final = re.compile(r"[()\[\]]")
_SEASON_FOLDER: Final = re.compile(
    r"(?:Season|Saison|Staffel|Temporada|Series|S)[ ._]?(\d{1,2})", re.IGNORECASE
)


def parse_file(scanned: ScannedFile) -> ParsedFile:
    """Parse ``scanned``; ``error`` starts with ``E-PARSE-FAIL`` when neither name nor folder has a title."""
    # "Episode 5.mkv" would give the title "Episode": a bare number's title is its folder's.
    name, directory = _whole_name(scanned.path)
    stem = os.path.splitext(name)[0]
    parsed = None if _bare_episode(stem) else (parse_name(name) or read_name(name))
    if parsed is None or not _usable_title(parsed.title):
        folder = _series_folder(directory)
        if folder is not None and _episode_release(folder) and folder.title and not _bare_episode(stem):
            return ParsedFile(scanned, dataclasses.replace(folder, title_source="folder"))
        if folder is None or not _usable_title(folder.title):
            if parsed is not None and parsed.title:
                return ParsedFile(scanned, parsed)  # a title of digits alone ("86", "22-7")
            return ParsedFile(scanned, None, f"{ParseError.code}: no title in name or folder")
        return ParsedFile(scanned, _from_folder(stem, parsed, folder))
    if not parsed.episodes and parsed.kind == "unknown":
        folder = _series_folder(directory)
        if folder is not None and _episode_release(folder) and folder.title:
            return ParsedFile(scanned, dataclasses.replace(folder, title_source="folder"))
    if parsed.season is None:
        folder = _series_folder(directory)
        if folder is not None and folder.season is not None and _same_title(folder.title, parsed.title):
            parsed = dataclasses.replace(parsed, season=folder.season)
    return ParsedFile(scanned, parsed)


def _whole_name(path: str) -> tuple[str, str]:
    """(file name, its folder), with the folders a ``/`` in the release name made joined back into
    the name: a part that closes a bracket it never opened (``mkv]-Group.mkv``), or one that starts
    with a space after a folder that ends with one (`` / `` split there; folders made by hand
    do not end in a space)."""
    directory, name = os.path.split(path)
    while (folder := os.path.basename(directory)) and (
        _opens_with_closer(name) or (folder.endswith(" ") and name.startswith(" "))
    ):
        directory, name = os.path.dirname(directory), f"{folder}/{name}"
    return name, directory


def _opens_with_closer(name: str) -> bool:
    if ")" not in name and "]" not in name:  # no closer at all: nothing to count (scene names)
        return False
    depth = 0
    for bracket in _BRACKETS.findall(name):
        depth += 1 if bracket in "([" else -1
        if depth < 0:
            return True
    return False


def _series_folder(directory: str) -> ParsedName | None:
    """The parsed folder, or for a season folder (``Show/Season 2/``) or one with numbers but no
    title (``Show/S2E1 of 10 (2023) WEB-DL/``) its parent's, with the numbers that folder gives."""
    name, parent = _whole_name(directory)
    season = _SEASON_FOLDER.fullmatch(name.strip())
    if season is not None:
        series = parse_folder_name(_whole_name(parent)[0])
        return None if series is None else dataclasses.replace(series, season=int(season.group(1)))
    folder = parse_folder_name(name)
    if folder is not None:
        return folder
    numbers = read_name(name)
    if numbers is None or (numbers.season is None and not numbers.episodes):
        return None
    series = parse_folder_name(_whole_name(parent)[0])
    if series is None:
        return None
    return dataclasses.replace(
        series,
        season=numbers.season if numbers.season is not None else series.season,
        episodes=numbers.episodes,
        kind=numbers.kind,
        year=numbers.year or series.year,
    )


def _episode_release(folder: ParsedName) -> bool:
    """A scene release folder of one episode or a multi-episode file (``Show.S01E14.1080p.WEB-DL-GRP/``,
    ``Show.S01E01-E02.1080p.WEB-GRP/``), whose file inside may have an obfuscated name
    (``c48db7d2….mkv``, ``161219_06.mkv``) or none a reader can use."""
    return folder.season is not None and bool(folder.episodes)


def _from_folder(stem: str, parsed: ParsedName | None, folder: ParsedName) -> ParsedName:
    """The folder's title, year and group with the file's own numbers (and its season if it has one)."""
    bare = _bare_episode(stem)
    episodes = bare[0] if bare else (parsed.episodes if parsed else ())
    version = bare[1] if bare else (parsed.version if parsed else None)
    if bare:
        kind: FileKind = "special" if 0 in episodes else "episode"  # TMDB seasons start at 1
    else:
        kind = parsed.kind if parsed else folder.kind
    return dataclasses.replace(
        parsed or folder,
        title=folder.title,
        alternative_title=folder.alternative_title,
        season=parsed.season if parsed and parsed.season is not None else folder.season,
        episodes=episodes,
        kind=kind,
        year=folder.year,
        group=folder.group,
        resolution=(parsed.resolution if parsed else None) or folder.resolution,
        version=version,
        title_source="folder",
    )


def _bare_episode(stem: str) -> tuple[tuple[int, ...], int | None] | None:
    """``01``, ``E05``, ``Episode 5``, ``05v2`` → ((5,), version); anything else → None."""
    match = _BARE_EPISODE.fullmatch(stem)
    if not match:
        return None
    return (int(match.group(1)),), (int(match.group(2)) if match.group(2) else None)


def _usable_title(title: str) -> bool:
    return any(ch.isalpha() for ch in title)


def _same_title(a: str, b: str) -> bool:
    def squash(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return squash(a) == squash(b)
