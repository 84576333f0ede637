"""Frozen domain objects that flow between the pipeline stages (and across threads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from anivault.services.tmdb.models import MediaType

FileKind = Literal["episode", "special", "movie", "extra", "unknown"]
MatchStatus = Literal["matched", "unmatched", "deferred", "parse_failed"]


@dataclass(frozen=True, slots=True)
class Sidecar:
    """A file that belongs to a video: same stem plus a tail such as ``.en.ass``."""

    path: Path
    tail: str


@dataclass(frozen=True, slots=True)
class ScannedFile:
    path: Path
    relative: str
    """Path below the source root, POSIX separators: stable across platforms for plan ids."""
    size: int
    mtime_ns: int
    sidecars: tuple[Sidecar, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something the scan saw and deliberately left alone, with why."""

    path: Path
    reason: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedName:
    title: str
    season: int | None
    episodes: tuple[int, ...]
    kind: FileKind
    year: int | None = None
    group: str | None = None
    resolution: str | None = None
    title_source: Literal["file", "folder"] = "file"
    alternative_title: str | None = None
    """A second title the name carries in brackets: ``Title (Alt Title) - 07``."""
    special: str | None = None
    """The special/extra marker as written (``OVA``, ``SP``, ``NCOP``, ``EX``, ``12.5``)."""
    absolute_episodes: tuple[int, ...] = ()
    """Absolute numbers given beside relative ones: ``Fairy_Tail_2_-_16-20_(191-195)``."""
    version: int | None = None
    crc: str | None = None
    languages: tuple[str, ...] = ()
    """Sidecar language tags: ``.jpn.forced.srt`` → ("jpn", "forced")."""


@dataclass(frozen=True, slots=True)
class ParsedFile:
    scanned: ScannedFile
    parsed: ParsedName | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """A match confidence in [0, 1] with the named contributions that produced it."""

    total: float
    parts: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Match:
    media_type: MediaType
    tmdb_id: int
    title: str
    year: int | None
    season: int | None
    episodes: tuple[int, ...]
    score: Score
    extra: bool = False
    """An NCOP/NCED/PV of the series: filed in its ``Extras`` folder under its own name."""
    original_title: str = ""
    """TMDB's title in the work's own language, for the ``title_ascii_or_native`` naming rule."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A runner-up shown to the user when a file stays unmatched."""

    media_type: MediaType
    tmdb_id: int
    title: str
    year: int | None
    score: float


@dataclass(frozen=True, slots=True)
class MatchedFile:
    parsed: ParsedFile
    status: MatchStatus
    match: Match | None = None
    candidates: tuple[Candidate, ...] = ()
    error_code: str | None = None
    note: str = ""
