"""Plans over real files (conflicts, existing targets, duplicates) and the no-clobber mover."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from anivault.core.apply.apply import ApplyControls, ApplyOutcome, apply_plan
from anivault.core.apply.fsops import move_no_clobber
from anivault.core.apply.journal import Journal, Phase
from anivault.core.fingerprint import take_prints
from anivault.core.models import Match, MatchedFile, ParsedFile, ParsedName, ScannedFile, Score, Sidecar
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import Fingerprint, Plan, PlanEntry, entry_id
from anivault.errors import FileSystemError, OrganizeConflictError, SourceMissingError

SCORE = Score(0.95, (("title", 0.8), ("episode", 0.05)))
SHM = Path("/dev/shm")


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def matched(
    root: Path,
    relative: str,
    *,
    title: str = "Frieren",
    episode: int = 1,
    content: bytes | None = None,
    sidecars: tuple[str, ...] = (),
    fonts: str | None = None,
) -> MatchedFile:
    """A real video under ``root`` (plus sidecar files named by their tails), matched by hand;
    ``fonts`` names a fonts folder beside it, as the scan would."""
    path = write(root / relative, content if content is not None else relative.encode("utf-8"))
    side: list[Sidecar] = []
    for tail in sidecars:
        sidecar = path.with_name(f"{path.stem}{tail}")
        side.append(Sidecar(str(write(sidecar, sidecar.relative_to(root).as_posix().encode("utf-8"))), tail))
    scanned = ScannedFile(str(path), relative, tuple(side), fonts)
    parsed = ParsedFile(scanned, ParsedName(title, None, (episode,), "episode"), prints=take_prints(scanned))
    match = Match("tv", 209867, title, 2023, 1, (episode,), SCORE)
    return MatchedFile(parsed, "matched", match=match)


def by_source(plan: Plan) -> dict[str, PlanEntry]:
    return {entry.relative_source: entry for entry in plan.entries}


KEY = b"\x01" * 32
"""A journal key for tests that write journals directly (the CLI keeps one per home)."""


def read_journal(path: Path) -> list[dict[str, object]]:
    """The journal's lines without their MACs."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [{k: v for k, v in json.loads(line).items() if k != "mac"} for line in lines]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tmp_path / "downloads"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


# --- build_plan --------------------------------------------------------------------------------


def test_plan_targets_video_and_sidecars(source: Path, library: Path) -> None:
    plan = build_plan([matched(source, "a/Frieren - 01.mkv", sidecars=(".en.ass",))], library)
    entries = by_source(plan)
    video = entries["a/Frieren - 01.mkv"]
    sidecar = entries["a/Frieren - 01.en.ass"]
    assert video.status == sidecar.status == "planned"
    assert video.relative_target == "Frieren (2023)/Season 01/Frieren (2023) S01E01.mkv"
    assert video.target == library / "Frieren (2023)" / "Season 01" / "Frieren (2023) S01E01.mkv"
    assert sidecar.relative_target == "Frieren (2023)/Season 01/Frieren (2023) S01E01.en.ass"
    assert (video.role, sidecar.role) == ("video", "sidecar")
    assert sidecar.owner_id == video.entry_id
    assert plan.actionable() == plan.entries


def test_unmatched_files_are_not_planned(source: Path, library: Path) -> None:
    item = matched(source, "Frieren - 01.mkv")
    unmatched = MatchedFile(item.parsed, "unmatched", note="below the confidence threshold")
    assert build_plan([unmatched], library).entries == ()


def test_two_sources_for_one_target_are_both_held_back_with_their_sidecars(
    source: Path, library: Path
) -> None:
    first = matched(source, "a/Frieren - 01.mkv", sidecars=(".en.ass",))
    second = matched(source, "b/[Group] Frieren 01.mkv", sidecars=(".en.ass", ".de.ass"))
    entries = by_source(build_plan([first, second], library))
    assert len(entries) == 5
    for entry in entries.values():
        assert entry.status == "conflict", entry.relative_source
        assert entry.error_code == "E-ORGANIZE-CONFLICT"
    # The ".de.ass" target is unique, but its video is blocked, so it is held back too.
    assert entries["b/[Group] Frieren 01.de.ass"].relative_target.endswith("S01E01.de.ass")


