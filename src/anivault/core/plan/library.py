"""The library that already exists: its series (or movie) folders, so new files join them.

A library built by hand, by Sonarr or by an earlier run with another preset names its folders its
own way: ``Spy x Family (2022) [tmdbid-120089]``, ``Frieren {tmdb-209867}``, ``Season 1``. Filing
the next episode into a parallel ``Spy x Family (2022)/`` puts the show in the library twice, so
before a target is final its series folder is looked up here: by the TMDB id tag in a folder's name
(``[tmdbid-N]``, ``{tmdb-N}``, ``[tmdb-N]``), else by the title and year as our naming writes them.
The root is listed once, on the first lookup; a series' season folders only when a file goes there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from anivault.errors import UsageError

_ID_TAG = re.compile(r"\s*(?:\[tmdbid[-=](\d+)\]|\{tmdb[-=](\d+)\}|\[tmdb[-=](\d+)\])", re.IGNORECASE)
_SEASON = re.compile(r"^(?:season|series|s)[\s._-]*0*(\d{1,4})$", re.IGNORECASE)
_SPECIALS = "specials"


def tmdb_id_of(folder: str) -> int | None:
    """The TMDB id tagged in a folder name, if any."""
    found = _ID_TAG.search(folder)
    return None if found is None else int(next(g for g in found.groups() if g))


def _name_key(folder: str) -> str:
    """A folder name without id tags, case or spacing: what a title and year look like."""
    return " ".join(_ID_TAG.sub("", folder).casefold().split())


def season_number(folder: str) -> int | None:
    """``Season 01``, ``Season 1``, ``S1``, ``Series 2`` → the number; ``Specials`` → 0."""
    if folder.strip().casefold() == _SPECIALS:
        return 0
    found = _SEASON.match(folder.strip())
    return None if found is None else int(found.group(1))


class LibraryFolders:
    """The top-level folders of one library root, indexed by TMDB id tag and by title + year."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_id: dict[int, str] | None = None
        self._by_name: dict[str, str] = {}
        self._seasons: dict[str, dict[int, str]] = {}

    def adopt(self, tmdb_id: int, segments: tuple[str, ...]) -> tuple[str, ...]:
        """``segments`` (a target path below the root, as our naming wrote it) with its first folder
        replaced by the library's existing folder of the same work, and its season folder by that
        folder's existing one of the same number (``Season 1`` for our ``Season 01``)."""
        if len(segments) < 2:
            return segments
        by_id = self._index()
        show = by_id.get(tmdb_id) or self._by_name.get(_name_key(segments[0]))
        if show is None:
            return segments
        rest = segments[1:]
        if len(rest) >= 2:
            number = season_number(rest[0])
            existing = None if number is None else self._season_folders(show).get(number)
            if existing is not None:
                rest = (existing, *rest[1:])
        return (show, *rest)

    def _index(self) -> dict[int, str]:
        if self._by_id is None:
            self._by_id = {}
            for name in _folders(self.root):
                tagged = tmdb_id_of(name)
                if tagged is not None:
                    self._by_id.setdefault(tagged, name)
                else:  # a folder tagged with another id is another work, whatever its title
                    self._by_name.setdefault(_name_key(name), name)
        return self._by_id

    def _season_folders(self, show: str) -> dict[int, str]:
        if show not in self._seasons:
            numbered: dict[int, str] = {}
            for name in _folders(self.root / show):
                number = season_number(name)
                if number is not None:
                    numbered.setdefault(number, name)
            self._seasons[show] = numbered
        return self._seasons[show]


MOVIES_FOLDER = "Movies"


@dataclass(frozen=True, slots=True)
class MoviesRoot:
    root: Path
    warning: str | None = None


def movies_root_for(series_root: Path, configured: Path | None) -> MoviesRoot:
    """Where movies go: ``configured`` (``--movies-dst``), else the folder ``Movies`` beside the
    series root (a TV library reads every folder in it as a show, so movies never go inside it),
    else, for a series root with no parent (a drive root), ``<root>/Movies`` with a warning. A
    ``Movies`` folder inside the series root (the earlier layout) is warned about too.
    Raises UsageError for a configured movie root inside the series root."""
    series = Path(os.path.abspath(series_root))
    if configured is not None:
        movies = Path(os.path.abspath(configured))
        if movies == series or series in movies.parents:
            raise UsageError(
                f"the movie root {configured} is inside the series root {series_root}: "
                "a TV library would read each movie as a show; pick a folder beside it"
            )
        return MoviesRoot(movies)
    sibling = series.parent / MOVIES_FOLDER
    if series in (series.parent, sibling):
        inside = series / MOVIES_FOLDER
        return MoviesRoot(
            inside,
            f"movies go to {inside}, inside the series root (it has no parent folder to put them beside); "
            "set --movies-dst to keep them out of the TV library",
        )
    earlier = series / MOVIES_FOLDER
    if earlier.is_dir():  # where movies went before they got a root of their own
        return MoviesRoot(
            sibling,
            f"movies now go to {sibling}, beside the series library; {earlier} is read by a TV library "
            "as a show: move its folders there, or set --movies-dst",
        )
    return MoviesRoot(sibling)


def _folders(path: Path) -> list[str]:
    """The names of ``path``'s subfolders, sorted (so the first of two claimants always wins); none
    when it does not exist yet or cannot be read (the plan then creates what it needs)."""
    try:
        with os.scandir(path) as listing:
            return sorted(entry.name for entry in listing if _is_dir(entry))
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
