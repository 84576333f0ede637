"""The title index file: the one place its format is written and read (``docs/title-index.md``).

A gzip-compressed UTF-8 JSON document::

    {"schema": "anivault-title-index/1",
     "title_key": "anivault-title-key/2",
     "sources": [{...provenance...}],
     "targets": [[tmdb_id, media_type, season, episode_offset], ...],
     "titles":  [[key, title, target], ...],
     "absolute_ranges": [[tmdb_id, season, first_absolute, last_absolute], ...]}

``absolute_ranges`` (optional) is another database's split of a series TMDB keeps as one long
season: how long the seasons release groups number within are.

``targets`` are the distinct places a title can lead to; ``titles`` rows name one of them by its
position. Keys are stored pre-normalised so that loading is one ``json.loads`` and a dictionary
build; a file whose keys were made by other normalisation rules is re-keyed on load. Rows are sorted
by key and, within a key, kept in the order the builder ranked them, so the same input always
gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Final

from anivault.errors import TitleIndexError
from anivault.services.cache.entries import atomic_write
from anivault.services.tmdb.media_types import MEDIA_TYPES
from anivault.utils.titles import TITLE_KEY_VERSION, title_key

SCHEMA: Final = "anivault-title-index/1"
_COMPRESSION_LEVEL: Final = 9


@dataclass(frozen=True, slots=True)
class Target:
    """Where a title leads: a TMDB series (or one of its seasons) or a movie."""

    tmdb_id: int
    media_type: str
    season: int | None
    """The TMDB season the title names; None for a whole series or a movie."""
    episode_offset: int = 0
    """Added to a release's episode number to give TMDB's episode number in ``season``."""


@dataclass(frozen=True, slots=True)
class IndexedTitle:
    """One title as written, and where it leads."""

    title: str
    target: Target


@dataclass(frozen=True, slots=True)
class AbsoluteRange:
    """One season of another database's split of a long runner, in absolute episode numbers."""

    season: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class IndexContents:
    """A read index: distinct targets, and its title rows in key order, a key's rows together in
    rank order. Rows are kept as parallel sequences, not as objects per row: the bundled index
    has some 58,000 rows, and every run holds them."""

    schema: str
    sources: tuple[Mapping[str, Any], ...]
    targets: tuple[Target, ...]
    first_row: dict[str, int]
    """Per key, the position of its first row in ``titles``, ``row_targets`` and ``run_lengths``;
    keys in sorted order."""
    titles: tuple[str, ...]
    row_targets: array[int]
    """Per row, the position of its target in ``targets``."""
    run_lengths: array[int]
    """At a key's first row, how many rows the key has (0 at the others)."""
    absolute_ranges: dict[int, tuple[AbsoluteRange, ...]] = field(default_factory=dict)

    @property
    def title_count(self) -> int:
        return len(self.titles)


def write_index(
    path: Path,
    titles: Iterable[IndexedTitle],
    sources: Sequence[Mapping[str, Any]],
    absolute_ranges: Mapping[int, Sequence[AbsoluteRange]] | None = None,
) -> int:
    """Write ``titles`` (in rank order, best first within a key) and the series' ``absolute_ranges``
    to ``path``; returns the title rows written.

    A title whose key is empty is left out, and so is a repeat of a (key, target) pair: the first,
    best-ranked spelling stands for it. Raises TitleIndexError for a target this format cannot hold.
    """
    positions: dict[Target, int] = {}
    rows: list[tuple[str, str, Target]] = []
    seen: set[tuple[str, Target]] = set()
    for item in titles:
        _check_target(item.target)
        key = title_key(item.title)
        if key and (key, item.target) not in seen:
            seen.add((key, item.target))
            rows.append((key, item.title, item.target))
    for target in sorted({target for _, _, target in rows}, key=_target_order):
        positions[target] = len(positions)
    rows.sort(key=lambda row: row[0])  # stable: the builder's rank order survives within a key
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "title_key": TITLE_KEY_VERSION,
        "sources": list(sources),
        "targets": [[t.tmdb_id, t.media_type, t.season, t.episode_offset] for t in positions],
        "titles": [[key, title, positions[target]] for key, title, target in rows],
    }
    if absolute_ranges:
        document["absolute_ranges"] = [
            [tmdb_id, r.season, r.first, r.last]
            for tmdb_id in sorted(absolute_ranges)
            for r in sorted(absolute_ranges[tmdb_id], key=lambda r: r.season)
        ]
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    atomic_write(path, _gzip(text.encode("utf-8")))
    return len(rows)


