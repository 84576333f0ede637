"""Each named anitopy trap (issue 4, peers-and-pain-points §2) and each new ParsedName field."""

from __future__ import annotations

from pathlib import Path

import anitopy
import pytest

from anivault.core.lookup.parsing import parse_file, parse_name, sidecar_languages
from anivault.core.models import ParsedName, ScannedFile


def parsed(name: str) -> ParsedName:
    result = parse_name(name)
    assert result is not None
    return result


# --- the named traps ---------------------------------------------------------------------------


def test_title_is_not_taken_from_the_last_bracket() -> None:
    name = "[Mobile Suit Gundam Seed Destiny HD REMASTER][07][Big5][720p][AVC_AAC][encoded by SEED].mp4"
    assert anitopy.parse(name)["anime_title"] == "encoded by SEED"  # the trap is real
    result = parsed(name)
    assert (result.title, result.episodes, result.resolution) == (
        "Mobile Suit Gundam Seed Destiny HD REMASTER",
        (7,),
        "720p",
    )
    assert result.group is None


def test_cjk_leading_group_and_decorated_title_bracket() -> None:
    result = parsed("【MMZYSUB】★【Golden Time】[01][GB][720P].mp4")
    assert (result.title, result.group, result.episodes) == ("Golden Time", "MMZYSUB", (1,))


def test_numeric_leading_group_is_a_group_not_an_episode() -> None:
    result = parsed("[46620] Re Zero - 05 [1080p].mkv")
    assert (result.title, result.group, result.episodes) == ("Re Zero", "46620", (5,))


def test_bracketed_title_with_bare_number_does_not_crash_or_become_the_title() -> None:
    with pytest.raises(AttributeError):  # anitopy itself crashes on this shape
        anitopy.parse("[Keroro].148.mkv")
    result = parsed("[Keroro].148.mkv")
    assert (result.title, result.episodes, result.group) == ("Keroro", (148,), None)


def test_number_as_whole_title() -> None:
    result = parsed("[SubsPlease] 86 - 05 (1080p) [ABCD1234].mkv")
    assert (result.title, result.episodes) == ("86", (5,))


def test_number_inside_title_after_a_dash() -> None:
    result = parsed("[Erai-raws] Fairy Tail - 100 Years Quest - 01 [1080p].mkv")
    assert (result.title, result.episodes) == ("Fairy Tail - 100 Years Quest", (1,))


def test_decimal_at_the_start_of_a_title() -> None:
    result = parsed("[SubsPlease] 2.5 Dimensional Seduction - 03 (1080p) [ABCD1234].mkv")
    assert (result.title, result.episodes, result.kind) == ("2.5 Dimensional Seduction", (3,), "episode")


def test_version_string_inside_a_title() -> None:
    result = parsed("[SubsPlease] NieR Automata Ver1.1a - 13 (1080p) [ABCD1234].mkv")
    assert (result.title, result.episodes, result.version) == ("NieR Automata Ver1.1a", (13,), None)


def test_glued_ep_number() -> None:
    result = parsed("[Group] Title-ep1 [720p].mkv")
    assert (result.title, result.episodes, result.kind) == ("Title", (1,), "episode")


def test_ex_number_is_a_special() -> None:
    result = parsed("[Group] Title EX01 [720p].mkv")
    assert (result.title, result.episodes, result.kind, result.special) == ("Title", (1,), "special", "EX")


def test_relative_range_with_franchise_range_in_parentheses() -> None:
    # guessit#142 (the name in its issue thread): 191-195 counts the whole franchise, 16-20 the
    # sequel series' own episodes, which is how TMDB numbers the sequel
    result = parsed("[Hatsuyuki-Kaitou]_Fairy_Tail_2_-_16-20_(191-195)_[720p][10bit].mkv")
    assert result.title == "Fairy Tail 2"
    assert result.episodes == (16, 17, 18, 19, 20)
    assert result.absolute_episodes == ()
    assert result.group == "Hatsuyuki-Kaitou"  # anitopy calls "191-195" the group


