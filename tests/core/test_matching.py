"""Pure matching: title normalisation and similarity, series scoring, episode placement, weights."""

from __future__ import annotations

import math
from dataclasses import asdict, replace

import pytest

from anivault.core.lookup.matching.matcher import search_queries
from anivault.core.lookup.matching.placement import (
    extra_words,
    into_one_long_season,
    numbered_from_start,
    place_episodes,
    season_names,
    sequel_season,
    sequel_words,
    series_part,
)
from anivault.core.lookup.matching.scoring import (
    SHORTENED_TITLE,
    Weights,
    normalize_title,
    score_series,
    script_runs,
    title_similarity,
)
from anivault.core.models import FileKind, ParsedName
from anivault.services.titles.index_file import AbsoluteRange
from anivault.services.tmdb.models import Season, TitleDetails

WEIGHTS = Weights()


def details(
    *seasons: Season,
    title: str = "Attack on Titan",
    original_title: str = "進撃の巨人",
    year: int | None = 2013,
    popularity: float = 0.0,
    alternative_titles: tuple[str, ...] = (),
    translated_titles: tuple[tuple[str, str], ...] = (),
) -> TitleDetails:
    return TitleDetails(
        media_type="tv",
        tmdb_id=1429,
        title=title,
        original_title=original_title,
        year=year,
        popularity=popularity,
        seasons=seasons,
        alternative_titles=alternative_titles,
        translated_titles=translated_titles,
    )


def name(
    episodes: tuple[int, ...],
    *,
    season: int | None = None,
    kind: FileKind = "episode",
    year: int | None = None,
    title: str = "Attack on Titan",
) -> ParsedName:
    return ParsedName(title=title, season=season, episodes=episodes, kind=kind, year=year)


TWO_COURS = details(Season(1, 12, 2013), Season(2, 12, 2017))
WITH_ONE_SPECIAL = details(Season(0, 1, 2014), Season(1, 12, 2013))
WITH_MANY_SPECIALS = details(Season(0, 8, 2014), Season(1, 12, 2013))


# --- normalize_title / title_similarity --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Attack on Titan", "attack on titan"),
        ("Re:Zero − Starting Life in Another World", "re zero starting life in another world"),
        ("ＳＰＹ×ＦＡＭＩＬＹ", "spy family"),
        ("Straße", "strasse"),
        ("  Kaguya-sama:   Love is War!! ", "kaguya sama love is war"),
        ("進撃の巨人", "进撃の巨人"),  # kanji fold with Chinese (fold_chinese_script), kana stay
        ("!!!", ""),
    ],
)
def test_normalize_title(text: str, expected: str) -> None:
    assert normalize_title(text) == expected


def test_identical_titles_are_fully_similar() -> None:
    assert title_similarity("Attack on Titan", ["Attack on Titan"]) == 1.0


def test_similarity_ignores_case_punctuation_and_word_order() -> None:
    assert title_similarity("attack-on-TITAN!", ["Attack on Titan"]) == 1.0
    assert title_similarity("Titan on Attack", ["Attack on Titan"]) == 1.0


def test_a_traditional_chinese_name_is_fully_similar_to_tmdbs_simplified_translation() -> None:
    assert title_similarity("惡魔高校D×D", ["High School DxD", "恶魔高校D×D"]) == 1.0
    assert title_similarity("恶魔高校D×D", ["High School DxD", "惡魔高校D×D"]) == 1.0


def test_similarity_takes_the_best_title_and_ignores_empty_ones() -> None:
    assert title_similarity("Shingeki no Kyojin", ["", "Attack on Titan", "Shingeki no Kyojin"]) == 1.0
    assert title_similarity("Attack on Titan", ["", "!!!"]) == 0.0
    assert title_similarity("Attack on Titan", []) == 0.0


def test_an_alias_tagged_with_a_year_counts_as_the_name_of_one_of_several_works() -> None:
    assert title_similarity("Ajin", ["Ajin: Demi-Human", "Ajin (2016)"]) == pytest.approx(0.9)
    assert title_similarity("Ajin", ["Ajin (2016)"], shortened=False) < 0.9
    assert title_similarity("Fullmetal Alchemist", ["Fullmetal Alchemist"]) == 1.0


def test_similarity_is_graded() -> None:
    close = title_similarity("Attack on Titan", ["Attack on Titans"])
    far = title_similarity("Attack on Titan", ["Spy x Family"])
    assert 0.9 < close < 1.0
    assert 0.0 <= far < 0.5


