"""Release names → ParsedName, and folder fallback for names that carry no title."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from anivault.core.lookup.parsing import parse_file, parse_name
from anivault.core.lookup.scan import scan_tree
from anivault.core.models import ParsedFile, ParsedName, ScannedFile


def scanned(root: Path, relative: str) -> ScannedFile:
    """Create ``relative`` under ``root`` and return the ScannedFile the real scan yields for it."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    found = [item for item in scan_tree(root) if isinstance(item, ScannedFile) and item.path == str(path)]
    assert len(found) == 1
    return found[0]


def parsed(name: str) -> ParsedName:
    result = parse_name(name)
    assert result is not None
    return result


# --- fansub conventions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "episodes", "group", "resolution"),
    [
        (
            "[SubsPlease] Sousou no Frieren - 05 (1080p) [ABCD1234].mkv",
            "Sousou no Frieren",
            (5,),
            "SubsPlease",
            "1080p",
        ),
        (
            "[Erai-raws] Spy x Family - 03 [1080p][Multiple Subtitle][ABCDEF01].mkv",
            "Spy x Family",
            (3,),
            "Erai-raws",
            "1080p",
        ),
        (
            "[HorribleSubs] Boku no Hero Academia - 01 [720p].mkv",
            "Boku no Hero Academia",
            (1,),
            "HorribleSubs",
            "720p",
        ),
        ("[SubsPlease] One Piece - 1071 (1080p) [F00DCAFE].mkv", "One Piece", (1071,), "SubsPlease", "1080p"),
    ],
)
def test_fansub_names(name: str, title: str, episodes: tuple[int, ...], group: str, resolution: str) -> None:
    result = parsed(name)
    assert (result.title, result.episodes, result.group, result.resolution) == (
        title,
        episodes,
        group,
        resolution,
    )
    assert result.kind == "episode"
    assert result.season is None
    assert result.title_source == "file"


@pytest.mark.parametrize(
    "name",
    [
        "[SubsPlease] Oshi no Ko 2nd Season - 03 (1080p) [ABCD1234].mkv",
        "[Group] Oshi no Ko S2 - 03 [1080p].mkv",
        "[Group] Oshi no Ko Season 2 - 03 [1080p].mkv",
    ],
)
def test_season_spellings(name: str) -> None:
    result = parsed(name)
    assert (result.title, result.season, result.episodes, result.kind) == ("Oshi no Ko", 2, (3,), "episode")


def test_third_season_ordinal() -> None:
    assert parsed("[Group] Shingeki no Kyojin 3rd Season - 10 [720p].mkv").season == 3


def test_scene_single_episode() -> None:
    result = parsed("Show.Name.S01E05.1080p.WEB.x264-GRP.mkv")
    assert (result.title, result.season, result.episodes) == ("Show Name", 1, (5,))


def test_scene_double_episode() -> None:
    result = parsed("Show.Name.S01E05E06.1080p.WEB.x264-GRP.mkv")
    assert (result.title, result.season, result.episodes, result.kind) == ("Show Name", 1, (5, 6), "episode")


@pytest.mark.parametrize(
    ("name", "episodes"),
    [("[Group] Title - 01-02 [1080p].mkv", (1, 2)), ("[Group] Title - 03~04 [1080p].mkv", (3, 4))],
)
def test_episode_ranges(name: str, episodes: tuple[int, ...]) -> None:
    result = parsed(name)
    assert (result.title, result.episodes, result.kind) == ("Title", episodes, "episode")


@pytest.mark.parametrize(
    "name", ["[Group] Kimi no Na wa (2016) [1080p].mkv", "Kimi.no.Na.wa.2016.1080p.BluRay.x264.mkv"]
)
def test_movie_with_year(name: str) -> None:
    result = parsed(name)
    assert (result.title, result.year, result.kind, result.episodes) == ("Kimi no Na wa", 2016, "movie", ())


def test_ova_suffix_is_a_special_and_leaves_the_title() -> None:
    result = parsed("[Group] Title - OVA [1080p].mkv")
    assert (result.title, result.kind, result.episodes) == ("Title", "special", ())


def test_sp_number_is_a_special() -> None:
    result = parsed("[Group] Title - SP1 [1080p].mkv")
    assert (result.title, result.kind, result.episodes) == ("Title", "special", (1,))