@pytest.mark.parametrize(
    ("name", "episodes", "absolute"),
    [
        ("Kaiju Patrol S03E05 - Ep.041.mkv", (5,), (41,)),
        ("Kaiju Patrol - s04e02-03 - 52-53.mkv", (2, 3), (52, 53)),
        ("Kaiju Patrol S03E05 - 1080p.mkv", (5,), ()),
    ],
)
def test_a_dashed_absolute_number_after_the_scene_form(
    name: str, episodes: tuple[int, ...], absolute: tuple[int, ...]
) -> None:
    result = parsed(name)
    assert (result.title, result.episodes, result.absolute_episodes) == ("Kaiju Patrol", episodes, absolute)


def test_a_backward_number_pair_is_a_sequel_number_and_its_episode() -> None:
    result = parsed("Kaiju_Patrol_Zero_2-01.mkv")
    assert (result.title, result.episodes) == ("Kaiju Patrol Zero 2", (1,))


@pytest.mark.parametrize(
    "name", ["[Grp] Kaiju Patrol - S03 - Part 1 - 13 [BD 1080p].mkv", "Kaiju Patrol Season 3 Part 2 - 13.mkv"]
)
def test_a_part_after_a_season_marker_is_a_part_of_that_season(name: str) -> None:
    result = parsed(name)
    assert (result.title, result.season, result.episodes) == ("Kaiju Patrol", 3, (13,))


@pytest.mark.parametrize(
    ("name", "season"),
    [("[Grp] Kaiju Patrol 第三季 - 05 [1080P].mp4", 3), ("[Grp] Kaiju Patrol 第2期 - 05.mkv", 2)],
)
def test_a_cjk_season_counter_after_the_title_is_its_season(name: str, season: int) -> None:
    result = parsed(name)
    assert (result.title, result.season, result.episodes) == ("Kaiju Patrol", season, (5,))


def test_title_with_times_sign_is_not_a_season_by_episode() -> None:
    result = parsed("[EMBER]_3x3_Eyes_-_01+02_[720p][769EFA06].mkv")
    assert (result.title, result.season, result.episodes) == ("3x3 Eyes", None, (1, 2))


def test_season_marker_before_dash_episode() -> None:  # Sonarr#2518
    result = parsed("[Group] My Hero Academia S3 - 03 [1080p].mkv")
    assert (result.title, result.season, result.episodes) == ("My Hero Academia", 3, (3,))


def test_part_two_is_a_season_not_an_episode() -> None:  # anime-relations PR #87
    result = parsed("[Group] Mushoku Tensei Part 2 - 01 [1080p].mkv")
    assert (result.title, result.season, result.episodes) == ("Mushoku Tensei", 2, (1,))


def test_dotted_absolute_number_is_not_season_and_episode() -> None:  # Sonarr#2220
    result = parsed("Dragonball.Z.102.mkv")
    assert (result.title, result.season, result.episodes) == ("Dragonball Z", None, (102,))


@pytest.mark.parametrize("name", ["[Group] Title - E89 [1080p].mkv", "[Group] Title E89 [1080p].mkv"])
def test_e_prefixed_absolute_number(name: str) -> None:  # Sonarr#2343
    assert (parsed(name).title, parsed(name).episodes) == ("Title", (89,))


# --- season, episode and special spellings -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "season"),
    [
        ("[G] Title Cour 2 - 03 [1080p].mkv", "Title", 2),
        ("[G] Title 2nd Part - 03 [1080p].mkv", "Title", 2),
        ("[G] Title Dai 2 Cour - 03 [1080p].mkv", "Title", 2),
        ("[G] Title Dai 3 Ki - 03 [1080p].mkv", "Title", 3),
    ],
)
def test_more_season_spellings(name: str, title: str, season: int) -> None:
    result = parsed(name)
    assert (result.title, result.season, result.episodes) == (title, season, (3,))


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("[G] Overlord II - 03 [1080p].mkv", "Overlord II"),
        ("[G] Sonic X - 03 [1080p].mkv", "Sonic X"),
        ("[G] Street Fighter II V - 03 [1080p].mkv", "Street Fighter II V"),
    ],
)
def test_a_trailing_roman_numeral_is_left_to_matching(name: str, title: str) -> None:
    # "Overlord II" is season 2, "Sonic X" is not season 10: only TMDB's titles can tell them apart.
    result = parsed(name)
    assert (result.title, result.season, result.episodes) == (title, None, (3,))