def test_targets_differing_only_in_case_conflict(source: Path, library: Path) -> None:
    first = matched(source, "Frieren - 01.mkv", title="Frieren")
    second = matched(source, "FRIEREN - 01.mkv", title="FRIEREN")
    assert {e.status for e in build_plan([first, second], library).entries} == {"conflict"}


def test_an_existing_different_target_is_reported_as_exists(source: Path, library: Path) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"new", sidecars=(".en.ass",))
    target = write(library / "Frieren (2023)/Season 01/Frieren (2023) S01E01.mkv", b"old!")
    entries = by_source(build_plan([item], library))
    assert entries["Frieren - 01.mkv"].status == "exists"
    assert entries["Frieren - 01.en.ass"].status == "conflict"
    assert target.read_bytes() == b"old!"


def test_an_existing_target_with_identical_bytes_is_a_duplicate(source: Path, library: Path) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"same bytes")
    write(library / "Frieren (2023)/Season 01/Frieren (2023) S01E01.mkv", b"same bytes")
    assert by_source(build_plan([item], library))["Frieren - 01.mkv"].status == "duplicate"


def test_same_size_different_bytes_is_not_a_duplicate(source: Path, library: Path) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"AAAA")
    write(library / "Frieren (2023)/Season 01/Frieren (2023) S01E01.mkv", b"BBBB")
    assert by_source(build_plan([item], library))["Frieren - 01.mkv"].status == "exists"


def test_a_file_already_at_its_target_is_in_place(library: Path) -> None:
    item = matched(library, "Frieren (2023)/Season 01/Frieren (2023) S01E01.mkv")
    assert build_plan([item], library).entries[0].status == "in_place"
    assert build_plan([item], library).actionable() == ()


def test_plan_is_deterministic(source: Path, library: Path) -> None:
    items = [
        matched(source, f"{folder}/Frieren - {n:02d}.mkv", episode=n, sidecars=(".en.ass",))
        for folder, n in [("b", 2), ("a", 1), ("c", 3), ("a", 4)]
    ]
    first = build_plan(items, library)
    second = build_plan(items, library)
    reversed_input = build_plan(list(reversed(items)), library)
    assert first == second == reversed_input
    sources = [e.relative_source for e in first.entries]
    assert sources == sorted(sources)


def test_entry_id_is_stable_and_tracks_edits() -> None:
    base = Fingerprint(10, 5, 7, "ab")
    assert entry_id("a/x.mkv", base) == entry_id("a/x.mkv", Fingerprint(10, 5, 7, "ab"))
    variants = [
        ("a/x.mkv", base),
        ("a/x.mkv", Fingerprint(11, 5, 7, "ab")),
        ("a/x.mkv", Fingerprint(10, 6, 7, "ab")),
        ("a/x.mkv", Fingerprint(10, 5, 8, "ab")),
        ("a/x.mkv", Fingerprint(10, 5, 7, "cd")),
        ("b/x.mkv", base),
    ]
    assert len({entry_id(*variant) for variant in variants}) == len(variants)


# --- move_no_clobber ---------------------------------------------------------------------------


def test_move_moves_and_creates_parents(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "a.mkv", b"payload")
    dst = tmp_path / "out" / "deep" / "er" / "a.mkv"
    move_no_clobber(src, dst)
    assert dst.read_bytes() == b"payload"
    assert not src.exists()


def test_move_never_replaces_an_existing_target(tmp_path: Path) -> None:
    src = write(tmp_path / "a.mkv", b"incoming")
    dst = write(tmp_path / "lib" / "a.mkv", b"precious")
    with pytest.raises(OrganizeConflictError) as caught:
        move_no_clobber(src, dst)
    assert caught.value.code == "E-ORGANIZE-CONFLICT"
    assert src.read_bytes() == b"incoming"
    assert dst.read_bytes() == b"precious"


