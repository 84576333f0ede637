"""Folder consensus: the files of one release folder are one series, so the folder decides the
files its own names could not, and flags the ones that disagree with it.

Votes are recorded while lookups stream by (a row per file, on disk), so a folder is
judged only once every file in it has been looked up, and the outcome does not depend on the
order in which worker threads finished. A folder speaks only when at least ``MIN_AGREEING`` of
its matched files, and ``CONSENSUS_SHARE`` of them, are one title: a flat downloads folder of
many series has no say.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from anivault.core.models import MatchedFile
from anivault.services.tmdb.media_types import MediaType
from anivault.utils.spool import BatchedInserts, as_key, from_key, open_private_db

CONSENSUS_SHARE = 0.75
MIN_AGREEING = 2
OUTLIERS_KEPT = 5
"""An outlier event names at most this many files of one title in one folder (the first by name)
and says how many there are."""

Title = tuple[MediaType, int]


@dataclass(frozen=True, slots=True)
class FolderMajority:
    media_type: MediaType
    tmdb_id: int
    title: str
    agreeing: int
    matched: int

    def among(self, item: MatchedFile) -> bool:
        """The majority's title is one of the file's own candidates."""
        return any((c.media_type, c.tmdb_id) == (self.media_type, self.tmdb_id) for c in item.candidates)


@dataclass(frozen=True, slots=True)
class Outlier:
    """A matched file whose title differs from its folder's clear majority."""

    source: str
    media_type: MediaType
    tmdb_id: int
    title: str
    files: int
    """Files of this title in the folder (at most ``OUTLIERS_KEPT`` of them are reported)."""
    folder: FolderMajority


def folder_of(relative: str) -> str:
    """``Show/Season 1/Show - 01.mkv`` → ``Show/Season 1``; a file at the source root → ``""``."""
    return relative.rpartition("/")[0]


class FolderVotes:
    """Per folder, how many matched files went to each title, and which files.

    One row per matched file in a private database, grouped with SQL once every lookup is in:
    a large library has tens of thousands of folders, too many to hold their counters and example
    sources as Python objects. ``record`` is called from one thread; ``majority`` and
    ``outliers`` read after the last ``record``.
    """

    def __init__(self) -> None:
        self._db = open_private_db()
        self._db.execute("CREATE TABLE vote (folder BLOB, media_type TEXT, tmdb_id INTEGER, source BLOB)")
        self._rows = BatchedInserts(self._db, "vote", 4)
        self._titles: dict[Title, str] = {}
        self._sealed = False

    def record(self, item: MatchedFile) -> None:
        if item.status != "matched" or item.match is None:
            return
        relative = item.parsed.scanned.relative
        match = item.match
        self._titles.setdefault((match.media_type, match.tmdb_id), match.title)
        self._rows.add((as_key(folder_of(relative)), match.media_type, match.tmdb_id, as_key(relative)))

    def majority(self, folder: str) -> FolderMajority | None:
        self._seal()
        rows = self._db.execute(
            "SELECT media_type, tmdb_id, COUNT(*) FROM vote WHERE folder = ? GROUP BY media_type, tmdb_id",
            (as_key(folder),),
        )
        return self._majority_of({(media_type, tmdb_id): files for media_type, tmdb_id, files in rows})

    def outliers(self) -> Iterator[Outlier]:
        """Files matched against their folder's majority, folder by folder in name order; at most
        ``OUTLIERS_KEPT`` per title and folder, the first by name."""
        self._seal()
        rows = self._db.execute(
            "SELECT folder, media_type, tmdb_id, COUNT(*) FROM vote"
            " GROUP BY folder, media_type, tmdb_id ORDER BY folder"
        )
        for folder, group in groupby(rows, key=itemgetter(0)):
            counts: dict[Title, int] = {
                (media_type, tmdb_id): files for _, media_type, tmdb_id, files in group
            }
            majority = self._majority_of(counts)
            if majority is None:
                continue
            for title in sorted(counts):
                if title != (majority.media_type, majority.tmdb_id):
                    yield from self._outliers_of(folder, title, counts[title], majority)

    def close(self) -> None:
        self._db.close()

    def _majority_of(self, counts: dict[Title, int]) -> FolderMajority | None:
        if not counts:
            return None
        (title, agreeing), *_ = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        matched = sum(counts.values())
        if agreeing < MIN_AGREEING or agreeing < CONSENSUS_SHARE * matched:
            return None
        return FolderMajority(title[0], title[1], self._titles[title], agreeing, matched)

    def _outliers_of(
        self, folder: bytes, title: Title, files: int, majority: FolderMajority
    ) -> Iterator[Outlier]:
        sources = self._db.execute(
            "SELECT source FROM vote WHERE folder = ? AND media_type = ? AND tmdb_id = ?"
            " ORDER BY source LIMIT ?",
            (folder, *title, OUTLIERS_KEPT),
        ).fetchall()
        for (source,) in sources:
            yield Outlier(from_key(source), title[0], title[1], self._titles[title], files, majority)

    def _seal(self) -> None:
        if not self._sealed:
            self._rows.flush()
            self._db.execute("CREATE INDEX by_folder ON vote (folder, media_type, tmdb_id)")
            self._sealed = True