# --- score_series ------------------------------------------------------------------------------


def parts_of(parsed: ParsedName, candidate: TitleDetails) -> dict[str, float]:
    return dict(score_series(parsed, candidate, WEIGHTS))


def test_exact_title_without_years_scores_title_exact_name_and_popularity_only() -> None:
    parts = score_series(name((1,)), TWO_COURS, WEIGHTS)
    assert [key for key, _ in parts] == ["title", "exact_name", "popularity"]
    assert dict(parts) == {"title": pytest.approx(0.80), "exact_name": 0.04, "popularity": 0.0}


def test_exact_name_is_only_for_the_candidates_own_title_not_an_alias() -> None:
    spin_off = details(title="Pucca Funny Love", original_title="푸카", alternative_titles=("Pucca",))
    own = details(title="Pucca", original_title="푸카")
    assert "exact_name" not in parts_of(name((1,), title="Pucca"), spin_off)
    assert parts_of(name((1,), title="Pucca"), own)["exact_name"] == WEIGHTS.exact_name


def test_the_bracketed_alternative_title_counts_too() -> None:
    parsed = ParsedName(
        title="Jungle Taitei",
        alternative_title="Kimba the White Lion",
        season=None,
        episodes=(1,),
        kind="episode",
    )
    kimba = details(title="Kimba the White Lion", original_title="ジャングル大帝")
    assert parts_of(parsed, kimba) == {"title": pytest.approx(0.80), "exact_name": 0.04, "popularity": 0.0}


def test_title_matches_through_alternative_and_translated_titles() -> None:
    candidate = details(
        title="Other",
        original_title="Other",
        alternative_titles=("AoT",),
        translated_titles=(("de", "Angriff auf Titan"),),
    )
    assert parts_of(name((1,), title="AoT"), candidate)["title"] == pytest.approx(0.80)
    assert parts_of(name((1,), title="Angriff auf Titan"), candidate)["title"] == pytest.approx(0.80)


def test_year_match_adds_and_mismatch_subtracts() -> None:
    assert parts_of(name((1,), year=2013), TWO_COURS)["year"] == WEIGHTS.year_match
    assert parts_of(name((1,), year=1999), TWO_COURS)["year"] == WEIGHTS.year_mismatch


def test_a_later_season_air_year_counts_as_a_year_match() -> None:
    assert parts_of(name((1,), year=2017), TWO_COURS)["year"] == WEIGHTS.year_match


def test_year_is_not_scored_when_either_side_lacks_it() -> None:
    assert "year" not in parts_of(name((1,), year=2013), details(year=None))
    assert "year" not in parts_of(name((1,), year=None), TWO_COURS)


@pytest.mark.parametrize(
    ("popularity", "expected"),
    [(0.0, 0.0), (9.0, 0.05 / 3), (99.0, 0.05 * 2 / 3), (999.0, 0.05), (1e9, 0.05)],
)
def test_popularity_is_logarithmic_and_capped(popularity: float, expected: float) -> None:
    assert parts_of(name((1,)), details(popularity=popularity))["popularity"] == pytest.approx(expected)


def test_score_follows_the_weights_it_is_given() -> None:
    heavy = Weights(title=0.5, exact_name=0.2, year_match=0.3, popularity=0.0)
    parts = dict(score_series(name((1,), year=2013), TWO_COURS, heavy))
    assert parts == {"title": pytest.approx(0.5), "exact_name": 0.2, "year": 0.3, "popularity": 0.0}


# --- place_episodes ----------------------------------------------------------------------------


def test_plain_episode_lands_in_season_one() -> None:
    assert place_episodes(name((5,)), TWO_COURS) == (1, (5,))


def test_multi_episode_is_kept_together() -> None:
    assert place_episodes(name((5, 6)), TWO_COURS) == (1, (5, 6))


def test_given_season_is_used() -> None:
    assert place_episodes(name((3,), season=2), TWO_COURS) == (2, (3,))


def test_given_season_with_an_episode_beyond_it_does_not_fit() -> None:
    assert place_episodes(name((13,), season=1), TWO_COURS) is None


def test_given_season_that_does_not_exist_does_not_fit() -> None:
    assert place_episodes(name((1,), season=5), TWO_COURS) is None


