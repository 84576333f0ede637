"""Override files: which one applies to a file, and what a valid one looks like."""

from __future__ import annotations

from pathlib import Path

import pytest

from anivault.core.config import RunConfig
from anivault.core.lookup.matching.placement import shift_seasons
from anivault.core.lookup.overrides import (
    OVERRIDE_FILE,
    FolderOverrides,
    MatchOverride,
    parse_override,
    parse_pick,
)
from anivault.core.lookup.stream import LookupRequest
from anivault.core.models import ParsedName
from anivault.errors import UsageError


def write(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OVERRIDE_FILE).write_text(text, encoding="utf-8")


def test_the_nearest_file_wins_and_the_default_applies_elsewhere(tmp_path: Path) -> None:
    write(tmp_path / "show", '{"tmdb_id": 1}')
    write(tmp_path / "show" / "cour 2", '{"tmdb_id": 1, "season_offset": 1}')
    (tmp_path / "other").mkdir()
    default = MatchOverride(season_offset=3)
    overrides = FolderOverrides(tmp_path, default)
    assert overrides.for_file(tmp_path / "show" / "cour 2" / "deep" / "01.mkv") == MatchOverride(1, "tv", 1)
    assert overrides.for_file(tmp_path / "show" / "01.mkv") == MatchOverride(1, "tv", 0)
    assert overrides.for_file(tmp_path / "other" / "01.mkv") == default
    assert FolderOverrides(tmp_path).for_file(tmp_path / "other" / "01.mkv") is None


def test_a_file_at_the_source_root_applies_to_everything(tmp_path: Path) -> None:
    write(tmp_path, '{"tmdb_id": 128, "media_type": "movie"}')
    assert FolderOverrides(tmp_path).for_file(tmp_path / "a" / "b.mkv") == MatchOverride(128, "movie", 0)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"tmdb": 1}',
        '{"tmdb_id": "1"}',
        '{"tmdb_id": 0}',
        '{"tmdb_id": true}',
        '{"media_type": "anime"}',
        '{"season_offset": 1.5}',
    ],
)
def test_an_invalid_file_is_a_usage_error_naming_it(tmp_path: Path, text: str) -> None:
    write(tmp_path, text)
    with pytest.raises(UsageError, match=OVERRIDE_FILE):
        FolderOverrides(tmp_path).for_file(tmp_path / "01.mkv")


def test_parse_override_accepts_every_key_optional() -> None:
    assert parse_override({}, "x") == MatchOverride()
    assert parse_override({"season_offset": -1}, "x") == MatchOverride(season_offset=-1)


def test_season_offset_moves_episodes_only() -> None:
    episode = ParsedName("T", season=None, episodes=(3,), kind="episode")
    assert shift_seasons(episode, 1).season == 2
    assert shift_seasons(ParsedName("T", season=2, episodes=(3,), kind="episode"), 1).season == 3
    special = ParsedName("T", season=None, episodes=(1,), kind="special")
    assert shift_seasons(special, 1) == special
    assert shift_seasons(episode, 0) == episode


def test_picks_come_first_a_file_before_its_folder_before_an_override_file(tmp_path: Path) -> None:
    write(tmp_path / "show", '{"tmdb_id": 1}')
    for name in ("01.mkv", "02.mkv"):
        (tmp_path / "show" / name).write_bytes(b"v")
    picks = (
        parse_pick("show=2", tmp_path),
        parse_pick("show/02.mkv=movie:3", tmp_path),
    )
    overrides = FolderOverrides(tmp_path, MatchOverride(4), picks)

    assert overrides.for_file(tmp_path / "show" / "01.mkv") == MatchOverride(2, "tv")
    assert overrides.for_file(tmp_path / "show" / "02.mkv") == MatchOverride(3, "movie")
    assert overrides.for_file(tmp_path / "elsewhere" / "01.mkv") == MatchOverride(4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("show", "expected PATH=ID"),
        ("show=abc", "expected PATH=ID"),
        ("show=book:3", "expected PATH=ID"),
        ("missing=3", "does not exist"),
        ("../=3", "is not below --src"),
    ],
)
def test_a_pick_names_an_existing_path_below_the_source_and_an_id(
    tmp_path: Path, text: str, message: str
) -> None:
    source = tmp_path / "src"
    (source / "show").mkdir(parents=True)
    with pytest.raises(UsageError, match=message):
        parse_pick(text, source)


def test_picks_survive_the_checkpoint_of_a_resumable_run(tmp_path: Path) -> None:
    (tmp_path / "show").mkdir()
    picks = (parse_pick("show=7", tmp_path),)
    config = RunConfig(LookupRequest(tmp_path, None, 0, 0.6, picks=picks), tmp_path / "lib")

    assert RunConfig.from_json(config.to_json()).lookup.picks == picks