@pytest.mark.parametrize("name", ["[Group] Title - 00 [1080p].mkv", "Show.S01E00.mkv"])
def test_episode_zero_is_a_special(name: str) -> None:
    result = parsed(name)
    assert result.episodes == (0,)
    assert result.kind == "special"


@pytest.mark.parametrize("name", ["[Group] Title - NCOP1 [1080p].mkv", "[Group] Title - NCED [1080p].mkv"])
def test_creditless_openings_are_extras(name: str) -> None:
    assert parsed(name).kind == "extra"


def test_nfd_name_is_read_as_nfc() -> None:
    nfd = "[Group] Pokémon - 01 [1080p].mkv".replace("é", "e\u0301")
    assert parsed(nfd).title == "Pokémon"


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_none(name: str) -> None:
    assert parse_name(name) is None


# --- parse_file: folder fallback with real files -----------------------------------------------


def test_bare_episode_takes_title_and_season_from_its_folder(tmp_path: Path) -> None:
    item = scanned(tmp_path, "[Group] Title S2 [BD 1080p]/01.mkv")
    result = parse_file(item)
    assert result.error is None
    assert result.scanned == item
    assert result.parsed == ParsedName(
        title="Title",
        season=2,
        episodes=(1,),
        kind="episode",
        year=None,
        group="Group",
        resolution="1080p",
        title_source="folder",
    )


@pytest.mark.parametrize("stem", ["E05", "Episode 5", "05v2"])
def test_bare_episode_spellings(tmp_path: Path, stem: str) -> None:
    result = parse_file(scanned(tmp_path, f"Dandadan/{stem}.mkv"))
    assert result.parsed is not None
    assert (result.parsed.title, result.parsed.episodes, result.parsed.title_source) == (
        "Dandadan",
        (5,),
        "folder",
    )


def test_file_with_a_title_keeps_it_and_borrows_the_folder_season(tmp_path: Path) -> None:
    item = scanned(tmp_path, "Oshi no Ko S2/[Group] Oshi no Ko - 03 [1080p].mkv")
    result = parse_file(item)
    assert result.parsed is not None
    assert (result.parsed.title, result.parsed.season, result.parsed.title_source) == (
        "Oshi no Ko",
        2,
        "file",
    )


def test_folder_season_is_not_borrowed_by_a_different_title(tmp_path: Path) -> None:
    result = parse_file(scanned(tmp_path, "Other Show S2/[Group] Oshi no Ko - 03 [1080p].mkv"))
    assert result.parsed is not None
    assert result.parsed.season is None


def test_no_title_anywhere_is_a_recorded_parse_failure(tmp_path: Path) -> None:
    item = scanned(tmp_path, "2023/01.mkv")
    result = parse_file(item)
    assert isinstance(result, ParsedFile)
    assert result.parsed is None
    assert result.scanned == item
    assert result.error is not None
    assert result.error.startswith("E-PARSE-FAIL")


# --- hostile input -----------------------------------------------------------------------------


# Any code point, surrogates included, mixed with the pieces release names are built from so the
# regexes and anitopy see plausible-but-broken structure, not only noise.
HOSTILE_TEXT = st.lists(
    st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
        st.sampled_from(
            [*"[]()【】-~._ 0123456789SEvp", "OVA", "SP", "Season", "\u202e", "\u200f", "🙂", "\ud83d"]
        ),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
@example("\ud800 - 01.mkv")
@example("🙂🙂 - 01.mkv")
@example("\u202etxet - 01.mkv")
@example("[[[[[[[")
@example("S99E9999E9999E9999")
@example("- 0000 - 9999 - ")
@example("\x00")
def test_parse_name_never_raises(name: str) -> None:
    result = parse_name(name)
    assert result is None or isinstance(result, ParsedName)
    if result is not None:
        assert all(isinstance(e, int) for e in result.episodes)


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/\x00"),
        min_size=1,
        max_size=60,
    )
)
def test_parse_file_never_raises_for_real_files(tmp_path_factory: pytest.TempPathFactory, stem: str) -> None:
    root = tmp_path_factory.mktemp("hostile")
    name = f"{stem}.mkv"
    if name in (".mkv", "..mkv") or len(name.encode("utf-8")) > 255:
        return
    path = root / "folder" / name
    path.parent.mkdir()
    path.write_bytes(b"x")
    items = [item for item in scan_tree(root) if isinstance(item, ScannedFile)]
    for item in items:
        result = parse_file(item)
        assert (result.parsed is None) == (result.error is not None)
