"""The user's answers where names cannot tell: which TMDB title a folder is, and how its seasons shift.

Three sources, the more specific first: the command line's picks (``--pick PATH=ID`` or an answer
given to ``--interactive``, for a file or a folder) and ``.anivault-match.json`` files in folders
of the source (each applies to every file below its folder; the nearest wins, a pick before a file
of the same folder), then ``--tmdb-id``/``--season-offset`` for the whole ``--src``. The file
holds one JSON object::

    {"tmdb_id": 61374, "media_type": "tv", "season_offset": 1}

every key optional. Files are read lazily, from the match workers, and kept for the last
``FOLDERS_KEPT`` folders.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from anivault.errors import UsageError
from anivault.services.tmdb.media_types import MEDIA_TYPES, MediaType

OVERRIDE_FILE = ".anivault-match.json"


@dataclass(frozen=True, slots=True)
class MatchOverride:
    tmdb_id: int | None = None
    """Skip the search: the files are this TMDB title."""
    media_type: MediaType = "tv"
    season_offset: int = 0
    """Added to the season the name gives (1 when it gives none): a cour TMDB files one season later."""


@dataclass(frozen=True, slots=True)
class Pick:
    """The user's answer for one file or folder of the source."""

    path: Path
    override: MatchOverride


def parse_pick(text: str, source: Path) -> Pick:
    """``PATH=ID`` (or ``PATH=movie:ID``), PATH relative to ``source`` or absolute below it.
    Raises UsageError for anything else, or a path that is not there."""
    path_text, _, id_text = text.rpartition("=")
    media_type, _, number = id_text.rpartition(":")
    if not path_text or not number.isdigit() or int(number) < 1 or media_type not in ("", *MEDIA_TYPES):
        raise UsageError(f"--pick {text!r}: expected PATH=ID or PATH=movie:ID, e.g. 'Shaman King/=40143'")
    path = Path(os.path.normpath(source / path_text))
    if path != source and source not in path.parents:
        raise UsageError(f"--pick {text!r}: {path} is not below --src {source}")
    if not path.exists():
        raise UsageError(f"--pick {text!r}: {path} does not exist")
    return Pick(path, MatchOverride(int(number), "movie" if media_type == "movie" else "tv"))


FOLDERS_KEPT = 1024
"""Folders whose answer is kept. A large library has tens of thousands of folders, too many to keep
every one's (with its ``Path``); the scan hands folders over depth first, so one folder's
files, and its parents', arrive together."""


class FolderOverrides:
    """``for_file(path)``: the override that applies to a file below ``root``, or None."""

    def __init__(
        self, root: Path, default: MatchOverride | None = None, picks: tuple[Pick, ...] = ()
    ) -> None:
        self._root = root
        self._default = default
        # absolute: the scan may hand over absolute paths for a relative --src, or the other way
        self._picks = {os.path.abspath(pick.path): pick.override for pick in picks}
        self._applying = lru_cache(maxsize=FOLDERS_KEPT)(self._applying_in)
        self._override_in = lru_cache(maxsize=FOLDERS_KEPT)(self._read)

    def for_file(self, path: str | Path) -> MatchOverride | None:
        """Raises UsageError for an override file that is not a valid override."""
        picked = self._picks.get(os.path.abspath(path))
        return picked if picked is not None else self._applying(os.path.dirname(path))

    def _applying_in(self, parent: str) -> MatchOverride | None:
        folder = Path(parent)
        while True:
            found = self._picks.get(os.path.abspath(folder)) or self._override_in(folder)
            if found is not None:
                return found
            if folder == self._root or self._root not in folder.parents:
                return self._default
            folder = folder.parent

    @staticmethod
    def _read(folder: Path) -> MatchOverride | None:
        file = folder / OVERRIDE_FILE
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise UsageError(f"{file}: not a readable JSON override ({exc})") from exc
        return parse_override(raw, str(file))


def parse_override(raw: Any, where: str) -> MatchOverride:
    """Raises UsageError naming ``where`` for anything but the documented keys and types."""
    if not isinstance(raw, dict) or set(raw) - {"tmdb_id", "media_type", "season_offset"}:
        raise UsageError(f"{where}: expected an object with tmdb_id, media_type and/or season_offset")
    tmdb_id, media_type, offset = raw.get("tmdb_id"), raw.get("media_type", "tv"), raw.get("season_offset", 0)
    if tmdb_id is not None and (not isinstance(tmdb_id, int) or isinstance(tmdb_id, bool) or tmdb_id < 1):
        raise UsageError(f"{where}: tmdb_id must be a positive integer")
    if media_type not in MEDIA_TYPES:
        raise UsageError(f"{where}: media_type must be 'tv' or 'movie'")
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise UsageError(f"{where}: season_offset must be an integer")
    return MatchOverride(tmdb_id, "tv" if media_type == "tv" else "movie", offset)
