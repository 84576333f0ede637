"""The parse workers' share of a run: a folder listing expanded, parsed and fingerprinted."""

from __future__ import annotations

import os
from pathlib import Path

from anivault.core.lookup.parse_stage import parse_folder
from anivault.core.lookup.scan import walk_folders
from anivault.core.models import FolderListing, ParsedFile, Skipped
from anivault.errors import FileSystemError


def listing_of(root: Path, *names: str) -> FolderListing:
    for name in names:
        (root / name).write_bytes(name.encode())
    (listing,) = walk_folders(root)
    assert isinstance(listing, FolderListing)
    return listing


def test_videos_are_parsed_with_their_sidecars_and_the_rest_is_skipped(tmp_path: Path) -> None:
    listing = listing_of(tmp_path, "Frieren - 02.mkv", "Frieren - 01.mkv", "Frieren - 01.en.ass", "notes.txt")
    results = parse_folder(listing, fingerprints=False)
    parsed = [item for item in results if isinstance(item, ParsedFile)]
    assert [(p.scanned.relative, p.parsed.episodes if p.parsed else None) for p in parsed] == [
        ("Frieren - 01.mkv", (1,)),
        ("Frieren - 02.mkv", (2,)),
    ]
    assert [s.tail for s in parsed[0].scanned.sidecars] == [".en.ass"]
    assert all(p.prints is None for p in parsed)
    assert [(item.path.name, item.reason) for item in results if isinstance(item, Skipped)] == [
        ("notes.txt", "not a video")
    ]


def test_fingerprints_cover_the_video_and_each_sidecar(tmp_path: Path) -> None:
    listing = listing_of(tmp_path, "Frieren - 01.mkv", "Frieren - 01.en.ass", "Frieren - 01.ja.ass")
    os.remove(tmp_path / "Frieren - 01.ja.ass")  # gone between the scan and the parse
    (parsed,) = parse_folder(listing, fingerprints=True)
    assert isinstance(parsed, ParsedFile) and parsed.prints is not None
    assert parsed.prints.video.size == len(b"Frieren - 01.mkv")
    assert [s.tail for s in parsed.scanned.sidecars] == [".en.ass", ".ja.ass"]
    assert parsed.prints.sidecars[0] is not None and parsed.prints.sidecars[0].size == len(
        b"Frieren - 01.en.ass"
    )
    assert parsed.prints.sidecars[1] is None


def test_a_video_gone_before_its_fingerprint_is_skipped_with_a_code(tmp_path: Path) -> None:
    listing = listing_of(tmp_path, "Frieren - 01.mkv", "Frieren - 02.mkv")
    os.remove(tmp_path / "Frieren - 01.mkv")
    gone, kept = parse_folder(listing, fingerprints=True)
    assert isinstance(gone, Skipped)
    assert (gone.path, gone.code) == (tmp_path / "Frieren - 01.mkv", FileSystemError.code)
    assert gone.reason.startswith("not readable")
    assert isinstance(kept, ParsedFile) and kept.prints is not None
