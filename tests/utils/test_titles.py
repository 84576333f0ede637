"""title_key: spellings release groups use for one title meet on one key; different titles do not."""

from __future__ import annotations

import pytest

from anivault.utils.titles import fold_chinese_script, title_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Yu-Gi-Oh!", "yu gi oh"),
        ("Kiss & Cry", "Kiss and Cry"),
        ("Pokémon", "POKEMON"),
        ("Ｆｕｌｌ　Ｍｅｔａｌ", "Full Metal"),
        ("Hunter×Hunter", "Hunter x Hunter"),
        ("JoJo's Bizarre Adventure", "JoJos Bizarre Adventure"),
        ("JoJo’s Bizarre Adventure", "JoJo's Bizarre Adventure"),
        ("Re:Zero - Starting Life", "Re Zero  Starting   Life"),
        ("Straße", "STRASSE"),
        ("SPY×FAMILY", "Spy x Family"),
        ("Ranma ½", "Ranma 1/2"),
        ("Dragon of 5,000 Years", "Dragon of 5000 Years"),
        ("1,000,000 Yen", "1000000 yen"),
        ("惡魔高校D×D", "恶魔高校D×D"),  # Traditional / Simplified Chinese
        ("吹響吧！上低音號", "吹响吧！上低音号"),
        ("進擊的巨人", "进击的巨人"),
        ("鋼之鍊金術師", "钢之炼金术师"),  # 鍊 is a variant OpenCC folds as well
    ],
)
def test_spellings_of_one_title_share_a_key(one: str, other: str) -> None:
    assert title_key(one) == title_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Eureka Seven", "Eureka Seven AO"),
        ("Shingeki no Kyojin Season 2", "Shingeki no Kyojin Season 3"),
        ("ガンダム", "カンタム"),  # a voiced mark is part of the kana, not an accent to drop
        ("Ajin (2016)", "Ajin"),  # the year tells same-named works apart
        ("Vol. 1,23", "Vol. 123"),  # not a thousands separator
        ("进击的巨人", "进击之巨人"),  # another word, not another script
    ],
)
def test_different_titles_keep_different_keys(one: str, other: str) -> None:
    assert title_key(one) != title_key(other)


def test_scripts_are_kept_and_punctuation_becomes_single_spaces() -> None:
    # Kanji fold with Chinese (遊 → 游): every side of a comparison is folded alike.
    assert title_key("遊☆戯☆王 デュエルモンスターズ") == "游 戯 王 デュエルモンスターズ"
    assert title_key("  Dr. STONE!! ") == "dr stone"
    assert title_key("!!!") == ""


def test_chinese_folds_to_simplified_and_other_text_is_left_as_it_is() -> None:
    assert fold_chinese_script("惡魔高校D×D") == "恶魔高校D×D"
    assert fold_chinese_script("恶魔高校D×D") == "恶魔高校D×D"
    assert fold_chinese_script("デュエルモンスターズ") == "デュエルモンスターズ"
    assert fold_chinese_script("Pokémon ½") == "Pokémon ½"
    assert fold_chinese_script("") == ""