@pytest.mark.parametrize(
    ("absolute", "placed"), [(12, (1, (12,))), (13, (2, (1,))), (24, (2, (12,))), ((14, 15), (2, (2, 3)))]
)
def test_continuing_numbering_moves_to_later_seasons(
    absolute: int | tuple[int, ...], placed: tuple[int, tuple[int, ...]]
) -> None:
    episodes = absolute if isinstance(absolute, tuple) else (absolute,)
    assert place_episodes(name(episodes), TWO_COURS) == placed


def test_continuing_numbering_skips_the_specials_season() -> None:
    candidate = details(Season(0, 3, None), Season(1, 12, 2013), Season(2, 12, 2017))
    assert place_episodes(name((13,)), candidate) == (2, (1,))


def test_episode_beyond_every_season_does_not_fit() -> None:
    assert place_episodes(name((25,)), TWO_COURS) is None


def test_range_straddling_two_seasons_does_not_fit() -> None:
    assert place_episodes(name((12, 13)), TWO_COURS) is None


def test_year_picks_the_season_that_aired_then() -> None:
    assert place_episodes(name((5,), year=2017), TWO_COURS) == (2, (5,))


def test_special_goes_to_season_zero_when_it_holds_a_single_episode() -> None:
    assert place_episodes(name((1,), kind="special"), WITH_ONE_SPECIAL) == (0, (1,))
    assert place_episodes(name((), kind="special"), WITH_ONE_SPECIAL) == (0, (1,))


def test_special_keeps_its_own_name_in_season_zero_when_it_has_several_episodes() -> None:
    # A group's "SP1" is TMDB's S00E01 only by chance: Season 00, no episode number guessed.
    assert place_episodes(name((1,), kind="special"), WITH_MANY_SPECIALS) == (0, ())
    assert place_episodes(name((), kind="special"), WITH_MANY_SPECIALS) == (0, ())


def test_special_without_a_season_zero_does_not_fit() -> None:
    assert place_episodes(name((1,), kind="special"), TWO_COURS) is None


def test_episode_zero_is_a_special() -> None:
    assert place_episodes(name((0,), kind="special"), TWO_COURS) is None
    assert place_episodes(name((0,), kind="special"), WITH_ONE_SPECIAL) == (0, (1,))
    assert place_episodes(name((0,)), WITH_MANY_SPECIALS) == (0, ())


def test_a_second_special_is_not_the_single_specials_episode() -> None:
    assert place_episodes(name((2,), kind="special"), WITH_ONE_SPECIAL) == (0, ())


def test_no_episodes_do_not_fit() -> None:
    assert place_episodes(name(()), TWO_COURS) is None


def test_range_starting_at_episode_zero_is_not_placed_in_a_regular_season() -> None:
    placed = place_episodes(name((0, 1)), TWO_COURS)
    assert placed is None or 0 not in placed[1]


# --- weights -----------------------------------------------------------------------------------


def test_default_weights_are_pinned() -> None:
    assert asdict(Weights()) == {
        "title": 0.80,
        "exact_name": 0.04,
        "year_match": 0.10,
        "year_mismatch": -0.15,
        "popularity": 0.05,
        "episode_fits": 0.05,
        "episode_misfit": -0.40,
        "unknown_words": -0.10,
        "folder_consensus": 0.15,
    }


def test_a_perfect_candidate_reaches_exactly_one() -> None:
    weights = Weights()
    best = weights.title + weights.year_match + weights.popularity + weights.episode_fits
    assert math.isclose(best, 1.0)
    assert best + weights.exact_name > 1.0  # the total is capped at 1: an own name only breaks ties


# --- shortened titles, sequel cours, query variants ---------------------------------------------


def test_a_shortened_title_scores_below_the_full_one() -> None:
    assert title_similarity("Demi Human", ["Ajin: Demi-Human"]) == SHORTENED_TITLE
    assert title_similarity("Demi Human", ["Ajin: Demi-Human"], shortened=False) < SHORTENED_TITLE
    assert title_similarity("Ajin Demi Human", ["Ajin: Demi-Human"]) == 1.0


def test_one_word_is_too_little_to_count_as_a_shortened_title() -> None:
    assert title_similarity("Ajin", ["Ajin: Demi-Human"]) < 0.5


def test_extra_words_are_the_ones_the_closest_title_lacks() -> None:
    ghoul = details(title="Tokyo Ghoul", original_title="東京喰種", alternative_titles=("TG",))
    assert extra_words("Tokyo Ghoul Root A", ghoul) == ("root", "a")
    assert extra_words("Tokyo Ghoul", ghoul) == ()


