"""The existing library (series folders by id tag or title + year), the movie root, subtitle
languages and the template field ``episode_title``: the pieces, on real folders."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from anivault.core.lookup.subtitles import subtitle_tags
from anivault.core.models import Match, Score
from anivault.core.plan.library import LibraryFolders, movies_root_for, season_number, tmdb_id_of
from anivault.core.plan.naming import Naming, target_for
from anivault.core.plan.templates import parse_template, preset, scheme_for
from anivault.errors import UsageError

SCORE = Score(1.0, ())


def tv(title: str, tmdb_id: int, season: int, episodes: tuple[int, ...], year: int = 2022) -> Match:
    return Match("tv", tmdb_id, title, year, season, episodes, SCORE)


@pytest.mark.parametrize(
    ("stem", "tags"),
    [
        ("2_English", ".en"),
        ("English", ".en"),
        ("3_Japanese", ".ja"),
        ("Portuguese (Brazil)", ".pt-BR"),
        ("Spanish (Latin America)", ".es-419"),
        ("Chinese (Traditional)", ".zh-Hant"),
        ("English SDH", ".en.sdh"),
        ("English [HI]", ".en.sdh"),
        ("HI", ".hi"),  # alone it is Hindi
        ("Japanese [Forced]", ".ja.forced"),
        ("Deutsch", ".de"),
        ("eng", ".en"),
        ("Track 3", ".track.3"),  # unknown: its own words, not a guess
    ],
)
def test_subtitle_languages_come_from_the_file_name(stem: str, tags: str) -> None:
    assert subtitle_tags(stem) == tags


@pytest.mark.parametrize(
    ("folder", "tmdb_id"),
    [
        ("Spy x Family (2022) [tmdbid-120089]", 120089),
        ("Frieren {tmdb-209867}", 209867),
        ("Frieren [tmdb=209867]", 209867),
        ("Spy x Family (2022)", None),
    ],
)
def test_id_tags_in_folder_names(folder: str, tmdb_id: int | None) -> None:
    assert tmdb_id_of(folder) == tmdb_id


@pytest.mark.parametrize(
    ("folder", "number"), [("Season 01", 1), ("Season 1", 1), ("S2", 2), ("Specials", 0), ("Extras", None)]
)
def test_season_folder_numbers(folder: str, number: int | None) -> None:
    assert season_number(folder) == number


def test_existing_folders_are_adopted_by_id_then_by_title_and_year(tmp_path: Path) -> None:
    (tmp_path / "Spy x Family (2022) {tmdb-120089}" / "Season 2").mkdir(parents=True)
    (tmp_path / "frieren (2023)").mkdir()
    (tmp_path / "Dan Da Dan (2024) [tmdbid-1]").mkdir()  # tagged with another work's id
    folders = LibraryFolders(tmp_path)
    naming = Naming(preset("jellyfin"))

    def target(match: Match) -> str:
        return target_for(match, ".mkv", naming, adopt=folders.adopt).as_posix()

    assert target(tv("Spy x Family", 120089, 2, (3,))) == (
        "Spy x Family (2022) {tmdb-120089}/Season 2/Spy x Family (2022) S02E03.mkv"
    )
    assert target(tv("Spy x Family", 120089, 1, (1,))) == (
        "Spy x Family (2022) {tmdb-120089}/Season 01/Spy x Family (2022) S01E01.mkv"
    )
    assert (
        target(tv("Frieren", 209867, 1, (1,), 2023)) == "frieren (2023)/Season 01/Frieren (2023) S01E01.mkv"
    )
    assert target(tv("Dan Da Dan", 240411, 1, (1,), 2024)).startswith("Dan Da Dan (2024) [tmdbid-240411]/")


def test_a_library_that_does_not_exist_yet_adopts_nothing(tmp_path: Path) -> None:
    folders = LibraryFolders(tmp_path / "new")
    segments = ("Show (2020)", "Season 01", "Show (2020) S01E01")
    assert folders.adopt(1, segments) == segments


def test_movies_go_beside_the_series_root_by_default(tmp_path: Path) -> None:
    assert movies_root_for(tmp_path / "TV", None).root == tmp_path / "Movies"
    assert movies_root_for(tmp_path / "TV", tmp_path / "Films").root == tmp_path / "Films"


def test_a_movies_folder_left_inside_the_series_root_is_warned_about(tmp_path: Path) -> None:
    (tmp_path / "TV" / "Movies").mkdir(parents=True)
    chosen = movies_root_for(tmp_path / "TV", None)
    assert chosen.root == tmp_path / "Movies"
    assert chosen.warning is not None
    assert str(tmp_path / "TV" / "Movies") in chosen.warning


def test_a_series_root_without_a_parent_keeps_movies_inside_with_a_warning() -> None:
    drive = Path(Path.cwd().anchor)
    chosen = movies_root_for(drive, None)
    assert chosen.root == drive / "Movies"
    assert chosen.warning is not None
    assert "--movies-dst" in chosen.warning


def test_a_series_root_named_movies_keeps_its_movies_inside(tmp_path: Path) -> None:
    chosen = movies_root_for(tmp_path / "Movies", None)
    assert (chosen.root, chosen.warning is not None) == (tmp_path / "Movies" / "Movies", True)


def test_a_movie_root_inside_the_series_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="inside the series root"):
        movies_root_for(tmp_path / "TV", tmp_path / "TV" / "Movies")


def test_episode_titles_fill_their_field_and_a_missing_one_leaves_no_dangling_dash() -> None:
    template = (
        "{title} ({year})/Season {season:02d}/{title} S{season:02d}{episode_token} - {episode_title}.{ext}"
    )
    naming = Naming(scheme_for("default", template))
    match = tv("Re:Zero", 65942, 1, (1,), 2016)
    titled = target_for(match, ".mkv", naming, episode_title="The End of the Beginning: and")
    assert titled == PurePosixPath(
        "Re - Zero (2016)/Season 01/Re - Zero S01E01 - The End of the Beginning - and.mkv"
    )
    assert target_for(match, ".mkv", naming).name == "Re - Zero S01E01.mkv"
    assert parse_template(template).uses("episode_title")
    assert not preset("default").tv.uses("episode_title")


def test_a_long_episode_title_is_cut_not_the_episode_token() -> None:
    naming = Naming(
        scheme_for("default", "{title}/{title} S{season:02d}{episode_token} {episode_title}.{ext}")
    )
    name = target_for(tv("Show", 1, 1, (2,)), ".mkv", naming, episode_title="word " * 100).name
    assert name.startswith("Show S01E02 word")
    assert len(name.encode()) <= 4 + len("Show S01E02 ") + 80