@pytest.mark.parametrize(
    ("name", "episodes"),
    [
        ("[G] Title - 01+02 [1080p].mkv", (1, 2)),
        ("Title.S01E01-E03.1080p.WEB.x264-GRP.mkv", (1, 2, 3)),
        ("[G] Title - 24-25 [1080p].mkv", (24, 25)),
    ],
)
def test_more_episode_ranges(name: str, episodes: tuple[int, ...]) -> None:
    assert parsed(name).episodes == episodes


@pytest.mark.parametrize(
    ("name", "special", "episodes", "kind"),
    [
        ("[G] Title - OVAv2 [1080p].mkv", "OVA", (), "special"),
        ("[G] Title - OAD3 [1080p].mkv", "OAD", (3,), "special"),
        ("[G] Title - ONA [1080p].mkv", "ONA", (), "special"),
        ("[G] Title - Recap [1080p].mkv", "Recap", (), "special"),
        ("[G] Title - 12.5 [1080p].mkv", "12.5", (), "special"),
        ("[G] Title - PV [1080p].mkv", "PV", (), "extra"),
        ("[G] Title - NCED2 [1080p].mkv", "NCED", (2,), "extra"),
    ],
)
def test_special_markers(name: str, special: str, episodes: tuple[int, ...], kind: str) -> None:
    result = parsed(name)
    assert (result.title, result.special, result.episodes, result.kind) == ("Title", special, episodes, kind)


def test_episode_zero_spelled_out_is_a_special() -> None:
    result = parsed("[G] Title - Episode 0 [1080p].mkv")
    assert (result.title, result.episodes, result.kind) == ("Title", (0,), "special")


def test_version_crc_group_resolution() -> None:
    result = parsed("[Group] Title - 07v2 [1080p][ABCD1234].mkv")
    assert (result.version, result.crc, result.group, result.resolution) == (2, "ABCD1234", "Group", "1080p")


def test_alternative_title_in_parentheses() -> None:
    result = parsed("[Judas] 12 Kokuki (The Twelve Kingdoms) - 04 (BD 1080p HEVC Opus) [Dual Audio].mkv")
    assert (result.title, result.alternative_title, result.episodes) == (
        "12 Kokuki",
        "The Twelve Kingdoms",
        (4,),
    )


def test_year_in_parentheses_is_not_an_alternative_title() -> None:
    result = parsed("[G] Fairy Tail (2014) - 138 [1080p].mkv")
    assert (result.title, result.year, result.alternative_title, result.episodes) == (
        "Fairy Tail",
        2014,
        None,
        (138,),
    )


@pytest.mark.parametrize(
    "name",
    [
        "Patlabor 2 the Movie (1993) [BDRip 1080p].mkv",
        "[Beatrice-Raws] Patlabor 2 the Movie (1993) [BD 1080p].mkv",
    ],
)
def test_movie_with_a_number_in_its_title(name: str) -> None:
    result = parsed(name)
    assert (result.title, result.year, result.episodes, result.kind) == (
        "Patlabor 2 the Movie",
        1993,
        (),
        "movie",
    )


def test_scene_movie_keeps_single_letter_words() -> None:
    result = parsed("Vampire.Hunter.D.1985.1080p.BluRay.x264-SMURF.mkv")
    assert (result.title, result.year, result.kind) == ("Vampire Hunter D", 1985, "movie")


def test_dots_inside_a_spaced_title_survive() -> None:
    assert parsed("[Erai-raws] Aldnoah.Zero - 03 [1080p].mkv").title == "Aldnoah.Zero"
    assert parsed("[MTBB] Once Upon a Time... Space - 17~18 [BD].mkv").title == "Once Upon a Time... Space"


