"""The Matcher end to end against the real local TMDB stand-in: search variants, ranking, gate.

Names here are written like real releases of titles in the bundled catalog; each test states the
evidence that decides it, so a change of weights that breaks one says which evidence it lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from anivault.cli.deps import build_tmdb_client
from anivault.core.lookup.matching import Matcher
from anivault.core.lookup.overrides import OVERRIDE_FILE, FolderOverrides, MatchOverride
from anivault.core.lookup.parsing import parse_file
from anivault.core.models import MatchedFile, ScannedFile
from anivault.core.plan.naming import target_for
from anivault.services.settings import Settings
from anivault.services.titles.index import default_title_index
from anivault.services.tmdb.client import TmdbClient
from tools.tmdb_standin import Standin


@pytest.fixture
def client(tmdb_standin: Standin, tmp_path: Path) -> Iterator[TmdbClient]:
    settings = Settings(tmdb_base_url=tmdb_standin.base_url, home=str(tmp_path / "home"))
    yield build_tmdb_client(settings, tmdb_standin.api_key)


def match(client: TmdbClient, relative: str) -> MatchedFile:
    scanned = ScannedFile(str(Path("/library", relative)), relative)
    return Matcher(client, min_confidence=0.62).match(parse_file(scanned))


def match_indexed(client: TmdbClient, relative: str) -> MatchedFile:
    """As a run matches: the bundled title index beside TMDB search."""
    scanned = ScannedFile(str(Path("/library", relative)), relative)
    return Matcher(client, min_confidence=0.62, titles=default_title_index).match(parse_file(scanned))


def placed(result: MatchedFile) -> tuple[int, int | None, tuple[int, ...]]:
    assert result.status == "matched", result.note
    assert result.match is not None
    return result.match.tmdb_id, result.match.season, result.match.episodes


def test_a_plain_romaji_release_matches_through_an_alternative_title(client: TmdbClient) -> None:
    result = match(client, "[SubsPlease] Hataraku Maou-sama! - 05 (1080p) [ABCDEF01].mkv")
    assert placed(result) == (45997, 1, (5,))
    assert result.match is not None
    assert dict(result.match.score.parts)["title"] == pytest.approx(0.80)


def test_a_trailing_sequel_number_picks_that_tmdb_season(client: TmdbClient) -> None:
    assert placed(match(client, "[Anime Time] Psycho-Pass 3 - 07 [1080p].mkv")) == (43865, 3, (7,))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("[G] Overlord IV - 03 [1080p].mkv", (64196, 4, (3,))),
        ("[G] Sonic X - 21-22 [1080p].mkv", (10926, 1, (21, 22))),
    ],
)
def test_a_trailing_roman_numeral_is_a_season_only_when_tmdb_title_lacks_it(
    client: TmdbClient, name: str, expected: tuple[int, int, tuple[int, ...]]
) -> None:
    assert placed(match(client, name)) == expected


def test_when_no_shortlisted_title_holds_the_episode_the_other_search_hits_are_tried(
    client: TmdbClient, tmdb_standin: Standin
) -> None:
    # "Tottoko Hamtarou" literally names three short spin-offs; TMDB's first hit is "Hamtaro"
    # (193 episodes), whose alternative title it is.
    assert placed(match(client, "[SubsPlease] Tottoko Hamtarou - 150 (1080p).mkv")) == (5622, 1, (150,))
    paths = [entry["path"] for entry in tmdb_standin.request_log]
    assert paths[0] == "/3/search/tv"
    assert paths[-1] == "/3/tv/5622"  # fetched last, only once the shortlist could not hold it
    assert len(paths) == 1 + 3 + 1


def test_a_query_tmdb_does_not_know_word_for_word_falls_back_to_its_longest_words(
    client: TmdbClient, tmdb_standin: Standin
) -> None:
    # TMDB has "Kay's Daily Doodles": "Kays" is no token of it, so the literal query finds nothing.
    assert placed(match(client, "Kays.Daily.Doodles.S01E03.1080p.WEB-DL.x264-EDITH.mkv")) == (238009, 1, (3,))
    queries = [entry["query"].get("query") for entry in tmdb_standin.request_log if "search" in entry["path"]]
    assert queries[0] == "Kays Daily Doodles"
    assert queries[-1] == "Daily Doodles"


def test_a_special_goes_to_season_zero_without_a_guessed_episode(client: TmdbClient) -> None:
    result = match(client, "Aa! Megami-sama! - OVA [1080p].mkv")
    assert placed(result) == (912, 0, ())
    assert result.match is not None
    target = target_for(result.match, ".mkv", source_stem="Aa! Megami-sama! - OVA [1080p]")
    assert target.parent.name == "Season 00"
    assert target.name == "Aa! Megami-sama! - OVA [1080p].mkv"


def test_the_candidates_own_name_breaks_a_near_tie_with_a_sequel(client: TmdbClient) -> None:
    # "Yinyang Shi: Pingan Wuyu 2" is nearly as similar; only the first is named exactly that.
    result = match(client, "Yinyang.Shi.Pingan.Wuyu.S01E04.1080p.WEB-DL.x264-APEX.mkv")
    assert placed(result) == (92365, 1, (4,))
    assert result.match is not None
    assert dict(result.match.score.parts)["exact_name"] == pytest.approx(0.04)
    assert 9015248 in [c.tmdb_id for c in result.candidates]


def test_an_own_name_against_an_equally_exact_alias_stays_with_the_user(client: TmdbClient) -> None:
    # "Captain Tsubasa" is the 2018 remake's name and the 1983 series' alias: both are meant.
    result = match(client, "Captain Tsubasa - 81 [1080p].mkv")
    assert result.status == "review"
    assert result.note.startswith("ambiguous")
    assert {c.tmdb_id for c in result.candidates[:2]} == {25707, 77240}


def test_a_same_title_remake_goes_to_the_clearly_better_known_one(client: TmdbClient) -> None:
    # "Dororo" (2019, popularity 49.5) against "Dororo" (1969, 17.8): TMDB users mean the first.
    assert placed(match(client, "[ASW] Dororo 01 [1080p].mkv")) == (83100, 1, (1,))


def test_a_same_title_remake_of_similar_popularity_is_left_to_the_user(client: TmdbClient) -> None:
    result = match(client, "[Erai-raws] Shaman King - 26 [1080p].mkv")
    assert result.status == "review"
    assert result.note.startswith("ambiguous")
    assert {c.tmdb_id for c in result.candidates[:2]} == {40143, 104699}
    # The best guess is the first candidate, placed, so the plan can offer it for acceptance.
    assert result.match is not None
    assert (result.match.tmdb_id, result.match.season, result.match.episodes) == (
        result.candidates[0].tmdb_id,
        1,
        (26,),
    )


def test_a_cour_subtitle_with_several_possible_seasons_is_only_a_guess(client: TmdbClient) -> None:
    # "Root A" is in no TMDB title of Tokyo Ghoul, and two later seasons could hold episode 3:
    # the file is placed as if the words were not there, at a cost, and left for review.
    result = match(client, "Tokyo Ghoul Root A - 03 [1080p].mkv")
    assert result.status == "review"
    assert "root a" in result.note
    assert result.candidates[0].tmdb_id == 61374
    assert result.match is not None
    assert dict(result.match.score.parts)["unknown_words"] == pytest.approx(-0.10)


def test_a_movie_is_matched_as_a_movie(client: TmdbClient) -> None:
    result = match(client, "Princess Mononoke (1997)/Princess Mononoke (1997) [BDRip 1080p].mkv")
    assert result.match is not None
    assert (result.match.media_type, result.match.tmdb_id, result.match.season) == ("movie", 128, None)


def test_target_of_a_numbered_episode_ignores_the_source_stem(client: TmdbClient) -> None:
    result = match(client, "[SubsPlease] Hataraku Maou-sama! - 05 (1080p) [ABCDEF01].mkv")
    assert result.match is not None
    target = target_for(result.match, ".mkv", source_stem="whatever")
    assert target.name.endswith("S01E05.mkv")
    assert "whatever" not in str(target)


# --- overrides and output language ---------------------------------------------------------------


def test_a_folder_override_file_names_the_title_and_shifts_the_season(
    client: TmdbClient, tmp_path: Path
) -> None:
    folder = tmp_path / "Tokyo Ghoul Root A"
    folder.mkdir()
    (folder / OVERRIDE_FILE).write_text('{"tmdb_id": 61374, "season_offset": 1}', encoding="utf-8")
    video = folder / "Tokyo Ghoul Root A - 03 [1080p].mkv"
    scanned = ScannedFile(str(video), f"{folder.name}/{video.name}")
    matcher = Matcher(client, min_confidence=0.62, overrides=FolderOverrides(tmp_path))
    result = matcher.match(parse_file(scanned))
    assert placed(result) == (61374, 2, (3,))
    assert result.match is not None
    assert dict(result.match.score.parts)["override"] == 1.0


def test_a_source_wide_override_whose_episode_does_not_fit_is_left_for_review(
    client: TmdbClient, tmp_path: Path
) -> None:
    video = tmp_path / "Tokyo Ghoul - 99 [1080p].mkv"  # 48 regular episodes in all
    overrides = FolderOverrides(tmp_path, MatchOverride(tmdb_id=61374))
    result = Matcher(client, min_confidence=0.62, overrides=overrides).match(
        parse_file(ScannedFile(str(video), video.name))
    )
    assert result.status == "review"
    assert result.note == "override: episode fits no TMDB season"
    assert result.match is not None and not result.match.placed  # no plan entry: nowhere to go
    assert [c.tmdb_id for c in result.candidates] == [61374]


def test_an_override_naming_an_unknown_id_says_so(client: TmdbClient, tmp_path: Path) -> None:
    video = tmp_path / "Whatever - 01.mkv"
    overrides = FolderOverrides(tmp_path, MatchOverride(tmdb_id=999999999))
    result = Matcher(client, min_confidence=0.62, overrides=overrides).match(
        parse_file(ScannedFile(str(video), video.name))
    )
    assert result.status == "unmatched"
    assert "999999999" in result.note


@pytest.mark.parametrize(
    ("language", "title"), [("ja-JP", "ダンダダン"), ("xx", "Dan Da Dan"), (None, "Dan Da Dan")]
)
def test_lang_picks_the_library_title_from_translations(
    client: TmdbClient, language: str | None, title: str
) -> None:
    scanned = ScannedFile(str(Path("/library/Dan Da Dan - 03.mkv")), "Dan Da Dan - 03.mkv")
    result = Matcher(client, min_confidence=0.62, title_language=language).match(parse_file(scanned))
    assert result.match is not None
    assert result.match.title == title


# --- extras ------------------------------------------------------------------------------------------


NCOP = "[SubsPlease] Dan Da Dan - NCOP [1080p].mkv"


def test_an_extra_is_left_in_place_by_default(client: TmdbClient) -> None:
    result = match(client, NCOP)
    assert result.status == "unmatched"
    assert "extras = keep" in result.note


def test_an_extra_goes_to_the_series_extras_folder_when_asked(client: TmdbClient) -> None:
    scanned = ScannedFile(str(Path("/library", NCOP)), NCOP)
    result = Matcher(client, min_confidence=0.62, extras_folder=True).match(parse_file(scanned))
    assert result.match is not None
    assert (result.match.tmdb_id, result.match.season, result.match.extra) == (240411, None, True)
    target = target_for(result.match, ".mkv", source_stem=Path(NCOP).stem)
    assert target.as_posix() == f"Dan Da Dan (2024)/extras/{Path(NCOP).stem}.mkv"


# --- best guesses, the title index, specials ---------------------------------------------------


def test_a_season_released_under_its_own_title_is_placed_by_the_title_index(
    client: TmdbClient, tmdb_standin: Standin
) -> None:
    # "High School DxD BorN" is no TMDB title: TMDB files it as season 3 of "High School DxD".
    without_index = match(client, "[Grp] High School DxD BorN - 05 [1080p].mkv")
    assert without_index.status == "review"
    assert "'born' is in no TMDB title" in without_index.note
    result = match_indexed(client, "[Grp] High School DxD BorN - 05 [1080p].mkv")
    assert placed(result) == (45950, 3, (5,))
    assert result.match is not None
    assert dict(result.match.score.parts)["title_index"] == pytest.approx(0.80)
    assert result.match.title == "High School DxD"  # the name is TMDB's, fetched through the client
    assert "/3/tv/45950" in [entry["path"] for entry in tmdb_standin.request_log]


def test_a_season_title_that_specials_repeat_leads_to_the_regular_season(client: TmdbClient) -> None:
    # The index has "Nanatsu no Taizai: Imashime no Fukkatsu" as season 2 and as a special.
    result = match_indexed(client, "[Grp] Nanatsu no Taizai - Imashime no Fukkatsu - 05 [1080p].mkv")
    assert placed(result) == (62104, 2, (5,))


def test_below_the_line_a_file_keeps_its_best_guess_and_every_candidate(client: TmdbClient) -> None:
    result = Matcher(client, min_confidence=0.99).match(
        parse_file(ScannedFile("/library/Dan Da Dan - 02 [1080p].mkv", "Dan Da Dan - 02 [1080p].mkv"))
    )
    assert result.status == "review"
    assert result.note == "below the confidence threshold"
    assert result.match is not None and result.match.placed
    assert (result.match.tmdb_id, result.match.season, result.match.episodes) == (240411, 1, (2,))
    assert result.candidates[0].tmdb_id == 240411  # the guess heads its candidates
    assert result.candidates[0].score == result.match.score.total


def test_a_season_tmdb_lacks_of_a_one_season_series_is_placed_in_it_for_review(client: TmdbClient) -> None:
    # TMDB keeps Dragon Ball Z as one season of 291: "S03E04" may be absolute or not (every
    # season of the split other databases use has more than 4 episodes).
    result = match_indexed(client, "Dragon.Ball.Z.S03E04.1080p.mkv")
    assert result.status == "review"
    assert "no season 3" in result.note
    assert result.match is not None
    assert (result.match.tmdb_id, result.match.season, result.match.episodes) == (12971, 1, (4,))


def test_an_episode_longer_than_any_season_of_the_split_counts_from_the_start(client: TmdbClient) -> None:
    # Without the index's split only an episode past 99 is surely absolute; Yu-Gi-Oh!'s longest
    # season in the split has 49 episodes.
    assert match(client, "[Grp] Yu-Gi-Oh! 2x060 [480p].mkv").status == "review"
    assert placed(match_indexed(client, "[Grp] Yu-Gi-Oh! 2x060 [480p].mkv")) == (902, 1, (60,))


def test_an_episode_past_any_own_season_under_a_season_tmdb_lacks_counts_from_the_start(
    client: TmdbClient,
) -> None:
    # One season of 224 on TMDB: "3x160" cannot number within a season of its own.
    assert placed(match(client, "[Grp] Yu-Gi-Oh! 3x160 [480p].mkv")) == (902, 1, (160,))


def test_an_absolute_number_beside_a_season_tmdb_lacks_places_the_file(client: TmdbClient) -> None:
    # TMDB keeps Yu-Gi-Oh! as one long season; the name gives its absolute number too.
    assert placed(match(client, "Yu-Gi-Oh! S02E12 - Ep.061.mkv")) == (902, 1, (61,))


def test_a_half_episode_goes_to_specials_or_to_review_when_there_are_none(client: TmdbClient) -> None:
    assert placed(match(client, "[Grp] Aa! Megami-sama! - 07.5 [1080p].mkv")) == (912, 0, ())
    result = match(client, "[Grp] Dan Da Dan - 07.5 [1080p].mkv")  # no Specials season on TMDB
    assert result.status == "review"
    assert "no Specials" in result.note
    assert result.match is not None and not result.match.placed
    assert result.candidates[0].tmdb_id == 240411


def test_a_title_written_in_two_scripts_is_found_by_either_part(client: TmdbClient) -> None:
    # TMDB's search ANDs every word: the Chinese and romaji titles side by side find nothing.
    result = match(client, "[字幕组] 葬送的芙莉莲 Sousou no Frieren [05][1080p].mkv")
    assert placed(result) == (209867, 1, (5,))
    assert result.match is not None
    assert "unknown_words" not in dict(result.match.score.parts)  # the other part is a title too


def test_a_word_in_another_script_is_no_title_of_the_work(client: TmdbClient) -> None:
    result = match(client, "[Grp] OVERLORD 新篇 - 04 [1080p].mp4")  # "new arc"
    assert result.status == "review"
    assert "新篇" in result.note


def test_a_cjk_season_counter_picks_that_tmdb_season(client: TmdbClient) -> None:
    assert placed(match(client, "[Grp] OVERLORD 第四季 - 04 [1080p].mp4")) == (64196, 4, (4,))


def test_a_folder_title_followed_by_release_tags_is_found_by_the_indexed_title_it_starts_with(
    client: TmdbClient,
) -> None:
    # A real EMBER batch (from a public bug report): the folder's title keeps its tags, so TMDB's
    # search (every word ANDed) and a fuzzy lookup of the whole find nothing; its first words do.
    name = (
        "The Eminence in Shadow S02 1080p Dual Audio BDRip 10 bits DD+ x265-EMBER/"
        "S02E01-The Lawless City [0DBC6786].mkv"
    )
    assert match(client, name).status == "unmatched"
    result = match_indexed(client, name)
    assert placed(result) == (119495, 2, (1,))
    assert result.match is not None
    assert dict(result.match.score.parts)["title_index"] == pytest.approx(0.80 * 0.9)


def test_a_traditional_chinese_name_finds_the_series_the_catalog_spells_in_simplified(
    client: TmdbClient,
) -> None:
    # A real ANi release (kevin930321/animeko, PatternTitleParserTest吹响吧_上低音号.kt, ".mp4"
    # added): ANi writes Traditional Chinese; the catalog knows Sound! Euphonium as "吹响吧！上低音号"
    # only. "（僅限港澳臺地區）" is ANi's licence note ("Hong Kong, Macau and Taiwan only"), so
    # "第三季" is read as season 3.
    name = (
        "[ANi] 吹響吧！上低音號 第三季（僅限港澳臺地區） - 07 "
        "[1080P][Bilibili][WEB-DL][AAC AVC][CHT CHS][MP4].mp4"
    )
    assert placed(match_indexed(client, name)) == (62564, 3, (7,))


def test_a_native_title_followed_by_a_season_s_own_words_is_that_season(client: TmdbClient) -> None:
    # A real folder name (kookxiang/jellyfin-plugin-bangumi, Jellyfin.Plugin.Bangumi.Test/Season.cs):
    # "恶魔高校D×D" is High School DxD in Chinese, and "NEW" is what season 2's title "High School
    # DxD New" adds to it. No title holds the two together; the words after the series' title do.
    result = match_indexed(client, "恶魔高校D×D/恶魔高校D×D NEW/05.mkv")
    assert placed(result) == (45950, 2, (5,))
    assert result.match is not None
    assert "unknown_words" not in dict(result.match.score.parts)
    assert match(client, "恶魔高校D×D/恶魔高校D×D NEW/05.mkv").status == "unmatched"  # without the index


def test_a_subtitle_two_seasons_share_is_a_guess_unless_one_alone_holds_the_episode(
    client: TmdbClient,
) -> None:
    # "刀剑神域 Alicization" as Chinese sites list the arc; the catalog gives "Sword Art Online:
    # Alicization" to season 3 (24 episodes) and again to season 4 (23), which continues it.
    result = match_indexed(client, "刀剑神域 Alicization/17.mkv")
    assert result.status == "review"
    assert "seasons 3 and 4" in result.note
    assert result.match is not None and (result.match.season, result.match.episodes) == (3, (17,))
    assert placed(match_indexed(client, "刀剑神域 Alicization/24.mkv")) == (45782, 3, (24,))


def test_the_chinese_part_of_a_bilingual_title_finds_the_series_alone(client: TmdbClient) -> None:
    # The Chinese name a public airing schedule gives Shy's second season (as a folder name):
    # the catalog knows "SHY 腼腆英雄" only, and "东京夺还篇" ("Tokyo recapture arc") is no title.
    name = "腼腆英雄 东京夺还篇 (第2期)/05.mkv"
    assert match(client, name).status != "matched"
    assert placed(match_indexed(client, name)) == (211709, 2, (5,))
