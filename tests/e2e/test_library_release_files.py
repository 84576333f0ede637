"""A release's other files, end to end: ``Subs/`` subtitles, extras, movies, episode titles.

The real CLI against the TMDB stand-in (whose season details name episodes ``Episode N``), with
real folders on disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.e2e.library_cli import entries, files_below, run_cli, summary, write

DAN = "Dan Da Dan (2024)"
NCOP = "[SubsPlease] Dan Da Dan - NCOP [1080p]"
YOUR_NAME = "Your Name. (2016)"


@pytest.mark.usefixtures("anivault_env")
def test_subs_folder_subtitles_arrive_beside_their_videos_with_language_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "downloads"
    season = source / "Dan.Da.Dan.S01.1080p.WEB"
    for episode in ("01", "02"):
        write(season / f"Dan.Da.Dan.S01E{episode}.1080p.WEB.mkv", os.urandom(1024))
    write(season / "Subs" / "Dan.Da.Dan.S01E01.1080p.WEB" / "2_English.srt", b"en")
    write(season / "Subs" / "Dan.Da.Dan.S01E01.1080p.WEB" / "3_English.srt", b"en sdh")
    write(season / "Subs" / "Dan.Da.Dan.S01E02.1080p.WEB" / "4_Japanese.srt", b"ja")
    movie = source / "Your.Name.2016.1080p.BluRay"
    write(movie / "Your.Name.2016.1080p.BluRay.mkv", os.urandom(1024))
    write(movie / "Subs" / "English.ass", b"en")
    library = tmp_path / "library"

    status, events = run_cli(["run", "--src", str(source), "--dst", str(library), "--apply"], capsys)

    assert status == 0
    assert files_below(library / DAN / "Season 01") == {
        f"{DAN} S01E01.mkv",
        f"{DAN} S01E01.en.srt",
        f"{DAN} S01E01.en.2.srt",
        f"{DAN} S01E02.mkv",
        f"{DAN} S01E02.ja.srt",
    }
    assert files_below(tmp_path / "Movies") == {
        f"{YOUR_NAME}/{YOUR_NAME}.mkv",
        f"{YOUR_NAME}/{YOUR_NAME}.en.ass",
    }
    sources = set(entries(events))
    assert "Dan.Da.Dan.S01.1080p.WEB/Subs/Dan.Da.Dan.S01E02.1080p.WEB/4_Japanese.srt" in sources
    assert summary(events)["moved"] == 7


@pytest.mark.usefixtures("anivault_env")
@pytest.mark.parametrize(
    ("preset", "series_folder"), [("default", DAN), ("jellyfin", f"{DAN} [tmdbid-240411]"), ("plex", None)]
)
def test_extras_go_to_the_series_extras_folder_of_the_preset(
    preset: str, series_folder: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "downloads"
    write(source / f"{NCOP}.mkv", os.urandom(512))

    status, events = run_cli(
        ["run", "--src", str(source), "--dst", str(tmp_path / "tv"), "--preset", preset], capsys
    )

    assert status == 0
    (entry,) = entries(events).values()
    expected = (
        f"{series_folder}/extras/{NCOP}.mkv" if series_folder else f"{DAN} {{tmdb-240411}}/Other/{NCOP}.mkv"
    )
    assert entry["target"] == expected


@pytest.mark.usefixtures("anivault_env")
def test_extras_keep_leaves_them_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "downloads"
    write(source / f"{NCOP}.mkv", os.urandom(512))

    status, events = run_cli(
        ["run", "--src", str(source), "--dst", str(tmp_path / "tv"), "--extras", "keep"], capsys
    )

    assert status == 0
    assert not entries(events)
    assert summary(events)["unmatched"] == 1


@pytest.mark.usefixtures("anivault_env")
def test_movies_go_to_the_movie_root_and_never_inside_the_series_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "downloads"
    write(source / "Your.Name.2016.1080p.BluRay.mkv", os.urandom(512))
    series, movies = tmp_path / "media" / "tv", tmp_path / "films"

    status, _ = run_cli(
        ["run", "--src", str(source), "--dst", str(series), "--movies-dst", str(movies), "--apply"], capsys
    )

    assert status == 0
    assert files_below(movies) == {f"{YOUR_NAME}/{YOUR_NAME}.mkv"}
    assert not series.exists()

    status, events = run_cli(
        ["run", "--src", str(source), "--dst", str(series), "--movies-dst", str(series / "Movies")], capsys
    )
    assert status != 0
    assert "inside the series root" in str(events[-1]["fields"]), events[-1]


@pytest.mark.usefixtures("anivault_env")
def test_episode_titles_fill_the_template_from_season_details(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tmdb_standin: object
) -> None:
    source = tmp_path / "downloads"
    write(source / "[SubsPlease] Dan Da Dan - 03 (1080p).mkv", os.urandom(512))
    write(source / "[SubsPlease] Dan Da Dan - 04 (1080p).mkv", os.urandom(512))
    template = (
        "{title} ({year})/Season {season:02d}/{title} S{season:02d}{episode_token} - {episode_title}.{ext}"
    )
    args = ["run", "--src", str(source), "--dst", str(tmp_path / "tv"), "--template", template]

    status, events = run_cli(args, capsys)

    assert status == 0
    targets = sorted(str(e["target"]) for e in entries(events).values())
    assert targets == [
        f"{DAN}/Season 01/Dan Da Dan S01E03 - Episode 3.mkv",
        f"{DAN}/Season 01/Dan Da Dan S01E04 - Episode 4.mkv",
    ]
    before = tmdb_standin.request_count  # type: ignore[attr-defined]
    run_cli(args, capsys)
    assert tmdb_standin.request_count == before, "season details come from the cache the second time"  # type: ignore[attr-defined]


@pytest.mark.usefixtures("anivault_env")
def test_prune_empty_removes_emptied_source_folders_and_undo_brings_them_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], anivault_env: Path
) -> None:
    source = tmp_path / "downloads"
    season = source / "Dan.Da.Dan.S01.1080p.WEB"
    write(season / "Dan.Da.Dan.S01E01.1080p.WEB.mkv", os.urandom(1024))
    write(season / "Subs" / "Dan.Da.Dan.S01E01.1080p.WEB" / "2_English.srt", b"en")
    write(source / "kept" / "Dan Da Dan - 02.mkv", os.urandom(1024))
    write(source / "kept" / "notes.txt", b"not ours to move")
    before = files_below(source)
    library = tmp_path / "library"

    status, _ = run_cli(
        ["run", "--src", str(source), "--dst", str(library), "--apply", "--prune-empty"], capsys
    )

    assert status == 0
    assert sorted(p.relative_to(source).as_posix() for p in source.rglob("*")) == ["kept", "kept/notes.txt"]
    (journal,) = (anivault_env / "state" / "journals").glob("*.jsonl")
    removed = [json.loads(line)["path"] for line in journal.read_text().splitlines() if '"rmdir"' in line]
    assert removed == [
        str(season / "Subs" / "Dan.Da.Dan.S01E01.1080p.WEB"),
        str(season / "Subs"),
        str(season),
    ]

    status, _ = run_cli(["organize", "--undo", str(journal)], capsys)

    assert status == 0
    assert files_below(source) == before
    assert not library.exists() or not any(library.rglob("*.mkv"))


@pytest.mark.usefixtures("anivault_env")
def test_a_reviewed_plan_files_movies_in_its_movie_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "downloads"
    write(source / "Your.Name.2016.1080p.BluRay.mkv", os.urandom(512))
    write(source / "[SubsPlease] Dan Da Dan - 03 (1080p).mkv", os.urandom(512))
    plan, series, movies = tmp_path / "plan.json", tmp_path / "tv", tmp_path / "films"
    args = [
        "run",
        "--src",
        str(source),
        "--dst",
        str(series),
        "--movies-dst",
        str(movies),
        "--plan",
        str(plan),
    ]
    assert run_cli(args, capsys)[0] == 0

    status, _ = run_cli(["organize", "--from-plan", str(plan), "--apply"], capsys)

    assert status == 0
    assert json.loads(plan.read_text())["options"]["movies_root"] == str(movies)
    assert files_below(movies) == {f"{YOUR_NAME}/{YOUR_NAME}.mkv"}
    assert files_below(series) == {f"{DAN}/Season 01/{DAN} S01E03.mkv"}