# --- sidecars ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "languages"),
    [
        ("[G] Title - 07 [1080p].en.ass", ("en",)),
        ("[G] Title - 07 [1080p].jpn.forced.srt", ("jpn", "forced")),
        ("Title.S01E05.1080p.WEB.x264-GRP.pt-BR.srt", ("pt-BR",)),
        ("[G] Title - 07 [1080p].ass", ()),
        ("[G] Title - 07 [1080p].mkv", ()),
    ],
)
def test_sidecar_language_tags(name: str, languages: tuple[str, ...]) -> None:
    assert sidecar_languages(name) == languages
    result = parsed(name)
    assert (result.title, result.episodes, result.languages) == (
        "Title",
        (7,) if "S01E05" not in name else (5,),
        languages,
    )


# --- broken input: a parse or a recorded E-PARSE-FAIL, never a crash -----------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Ti\udcfftle - 01.mkv", "Ti\ufffdtle"),  # undecodable byte, as os.listdir hands it over
        ("🙂 Title 🙂 - 01.mkv", "🙂 Title 🙂"),
        ("\u202eTitle\u200f - 01.mkv", "Title"),  # bidi overrides and marks are dropped
        ("عنوان - 01.mkv", "عنوان"),
        ("[G] Pokémon - 01 [1080p].mkv".replace("é", "e\u0301"), "Pokémon"),
        ("Title - 01 . . .", "Title"),
        ("  Title - 01.mkv  ", "Title"),
    ],
)
def test_broken_names_still_parse(name: str, title: str) -> None:
    result = parsed(name)
    assert (result.title, result.episodes) == (title, (1,))


@pytest.mark.parametrize("name", ["\udcff\udcfe.mkv", "...", "\u202e\u200f", "[]", "🙂"])
def test_names_without_a_title_are_none(name: str) -> None:
    assert parse_name(name) is None


def test_undecodable_file_name_on_disk_is_a_recorded_failure(tmp_path: Path) -> None:
    raw = tmp_path / "2023"
    raw.mkdir()
    path = raw / "\udcff\udcfe.mkv"
    result = parse_file(ScannedFile(path=str(path), relative="2023/\udcff\udcfe.mkv"))
    assert result.parsed is None
    assert result.error is not None
    assert result.error.startswith("E-PARSE-FAIL")


# --- folder context ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "title", "season", "episodes", "version"),
    [
        ("[Arid] Baki Hanma S2 [BD 1080p]/22v2.mkv", "Baki Hanma", 2, (22,), 2),
        ("Made in Abyss Season 2/Episode 1.mkv", "Made in Abyss", 2, (1,), None),
        ("Cardfight!! Vanguard Season 8/22.mkv", "Cardfight!! Vanguard", 8, (22,), None),
        ("Aldnoah.Zero/Episode 12.mkv", "Aldnoah.Zero", None, (12,), None),
    ],
)
def test_folder_gives_title_and_season_to_bare_numbers(
    relative: str, title: str, season: int | None, episodes: tuple[int, ...], version: int | None
) -> None:
    path = Path("/library") / relative
    result = parse_file(ScannedFile(path=str(path), relative=relative))
    assert result.parsed is not None
    assert (result.parsed.title, result.parsed.season, result.parsed.episodes, result.parsed.version) == (
        title,
        season,
        episodes,
        version,
    )
    assert result.parsed.title_source == "folder"


# --- no-dash and spelled-out episode numbers ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "season", "episodes"),
    [
        ("[Anime Time] Mob Psycho 100 2nd Season 11 [1080p].mkv", "Mob Psycho 100", 2, (11,)),
        (
            "[EMBER] Anime 80 Nichikan Sekai Isshuu 04 [1080p].mkv",
            "Anime 80 Nichikan Sekai Isshuu",
            None,
            (4,),
        ),
        ("[Judas] 3x3 Eyes - Seima Densetsu 03 [1080p].mkv", "3x3 Eyes - Seima Densetsu", None, (3,)),
        ("[Anime Time] Black Lagoon 1 (Black Lagoon) 12 [1080p].mkv", "Black Lagoon 1", None, (12,)),
        ("[ASW] Ranma 1-2 (Ranma1-2) - Episode 20 [1080p].mkv", "Ranma 1-2", None, (20,)),
        ("[EMBER] 3x3 Eyes - 05 END [1080p][03805289].mkv", "3x3 Eyes", None, (5,)),
    ],
)
def test_numbers_in_titles_without_the_dash_convention(
    name: str, title: str, season: int | None, episodes: tuple[int, ...]
) -> None:
    result = parsed(name)
    assert (result.title, result.season, result.episodes) == (title, season, episodes)


