"""Naming presets, user templates (sandboxed), the path budget and Windows long-path rules."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from anivault.core.models import Match, Score
from anivault.core.plan.naming import (
    MAX_SEGMENT_BYTES,
    STEM_BUDGET,
    Naming,
    long_path,
    sidecar_target,
    target_for,
)
from anivault.core.plan.templates import parse_template, preset, scheme_for
from anivault.errors import PathTooLongError, UsageError

SCORE = Score(0.9, (("title", 0.9),))


def tv(title: str, season: int, episodes: tuple[int, ...], year: int | None = 2023) -> Match:
    return Match("tv", 209867, title, year, season, episodes, SCORE)


def movie(title: str, year: int | None = 2016) -> Match:
    return Match("movie", 372058, title, year, None, (), SCORE)


def named(match: Match, scheme: str = "default", template: str | None = None, **kw: int) -> str:
    return target_for(match, ".mkv", Naming(scheme_for(scheme, template), **kw)).as_posix()


# --- presets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "series", "film"),
    [
        (
            "default",
            "Frieren (2023)/Season 01/Frieren (2023) S01E07-E08.mkv",
            "Your Name. (2016)/Your Name. (2016).mkv",
        ),
        (
            "kodi",
            "Frieren (2023)/Season 01/Frieren (2023) S01E07-E08.mkv",
            "Your Name. (2016)/Your Name. (2016).mkv",
        ),
        (
            "jellyfin",
            "Frieren (2023) [tmdbid-209867]/Season 01/Frieren (2023) S01E07-E08.mkv",
            "Your Name. (2016) [tmdbid-372058]/Your Name. (2016).mkv",
        ),
        (
            "plex",
            "Frieren (2023) {tmdb-209867}/Season 01/Frieren (2023) S01E07-E08.mkv",
            "Your Name. (2016) {tmdb-372058}/Your Name. (2016).mkv",
        ),
    ],
)
def test_presets_name_multi_episode_files_and_movies(scheme: str, series: str, film: str) -> None:
    assert named(tv("Frieren", 1, (7, 8)), scheme) == series
    assert named(movie("Your Name."), scheme) == film


def test_specials_go_to_season_00_in_every_preset() -> None:
    for scheme in ("default", "jellyfin", "plex", "kodi"):
        target = PurePosixPath(named(tv("Frieren", 0, (2,)), scheme))
        assert target.parts[1] == "Season 00"
        assert target.name.endswith(" S00E02.mkv")


def test_missing_year_drops_its_brackets() -> None:
    assert named(tv("Frieren", 1, (1,), year=None), "jellyfin") == (
        "Frieren [tmdbid-209867]/Season 01/Frieren S01E01.mkv"
    )


def test_unknown_preset_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown naming preset 'emby'"):
        preset("emby")


# --- user templates ----------------------------------------------------------------------------


def test_user_template_renders_its_fields() -> None:
    template = "{title}/S{season:02d}/{title} - {season}x{episode_token} [{tmdb_id}].{ext}"
    assert named(tv("Re:Zero", 2, (5,)), template=template) == (
        "Re - Zero/S02/Re - Zero - 2xE05 [209867].mkv"
    )


def test_user_template_replaces_series_only() -> None:
    assert named(movie("Akira", 1988), template="{title}/{title} {episode_token}.{ext}") == (
        "Akira (1988)/Akira (1988).mkv"
    )


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        ("{title}/{episode}", "unknown field {episode}"),
        ("{title.__class__}", "unknown field {title.__class__}"),
        ("{title[0]}", "unknown field {title[0]}"),
        ("{title!r}", "unknown field {title}"),
        ("{__import__}", "unknown field {__import__}"),
        ("{season:>10}", "format '>10'"),
        ("{title}: {year}", "character not allowed"),
        ("{title}//x", "empty folder name"),
        ("{title", "template '{title'"),
        ("{ext}/{title}", "unknown field {ext}"),
    ],
)
def test_template_language_refuses_everything_but_known_fields(template: str, complaint: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_template(template)
    assert caught.value.code == "E-USAGE"
    assert complaint in caught.value.message
    if "unknown field" in complaint:
        known = "known fields: title, year, season, episode_token, episode_title, tmdb_id"
        assert known in caught.value.message


def test_template_values_are_never_evaluated() -> None:
    hostile = tv("{tmdb_id} {__import__('os')}", 1, (1,))
    assert named(hostile, template="{title}/{title} {episode_token}.{ext}").startswith(
        "{tmdb_id} {__import__('os')}/"
    )


def test_a_forbidden_character_in_a_title_is_written_readably_in_folder_and_file() -> None:
    folder, _, name = PurePosixPath(named(tv("Is the Order a Rabbit?", 1, (1,)))).parts
    assert folder == "Is the Order a Rabbit (2023)"
    assert name == "Is the Order a Rabbit (2023) S01E01.mkv"


def test_an_unprintable_character_in_a_title_gets_a_hash_tail_on_the_title_not_the_file() -> None:
    first = named(tv("What\x01If", 1, (1,)))
    second = named(tv("What\x02If", 1, (1,)))
    assert first != second
    folder, _, name = PurePosixPath(first).parts
    assert folder.startswith("What_If_") and folder.endswith(" (2023)")
    assert name.endswith(" (2023) S01E01.mkv")


@pytest.mark.parametrize("title", ["CON", "aux", "LPT1"])
def test_reserved_device_titles_are_escaped_in_every_segment(title: str) -> None:
    target = PurePosixPath(named(tv(title, 1, (1,), year=None), template="{title}/{title}.{ext}"))
    assert all(part.split(".")[0].upper() not in {"CON", "AUX", "LPT1"} for part in target.parts)


# --- path budget -------------------------------------------------------------------------------


def test_a_long_title_is_cut_to_the_stem_budget_keeping_year_and_token() -> None:
    target = PurePosixPath(named(tv("進撃の巨人" * 40, 1, (7, 8))))
    assert len(target.stem.encode("utf-8")) <= STEM_BUDGET
    assert all(len(p.encode("utf-8")) <= MAX_SEGMENT_BYTES for p in target.parts)
    assert target.stem.endswith(" (2023) S01E07-E08")
    assert target.parts[0].endswith(" (2023)")
    assert target.parts[0].removesuffix(" (2023)") == target.stem.removesuffix(" (2023) S01E07-E08")


def test_the_total_path_budget_includes_the_library_root() -> None:
    root = "/m/" + "x" * 100
    match = tv("A Very Long Light Novel Title That Goes On And On " * 2, 1, (3,))
    naming = Naming(scheme_for("default", None), max_path_chars=240)
    target = target_for(match, ".mkv", naming, root=root)
    assert len(root) + 1 + len(target.as_posix()) <= 240
    assert target.name.endswith(" (2023) S01E03.mkv")
    sidecar = sidecar_target(target, ".en.ass")
    assert sidecar.parent == target.parent


def test_a_root_too_deep_for_any_title_is_e_fs_longpath() -> None:
    naming = Naming(scheme_for("default", None), max_path_chars=120)
    with pytest.raises(PathTooLongError) as caught:
        target_for(tv("Frieren", 1, (1,)), ".mkv", naming, root="/" + "r" * 100)
    assert caught.value.code == "E-FS-LONGPATH"


# --- Windows long paths (pure, so they run on Linux) --------------------------------------------


def test_short_windows_paths_are_left_alone_with_backslashes() -> None:
    assert long_path("C:/Media/Anime/x.mkv", windows=True) == "C:\\Media\\Anime\\x.mkv"


def test_windows_paths_past_260_get_the_long_path_prefix() -> None:
    path = "C:\\Media\\" + "a" * 300 + "\\x.mkv"
    assert long_path(path, windows=True) == "\\\\?\\" + path


def test_unc_paths_past_260_get_the_unc_long_path_prefix() -> None:
    path = "\\\\nas\\anime\\" + "b" * 300 + ".mkv"
    assert long_path(path, windows=True) == "\\\\?\\UNC\\nas\\anime\\" + "b" * 300 + ".mkv"


def test_already_prefixed_paths_are_kept() -> None:
    path = "\\\\?\\C:\\" + "c" * 400
    assert long_path(path, windows=True) == path


@pytest.mark.parametrize(
    "path",
    ["relative\\" + "d" * 300, "C:\\" + "e" * 33000],
    ids=["relative-cannot-be-prefixed", "beyond-32767"],
)
def test_windows_paths_no_prefix_can_save_are_e_fs_longpath(path: str) -> None:
    with pytest.raises(PathTooLongError) as caught:
        long_path(path, windows=True)
    assert caught.value.code == "E-FS-LONGPATH"


def test_posix_paths_stop_at_path_max() -> None:
    assert long_path("/a/b", windows=False) == "/a/b"
    with pytest.raises(PathTooLongError):
        long_path("/" + "f" * 5000, windows=False)


@pytest.mark.parametrize(
    ("style", "title", "folder"),
    [
        ("smart", "Re:Zero", "Re - Zero (2023)"),
        ("smart", "Time 12:30 Special", "Time 12-30 Special (2023)"),
        ("space-dash-space", "Time 12:30", "Time 12 - 30 (2023)"),
        ("dash", "Re:Zero kara : Hajimeru", "Re-Zero kara-Hajimeru (2023)"),
        ("delete", "Re:Zero", "ReZero (2023)"),
    ],
)
def test_colon_replacement_is_configurable(style: str, title: str, folder: str) -> None:
    naming = Naming(scheme_for("default", None), colon=style)
    assert target_for(tv(title, 1, (1,)), ".mkv", naming).parts[0] == folder


def native(title: str, original: str) -> Match:
    return Match("tv", 61374, title, 2014, 1, (1,), SCORE, original_title=original)


@pytest.mark.parametrize(
    ("title", "original", "folder"),
    [
        ("Pokémon", "ポケットモンスター", "Pokemon (2014)"),
        ("Lucky☆Star", "らき☆すた", "Lucky Star (2014)"),
        ("JoJo’s Bizarre Adventure", "ジョジョの奇妙な冒険", "JoJo's Bizarre Adventure (2014)"),
        ("Токийский гуль", "東京喰種トーキョーグール", "東京喰種トーキョーグール (2014)"),
        ("Đảo hải tặc", "ONE PIECE", "ONE PIECE (2014)"),
        ("Токийский гуль", "", "Токийский гуль (2014)"),
    ],
)
def test_ascii_or_native_rule_picks_one_predictable_script(title: str, original: str, folder: str) -> None:
    naming = Naming(scheme_for("default", None), ascii_or_native=True)
    assert target_for(native(title, original), ".mkv", naming).parts[0] == folder


def test_without_the_rule_the_chosen_title_is_kept() -> None:
    target = target_for(native("Pokémon", "ポケットモンスター"), ".mkv", Naming(scheme_for("default", None)))
    assert target.parts[0] == "Pokémon (2014)"
