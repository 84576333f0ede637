"""The user's answers where names cannot tell: which TMDB title a folder is, and how its seasons shift.

Two sources, the more specific first: a ``.anivault-match.json`` file in a folder of the source
(it applies to every file below that folder; the nearest one wins), then the command line's
``--tmdb-id``/``--season-offset`` for the whole ``--src``. The file holds one JSON object::

    {"tmdb_id": 61374, "media_type": "tv", "season_offset": 1}

every key optional. Files are read once per folder, lazily, from the match workers.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anivault.errors import UsageError
from anivault.services.tmdb.models import MediaType

OVERRIDE_FILE = ".anivault-match.json"
_MEDIA_TYPES: tuple[MediaType, ...] = ("tv", "movie")


@dataclass(frozen=True, slots=True)
class MatchOverride:
    tmdb_id: int | None = None
    """Skip the search: the files are this TMDB title."""
    media_type: MediaType = "tv"
    season_offset: int = 0
    """Added to the season the name gives (1 when it gives none): a cour TMDB files one season later."""


class FolderOverrides:
    """``for_file(path)``: the override that applies to a file below ``root``, or None."""

    def __init__(self, root: Path, default: MatchOverride | None = None) -> None:
        self._root = root
        self._default = default
        self._by_folder: dict[Path, MatchOverride | None] = {}
        self._by_file_folder: dict[str, MatchOverride | None] = {}
        """What applies in each folder that holds files, so a file costs one lookup, not a walk."""
        self._lock = threading.Lock()

    def for_file(self, path: str) -> MatchOverride | None:
        """Raises UsageError for an override file that is not a valid override."""
        parent = os.path.dirname(path)
        with self._lock:
            if parent in self._by_file_folder:
                return self._by_file_folder[parent]
        found = self._applying_in(Path(parent))
        with self._lock:
            self._by_file_folder[parent] = found
        return found

    def _applying_in(self, folder: Path) -> MatchOverride | None:
        while True:
            found = self._read(folder)
            if found is not None:
                return found
            if folder == self._root or self._root not in folder.parents:
                return self._default
            folder = folder.parent

    def _read(self, folder: Path) -> MatchOverride | None:
        with self._lock:
            if folder in self._by_folder:
                return self._by_folder[folder]
        file = folder / OVERRIDE_FILE
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            override = None
        except (OSError, ValueError) as exc:
            raise UsageError(f"{file}: not a readable JSON override ({exc})") from exc
        else:
            override = parse_override(raw, str(file))
        with self._lock:
            self._by_folder[folder] = override
        return override


def parse_override(raw: Any, where: str) -> MatchOverride:
    """Raises UsageError naming ``where`` for anything but the documented keys and types."""
    if not isinstance(raw, dict) or set(raw) - {"tmdb_id", "media_type", "season_offset"}:
        raise UsageError(f"{where}: expected an object with tmdb_id, media_type and/or season_offset")
    tmdb_id, media_type, offset = raw.get("tmdb_id"), raw.get("media_type", "tv"), raw.get("season_offset", 0)
    if tmdb_id is not None and (not isinstance(tmdb_id, int) or isinstance(tmdb_id, bool) or tmdb_id < 1):
        raise UsageError(f"{where}: tmdb_id must be a positive integer")
    if media_type not in _MEDIA_TYPES:
        raise UsageError(f"{where}: media_type must be 'tv' or 'movie'")
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise UsageError(f"{where}: season_offset must be an integer")
    return MatchOverride(tmdb_id, "tv" if media_type == "tv" else "movie", offset)
