"""Folder consensus: the files of one release folder are one series, so the folder decides the
files its own names could not, and flags the ones that disagree with it.

Votes are counted while lookups stream by (a counter per folder, not the files), so a folder is
judged only once every file in it has been looked up, and the outcome does not depend on the
order in which worker threads finished. A folder speaks only when at least ``MIN_AGREEING`` of
its matched files, and ``CONSENSUS_SHARE`` of them, are one title: a flat downloads folder of
many series has no say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from anivault.core.models import MatchedFile
from anivault.services.tmdb.models import MediaType

CONSENSUS_SHARE = 0.75
MIN_AGREEING = 2
OUTLIERS_KEPT = 5
"""Sources remembered per (folder, title): an outlier event names at most this many files of one
title in one folder (and says how many there are); a majority's own files are never needed."""

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
    """Per folder, how many matched files went to each title (and a few of their sources)."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[Title]] = {}
        self._titles: dict[Title, str] = {}
        self._sources: dict[tuple[str, Title], list[str]] = {}

    def record(self, item: MatchedFile) -> None:
        if item.status != "matched" or item.match is None:
            return
        folder = folder_of(item.parsed.scanned.relative)
        title: Title = (item.match.media_type, item.match.tmdb_id)
        self._counts.setdefault(folder, Counter())[title] += 1
        self._titles.setdefault(title, item.match.title)
        sources = self._sources.setdefault((folder, title), [])
        if len(sources) < OUTLIERS_KEPT:
            sources.append(item.parsed.scanned.relative)

    def majority(self, folder: str) -> FolderMajority | None:
        counts = self._counts.get(folder)
        if not counts:
            return None
        (title, agreeing), *_ = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        matched = sum(counts.values())
        if agreeing < MIN_AGREEING or agreeing < CONSENSUS_SHARE * matched:
            return None
        return FolderMajority(title[0], title[1], self._titles[title], agreeing, matched)

    def outliers(self) -> Iterator[Outlier]:
        """Files matched against their folder's majority, folder by folder in name order."""
        for folder in sorted(self._counts):
            majority = self.majority(folder)
            if majority is None:
                continue
            for title in sorted(self._counts[folder]):
                if title == (majority.media_type, majority.tmdb_id):
                    continue
                files = self._counts[folder][title]
                for source in self._sources[(folder, title)]:
                    yield Outlier(source, title[0], title[1], self._titles[title], files, majority)