def read_index(path: Path) -> IndexContents:
    """Read and check an index file. Raises TitleIndexError (E-TITLE-INDEX) when it is missing,
    not gzip JSON, of another schema, or has a malformed row."""
    try:
        document = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise TitleIndexError(f"cannot read the title index {path}: {exc}") from exc
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else type(document).__name__
        raise TitleIndexError(f"{path} is not a title index of schema {SCHEMA} (found {found!r})")
    try:
        return _contents(document)
    except (KeyError, TypeError, ValueError) as exc:
        raise TitleIndexError(f"the title index {path} is damaged: {exc!r}") from exc


def _contents(document: dict[str, Any]) -> IndexContents:
    targets = tuple(_target(row) for row in document["targets"])
    rows: list[list[Any]] = document["titles"]
    for row in rows:
        _check_row(row, len(targets))
    if document["title_key"] != TITLE_KEY_VERSION:
        rows = [[title_key(title), title, position] for _, title, position in rows]
    if any(rows[i][0] > rows[i + 1][0] for i in range(len(rows) - 1)):
        rows = sorted(rows, key=itemgetter(0))  # stable: rank order survives within a key
    rows = rows[_empty_keys(rows) :]
    first_row: dict[str, int] = {}
    run_lengths = array("I", [0]) * len(rows)
    for number, (key, _, _) in enumerate(rows):
        first = first_row.setdefault(key, number)
        run_lengths[first] += 1
    sources = document.get("sources", [])
    if not isinstance(sources, list):
        raise ValueError("sources is not a list")
    return IndexContents(
        document["schema"],
        tuple(sources),
        targets,
        first_row,
        tuple(title for _, title, _ in rows),
        array("I", [position for _, _, position in rows]),
        run_lengths,
        _absolute_ranges(document.get("absolute_ranges", [])),
    )


def _empty_keys(rows: list[list[Any]]) -> int:
    """How many of the sorted ``rows`` (at their start) have an empty key: a title made of
    punctuation alone, which no lookup can meet."""
    return next((i for i, row in enumerate(rows) if row[0]), len(rows))


def _check_row(row: list[Any], target_count: int) -> None:
    key, title, position = row
    if not (isinstance(key, str) and isinstance(title, str) and type(position) is int):
        raise ValueError(f"malformed title row {[key, title, position]!r}")
    if not 0 <= position < target_count:
        raise ValueError(f"title {title!r} names target {position}, but there are {target_count}")


def _absolute_ranges(rows: list[Any]) -> dict[int, tuple[AbsoluteRange, ...]]:
    ranges: dict[int, list[AbsoluteRange]] = {}
    for row in rows:
        tmdb_id, season, first, last = row
        if not all(type(v) is int for v in row) or not 0 < first <= last or season < 0:
            raise ValueError(f"malformed absolute range {row!r}")
        ranges.setdefault(tmdb_id, []).append(AbsoluteRange(season, first, last))
    return {tmdb_id: tuple(found) for tmdb_id, found in ranges.items()}


def _target(row: list[Any]) -> Target:
    tmdb_id, media_type, season, offset = row
    target = Target(tmdb_id, media_type, season, offset)
    _check_target(target)
    return target


def _check_target(target: Target) -> None:
    valid = (
        type(target.tmdb_id) is int
        and target.tmdb_id > 0
        and target.media_type in MEDIA_TYPES
        and (target.season is None or (type(target.season) is int and target.season >= 0))
        and type(target.episode_offset) is int
        and (target.media_type == "tv" or (target.season is None and target.episode_offset == 0))
    )
    if not valid:
        raise TitleIndexError(f"not a valid title index target: {target!r}")


def _target_order(target: Target) -> tuple[str, int, int, int]:
    return (
        target.media_type,
        target.tmdb_id,
        -1 if target.season is None else target.season,
        target.episode_offset,
    )


def _gzip(payload: bytes) -> bytes:
    """Gzip with no file name and a zero timestamp, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(
        fileobj=buffer, mode="wb", compresslevel=_COMPRESSION_LEVEL, mtime=0, filename=""
    ) as out:
        out.write(payload)
    return buffer.getvalue()