FOUR_SEASONS = details(
    Season(1, 12, 2014), Season(2, 12, 2015), Season(3, 24, 2018), Season(4, 10, 2020), title="Tokyo Ghoul"
)


@pytest.mark.parametrize(
    ("title", "episodes", "words", "season"),
    [
        ("Tokyo Ghoul 3", (7,), ("3",), 3),
        ("Tokyo Ghoul III", (7,), ("iii",), 3),
        ("Tokyo Ghoul Root A", (20,), ("root", "a"), 3),  # only season 3 holds an episode 20
        ("Tokyo Ghoul Root A", (3,), ("root", "a"), None),  # seasons 2, 3 and 4 all could
    ],
)
def test_a_sequel_cour_under_its_own_title_finds_its_season(
    title: str, episodes: tuple[int, ...], words: tuple[str, ...], season: int | None
) -> None:
    parsed = name(episodes, title=title)
    assert sequel_words(parsed, FOUR_SEASONS) == words
    assert sequel_season(parsed, FOUR_SEASONS, words) == season


# Tokyo Ghoul's seasons as the title index lists them (catalog season_titles).
GHOUL_SEASON_TITLES = (
    (1, ("Tokyo Ghoul", "東京喰種トーキョーグール")),
    (2, ("Tokyo Ghoul √A", "Tokyo Ghoul Root A", "東京喰種トーキョーグール√A")),
    (3, ("Tokyo Ghoul:re", "東京喰種トーキョーグール:re")),
    (4, ("Tokyo Ghoul:re 2nd Season", "Tokyo Ghoul:re")),
    (0, ("Tokyo Ghoul: Jack",)),
)
GHOUL = replace(FOUR_SEASONS, translated_titles=(("zh", "东京喰种"),))


@pytest.mark.parametrize(
    ("words", "episodes", "seasons"),
    [
        (("root", "a"), (3,), (2,)),  # what season 2's titles add to the series' own words
        (("东京喰种root", "a"), (3,), (2,)),  # glued across scripts: 东京喰种 is the series' own word
        (("re",), (5,), (3, 4)),  # seasons 3 and 4 share "Tokyo Ghoul:re": a guess...
        (("re",), (20,), (3,)),  # ...unless only one of them holds the episode
        (("re", "2nd", "season"), (5,), (4,)),
        (("jack",), (1,), ()),  # Specials are not a season a name's words place a file in
        (("iii", "re"), (5,), (3,)),  # a season count beside a subtitle that names that season
        (("iv", "root", "a"), (5,), ()),  # ...or another one: which is meant cannot be told
        (("iv", "uprising"), (5,), (4,)),  # beside words no season has, the count decides
        (("ii", "iv"), (5,), ()),
        (("tokyo",), (5,), ()),  # only the series' own words
        (("uprising",), (5,), ()),
    ],
)
def test_words_after_the_series_title_name_the_seasons_whose_titles_add_them(
    words: tuple[str, ...], episodes: tuple[int, ...], seasons: tuple[int, ...]
) -> None:
    assert season_names(GHOUL, GHOUL_SEASON_TITLES).seasons_of(words, episodes) == seasons


def test_a_season_named_by_its_words_judges_the_title_without_them() -> None:
    assert series_part("东京喰种iii Uprising", ("东京喰种iii", "uprising"), GHOUL) == "东京喰种"
    assert series_part("Tokyo Ghoul Root A", ("root", "a"), GHOUL) == "tokyo ghoul"


def test_no_sequel_when_the_name_gives_its_season_or_only_spells_the_title_differently() -> None:
    assert sequel_words(name((3,), title="Tokyo Ghoul Root A", season=2), FOUR_SEASONS) == ()
    kays = details(Season(1, 6, 2023), title="Kay's Daily Doodles")
    assert sequel_words(name((3,), title="Kays Daily Doodles"), kays) == ()


def test_remembered_sequel_words_follow_the_candidates_titles_not_only_its_id() -> None:
    # The same TMDB id fetched twice with different titles (a refreshed cache entry, another
    # language): the memo must not answer for one with the other's words.
    parsed = name((3,), title="Tokyo Ghoul Root A")
    renamed = replace(FOUR_SEASONS, alternative_titles=("Tokyo Ghoul Root A",))
    assert sequel_words(parsed, FOUR_SEASONS) == ("root", "a")
    assert sequel_words(parsed, renamed) == ()
    assert sequel_words(parsed, FOUR_SEASONS) == ("root", "a")


