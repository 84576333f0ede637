"""Release-name patterns that are not the fansub `` - 07`` shape (AniVault issue 19, "Parse fixes").

One test per pattern, each on a real name where the shared real-name corpus has one (its source is
in a comment: the name was written by a release group and asserted in that project's test suite),
else on a name written in the same shape. Few names on purpose: these must not become the corpus.
"""

from __future__ import annotations

from pathlib import Path

from anivault.core.lookup.parsing import parse_file, parse_name
from anivault.core.lookup.scan import scan_tree
from anivault.core.models import ParsedName, ScannedFile


def parsed(name: str) -> ParsedName:
    result = parse_name(name)
    assert result is not None
    return result


def parsed_file(root: Path, relative: str) -> ParsedName:
    """Create ``relative`` under ``root``, scan it for real and parse it with its folders."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video")
    [found] = [item for item in scan_tree(root) if isinstance(item, ScannedFile) and item.path == str(path)]
    result = parse_file(found).parsed
    assert result is not None
    return result


# --- episode markers that are not " - NN" ------------------------------------------------------


def test_episode_word_with_dots() -> None:
    # PTT tests/test_main.py @88429bb
    result = parsed(
        "[bonkai77].RahXephon.Episode.08.Bitterly.Cold.Holy.Night.[BD.1080p.Dual.Audio.x265.HEVC.10bit].mkv"
    )
    assert (result.title, result.episodes, result.group) == ("RahXephon", (8,), "bonkai77")


def test_episode_word_with_dashes() -> None:
    result = parsed("show-name-episode-25-1080p.mp4")
    assert (result.title, result.episodes) == ("show name", (25,))


def test_episode_word_with_pluses() -> None:
    result = parsed("Show+Name+Episode+3.mp4")
    assert (result.title, result.episodes) == ("Show Name", (3,))


def test_ep_glued_to_number() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("Series Title EP06 720p x265 AOZ.mp4")
    assert (result.title, result.episodes) == ("Series Title", (6,))


def test_ep_with_trailing_dot() -> None:
    result = parsed("Show.EP1.")
    assert (result.title, result.episodes) == ("Show", (1,))


def test_hash_episode_number() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[Shark-Raws] Series Title #957 (NBN 1280x720 x264 AAC).mp4")
    assert (result.title, result.episodes, result.group) == ("Series Title", (957,), "Shark-Raws")


def test_episode_word_in_other_languages() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353 (Turkish "Bölüm", shortened)
    assert parsed("Some show 69. Blm (29.10.2023) 1080p WebDL #turkseed").episodes == (69,)
    # Sonarr ParserTests/SingleEpisodeParserFixture.cs @49df353 (Spanish "Capítulo" 101: S01E01)
    result = parsed("Series Title [HDTV 720p][Cap.101](website.com).mkv")
    assert (result.title, result.season, result.episodes) == ("Series Title", 1, (1,))


def test_scene_number_without_season_marker() -> None:
    # guessit test/various.yml (4.4.0)
    result = parsed("the.mentalist.501.hdtv-lol.mp4")
    assert (result.title, result.season, result.episodes) == ("the mentalist", 5, (1,))


def test_cjk_bracket_episode_marks() -> None:
    # Sonarr ParserTests/UnicodeReleaseParserFixture.cs @49df353
    name = "【喵萌奶茶屋】★10月新番★[哥布林杀手/Anime Series Title][12END][720p][繁体][招募翻译校对]"
    result = parsed(name)
    assert (result.title, result.alternative_title) == ("Anime Series Title", "哥布林杀手")
    assert result.episodes == (12,)


# --- several episodes in one name ---------------------------------------------------------------


def test_scene_number_after_a_title_of_digits() -> None:
    # guessit test/episodes.yml (4.4.0): "11.22.63" is the title, 106 its season 1, episode 6
    result = parsed("11.22.63.106.hdtv-abc.mkv")
    assert (result.title, result.season, result.episodes) == ("11 22 63", 1, (6,))


def test_scene_multi_episode_range() -> None:
    # Sonarr ParserTests/MultiEpisodeParserFixture.cs @49df353
    result = parsed("Series.S03E01-06.DUAL.BDRip.XviD.AC3.-HELLYWOOD")
    assert (result.title, result.season, result.episodes) == ("Series", 3, (1, 2, 3, 4, 5, 6))


def test_scene_multi_episode_list() -> None:
    # guessit test/episodes.yml (4.4.0)
    result = parsed("Show.Name.1x02.1x03.HDTV.XViD.Etc-Group")
    assert (result.title, result.season, result.episodes) == ("Show Name", 1, (2, 3))


def test_batch_range_in_brackets() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[HorribleSubs] Some Anime Show!! (01-25) [1080p] (Batch)")
    assert (result.title, result.episodes) == ("Some Anime Show!!", tuple(range(1, 26)))


def test_batch_range_bare() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[HatSubs] One Series 1017-1088 (WEB 1080p)")
    assert (result.title, result.episodes) == ("One Series", tuple(range(1017, 1089)))


def test_batch_range_after_dash_with_tilde() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[Erai-raws] Series Title! - 01~10 [1080p][Multiple Subtitle]")
    assert (result.title, result.episodes) == ("Series Title!", tuple(range(1, 11)))


# --- half and split episodes --------------------------------------------------------------------


def test_half_episode_is_a_special_that_keeps_its_fraction() -> None:
    result = parsed("[Group] Show - 07.5 [1080p].mkv")
    assert (result.title, result.kind, result.special, result.episodes) == ("Show", "special", "7.5", ())


def test_split_episode_letter_is_a_special_that_keeps_its_letter() -> None:
    result = parsed("[Group] Show - 111C [1080p].mkv")
    assert (result.title, result.kind, result.special, result.episodes) == ("Show", "special", "111C", ())
    assert parsed("[Group] Show - 01b [720p].mkv").special == "1b"


# --- junk left in the title ---------------------------------------------------------------------


def test_dual_audio_tag_before_the_episode() -> None:
    result = parsed("[Group] Show Name [Dual Audio] - 05 [1080p].mkv")
    assert (result.title, result.episodes, result.group) == ("Show Name", (5,), "Group")


def test_leading_episode_number() -> None:
    # guessit test/episodes.yml (4.4.0)
    result = parsed("[DeadFish] 01 - Tari Tari [BD][720p][AAC].mp4")
    assert (result.title, result.episodes, result.group) == ("Tari Tari", (1,), "DeadFish")
    result = parsed("05 - Show Name - Episode Title - [Group](ABCD1234).mkv")
    assert (result.title, result.episodes) == ("Show Name", (5,))


def test_list_index_before_group() -> None:
    result = parsed("37 [Group]_Show_-_37v2.mkv")
    assert (result.title, result.episodes, result.version, result.group) == ("Show", (37,), 2, "Group")


def test_uploader_prefix_before_group() -> None:
    result = parsed("Uploader.[Group]_Show_-_01v2.mkv")
    assert (result.title, result.episodes, result.group) == ("Show", (1,), "Group")


def test_tilde_subtitle() -> None:
    result = parsed("Show ~Subtitle~ - 13.mkv")
    assert (result.title, result.alternative_title, result.episodes) == ("Show", "Subtitle", (13,))


def test_alternative_title_in_the_middle() -> None:
    result = parsed("Show (REVERSE) - Other Title - 29 (04).mkv")
    assert (result.title, result.alternative_title, result.episodes) == ("Show", "Other Title", (29,))


# --- the folder names the series ----------------------------------------------------------------


def test_batch_folder_names_the_series(tmp_path: Path) -> None:
    result = parsed_file(tmp_path, "[Group] Show Name S2 [BD 1080p] [Dual Audio]/Episode 21 [BD].mkv")
    assert (result.title, result.season, result.episodes) == ("Show Name", 2, (21,))
    assert result.title_source == "folder"
    result = parsed_file(tmp_path, "[Group] Other Show (2019) [BD 1080p]/02.mkv")
    assert (result.title, result.year, result.episodes) == ("Other Show", 2019, (2,))


def test_season_folder_names_its_parent(tmp_path: Path) -> None:
    # guessit test/episodes.yml (4.4.0), as a video instead of its .srt
    result = parsed_file(tmp_path, "series/Freaks And Geeks/Season 1/Episode 4 - Kim Kelly Is My Friend.mkv")
    assert (result.title, result.season, result.episodes) == ("Freaks And Geeks", 1, (4,))


def test_obfuscated_file_in_one_episode_release_folder(tmp_path: Path) -> None:
    # guessit test/episodes.yml (4.4.0)
    folder = "Hells.Kitchen.US.S17E08.1080p.HEVC.x265-MeGusta-Obfuscated"
    result = parsed_file(tmp_path, f"{folder}/c48db7d2aeb040e8a920a9fd6effcbf4.mkv")
    assert (result.title, result.season, result.episodes) == ("Hells Kitchen US", 17, (8,))


def test_obfuscated_file_in_two_episode_release_folder(tmp_path: Path) -> None:
    # the release name from pr0pz/scene-release-parser-php#15; the obfuscated file name is made up
    folder = "The.Last.Frontier.2025.S01E01-E02.1080p.WEB.H264-ETHEL"
    result = parsed_file(tmp_path, f"{folder}/8d2e4f6a1b3c5d7e9f0a1b2c3d4e5f6a.mkv")
    assert (result.season, result.episodes, result.title_source) == (1, (1, 2), "folder")
    assert result.title.startswith("The Last Frontier")
    # a file that names its own episode keeps it
    result = parsed_file(tmp_path, f"{folder}/The.Last.Frontier.2025.S01E02.1080p.WEB.H264-ETHEL.mkv")
    assert (result.season, result.episodes) == (1, (2,))


# --- absolute numbers beside a season's episode numbers -----------------------------------------


def test_absolute_number_after_scene_episode() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[K-F] Some Anime Show S10E14 214")
    assert (result.title, result.season, result.episodes) == ("Some Anime Show", 10, (14,))
    assert result.absolute_episodes == (214,)
    # guessit test/episodes.yml (4.4.0)
    result = parsed("Show.Name.16x03-05.313-315-GROUP")
    assert (result.title, result.season, result.episodes) == ("Show Name", 16, (3, 4, 5))
    assert result.absolute_episodes == (313, 314, 315)


def test_absolute_range_before_scene_episode() -> None:
    # guessit test/episodes.yml (4.4.0)
    result = parsed("Show Name 313-315 s16e03-05")
    assert (result.title, result.season, result.episodes) == ("Show Name", 16, (3, 4, 5))
    assert result.absolute_episodes == (313, 314, 315)


def test_one_number_before_scene_episode_stays_in_the_title() -> None:
    # Sonarr ParserTests/SingleEpisodeParserFixture.cs @49df353
    result = parsed("Don't Ever Trust The B---- in Code 23.S01E01")
    assert (result.title, result.season, result.episodes) == (
        "Don't Ever Trust The B---- in Code 23",
        1,
        (1,),
    )
    assert result.absolute_episodes == ()


def test_dashed_number_before_scene_episode_is_absolute() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed(
        "[Kaleido-subs] Animation - 12 (S01E12) - (WEB 1080p HEVC x265 10-bit E-AC3 2.0) [1ADD8F6D]"
    )
    assert (result.title, result.season, result.episodes, result.absolute_episodes) == (
        "Animation",
        1,
        (12,),
        (12,),
    )


def test_bracketed_count_beside_a_season_is_absolute() -> None:
    # Sonarr#7246 (the name in its issue thread): the dash number beside the season's own S00E01
    # is an absolute one; without a season the bracketed count is a franchise's (test_parsing_traps)
    result = parsed("[Group] Kobayashi-san Chi no Maid Dragon - 14 (S00E01) (zzz) [ABCD1234].mkv")
    assert (result.season, result.episodes, result.absolute_episodes) == (0, (1,), (14,))


def test_dashed_number_before_a_dashed_bracketed_scene_episode_leaves_the_title() -> None:
    # Sonarr#7246 (the name in its issue thread): "- 01 - (S01E01) -" puts a dash before the bracket
    result = parsed(
        "[GJM-Kaleido] Cardcaptor Sakura - 01 - (S01E01) - "
        "(BD 1080p HEVC x265 10-bit Opus 5.1 2.0) [35BDC2DA].mkv"
    )
    assert (result.title, result.season, result.episodes, result.absolute_episodes) == (
        "Cardcaptor Sakura",
        1,
        (1,),
        (1,),
    )


def test_half_episode_before_scene_special_leaves_the_title() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed(
        "[Kaleido-subs] Sky Series - 07.5 (S00E01) - (BD 1080p HEVC x265 10-bit Opus 2.0) [A548C980].mkv"
    )
    assert (result.title, result.season, result.episodes, result.absolute_episodes) == (
        "Sky Series",
        0,
        (1,),
        (),
    )


def test_bracketed_season_episode_after_absolute_number() -> None:
    # the shape of a PTT test name (tests/test_episodes.py @88429bb, group HR) that is in the
    # real-name match set and so not used here
    result = parsed("[Group] Show Name 87 (S4-24) [1080p]")
    assert (result.title, result.season, result.episodes, result.absolute_episodes) == (
        "Show Name",
        4,
        (24,),
        (87,),
    )


def test_absolute_list_after_scene_episodes() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[RlsGrp] Series Title (2010) - S01E01-02-03 - 001-002-003 - Episode Title HDTV-720p v2")
    assert (result.season, result.episodes, result.absolute_episodes) == (1, (1, 2, 3), (1, 2, 3))


def test_number_opening_an_episode_title_is_not_absolute() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[CBM]_Series_Title_-_11_-_511_Kinderheim_[6C70C4E4].mkv")
    assert (result.title, result.episodes, result.absolute_episodes) == ("Series Title", (11,), ())


def test_year_after_the_episode_is_not_absolute() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("Anime Title the Final - 09 (2021) [SubsPlease] [WEBRip] [HD 1080p]")
    assert (result.title, result.episodes, result.absolute_episodes) == ("Anime Title the Final", (9,), ())
    assert result.year == 2021


def test_three_digit_episode_repeated_in_brackets() -> None:
    # guessit test/episodes.yml (4.4.0): 101 is season 1, episode 01, as the brackets repeat
    result = parsed("Duckman - 101 (01) - 20021107 - I, Duckman.avi")
    assert (result.title, result.season, result.episodes) == ("Duckman", 1, (1,))
    # a bracketed number that does not repeat the episode is no season: the dash number stays the
    # episode (Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353)
    result = parsed("[Hatsuyuki] Series Title (2014) - 017 (115) [1280x720][B2CFBC0F]")
    assert (result.season, result.episodes, result.absolute_episodes) == (None, (17,), ())


# --- specials and batches -----------------------------------------------------------------------


def test_numbered_special_after_the_episode_number() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed("[DeadFish] Another Anime Show - 01 - OVA [BD][720p][AAC]")
    assert (result.title, result.kind, result.special, result.episodes) == (
        "Another Anime Show",
        "special",
        "OVA",
        (1,),
    )


def test_batch_of_two_ranges() -> None:
    # guessit test/episodes.yml (4.4.0): a batch missing episode 499
    result = parsed("[Zero-Raws].Show.Name.493-498.&.500-507.(CX.1280x720.VFR.x264.AAC)")
    assert result.title == "Show Name"
    assert result.episodes == (*range(493, 499), *range(500, 508))


def test_dash_range_joined_by_a_word() -> None:
    # the shape of a PTT test name (Portuguese "ao", "to"; tests/test_episodes.py @88429bb) that is
    # in the real-name match set and so not used here
    result = parsed("Show Name - 215 ao 220 - [Group]")
    assert (result.title, result.episodes) == ("Show Name", tuple(range(215, 221)))


# --- a native title beside the Latin one; a "/" in a name --------------------------------------


def test_native_title_before_slash_is_the_alternative_title() -> None:
    # a public anime-title parser's test table (the shape of Sonarr's UnicodeReleaseParserFixture
    # names, which the real match set holds)
    for name in (
        "[喵萌奶茶屋] 某番 / Some Show - 07 [1080p][简繁日内封]",
        "[喵萌奶茶屋] 某番 / Some Show - 07 [1080p][简繁日内封].mkv",
    ):
        result = parsed(name)
        assert (result.title, result.alternative_title, result.episodes) == ("Some Show", "某番", (7,))
    # a public fansub-name list
    result = parsed("[INDRA&NMKST][四月新番] 樱花任务 / Sakura Quest [05] [1080P][HardSub][GB][x265 AAC].mkv")
    assert (result.title, result.alternative_title, result.episodes) == ("Sakura Quest", "樱花任务", (5,))


def test_native_title_before_slash_saved_as_a_folder(tmp_path: Path) -> None:
    """The first name above as saved to disk: its `` / `` made a folder of the native title."""
    result = parsed_file(tmp_path, "[喵萌奶茶屋] 某番 / Some Show - 07 [1080p][简繁日内封].mkv")
    assert (result.title, result.alternative_title) == ("Some Show", "某番")
    assert (result.episodes, result.group) == ((7,), "喵萌奶茶屋")


def test_native_title_before_bar_or_fullwidth_slash(tmp_path: Path) -> None:
    """Written in the shape of Sonarr's ``[Q] 全职高手 第3季 | Series S3 - 09`` (which the real match
    set holds), and the same with a fullwidth slash (no real name with it found)."""
    result = parsed_file(tmp_path, "[Group] 全职高手 第3季 | Show Title S3 - 09 (1080p HBR HEVC).mkv")
    assert (result.title, result.alternative_title, result.season, result.episodes) == (
        "Show Title",
        "全职高手",
        3,
        (9,),
    )
    result = parsed_file(tmp_path, "[Group] 魔王學院的不適任者 ／ Show Title S02 - 01 [1080p].mkv")
    assert (result.title, result.alternative_title) == ("Show Title", "魔王學院的不適任者")


def test_two_latin_titles_either_side_of_a_spaced_slash() -> None:
    """Written in the shape of PTT's ``[neoHEVC] Student Council's Discretion / Seitokai no Ichizon
    [Season 1]`` (which the real match set holds)."""
    result = parsed("[Group] Council Tales / Kaichou no Hanashi [Season 1] [BD 1080p].mkv")
    assert (result.title, result.alternative_title, result.season) == (
        "Kaichou no Hanashi",
        "Council Tales",
        1,
    )


def test_latin_titles_either_side_of_a_bar_stay_one_title() -> None:
    # Sonarr ParserTests/AbsoluteEpisodeNumberParserFixture.cs @49df353
    result = parsed(
        "Anime, Title? | Japanse Anime, Title? [Season 1 + EXTRA] [BD 1080p x265 HEVC OPUS] [Dual-Audio]"
    )
    assert result.title.startswith("Anime, Title? | Japanse")


def test_slash_inside_brackets_saved_as_folders(tmp_path: Path) -> None:
    # Medusa's guessit tests (the guessit "Bleach 312v1" names are in the real match set): the
    # "/" in "[720p/MKV]" made a folder of the name's start
    result = parsed_file(tmp_path, "[AAA] Show Name 312v1 [720p/MKV].mkv")
    assert (result.title, result.episodes, result.version, result.group) == ("Show Name", (312,), 1, "AAA")


def test_untitled_numbers_folder_takes_its_parents_title(tmp_path: Path) -> None:
    # Sonarr ParserTests/SingleEpisodeParserFixture.cs @49df353, saved to disk: every "/" a folder
    result = parsed_file(
        tmp_path, "Босх: Спадок / Series: Legacy / S2E1 of 10 (2023) WEB-DL 1080p Ukr/Eng | sub Eng.mkv"
    )
    assert (result.title, result.alternative_title) == ("Series: Legacy", "Босх: Спадок")
    assert (result.season, result.episodes, result.title_source) == (2, (1,), "folder")


def test_native_title_with_its_own_numbers_before_slash() -> None:
    # Sonarr ParserTests/SingleEpisodeParserFixture.cs @49df353: the native part's "(S2E1)" comes first
    result = parsed("Босх: Спадок (S2E1) / Series: Legacy (S2E1) (2023) WEB-DL 1080p Ukr/Eng | sub Eng.mkv")
    assert (result.title, result.alternative_title) == ("Series: Legacy", "Босх: Спадок")
    assert (result.season, result.episodes, result.year) == (2, (1,), 2023)


def test_star_note_between_brackets_left_open() -> None:
    # a public fansub-name list
    result = parsed("【极影字幕社】★04月新番[重启咲良田_Sakurada Reset][06][720P][GB][MP4].mp4")
    assert (result.title, result.alternative_title, result.episodes) == ("Sakurada Reset", "重启咲良田", (6,))


def test_absolute_number_in_a_season_folder_stays_whole(tmp_path: Path) -> None:
    # jellyfin#4429: One Piece kept in season folders as "One Piece - 679 [1080p].mkv". A number
    # opening with the folder's season is still the absolute count, never season + episode: read as
    # S01E04, "Naruto 104" would be placed as the wrong episode with full confidence.
    for name in ("One Piece - 679 [1080p].mkv", "[Group] One Piece 679 [1080p].mkv", "One Piece 679.mkv"):
        result = parsed_file(tmp_path, f"One Piece/Season 6/{name}")
        assert (result.season, result.episodes) == (6, (679,))
    result = parsed_file(tmp_path, "Naruto/Season 1/Naruto 104.mkv")
    assert (result.season, result.episodes) == (1, (104,))


def test_untitled_numbers_folder_in_a_series_folder(tmp_path: Path) -> None:
    """Written in the shape of the Sonarr name above, in folders made by hand (no real name found)."""
    result = parsed_file(tmp_path, "Series Legacy/S2E1 of 10 (2023) WEB-DL 1080p/Eng.mkv")
    assert (result.title, result.season, result.episodes) == ("Series Legacy", 2, (1,))


# --- season and episode written otherwise -------------------------------------------------------


def test_season_dot_episode_in_brackets() -> None:
    """Written in the shape of a PTT test name (``Title [5.134] Episode Title``, which the real
    match set holds)."""
    result = parsed("Show Title [3.105] Some Episode Title.mp4")
    assert (result.title, result.season, result.episodes) == ("Show Title", 3, (105,))


def test_dotted_season_and_episode_without_e() -> None:
    # a Friends BD pack's files, quoted in a public blog post about renaming them ("s10.06 should
    # be s10.e06"), and that post's own example "AA.S01.12.mkv"
    for name, season, episode in (
        ("Friends.s10.06.2003.BDRip.1080p.Ukr.Eng.AC3.Hurtom.TNU.Tenax555.mkv", 10, 6),
        ("Friends.s06.10.1080p.x265.mkv", 6, 10),
        ("AA.S01.12.mkv", 1, 12),
    ):
        result = parsed(name)
        assert (result.season, result.episodes) == (season, (episode,)), name
        assert result.title in ("Friends", "AA")


def test_dotted_season_before_a_date_or_tags_has_no_episode() -> None:
    """Written in the shape of the names above: a year, a date or a bit depth after ``S01.``."""
    assert parsed("Show.Name.S01.2010.1080p.BluRay.mkv").episodes == ()
    assert parsed("Show.Name.S02.10bit.x265.mkv").episodes == ()


def test_version_or_audio_channels_in_brackets_are_no_season_and_episode() -> None:
    """Written in the shape of the name above: a one-digit or all-zero part after the dot."""
    for name in ("Show Title [5.1] Some Episode Title.mp4", "Show [1.0].mkv", "Show [2.00].mkv"):
        assert (parsed(name).season, parsed(name).episodes) == (None, ())


def test_glued_cjk_season_counter() -> None:
    # a public parser test's Japanese file names (its JAPANESE_FILENAMES list)
    result = parsed(
        "[アニメ BD] 探偵オペラミルキィホームズ(第1期) 第01話「屋根裏の入居者」"
        "(1920x1080 HEVC 10bit FLAC softSub(chi+eng) chap).mkv"
    )
    assert (result.title, result.season, result.episodes) == ("探偵オペラミルキィホームズ", 1, (1,))
    result = parsed(
        "[アニメ BD] 探偵オペラミルキィホームズ 第2幕(第2期) 第05話「コソコソと支度」"
        "(1920x1080 HEVC 10bit FLAC softSub(chi+eng) chap).mkv"
    )
    assert (result.title, result.season, result.episodes) == ("探偵オペラミルキィホームズ 第2幕", 2, (5,))


def test_unmarked_first_season_counter() -> None:
    """``無印(第1期)``, "the unmarked one": written in the shape above (no real name found)."""
    result = parsed("Mahou Shoujo Lyrical Nanoha 無印(第1期) - 05.mkv")
    assert (result.title, result.season, result.episodes) == ("Mahou Shoujo Lyrical Nanoha", 1, (5,))
    result = parsed("Mahou Shoujo Lyrical Nanoha A's(第2期) - 05.mkv")
    assert (result.title, result.season) == ("Mahou Shoujo Lyrical Nanoha A's", 2)


def test_numbered_trailer_is_an_extra() -> None:
    # AniDB's AVDump2 source (AVDump2CL Program.cs), a file name its author tested with
    result = parsed("Byousoku_5_Centimeter_-_T1_-_Trailer_-_[Triad](b2df5b8e)(dub.sub_x-in.en).mp4")
    assert (result.title, result.kind, result.special, result.group) == (
        "Byousoku 5 Centimeter",
        "extra",
        "Trailer",
        "Triad",
    )


def test_trailer_word_after_the_title_is_an_extra() -> None:
    """Written in the shape of the name above, without the dashes (no real name found)."""
    result = parsed("Kotonoha.no.Niwa.Trailer.mp4")
    assert (result.title, result.kind, result.episodes) == ("Kotonoha no Niwa", "extra", ())


def test_dotted_name_ending_in_a_bare_number() -> None:
    """``Title.the.Animation.5``: written in this shape (the real name that has it, Medusa's
    ``[HorribleSubs].GIBIATE.the.Animation.5.[Web]…``, is in the real match set)."""
    result = parsed("Kemono.the.Animation.5.mkv")
    assert (result.title, result.episodes) == ("Kemono the Animation", (5,))
    result = parsed("[Group].Kemono.the.Animation.12.[Web][1080p].mkv")
    assert (result.title, result.episodes, result.group) == ("Kemono the Animation", (12,), "Group")


def test_dotted_name_ending_in_a_year_or_a_season_is_no_episode() -> None:
    """Written in the shape above: four digits are a year; a number after "Season" counts seasons."""
    result = parsed("Kimi.no.Na.wa.2016.mkv")
    assert (result.title, result.episodes, result.year) == ("Kimi no Na wa", (), 2016)
    # guessit test/episodes.yml @v4.4.0
    assert parsed("Storm.Chasers.Season.1.mkv").episodes == ()


# --- a trailing parenthesis with the show's other title (WEB groups) -----------------------------


def test_trailing_parenthesis_other_title_beside_tags() -> None:
    """Scene-style WEB releases (VARYG, ToonsHub) end with the romaji title and the subtitle tags."""
    # a nyaa.si listing quoted in a public project's tests (found with the code search)
    varyg = parsed(
        "Frieren Beyond Journeys End S01E13 Hatred of Ones Kind 1080p AMZN WEB-DL DDP2.0 H 264-VARYG "
        "(Sousou no Frieren, Multi-Subs).mkv"
    )
    assert (varyg.title, varyg.season, varyg.episodes) == ("Frieren Beyond Journeys End", 1, (13,))
    assert varyg.alternative_title == "Sousou no Frieren"
    # a public project's tests quoting a ToonsHub release; the tag after the title is a language note
    toonshub = parsed(
        "[ToonsHub] The Angel Next Door Spoils Me Rotten S02E12 1080p CR WEB-DL AAC2.0 H.264 "
        "(Otonari no Tenshi-sama ni Itsunomanika Dame Ningen ni Sareteita Ken, English-Sub).mkv"
    )
    assert (toonshub.title, toonshub.season) == ("The Angel Next Door Spoils Me Rotten", 2)
    assert toonshub.alternative_title == "Otonari no Tenshi-sama ni Itsunomanika Dame Ningen ni Sareteita Ken"
    # a public project's tests: the other title, then two tags
    tagged = parsed(
        "[ToonsHub] Tomb Raider King S01E11 1080p CR WEB-DL AAC2.0 H.264 "
        "(Dogulwang, Multi-Subs, Japanese Dub).mkv"
    )
    assert (tagged.title, tagged.alternative_title) == ("Tomb Raider King", "Dogulwang")


def test_trailing_parenthesis_other_title_after_episode_word() -> None:
    # Totoro's AnimeDetectionServiceTests: an Anime Chap release, the English title last
    result = parsed(
        "[Anime Chap] Tate no Yuusha no Nariagari S03E03 [WEB 1080p] {OP & ED Lyrics} - Episode 3 "
        "(The Rising of the Shield Hero).mkv"
    )
    assert (result.title, result.season, result.episodes) == ("Tate no Yuusha no Nariagari", 3, (3,))
    assert (result.group, result.alternative_title) == ("Anime Chap", "The Rising of the Shield Hero")


def test_trailing_parenthesis_other_title_loses_its_season_marker() -> None:
    """The other title's own season marker is no part of the title; the name's ``S03`` stays the season.
    The second name is the shape of a BD remux season pack (no public one found), whose only season
    is the one its other title marks."""
    # a nyaa.si listing saved in a public project's tests
    rezero = parsed(
        "Re ZERO Starting Life in Another World S03E03 Gorgeous Tiger 1080p BILI WEB-DL AAC2.0 H 264-VARYG "
        "(Re:Zero kara Hajimeru Isekai Seikatsu 3rd Season, Multi-Subs).mkv"
    )
    assert (rezero.alternative_title, rezero.season, rezero.episodes) == (
        "Re:Zero kara Hajimeru Isekai Seikatsu",
        3,
        (3,),
    )
    pack = parsed("[Grp] Show Name [BD Remux Dual Audio 1080p] (Romaji Title Season 2).mkv")
    assert (pack.title, pack.alternative_title, pack.season) == ("Show Name", "Romaji Title", 2)


def test_number_before_a_bare_season_marker_is_the_titles() -> None:
    """The shape of a BD remux season pack (a real one is in the match set): ``00`` ends the title,
    as in ``Gundam 00``; the other title in the parenthesis marks the same season."""
    result = parsed("[Grp] Series 00 S01 [BD Remux Dual Audio 1080p] (Romaji Series 00 Season 1).mkv")
    assert (result.title, result.season, result.episodes, result.kind) == ("Series 00", 1, (), "unknown")
    assert result.alternative_title == "Romaji Series 00"
    worded = parsed("Mob Psycho 100 Season 2 [1080p].mkv")
    assert (worded.title, worded.season, worded.episodes) == ("Mob Psycho 100", 2, ())
    assert parsed("[Grp] Title - 05 S01.mkv").episodes == (5,)


def test_trailing_parenthesis_of_tags_is_no_other_title() -> None:
    """The must-not-take list: years, CRCs, resolutions, sources, versions, absolute episodes, dubs,
    edition and type words, tags only, a group after a dash, a site glued to a tag, a note in
    another script, and a title the name already has. Shapes, except the three real names."""
    tags_only = [
        "[Grp] Title - 07 (2019).mkv",
        "[Grp] Title - 07 (A1B2C3D4).mkv",
        "[Grp] Title - 07 (1080p).mkv",
        "[Grp] Title - 07 (BD).mkv",
        "[Grp] Title - 07 (v2).mkv",
        "[Grp] Title - 07 (04).mkv",
        "[Grp] Title - 07 (Dub).mkv",
        "[Grp] Title - 07 (Uncensored).mkv",
        "[Grp] Title - 07 (TV).mkv",
        "[Grp] Title - 07 (Special).mkv",
        "[Grp] Title - 07 (Dual Audio).mkv",
        "[Grp] Title - 07 (BD 1080p x265 10bit).mkv",
        "[Grp] Title S01E07 (WEB 1080p AV1) [Multi-Subs] (Weekly).mkv",
        "[Grp] Title Season 1 [WEB 1080p] (Episode 1 - 13) {Batch}.mkv",
        "[Grp] Title S02E07 1080p WEB H.265 AAC -Grp (B-Global).mkv",
        "Star Trek DS9 Ep 2x03 The Siege (Part III).mkv",
        # a ToonsHub release in a public project's tests: tags only
        "[ToonsHub] Frieren- Beyond Journey's End S01E13 Aversion to One's Own Kind 1080p CR WEB-DL x264 "
        "(Multi-Audio, Multi-Subs).mkv",
        # Sonarr's parser tests: the group in brackets after a dash
        "Initial_Series_Title_-_01(DVD)_-_(Central_Anime)[5AF6F1E4].mkv",
        "Series Title [HDTV 720p][Cap.101](website.com).mkv",
        "[Grp] Title S02 - 01 [WEB-DL][1080p] (正式版本).mkv",
        # a Jellyfin plugin's log: the quoted title is the name's own
        'Oshi No Ko S01E01 1080p NF WEB-DL DDP2.0 H 264-anotherone ("Oshi no Ko", Multi-Subs).mkv',
    ]
    for name in tags_only:
        assert parsed(name).alternative_title is None, name


# --- a CJK title with a season counter beside the Latin title ------------------------------------


def test_cjk_bracket_title_with_season_counter_before_latin_title() -> None:
    """The native title's bracket stands between the group and the Latin title's: it is the
    alternative title, its ``第二季`` the season, and the group is the bracket before it."""
    # a 诸神字幕组 release quoted in a public RSS tool's source
    result = parsed(
        "[诸神字幕组][致不灭的你 第二季][To Your Eternity S2][04][简日双语字幕][720P][CHS HEVC MP4].mkv"
    )
    assert (result.title, result.season, result.episodes) == ("To Your Eternity", 2, (4,))
    assert (result.alternative_title, result.group) == ("致不灭的你", "诸神字幕组")
    alone = parsed("[诸神字幕组][致不灭的你 第二季][04][简日双语字幕][720P][CHS HEVC MP4].mkv")
    assert (alone.title, alone.season, alone.episodes, alone.group) == ("致不灭的你", 2, (4,), "诸神字幕组")


def test_cjk_title_with_season_counter_then_latin_title_in_one_bracket() -> None:
    """The shape (a real one is in the match set): native title, ``第二季``, Latin title, no separator."""
    result = parsed("【字幕组】【4月新番】【标题 第二季 Romaji Title, Desu.】【22】【GB_MP4】.mkv")
    assert (result.title, result.alternative_title, result.season, result.episodes) == (
        "Romaji Title, Desu.",
        "标题",
        2,
        (22,),
    )


def test_cjk_bracket_title_without_season_counter_before_latin_title() -> None:
    """A native bracket between the group and the Latin title is the alternative title with or
    without a counter; with no Latin title, the bracket before the native title is the group.
    The first name is the shape of a batch (a real one is in the match set)."""
    result = parsed("[字幕组][标题][Series Title][01-24完][简日双语字幕][720P][MP4].mkv")
    assert (result.title, result.alternative_title, result.group) == ("Series Title", "标题", "字幕组")
    assert result.episodes == tuple(range(1, 25))
    # a 诸神字幕组 release in a public media tool's tests
    native = parsed("[诸神字幕组][莉可丽丝][01][1080P][简繁内封].mkv")
    assert (native.title, native.alternative_title, native.group) == ("莉可丽丝", None, "诸神字幕组")


def test_region_licence_note_after_a_cjk_title() -> None:
    """ANi's web releases end the title with a licence note ("Hong Kong, Macau and Taiwan only"),
    in either spelling of 台; the note is dropped, the season counter before it is read. A real
    name from kevin930321/animeko's parser tests (".mp4" added)."""
    result = parsed(
        "[ANi] 吹響吧！上低音號 第三季（僅限港澳臺地區） - 07 "
        "[1080P][Bilibili][WEB-DL][AAC AVC][CHT CHS][MP4].mp4"
    )
    assert (result.title, result.season, result.episodes) == ("吹響吧！上低音號", 3, (7,))
    assert parsed("[ANi] 标题（仅限港澳台地区） - 03 [1080P].mp4").title == "标题"
    # a fullwidth parenthesis that is no licence note stays in the title
    assert parsed("[Grp] 标题（不，不存在） - 01 [1080p].mkv").title == "标题（不，不存在）"


def test_dash_glued_to_a_closing_bracket_before_the_episode() -> None:
    # A Moozzi2 BD release, quoted in a public Go media-name parser's notes: a bracket ends a
    # title, so the dash glued to it separates the episode as a spaced dash would.
    result = parsed("[Moozzi2] Kanon (2006)-01 [BD 1920x1080 x264 FLAC].mkv")
    assert (result.title, result.year, result.episodes, result.kind) == ("Kanon", 2006, (1,), "episode")