@pytest.mark.parametrize(
    "name",
    ["[G] Title Season 2 [BD 1080p].mkv", "[G] Title Movie 2 [BD 1080p].mkv", "[G] Title 2016 [BD].mkv"],
)
def test_a_counted_word_or_year_before_the_tags_is_not_an_episode(name: str) -> None:
    assert parsed(name).episodes == ()


def test_scene_movie_with_a_number_in_its_title() -> None:
    result = parsed("Meitantei.Conan.11.ninme.no.Striker.2012.1080p.BluRay.x264-CAKES.mkv")
    assert (result.title, result.year, result.episodes, result.kind) == (
        "Meitantei Conan 11 ninme no Striker",
        2012,
        (),
        "movie",
    )


def test_folder_title_keeps_a_number_range_that_is_part_of_it() -> None:
    relative = "[Judas] Ranma 1-2 [BD 1080p x265]/E06.mkv"
    result = parse_file(ScannedFile(path=str(Path("/library") / relative), relative=relative))
    assert result.parsed is not None
    assert (result.parsed.title, result.parsed.episodes, result.parsed.group) == ("Ranma 1-2", (6,), "Judas")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("[G] Gekijouban Title [BD 1080p].mkv", "Gekijouban Title"),
        ("[G] Title the Movie 2 [BD 1080p].mkv", "Title the Movie 2"),
        ("[G] Title - Movie [1080p].mkv", "Title - Movie"),
    ],
)
def test_movie_hints_without_a_year(name: str, title: str) -> None:
    result = parsed(name)
    assert (result.title, result.kind, result.episodes, result.special) == (title, "movie", (), None)


@pytest.mark.parametrize("stem", ["Episode 5", "E05", "05"])
def test_bare_number_in_a_titleless_folder_is_a_recorded_failure(stem: str) -> None:
    relative = f"2023/{stem}.mkv"
    result = parse_file(ScannedFile(path=str(Path("/library") / relative), relative=relative))
    assert result.parsed is None
    assert result.error is not None
    assert result.error.startswith("E-PARSE-FAIL")


def test_bare_zero_under_a_titled_folder_is_a_special() -> None:
    relative = "[Judas] Title S2 [BD 1080p]/00.mkv"
    result = parse_file(ScannedFile(path=str(Path("/library") / relative), relative=relative))
    assert result.parsed is not None
    assert (result.parsed.title, result.parsed.season, result.parsed.episodes, result.parsed.kind) == (
        "Title",
        2,
        (0,),
        "special",
    )


def test_a_year_and_a_season_marker_in_one_pair_of_brackets() -> None:
    result = parsed("[HorribleSubs] Ajin (2016 Dai 2 Cour) - 06 [720p].mkv")
    assert (result.title, result.season, result.year, result.episodes) == ("Ajin", 2, 2016, (6,))
    other = parsed("[G] Title (2016 Remastered) - 02 [1080p].mkv")  # not a season marker
    assert (other.title, other.season, other.alternative_title) == ("Title", None, "2016 Remastered")


@pytest.mark.timeout(10)
@pytest.mark.parametrize("name", ["[G] Show - Ep 01 - .mkv", "E 1 - .mkv", "Ep 1 - Ep 1 - Ep 1 - .mkv"])
def test_a_trailing_dash_does_not_hang_the_parser(name: str) -> None:  # anitopy 2.1.1 loops on these
    result = parse_name(name)
    assert result is not None
    assert result.episodes == (1,)
