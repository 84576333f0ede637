"""Conflict policies, actions (move/copy/hardlink/symlink), pacing and stale sources, on real files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from tests.core.test_plan_and_organize import KEY, SHM, by_source, matched, read_journal, write

from anivault.core.apply.apply import ApplyControls, ApplyOutcome, Pacer, apply_plan
from anivault.core.apply.journal import Journal
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import Plan, PlanOptions
from anivault.errors import OrganizeConflictError

TARGET = "Frieren (2023)/Season 01/Frieren (2023) S01E01"


def apply_all(plan: Plan, journal_path: Path, pacer: Pacer | None = None) -> list[ApplyOutcome]:
    journal = Journal(journal_path, KEY)
    try:
        return apply_plan(plan, journal, ApplyControls(pacer=pacer))
    finally:
        journal.close()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tmp_path / "downloads"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


# --- --on-conflict -----------------------------------------------------------------------------


def test_skip_leaves_a_different_existing_target_and_its_source_alone(
    source: Path, library: Path, tmp_path: Path
) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"new", sidecars=(".en.ass",))
    taken = write(library / f"{TARGET}.mkv", b"old")
    plan = build_plan([item], library, PlanOptions(on_conflict="skip"))
    assert {e.status for e in plan.entries} == {"exists", "conflict"}
    assert apply_all(plan, tmp_path / "j.jsonl") == []
    assert taken.read_bytes() == b"old"
    assert Path(item.parsed.scanned.path).read_bytes() == b"new"


def test_index_gives_the_video_and_its_sidecars_the_next_free_number(
    source: Path, library: Path, tmp_path: Path
) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"new", sidecars=(".en.ass", ".ja.forced.srt"))
    write(library / f"{TARGET}.mkv", b"old")
    write(library / f"{TARGET} (2).en.ass", b"someone else's subtitle")
    entries = by_source(build_plan([item], library, PlanOptions(on_conflict="index")))
    assert [entries[k].relative_target for k in sorted(entries)] == [
        f"{TARGET} (3).en.ass",
        f"{TARGET} (3).ja.forced.srt",
        f"{TARGET} (3).mkv",
    ]
    assert {e.status for e in entries.values()} == {"planned"}
    assert "indexed (3)" in entries["Frieren - 01.mkv"].note
    outcomes = apply_all(build_plan([item], library, PlanOptions(on_conflict="index")), tmp_path / "j.jsonl")
    assert [o.status for o in outcomes] == ["moved"] * 3
    assert (library / f"{TARGET}.mkv").read_bytes() == b"old"
    assert (library / f"{TARGET} (3).mkv").read_bytes() == b"new"
    assert (library / f"{TARGET} (2).en.ass").read_bytes() == b"someone else's subtitle"


def test_fail_refuses_the_whole_plan_before_anything_moves(source: Path, library: Path) -> None:
    first = matched(source, "Frieren - 01.mkv", content=b"new")
    second = matched(source, "Frieren - 02.mkv", episode=2)
    write(library / f"{TARGET}.mkv", b"old")
    with pytest.raises(OrganizeConflictError) as caught:
        build_plan([first, second], library, PlanOptions(on_conflict="fail"))
    assert caught.value.code == "E-ORGANIZE-CONFLICT"
    assert "Frieren - 01.mkv" in caught.value.message
    assert sorted(p.name for p in source.iterdir()) == ["Frieren - 01.mkv", "Frieren - 02.mkv"]
    assert sorted(p.name for p in (library / "Frieren (2023)" / "Season 01").iterdir()) == [
        "Frieren (2023) S01E01.mkv"
    ]


@pytest.mark.parametrize("policy", ["skip", "index", "fail"])
def test_identical_bytes_at_the_target_are_a_duplicate_under_every_policy(
    policy: str, source: Path, library: Path, tmp_path: Path
) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"same bytes")
    write(library / f"{TARGET}.mkv", b"same bytes")
    plan = build_plan([item], library, PlanOptions(on_conflict=policy))  # type: ignore[arg-type]
    assert [e.status for e in plan.entries] == ["duplicate"]
    assert apply_all(plan, tmp_path / "j.jsonl") == []
    assert Path(item.parsed.scanned.path).exists()


@pytest.mark.parametrize("policy", ["skip", "index"])
def test_two_sources_for_one_target_are_held_back_even_when_indexing(
    policy: str, source: Path, library: Path
) -> None:
    first = matched(source, "a/Frieren - 01.mkv")
    second = matched(source, "b/Frieren 01.mkv")
    plan = build_plan([first, second], library, PlanOptions(on_conflict=policy))  # type: ignore[arg-type]
    assert {(e.status, e.error_code) for e in plan.entries} == {("conflict", "E-ORGANIZE-CONFLICT")}


def test_two_sources_for_one_target_fail_the_plan_under_fail(source: Path, library: Path) -> None:
    items = [matched(source, "a/Frieren - 01.mkv"), matched(source, "b/Frieren 01.mkv")]
    with pytest.raises(OrganizeConflictError):
        build_plan(items, library, PlanOptions(on_conflict="fail"))


# --- --action ----------------------------------------------------------------------------------


def test_copy_keeps_the_source_and_verifies_the_copy(source: Path, library: Path, tmp_path: Path) -> None:
    payload = os.urandom(300_000)
    item = matched(source, "Frieren - 01.mkv", content=payload, sidecars=(".en.ass",))
    plan = build_plan([item], library, PlanOptions(action="copy"))
    outcomes = apply_all(plan, tmp_path / "j.jsonl")
    assert [(o.status, o.entry.action) for o in outcomes] == [("moved", "copy")] * 2
    assert Path(item.parsed.scanned.path).read_bytes() == payload
    assert (library / f"{TARGET}.mkv").read_bytes() == payload
    assert not list(library.rglob("*.anivault-partial"))
    intents = [r for r in read_journal(tmp_path / "j.jsonl") if r["phase"] == "intent"]
    assert {r["op"] for r in intents} == {"copy"}


def test_hardlink_shares_the_inode(source: Path, library: Path, tmp_path: Path) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"linked")
    plan = build_plan([item], library, PlanOptions(action="hardlink"))
    assert plan.entries[0].action == "hardlink"
    assert plan.entries[0].note == ""
    assert [o.status for o in apply_all(plan, tmp_path / "j.jsonl")] == ["moved"]
    assert os.path.samefile(item.parsed.scanned.path, library / f"{TARGET}.mkv")


def test_symlink_points_at_the_absolute_source(source: Path, library: Path, tmp_path: Path) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"pointed at")
    plan = build_plan([item], library, PlanOptions(action="symlink"))
    assert [o.status for o in apply_all(plan, tmp_path / "j.jsonl")] == ["moved"]
    link = library / f"{TARGET}.mkv"
    assert link.is_symlink()
    assert os.readlink(link) == str(Path(item.parsed.scanned.path).absolute())
    assert link.read_bytes() == b"pointed at"


@pytest.mark.parametrize("action", ["hardlink", "symlink"])
def test_links_never_replace_an_existing_target(
    action: str, source: Path, library: Path, tmp_path: Path
) -> None:
    item = matched(source, "Frieren - 01.mkv", content=b"new")
    plan = build_plan([item], library, PlanOptions(action=action))  # type: ignore[arg-type]
    write(library / f"{TARGET}.mkv", b"arrived meanwhile")
    outcomes = apply_all(plan, tmp_path / "j.jsonl")
    assert [(o.status, o.error_code) for o in outcomes] == [("failed", "E-ORGANIZE-CONFLICT")]
    assert (library / f"{TARGET}.mkv").read_bytes() == b"arrived meanwhile"


def test_hardlink_across_devices_is_refused_in_the_plan(library: Path, tmp_path: Path) -> None:
    if not SHM.is_dir() or os.stat(SHM).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("/dev/shm is not a separate device here")
    with tempfile.TemporaryDirectory(dir=SHM) as shm:
        item = matched(Path(shm), "Frieren - 01.mkv", content=b"far away", sidecars=(".en.ass",))
        plan = build_plan([item], library, PlanOptions(action="hardlink"))
        assert [(e.status, e.error_code) for e in plan.entries] == [("error", "E-FS-CROSS-DEVICE")] * 2
        assert "hard links cannot cross volumes" in plan.entries[0].note
        assert apply_all(plan, tmp_path / "j.jsonl") == []
        assert Path(item.parsed.scanned.path).read_bytes() == b"far away"
    assert not library.exists()


# --- stale sources and pacing ------------------------------------------------------------------


def test_a_source_edited_after_planning_is_refused_as_stale(
    source: Path, library: Path, tmp_path: Path
) -> None:
    items = [
        matched(source, "Frieren - 01.mkv", content=b"v1"),
        matched(source, "Frieren - 02.mkv", episode=2),
    ]
    plan = build_plan(items, library)
    path = Path(items[0].parsed.scanned.path)
    path.write_bytes(b"v2")  # same size, new bytes and mtime
    outcomes = apply_all(plan, tmp_path / "j.jsonl")
    assert [(o.entry.relative_source, o.status, o.error_code) for o in outcomes] == [
        ("Frieren - 01.mkv", "failed", "E-PLAN-STALE"),
        ("Frieren - 02.mkv", "moved", None),
    ]
    assert path.read_bytes() == b"v2"
    assert not (library / f"{TARGET}.mkv").exists()


def test_pacer_spaces_operations_by_the_limit() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(per_minute=30, clock=lambda: now[0], sleep=sleep)
    pacer.wait()
    now[0] += 0.5
    pacer.wait()
    now[0] += 5.0
    pacer.wait()
    assert slept == [pytest.approx(1.5)]


def test_pacing_applies_between_real_moves(source: Path, library: Path, tmp_path: Path) -> None:
    items = [matched(source, f"Frieren - {n:02d}.mkv", episode=n) for n in (1, 2, 3)]
    slept: list[float] = []
    pacer = Pacer(per_minute=60, clock=lambda: 0.0, sleep=slept.append)
    outcomes = apply_all(build_plan(items, library), tmp_path / "j.jsonl", pacer=pacer)
    assert [o.status for o in outcomes] == ["moved"] * 3
    assert slept == [1.0, 1.0]


# --- a batch's Fonts/ folder ---------------------------------------------------------------------


def test_a_batch_fonts_folder_follows_its_videos_into_the_season_folder(
    source: Path, library: Path, tmp_path: Path
) -> None:
    write(source / "batch" / "Fonts" / "Kaisei.ttf", b"font one")
    write(source / "batch" / "Fonts" / "Noto.otf", b"font two")
    items = [
        matched(source, f"batch/Frieren - {n:02d}.mkv", episode=n, sidecars=(".ass",), fonts="Fonts")
        for n in (1, 2)
    ]
    plan = build_plan(items, library, PlanOptions(on_conflict="index"))
    fonts = {e.relative_source: e for e in plan.entries if "/Fonts/" in e.relative_source}
    assert {k: v.relative_target for k, v in fonts.items()} == {
        "batch/Fonts/Kaisei.ttf": "Frieren (2023)/Season 01/Fonts/Kaisei.ttf",
        "batch/Fonts/Noto.otf": "Frieren (2023)/Season 01/Fonts/Noto.otf",
    }
    first_video = by_source(plan)["batch/Frieren - 01.mkv"]
    assert {(e.role, e.owner_id, e.status) for e in fonts.values()} == {
        ("sidecar", first_video.entry_id, "planned")
    }
    assert [o.status for o in apply_all(plan, tmp_path / "j.jsonl")] == ["moved"] * 6
    assert (library / "Frieren (2023)" / "Season 01" / "Fonts" / "Noto.otf").read_bytes() == b"font two"


def test_a_fonts_folder_shared_by_two_shows_stays_where_it_is(source: Path, library: Path) -> None:
    write(source / "mixed" / "fonts" / "a.ttf", b"font")
    items = [
        matched(source, "mixed/Frieren - 01.mkv", fonts="fonts"),
        matched(source, "mixed/Other - 01.mkv", title="Other", fonts="fonts"),
    ]
    plan = build_plan(items, library)
    assert [e.relative_source for e in plan.entries] == ["mixed/Frieren - 01.mkv", "mixed/Other - 01.mkv"]