def test_words_after_a_title_the_name_only_starts_with_name_a_season_only_as_a_number() -> None:
    # "Tokyo Ghoul 1080p Dual Audio - 20": tags, not a cour's subtitle; no season by length.
    parsed = name((20,), title="Tokyo Ghoul Root A")
    assert sequel_season(parsed, FOUR_SEASONS, ("root", "a"), by_length=False) is None
    assert sequel_season(parsed, FOUR_SEASONS, ("3",), by_length=False) == 3


def test_a_number_naming_a_season_tmdb_lacks_leaves_the_season_unknown() -> None:
    parsed = name((3,), title="Tokyo Ghoul 7")
    assert sequel_season(parsed, FOUR_SEASONS, sequel_words(parsed, FOUR_SEASONS)) is None


def test_query_variants_go_from_literal_to_loose() -> None:
    parsed = ParsedName(
        title="Lees Detective Agency A Day",
        alternative_title="Lee's Agency",
        season=None,
        episodes=(1,),
        kind="episode",
    )
    assert list(search_queries(parsed)) == [
        "Lees Detective Agency A Day",
        "Lee's Agency",
        "Lees Detective Agency A",
        "Lees Detective Agency",
        "Lees Detective",
        "Detective Agency",
    ]
    assert list(search_queries(name((1,), title="Dororo"))) == ["Dororo"]


def test_absolute_numbers_place_a_file_whose_own_season_tmdb_lacks() -> None:
    long_runner = details(Season(1, 366, 2004), Season(2, 52, 2022))
    parsed = replace(name((3, 4), season=16), absolute_episodes=(313, 314))
    assert place_episodes(parsed, long_runner) == (1, (313, 314))


def test_an_episode_past_its_given_season_counts_from_the_start_only_into_that_season() -> None:
    two_seasons = details(Season(1, 12, 2021), Season(2, 12, 2022))
    assert place_episodes(name((22,), season=2), two_seasons) == (2, (10,))
    assert place_episodes(name((13,), season=1), two_seasons) is None  # lands in season 2, not 1
    assert place_episodes(name((30,), season=2), two_seasons) is None  # past the last season


def test_a_season_tmdb_lacks_goes_into_its_one_long_season_only() -> None:
    one_long = details(Season(0, 5, 2015), Season(1, 131, 2015))
    assert into_one_long_season(name((53,), season=5), one_long) == (1, (53,))
    assert into_one_long_season(name((140,), season=5), one_long) is None  # too long for it
    assert into_one_long_season(name((5,), season=3), TWO_COURS) is None  # two seasons: no guess
    assert into_one_long_season(name((5,), season=1), one_long) is None  # TMDB has that season


# Dragon Ball Z's split in another database (the catalog's absolute_ranges), first seasons.
DBZ_SPLIT = (AbsoluteRange(1, 1, 39), AbsoluteRange(2, 40, 74), AbsoluteRange(3, 75, 107))


def test_an_episode_no_season_of_the_split_can_hold_counts_from_the_start() -> None:
    assert numbered_from_start(name((89,), season=3), DBZ_SPLIT)  # its longest season has 39
    assert not numbered_from_start(name((89,), season=3))  # no split: only past 99 is sure


def test_an_episode_inside_its_seasons_absolute_range_counts_from_the_start() -> None:
    assert numbered_from_start(name((80,), season=3), DBZ_SPLIT)  # season 3 is 75-107: absolute
    assert not numbered_from_start(name((30,), season=3), DBZ_SPLIT)  # within season 3's 33: either
    assert not numbered_from_start(name((38,), season=2), DBZ_SPLIT)  # 38 < 40: not season 2's


@pytest.mark.parametrize(
    ("title", "runs"),
    [
        ("葬送的芙莉莲 Sousou no Frieren", ("葬送的芙莉莲", "Sousou no Frieren")),
        ("進撃の巨人_Shingeki no Kyojin", ("進撃の巨人", "Shingeki no Kyojin")),
        ("Attack on Titan", ()),  # one script: nothing to split
        ("進撃の巨人", ()),
        ("進撃の巨人 S2", ()),  # "S2" is no title
    ],
)
def test_a_title_in_two_scripts_carries_each_part_as_a_title(title: str, runs: tuple[str, ...]) -> None:
    assert script_runs(title) == runs
