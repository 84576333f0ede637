"""Target names: Windows-safe segments, episode tokens and the library layout."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from anivault.core.models import Match, Score
from anivault.core.plan.naming import (
    MAX_SEGMENT_BYTES,
    safe_segment,
    sidecar_target,
    target_for,
)

FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = (
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)
SCORE = Score(0.9, (("title", 0.9),))
HASH_TAIL = re.compile(r"_[0-9a-f]{6}$")


def tv(title: str, season: int, episodes: tuple[int, ...], year: int | None = 2020) -> Match:
    return Match("tv", 1, title, year, season, episodes, SCORE)


def is_reserved(segment: str) -> bool:
    """Windows treats ``CON`` and ``CON.anything`` alike: the part before the first dot decides."""
    return segment.split(".", maxsplit=1)[0].rstrip(" ").upper() in RESERVED


# --- safe_segment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Re:Zero", "Re - Zero"),
        ("Re:Zero kara Hajimeru Isekai Seikatsu", "Re - Zero kara Hajimeru Isekai Seikatsu"),
        ("Title : Subtitle", "Title - Subtitle"),
        ("Steins;Gate", "Steins;Gate"),
    ],
)
def test_smart_colon_becomes_a_dash(text: str, expected: str) -> None:
    assert safe_segment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fate/Zero", "Fate-Zero"),
        ("Ranma 1/2", "Ranma 1-2"),
        ("Is the Order a Rabbit?", "Is the Order a Rabbit"),
        ("Title / Subtitle", "Title - Subtitle"),
        ('The "Hentai" Prince', "The 'Hentai' Prince"),
        ("A|B", "A-B"),
        ("Back\\Slash", "Back-Slash"),
        ("<Star*>", "Star"),
    ],
)
def test_characters_windows_forbids_are_written_as_people_write_them(text: str, expected: str) -> None:
    # A media server shows the folder name: it must read as the title, with no code attached.
    assert safe_segment(text) == expected


def test_titles_differing_only_in_an_unprintable_character_do_not_collide() -> None:
    variants = [f"Who Am I{c}" for c in "\x00\x01\x1b\x1f"] + ["Who Am I", "Who Am I\udcff"]
    results = {safe_segment(v) for v in variants}
    assert len(results) == len(variants)


def test_forbidden_replacement_does_not_collide_with_a_literal_underscore_title() -> None:
    assert safe_segment("A?B") != safe_segment("A_B")
    assert safe_segment("A_B") == "A_B"


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x09", "\x0a", "\x1b", "\x1f"])
def test_control_characters_are_replaced(control: str) -> None:
    result = safe_segment(f"Bad{control}Name")
    assert control not in result
    assert result.startswith("Bad_Name_")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("CON", "CON_"), ("nul", "nul_"), ("COM1", "COM1_"), ("LPT9", "LPT9_"), ("Aux", "Aux_")],
)
def test_reserved_device_names_get_a_trailing_underscore(text: str, expected: str) -> None:
    assert safe_segment(text) == expected


@pytest.mark.parametrize("text", ["CONAN", "COM10", "LPT", "Nulla", "Console"])
def test_names_that_only_start_like_a_device_are_left_alone(text: str) -> None:
    assert safe_segment(text) == text


@pytest.mark.parametrize("text", ["CON.txt", "nul.tar.gz", "Con.Air (1997)", "COM1.mkv"])
def test_reserved_name_with_an_extension_is_escaped(text: str) -> None:
    result = safe_segment(text)
    assert result != text
    assert not is_reserved(result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title.", "Title"),
        ("Title. . ", "Title"),
        ("  Title  ", "Title"),
        ("...", "_"),
        ("", "_"),
        ("   ", "_"),
    ],
)
def test_trailing_dots_and_spaces_are_removed_and_empty_becomes_underscore(text: str, expected: str) -> None:
    assert safe_segment(text) == expected


def test_inner_whitespace_runs_collapse() -> None:
    assert safe_segment("A  \u3000 B") == "A B"


def test_nfd_input_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Pokémon Ōkami Gakkō")
    assert nfd != unicodedata.normalize("NFC", nfd)
    result = safe_segment(nfd)
    assert result == unicodedata.normalize("NFC", "Pokémon Ōkami Gakkō")
    assert unicodedata.is_normalized("NFC", result)


def test_ascii_is_capped_at_255_bytes() -> None:
    result = safe_segment("A" * 400)
    assert result == "A" * MAX_SEGMENT_BYTES


@pytest.mark.parametrize("title", ["進撃の巨人" * 30, "é" * 200, "🙂" * 100, "a" + "進" * 100])
def test_multibyte_text_is_capped_without_splitting_a_character(title: str) -> None:
    result = safe_segment(title)
    encoded = result.encode("utf-8")
    assert len(encoded) <= MAX_SEGMENT_BYTES
    assert len(encoded) > MAX_SEGMENT_BYTES - 4  # at most one partial character was dropped
    assert title.startswith(result)  # a clean prefix: no mangled or replacement characters
    assert "\ufffd" not in result


def test_custom_byte_budget() -> None:
    assert safe_segment("進撃の巨人", max_bytes=7) == "進撃"


def test_long_titles_differing_only_in_an_unprintable_character_do_not_collide() -> None:
    # the hash tail survives the cut to the byte budget
    assert safe_segment("B" * 10 + "\x01" + "A" * 300) != safe_segment("B" * 10 + "\x02" + "A" * 300)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.text())
@example("CON")
@example("nul. ")
@example("..")
@example(" \x00 ")
@example("進" * 200)
@example("a:" * 200)
def test_safe_segment_is_always_a_valid_segment(text: str) -> None:
    result = safe_segment(text)
    assert result
    assert len(result.encode("utf-8")) <= MAX_SEGMENT_BYTES
    assert not FORBIDDEN & set(result)
    assert not result.endswith((".", " "))
    assert result.upper() not in RESERVED


# --- episode tokens and layout -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("season", "episodes", "token"),
    [
        (1, (7,), "S01E07"),
        (1, (7, 8), "S01E07-E08"),
        (2, (1, 2, 3), "S02E01-E03"),
        (0, (1,), "S00E01"),
        (10, (125,), "S10E125"),
    ],
)
def test_episode_token(season: int, episodes: tuple[int, ...], token: str) -> None:
    assert target_for(tv("Show", season, episodes), ".mkv").stem == f"Show (2020) {token}"


def test_tv_layout() -> None:
    target = target_for(tv("Sousou no Frieren", 1, (7,), 2023), ".mkv")
    assert target == PurePosixPath("Sousou no Frieren (2023)/Season 01/Sousou no Frieren (2023) S01E07.mkv")


def test_tv_layout_without_year_and_multi_episode() -> None:
    target = target_for(tv("Re:Zero", 2, (7, 8), None), ".MKV")
    assert target == PurePosixPath("Re - Zero/Season 02/Re - Zero S02E07-E08.mkv")


def test_specials_go_to_season_00() -> None:
    target = target_for(tv("Show", 0, (3,)), ".mp4")
    assert target.parts[1] == "Season 00"
    assert target.name == "Show (2020) S00E03.mp4"


def test_movie_layout_below_the_movie_root() -> None:
    match = Match("movie", 372058, "Your Name.", 2016, None, (), SCORE)
    target = target_for(match, ".mkv")
    assert target == PurePosixPath("Your Name. (2016)/Your Name. (2016).mkv")


def test_movie_with_colon_and_no_year() -> None:
    match = Match("movie", 1, "Gekijouban: Tokyo", None, None, (), SCORE)
    assert target_for(match, ".mkv") == PurePosixPath("Gekijouban - Tokyo/Gekijouban - Tokyo.mkv")


@pytest.mark.parametrize(("season", "episodes"), [(None, (1,)), (1, ())])
def test_tv_match_without_season_or_episodes_is_refused(
    season: int | None, episodes: tuple[int, ...]
) -> None:
    with pytest.raises(ValueError, match="season and episodes"):
        target_for(Match("tv", 1, "Show", None, season, episodes, SCORE), ".mkv")


@pytest.mark.parametrize("tail", [".en.ass", ".jpn.forced.srt", ".ass", ".pt-BR.default.srt"])
def test_sidecar_keeps_its_tags(tail: str) -> None:
    video = target_for(tv("Show", 1, (7,)), ".mkv")
    assert sidecar_target(video, tail) == video.with_name(f"Show (2020) S01E07{tail}")


def test_truncation_keeps_the_extension() -> None:
    target = target_for(tv("進" * 120, 1, (7,)), ".mkv")
    assert target.name.endswith(".mkv")
    assert all(len(part.encode("utf-8")) <= MAX_SEGMENT_BYTES for part in target.parts)


def test_truncation_keeps_sidecar_tags() -> None:
    video = target_for(tv("進" * 120, 1, (7,)), ".mkv")
    sidecar = sidecar_target(video, ".jpn.forced.srt")
    assert sidecar.name.endswith(".jpn.forced.srt")
    assert len(sidecar.name.encode("utf-8")) <= MAX_SEGMENT_BYTES
    assert sidecar.parent == video.parent


def test_long_show_names_keep_episodes_apart() -> None:
    first = target_for(tv("長" * 84, 1, (7,)), ".mkv")
    second = target_for(tv("長" * 84, 1, (8,)), ".mkv")
    assert first != second


def test_long_names_keep_the_sidecar_paired_with_its_video() -> None:
    video = target_for(tv("長" * 84, 1, (7,)), ".mkv")
    assert sidecar_target(video, ".jpn.forced.srt").name.startswith(f"{video.stem}.")