def test_move_of_a_missing_source_raises_and_creates_nothing(tmp_path: Path) -> None:
    dst = tmp_path / "lib" / "a.mkv"
    with pytest.raises(SourceMissingError) as caught:
        move_no_clobber(tmp_path / "gone.mkv", dst)
    assert caught.value.code == "E-FS-SRC-MISSING"
    assert not dst.exists()


def test_a_failed_rename_releases_the_target_reservation(tmp_path: Path) -> None:
    src = tmp_path / "a-directory"
    src.mkdir()
    dst = tmp_path / "lib" / "a.mkv"
    with pytest.raises(FileSystemError):
        move_no_clobber(src, dst)  # rename(dir, file) fails with ENOTDIR, not EXDEV
    assert not dst.exists()
    assert src.is_dir()


def test_cross_device_move_copies_then_deletes(tmp_path: Path) -> None:
    if not SHM.is_dir() or os.stat(SHM).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("/dev/shm is not a separate device here, so rename cannot fail with EXDEV")
    payload = os.urandom(3 * 1024 * 1024 + 17)  # not a multiple of the copy buffer
    with tempfile.TemporaryDirectory(dir=SHM) as shm:
        src = write(Path(shm) / "Frieren - 01.mkv", payload)
        dst = tmp_path / "lib" / "Frieren S01E01.mkv"
        move_no_clobber(src, dst)
        assert not src.exists()
    assert dst.read_bytes() == payload
    assert sorted(p.name for p in dst.parent.iterdir()) == ["Frieren S01E01.mkv"]  # no partial left


def test_cross_device_move_never_replaces_an_existing_target(tmp_path: Path) -> None:
    if not SHM.is_dir() or os.stat(SHM).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("/dev/shm is not a separate device here, so rename cannot fail with EXDEV")
    dst = write(tmp_path / "lib" / "a.mkv", b"precious")
    with tempfile.TemporaryDirectory(dir=SHM) as shm:
        src = write(Path(shm) / "a.mkv", b"incoming")
        with pytest.raises(OrganizeConflictError):
            move_no_clobber(src, dst)
        assert src.read_bytes() == b"incoming"
    assert dst.read_bytes() == b"precious"


# --- apply_plan --------------------------------------------------------------------------------


def apply(
    plan: Plan, journal_path: Path, stop_after: int | None = None
) -> tuple[list[ApplyOutcome], list[ApplyOutcome]]:
    seen: list[ApplyOutcome] = []
    journal = Journal(journal_path, KEY)
    try:
        controls = ApplyControls(
            should_stop=lambda: stop_after is not None and len(seen) >= stop_after, on_outcome=seen.append
        )
        outcomes = apply_plan(plan, journal, controls)
    finally:
        journal.close()
    return outcomes, seen


