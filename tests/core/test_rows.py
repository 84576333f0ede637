"""The rows domain types travel as, to the disk spools and the parse workers: every field comes
back, and a row is plain values that pickle writes without naming a class."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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
from anivault.core.plan.model import PlanEntry
from anivault.core.plan.store import PlanEntries
from anivault.core.rows import FOLDER_LISTING, MATCHED_FILE, PARSE_RESULTS, SKIPPED, flat
from anivault.utils.codec import RowCodec

ODD = b"Odd \xff name".decode("utf-8", "surrogateescape")
"""A POSIX file name that is not UTF-8, as Python hands it over."""

NAME = ParsedName(
    title="Frieren",
    season=1,
    episodes=(7, 8),
    kind="episode",
    year=2023,
    group="SubsPlease",
    resolution="1080p",
    title_source="folder",
    alternative_title="Sousou no Frieren",
    special="OVA",
    absolute_episodes=(31, 32),
    version=2,
    crc="ABCD1234",
    languages=("jpn", "forced"),
)
PRINT = Fingerprint(size=1234, mtime_ns=1_700_000_000_123_456_789, inode=42, partial_hash="ab" * 16)
SCANNED = ScannedFile(
    path=f"/src/{ODD}/Frieren - 07.mkv",
    relative=f"{ODD}/Frieren - 07.mkv",
    sidecars=(Sidecar(f"/src/{ODD}/Frieren - 07.en.ass", ".en.ass"), Sidecar("/src/x.srt", ".srt")),
    fonts="Fonts",
)
PARSED = ParsedFile(SCANNED, NAME, error=None, prints=FilePrints(PRINT, (PRINT, None)))
MATCH = Match(
    media_type="tv",
    tmdb_id=209867,
    title="Frieren: Beyond Journey's End",
    year=2023,
    season=1,
    episodes=(7, 8),
    score=Score(0.91, (("title", 0.7), ("year", 0.21))),
    extra=True,
    original_title="葬送のフリーレン",
)
MATCHED = MatchedFile(
    PARSED,
    status="review",
    match=MATCH,
    candidates=(Candidate("tv", 1, "One", 2001, 0.5), Candidate("movie", 2, "Two", None, 0.25)),
    error_code="E-MATCH-LOW-CONFIDENCE",
    note="two close candidates",
)
BARE = MatchedFile(ParsedFile(ScannedFile("/src/a.mkv", "a.mkv"), None, error="no title"), "parse_failed")
SKIPPED_FILE = Skipped(Path(f"/src/{ODD}.txt"), "not a video", "E-SCAN-SOMETHING")
LISTING = FolderListing(
    directory=f"/src/{ODD}/",
    prefix=f"{ODD}/",
    videos=("a.mkv", "b.mkv"),
    others=("a.en.ass", "notes.txt"),
    fonts="Fonts",
    subs=("Subs/2_English.srt",),
)


def passed_through(codec: RowCodec[Any], item: object) -> object:
    blob = codec.dumps(item)
    assert b"anivault" not in blob and b"pathlib" not in blob  # a row names no class
    return codec.loads(blob)


@pytest.mark.parametrize(
    ("codec", "item"),
    [
        (MATCHED_FILE, MATCHED),
        (MATCHED_FILE, BARE),
        (SKIPPED, SKIPPED_FILE),
        (SKIPPED, Skipped(Path("/src/b.txt"), "not a video")),
        (FOLDER_LISTING, LISTING),
        (PARSE_RESULTS, [PARSED, SKIPPED_FILE, BARE.parsed]),
        (PARSE_RESULTS, []),
    ],
)
def test_every_field_comes_back_from_its_row(codec: RowCodec[Any], item: object) -> None:
    assert passed_through(codec, item) == item


def test_a_flat_row_needs_two_fields() -> None:
    """attrgetter of one name returns the value itself, which would not be a row."""

    @dataclass(frozen=True)
    class One:
        only: int

    with pytest.raises(TypeError, match="two or more"):
        flat(One)


def test_the_plan_store_gives_back_every_field_of_an_entry() -> None:
    entries = [
        PlanEntry(
            entry_id="0123456789abcdef",
            source=Path(f"/src/{ODD}/Frieren - 07.mkv"),
            target=Path(f"/lib/Frieren (2023)/Season 01/{ODD} S01E07.mkv"),
            role="video",
            status="planned",
            relative_source=f"{ODD}/Frieren - 07.mkv",
            relative_target=f"Frieren (2023)/Season 01/{ODD} S01E07.mkv",
            match=MATCH,
            note="a note",
            action="copy",
            fingerprint=PRINT,
        ),
        PlanEntry(
            entry_id="fedcba9876543210",
            source=Path("/src/Frieren - 07.en.ass"),
            target=Path("/lib/Frieren (2023)/Season 01/Frieren (2023) S01E07.en.ass"),
            role="sidecar",
            status="conflict",
            relative_source="Frieren - 07.en.ass",
            relative_target="Frieren (2023)/Season 01/Frieren (2023) S01E07.en.ass",
            match=MATCH,
            owner_id="0123456789abcdef",
            error_code="E-ORGANIZE-CONFLICT",
        ),
    ]
    store = PlanEntries()
    for entry in entries:
        store.add(entry)
    store.seal()
    assert list(store) == sorted(entries, key=lambda e: e.relative_source.encode("utf-8", "surrogateescape"))
    assert list(store.with_status("conflict", role="sidecar")) == [entries[1]]
