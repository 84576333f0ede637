"""Scan → parse → match through the pipeline, without planning: what ``match`` and ``run`` share.

``run`` plans and applies after this; ``match`` stops here and reports matches and unmatched
files, so both look files up the same way and a ``match`` preview never disagrees with ``run``.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from anivault.core.events import MatchOutlier, MatchProgress, MatchResult, Reporter, ScanSkipped, TmdbState
from anivault.core.lookup.matching import Matcher
from anivault.core.lookup.matching.consensus import FolderVotes, Outlier, folder_of
from anivault.core.lookup.overrides import FolderOverrides, MatchOverride, Pick
from anivault.core.lookup.parse_stage import parse_folder
from anivault.core.lookup.scan import ScanFilter, walk_folders
from anivault.core.models import FolderListing, MatchedFile, ParsedFile, Skipped
from anivault.core.pipeline import Pipeline, Stage
from anivault.core.rows import FOLDER_LISTING, MATCHED_FILE, PARSE_RESULTS, SKIPPED
from anivault.errors import InterruptedRunError, PermissionDeniedError, SourceMissingError, UsageError
from anivault.services.titles.index import default_title_index
from anivault.services.tmdb.client import TmdbClient
from anivault.utils.logging import log_event
from anivault.utils.spool import Spool

logger = logging.getLogger("anivault.core.lookup.stream")

PROGRESS_EVERY_SECONDS = 0.2


@dataclass(frozen=True, slots=True)
class LookupRequest:
    source: Path
    exclude: Path | None
    """A folder below ``source`` not to descend into (the library, when it lives inside)."""
    workers: int
    min_confidence: float
    parse_processes: int = 0
    """Worker processes for the CPU-bound parse stage; 0 parses on one thread of this process."""
    match_override: MatchOverride | None = None
    """``--tmdb-id``/``--season-offset`` for the whole source (override files in folders win)."""
    title_language: str | None = None
    """``--lang``: the language of titles written into the library; None keeps TMDB's title."""
    extras_folder: bool = False
    """Setting ``extras = folder``: NCOP/NCED/PV go to the series' Extras folder, else stay put."""
    fingerprint: bool = False
    """Fingerprint each video and sidecar beside its parse, in the workers (runs that plan)."""
    picks: tuple[Pick, ...] = ()
    """``--pick`` and ``--interactive`` answers: per file or folder, before everything else."""
    select: ScanFilter | None = None
    """``--ext``/``--exclude``: what of the source to leave out (reported as skipped)."""
    follow_source_symlinks: bool = False
    """Setting ``follow_source_symlinks``: admit symlinked files whose real path is inside the source."""


class LookupTally:
    """What a run keeps of its lookups while the matched files flow on into the plan: counts by
    status, the error codes met, and the unresolved and skipped files spooled to disk (sorted by
    path when read), so memory stays flat however large the library."""

    def __init__(self) -> None:
        self.status: Counter[str] = Counter()
        self.unresolved = Spool(MATCHED_FILE)
        self.skipped = Spool(SKIPPED)
        self._codes: dict[str, None] = {}

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(self._codes)

    def matched(self, items: Iterable[MatchedFile | Skipped]) -> Iterator[MatchedFile]:
        """Pass the files the plan can place through (matched, and review files whose best guess
        says where they go); record everything else."""
        for item in items:
            if isinstance(item, Skipped):
                self.skipped.append(str(item.path), item)
                continue
            self.status[item.status] += 1
            if item.error_code:
                self._codes.setdefault(item.error_code)
            if item.plannable:
                yield item
            else:
                self.unresolved.append(item.parsed.scanned.relative, item)


def check_source(source: Path) -> None:
    """Refuse a missing, non-folder or unreadable source before any work starts."""
    if not source.exists():
        raise SourceMissingError(f"source folder {source} does not exist")
    if not source.is_dir():
        raise UsageError(f"source {source} is not a folder")
    try:
        with os.scandir(source):
            pass
    except PermissionError as exc:
        raise PermissionDeniedError(f"source folder {source} is not readable") from exc


def lookup_files(
    request: LookupRequest, client: TmdbClient, reporter: Reporter
) -> tuple[Spool[MatchedFile], Spool[Skipped]]:
    """Every video below the source, matched (or not), sorted by relative path; and the skipped.
    Both are disk spools, read back in order: ``match`` over 300k files holds none of them."""
    matched = Spool(MATCHED_FILE)
    skipped = Spool(SKIPPED)
    for item in iter_lookup(request, client, reporter):
        if isinstance(item, Skipped):
            skipped.append(str(item.path), item)
        else:
            matched.append(item.parsed.scanned.relative, item)
    return matched, skipped


