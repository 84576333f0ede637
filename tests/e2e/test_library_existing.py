"""Runs into a library that already exists: the real CLI, the TMDB stand-in, real folders on disk.

New episodes join the series folder already there (whatever preset named it); a different file at
a target is a conflict with both sizes; the same file is "already in library".
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.e2e.library_cli import entries, files_below, run_cli, summary, write

SPY = "Spy x Family (2022)"


@pytest.mark.usefixtures("anivault_env")
def test_new_episodes_join_a_tagged_series_folder_and_its_season_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    existing = f"{SPY} [tmdbid-120089]/Season 1/{SPY} S01E01.mkv"
    write(library / existing, os.urandom(2048))
    source = tmp_path / "downloads"
    write(source / "[SubsPlease] Spy x Family - 02 (1080p).mkv", os.urandom(2048))
    write(source / "[SubsPlease] Spy x Family - 02 (1080p).en.ass", b"subs")

    status, events = run_cli(["run", "--src", str(source), "--dst", str(library), "--apply"], capsys)

    assert status == 0
    assert files_below(library) == {
        existing,
        f"{SPY} [tmdbid-120089]/Season 1/{SPY} S01E02.mkv",
        f"{SPY} [tmdbid-120089]/Season 1/{SPY} S01E02.en.ass",
    }, "no parallel series or season folder"
    assert summary(events)["moved"] == 2


@pytest.mark.usefixtures("anivault_env")
def test_an_untagged_folder_of_the_same_title_and_year_is_used_by_a_tagging_preset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    (library / "spy x family (2022)" / "Season 01").mkdir(parents=True)
    (library / "Spy x Family (2022) [tmdbid-1]").mkdir()  # another work with the same title: not it
    source = tmp_path / "downloads"
    write(source / "[SubsPlease] Spy x Family - 05 (1080p).mkv", os.urandom(1024))

    status, events = run_cli(
        ["run", "--src", str(source), "--dst", str(library), "--preset", "jellyfin"], capsys
    )

    assert status == 0
    (entry,) = entries(events).values()
    assert entry["target"] == f"spy x family (2022)/Season 01/{SPY} S01E05.mkv"
    assert entry["status"] == "planned"


@pytest.mark.usefixtures("anivault_env")
def test_a_different_file_at_the_target_is_a_conflict_with_both_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    write(library / SPY / "Season 01" / f"{SPY} S01E03.mkv", os.urandom(1500))
    same = os.urandom(1800)
    write(library / SPY / "Season 01" / f"{SPY} S01E04.mkv", same)
    source = tmp_path / "downloads"
    write(source / "Spy x Family - 03.mkv", os.urandom(2500))
    write(source / "Spy x Family - 03.en.srt", b"1\n")
    write(source / "Spy x Family - 04.mkv", same)

    status, events = run_cli(["run", "--src", str(source), "--dst", str(library)], capsys)

    planned = entries(events)
    video, subtitle = planned["Spy x Family - 03.mkv"], planned["Spy x Family - 03.en.srt"]
    assert (video["status"], video["code"]) == ("exists", "E-ORGANIZE-CONFLICT")
    assert video["note"] == "a different file is already at the target (1.5 KB there, 2.5 KB here)"
    assert (subtitle["status"], subtitle["code"]) == ("conflict", "E-ORGANIZE-CONFLICT")
    assert subtitle["note"] == "stays with its video (a different file is at its target)"
    assert planned["Spy x Family - 04.mkv"]["status"] == "duplicate"
    totals = summary(events)
    assert (totals["conflicts"], totals["already_there"]) == (2, 1)
    assert status != 0, "a conflict is reported in the exit status"


@pytest.mark.usefixtures("anivault_env")
def test_on_conflict_index_files_a_numbered_copy_with_its_sidecar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    write(library / SPY / "Season 01" / f"{SPY} S01E03.mkv", os.urandom(1500))
    source = tmp_path / "downloads"
    write(source / "Spy x Family - 03.mkv", os.urandom(2500))
    write(source / "Spy x Family - 03.en.srt", b"1\n")

    status, events = run_cli(
        ["run", "--src", str(source), "--dst", str(library), "--on-conflict", "index", "--apply"], capsys
    )

    assert status == 0
    assert files_below(library / SPY / "Season 01") == {
        f"{SPY} S01E03.mkv",
        f"{SPY} S01E03 (2).mkv",
        f"{SPY} S01E03 (2).en.srt",
    }
    assert summary(events)["conflicts"] == 0