def test_apply_moves_everything_and_journals_intent_then_done(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = [
        matched(source, "b/Frieren - 02.mkv", episode=2, sidecars=(".en.ass",)),
        matched(source, "a/Frieren - 01.mkv", episode=1, sidecars=(".en.ass", ".ja.srt")),
    ]
    plan = build_plan(items, library)
    outcomes, seen = apply(plan, tmp_path / "state" / "journal.jsonl")
    assert seen == outcomes
    assert [o.status for o in outcomes] == ["moved"] * 5
    # Videos first (in source order), then the sidecars.
    assert [o.entry.relative_source for o in outcomes] == [
        "a/Frieren - 01.mkv",
        "b/Frieren - 02.mkv",
        "a/Frieren - 01.en.ass",
        "a/Frieren - 01.ja.srt",
        "b/Frieren - 02.en.ass",
    ]
    for entry in plan.entries:
        assert entry.target.read_bytes() == entry.relative_source.encode()
        assert not entry.source.exists()
    records = read_journal(tmp_path / "state" / "journal.jsonl")
    # Every folder it had to create is journalled before it exists, so undo can remove exactly those.
    assert [r["path"] for r in records if r["phase"] == "mkdir"] == [
        str(library),
        str(library / "Frieren (2023)"),
        str(library / "Frieren (2023)" / "Season 01"),
    ]
    assert len(records) == 3 + 3 * len(plan.entries)
    for entry in plan.entries:
        assert entry.fingerprint is not None
        mine = [r for r in records if r.get("id") == entry.entry_id]
        assert [r["phase"] for r in mine] == ["intent", "reserved", "done"]
        assert mine[0] == {
            "phase": "intent",
            "op": "move",
            "id": entry.entry_id,
            "src": str(entry.source),
            "dst": str(entry.target),
            "size": entry.fingerprint.size,
            "partial_hash": entry.fingerprint.partial_hash,
        }


def test_journal_appends_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    for run in range(2):
        journal = Journal(path, KEY)
        journal.record(Phase.FAILED, id=str(run), note="ü")
        journal.close()
    assert read_journal(path) == [
        {"phase": "failed", "id": "0", "note": "ü"},
        {"phase": "failed", "id": "1", "note": "ü"},
    ]


def test_sidecars_are_skipped_when_their_video_fails(source: Path, library: Path, tmp_path: Path) -> None:
    plan = build_plan([matched(source, "Frieren - 01.mkv", content=b"new", sidecars=(".en.ass",))], library)
    assert [e.status for e in plan.entries] == ["planned", "planned"]
    video, sidecar = sorted(plan.entries, key=lambda e: e.role != "video")
    # Someone else takes the name between planning and applying.
    write(video.target, b"arrived meanwhile")
    outcomes, _ = apply(plan, tmp_path / "journal.jsonl")
    statuses = {o.entry.role: (o.status, o.error_code) for o in outcomes}
    assert statuses == {"video": ("failed", "E-ORGANIZE-CONFLICT"), "sidecar": ("skipped", None)}
    assert video.target.read_bytes() == b"arrived meanwhile"
    assert video.source.read_bytes() == b"new"
    assert sidecar.source.exists()
    assert not sidecar.target.exists()
    assert read_journal(tmp_path / "journal.jsonl") == []  # refused before any intent


def test_a_vanished_source_is_a_recorded_failure(source: Path, library: Path, tmp_path: Path) -> None:
    plan = build_plan(
        [matched(source, "Frieren - 01.mkv"), matched(source, "Frieren - 02.mkv", episode=2)], library
    )
    plan.entries[0].source.unlink()
    outcomes, _ = apply(plan, tmp_path / "journal.jsonl")
    assert [(o.status, o.error_code) for o in outcomes] == [("failed", "E-FS-SRC-MISSING"), ("moved", None)]


def test_non_actionable_entries_are_not_touched(source: Path, library: Path, tmp_path: Path) -> None:
    first = matched(source, "a/Frieren - 01.mkv")
    second = matched(source, "b/Frieren 01.mkv")
    plan = build_plan([first, second], library)
    outcomes, _ = apply(plan, tmp_path / "journal.jsonl")
    assert outcomes == []
    assert Path(first.parsed.scanned.path).exists()
    assert Path(second.parsed.scanned.path).exists()
    assert read_journal(tmp_path / "journal.jsonl") == []


def test_should_stop_stops_between_files(source: Path, library: Path, tmp_path: Path) -> None:
    items = [matched(source, f"Frieren - {n:02d}.mkv", episode=n) for n in (1, 2, 3)]
    plan = build_plan(items, library)
    outcomes, _ = apply(plan, tmp_path / "journal.jsonl", stop_after=1)
    assert [(o.entry.relative_source, o.status) for o in outcomes] == [("Frieren - 01.mkv", "moved")]
    assert (source / "Frieren - 02.mkv").exists()
    assert (source / "Frieren - 03.mkv").exists()
    phases = [r["phase"] for r in read_journal(tmp_path / "journal.jsonl")]
    assert phases == ["mkdir", "mkdir", "mkdir", "intent", "reserved", "done"]