def iter_lookup(
    request: LookupRequest, client: TmdbClient, reporter: Reporter
) -> Iterator[MatchedFile | Skipped]:
    """Each video's lookup outcome (and each skipped path) as the pipeline produces it, in no
    particular order, with progress events on the way; holds nothing of what it yielded."""
    matcher = Matcher(
        client,
        min_confidence=request.min_confidence,
        overrides=FolderOverrides(request.source, request.match_override, request.picks),
        title_language=request.title_language,
        extras_folder=request.extras_folder,
        titles=default_title_index,
    )
    client.watch(lambda change: reporter.emit(TmdbState(change)))
    follow = request.follow_source_symlinks
    pipeline = Pipeline(
        walk_folders(
            request.source,
            exclude=request.exclude.resolve() if request.exclude else None,
            select=request.select,
            follow_symlinks=follow,
        ),
        [
            Stage(
                "parse",
                partial(
                    parse_folder,
                    fingerprints=request.fingerprint,
                    follow_root=os.path.realpath(request.source) if follow else None,
                ),
                FolderListing,
                workers=2 * request.parse_processes or 1,  # two batches in flight per process
                processes=request.parse_processes,
                expands=True,
                item_rows=FOLDER_LISTING,
                result_rows=PARSE_RESULTS,
            ),
            Stage("match", matcher.match, ParsedFile, workers=max(1, request.workers)),
        ],
        workers=request.workers,
        size=_videos_in,
    )
    parse_failed = 0
    last_progress = 0.0
    votes = FolderVotes()
    held = Spool(MATCHED_FILE)  # files under review: their folder may settle them
    try:
        for item in pipeline.run():
            if isinstance(item, Skipped):
                reporter.emit(ScanSkipped(item))
                yield item
            else:
                parse_failed += item.status == "parse_failed"
                votes.record(item)
                if item.status == "review":
                    held.append(item.parsed.scanned.relative, item)
                else:
                    yield _reported(item, reporter)
            now = time.monotonic()
            if now - last_progress >= PROGRESS_EVERY_SECONDS:
                last_progress = now
                reporter.emit(_progress(pipeline, parse_failed, client))
        for item in held:
            majority = votes.majority(folder_of(item.parsed.scanned.relative))
            yield _reported(matcher.settle(item, majority) if majority else item, reporter)
        for outlier in votes.outliers():
            _report_outlier(outlier, reporter)
    except KeyboardInterrupt as exc:
        raise InterruptedRunError("interrupted during lookup; nothing was moved") from exc
    finally:
        held.close()
        votes.close()
    reporter.emit(_progress(pipeline, parse_failed, client))


def _videos_in(item: FolderListing | ParsedFile | MatchedFile | Skipped) -> int:
    """Videos an item of the lookup pipeline stands for: the progress counts videos at every
    stage, as the summary's "files seen" does, though the scan hands over whole folders. Skipped
    files are counted apart."""
    if isinstance(item, FolderListing):
        return len(item.videos)
    return 0 if isinstance(item, Skipped) else 1


def _reported(item: MatchedFile, reporter: Reporter) -> MatchedFile:
    _log_match(item)
    reporter.emit(MatchResult(item))
    return item


def _report_outlier(outlier: Outlier, reporter: Reporter) -> None:
    """Flag, do not change: a second series dropped into a folder is as likely as a wrong match."""
    event = MatchOutlier(outlier)
    fields: dict[str, Any] = event.to_json()  # as keyword arguments: none is named exc_info
    log_event(logger, logging.WARNING, "folder_outlier", **fields)
    reporter.emit(event)


def _progress(pipeline: Pipeline, parse_failed: int, client: TmdbClient) -> MatchProgress:
    """Videos per stage plus the live counters people watch: parse failures and cache hits so far."""
    done = pipeline.counters.snapshot()
    return MatchProgress(
        listed=done["source"],
        parsed=done["parse"],
        looked_up=done["match"],
        parse_failed=parse_failed,
        stats=client.stats(),
    )


def _log_match(item: MatchedFile) -> None:
    match = item.match
    log_event(
        logger,
        logging.DEBUG,
        "file_" + item.status,
        source=item.parsed.scanned.relative,
        code=item.error_code,
        tmdb_id=match.tmdb_id if match else None,
        season=match.season if match else None,
        score=match.score.total if match else None,
        note=item.note or None,
    )
