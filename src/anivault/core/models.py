"""Frozen domain objects that flow between the pipeline stages (and across threads).

How they are spooled to disk and sent to the parse worker processes is ``core/rows.py``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from anivault.services.tmdb.media_types import MediaType

FileKind = Literal["episode", "special", "movie", "extra", "unknown"]
MatchStatus = Literal["matched", "review", "unmatched", "deferred", "parse_failed"]
"""``matched``: placed with confidence. ``review``: a best guess under the confidence line, with
its candidates; planned, but applied only once accepted. ``unmatched``: no candidate at all."""


@dataclass(frozen=True, slots=True)
class Sidecar:
    """A file that belongs to a video: same stem plus a tail such as ``.en.ass``."""

    path: str
    """The OS path as listed (a string, not a ``Path``: see ``ScannedFile.path``)."""
    tail: str


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """A video as the scan listed it: names only, no ``stat``. Size and bytes are read later, in the
    parallel parse stage (``FilePrints``), so listing a large tree costs little more than
    ``find``."""

    path: str
    """The OS path as listed. A string because building a ``Path`` per file was a third of the
    scan's time, and strings are cheaper to send to the parse workers; wrap it where needed."""
    relative: str
    """Path below the source root, POSIX separators: stable across platforms for plan ids."""
    sidecars: tuple[Sidecar, ...] = ()
    fonts: str | None = None
    """The name of a ``Fonts/`` folder beside the video (a batch's subtitle fonts), if any."""


@dataclass(frozen=True, slots=True)
class FolderListing:
    """A folder's files as the scan listed them, names only, sorted: what the scan hands the parse
    workers, which pair sidecars with videos and build the ``ScannedFile``s (``expand_folder``).

    One object per folder rather than per file because building a frozen object per file was half
    of the scan's time on the one thread that feeds the whole run; in the workers it runs in
    parallel. A folder of more than ``FOLDER_SLICE`` videos arrives as several listings, each with
    the sidecars of its own videos, so that one huge flat folder still spreads over the workers.
    """

    directory: str
    """The folder's OS path, ending in a separator: a file's path is ``directory + name``."""
    prefix: str
    """The folder below the source root, POSIX separators, ending in ``/`` (empty at the root)."""
    videos: tuple[str, ...]
    others: tuple[str, ...]
    """Every other file name: sidecars, samples, anything that is not a video."""
    fonts: str | None = None
    """The name of its ``Fonts/`` subfolder, if it has one: the plan moves it with the batch."""
    subs: tuple[str, ...] = ()
    """The files of its ``Subs/`` folder (and of that folder's subfolders), POSIX paths below the
    folder (``Subs/2_English.srt``): listed with the videos they belong to."""


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
    """Absolute numbers given beside a season's own: ``Show.Name.16x03-05.313-315``."""
    version: int | None = None
    crc: str | None = None
    languages: tuple[str, ...] = ()
    """Sidecar language tags: ``.jpn.forced.srt`` → ("jpn", "forced")."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a source looked like when planned; a different one later means the plan is stale."""

    size: int
    mtime_ns: int
    inode: int
    partial_hash: str


@dataclass(frozen=True, slots=True)
class FilePrints:
    """Fingerprints of a video and of each of its sidecars (in order); None for a sidecar that
    could not be read (vanished or unreadable since the scan). A video that cannot be read is
    reported as skipped instead, so it never reaches the plan."""

    video: Fingerprint
    sidecars: tuple[Fingerprint | None, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedFile:
    scanned: ScannedFile
    parsed: ParsedName | None
    error: str | None = None
    prints: FilePrints | None = None
    """Taken beside the parse, in the worker processes, when the run will plan; else None."""


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

    @property
    def placed(self) -> bool:
        """The match says where the file goes: a movie, an extra, a season with episodes, or
        Specials (an unnumbered special keeps its own name there)."""
        if self.media_type == "movie" or self.extra or self.season == 0:
            return True
        return self.season is not None and bool(self.episodes)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A ranked candidate: a matched file's runners-up, or every candidate of a file under review."""

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

    @property
    def plannable(self) -> bool:
        """Matched, or under review with a best guess that says where the file goes: both get
        plan entries (a review entry is applied only once accepted)."""
        return self.status in ("matched", "review") and self.match is not None and self.match.placed
