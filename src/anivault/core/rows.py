"""The domain types as rows (``utils/codec.py``): how they are spooled to disk and how they cross
to and from the parse worker processes.

A row holds a type's fields in declaration order, nested types as their own rows and a ``Path`` as
its string. Each type's row is defined here once; the plan store builds its rows from these.
"""

from __future__ import annotations

from dataclasses import fields
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from anivault.core.models import (
    Candidate,
    FilePrints,
    Fingerprint,
    FolderListing,
    Match,
    MatchedFile,
    ParsedFile,
    ParsedName,
    ScannedFile,
    Score,
    Sidecar,
    Skipped,
)
from anivault.utils.codec import RowCodec

T = TypeVar("T")
Row = tuple[Any, ...]


def _build(cls: type[T], row: Row) -> T:
    return cls(*row)


def flat(cls: type[T]) -> RowCodec[T]:
    """The codec of a type whose fields are all plain values (two or more of them): its row is
    its fields in order."""
    names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
    if len(names) < 2:  # attrgetter of one name returns the value, not a tuple
        raise TypeError(f"{cls.__name__}: a flat row needs two or more fields")
    return RowCodec(attrgetter(*names), partial(_build, cls))


SIDECAR = flat(Sidecar)
PARSED_NAME = flat(ParsedName)
FINGERPRINT = flat(Fingerprint)
SCORE = flat(Score)
CANDIDATE = flat(Candidate)
FOLDER_LISTING = flat(FolderListing)


def _scanned_row(scanned: ScannedFile) -> Row:
    sidecars = tuple(map(SIDECAR.to_row, scanned.sidecars))
    return (scanned.path, scanned.relative, sidecars, scanned.fonts)


def _scanned(row: Row) -> ScannedFile:
    path, relative, sidecars, fonts = row
    return ScannedFile(path, relative, tuple(Sidecar(*s) for s in sidecars) if sidecars else (), fonts)


def _prints_row(prints: FilePrints) -> Row:
    sidecars = tuple(None if p is None else FINGERPRINT.to_row(p) for p in prints.sidecars)
    return (FINGERPRINT.to_row(prints.video), sidecars)


def _prints(row: Row) -> FilePrints:
    video, sidecars = row
    return FilePrints(Fingerprint(*video), tuple(None if p is None else Fingerprint(*p) for p in sidecars))


def _parsed_file_row(parsed: ParsedFile) -> Row:
    return (
        _scanned_row(parsed.scanned),
        None if parsed.parsed is None else PARSED_NAME.to_row(parsed.parsed),
        parsed.error,
        None if parsed.prints is None else _prints_row(parsed.prints),
    )


def _parsed_file(row: Row) -> ParsedFile:
    scanned, name, error, prints = row
    return ParsedFile(
        _scanned(scanned),
        None if name is None else ParsedName(*name),
        error,
        None if prints is None else _prints(prints),
    )


def _match_row(match: Match) -> Row:
    return (
        match.media_type,
        match.tmdb_id,
        match.title,
        match.year,
        match.season,
        match.episodes,
        SCORE.to_row(match.score),
        match.extra,
        match.original_title,
    )


def _match(row: Row) -> Match:
    media_type, tmdb_id, title, year, season, episodes, score, extra, original = row
    return Match(media_type, tmdb_id, title, year, season, episodes, Score(*score), extra, original)


MATCH = RowCodec(_match_row, _match)


def _matched_file_row(item: MatchedFile) -> Row:
    return (
        _parsed_file_row(item.parsed),
        item.status,
        None if item.match is None else _match_row(item.match),
        tuple(map(CANDIDATE.to_row, item.candidates)),
        item.error_code,
        item.note,
    )


def _matched_file(row: Row) -> MatchedFile:
    parsed, status, match, candidates, code, note = row
    return MatchedFile(
        _parsed_file(parsed),
        status,
        None if match is None else _match(match),
        tuple(Candidate(*c) for c in candidates),
        code,
        note,
    )


MATCHED_FILE = RowCodec(_matched_file_row, _matched_file)


def _skipped_row(skipped: Skipped) -> Row:
    return (str(skipped.path), skipped.reason, skipped.code)


def _skipped(row: Row) -> Skipped:
    path, reason, code = row
    return Skipped(Path(path), reason, code)


SKIPPED = RowCodec(_skipped_row, _skipped)


def _parse_results_row(items: list[ParsedFile | Skipped]) -> list[Row]:
    """Each item as (is it skipped, its row)."""
    return [
        (True, _skipped_row(item)) if isinstance(item, Skipped) else (False, _parsed_file_row(item))
        for item in items
    ]


def _parse_results(rows: list[Row]) -> list[ParsedFile | Skipped]:
    return [_skipped(row) if skipped else _parsed_file(row) for skipped, row in rows]


PARSE_RESULTS = RowCodec(_parse_results_row, _parse_results)
"""What a parse worker returns for one folder (``parse_stage.parse_folder``)."""
