"""tools/build_title_index.py: which catalog titles become rows, where they lead, same input → same bytes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from tests.services.title_catalog import SMALL_CATALOG, build_small_index, places, write_catalog

from anivault.services.titles.index import TitleIndex
from anivault.services.titles.index_file import SCHEMA, AbsoluteRange
from tools.build_title_index import DEFAULT_CATALOG, DEFAULT_OUT, build_title_index, main


@pytest.fixture
def small_index(tmp_path: Path) -> TitleIndex:
    return build_small_index(tmp_path)


def test_series_titles_lead_to_the_series_and_season_titles_to_their_season(small_index: TitleIndex) -> None:
    assert places(small_index.exact("Eureka Seven")) == [(889, "tv", None)]
    assert places(small_index.exact("交響詩篇エウレカセブン")) == [(889, "tv", None)]
    assert places(small_index.exact("Eureka Seven AO")) == [(889, "tv", 2)]
    assert places(small_index.exact("Eureka Seven: Pocket Full of Rainbows")) == [(889, "tv", 0)]
    assert places(small_index.exact("Koukyoushihen: Eureka Seven")) == [(889, "tv", 1)]
    assert places(small_index.exact("Nausicaa of the Valley of the Wind")) == [(81, "movie", None)]
    everything = small_index.lookup("Eureka Seven", limit=50, min_similarity=0)
    assert len(everything) > 5
    assert {hit.episode_offset for hit in everything} == {0}


def test_a_season_1_title_that_is_also_a_series_title_leads_to_the_series(small_index: TitleIndex) -> None:
    """ "Eureka 7" is both an alternative title and a season-1 release title: one row, season None."""
    assert places(small_index.exact("Eureka 7")) == [(889, "tv", None)]


def test_a_title_of_several_entries_keeps_them_all_most_popular_first(small_index: TitleIndex) -> None:
    assert places(small_index.exact("spy x family")) == [(500, "tv", None), (500, "tv", 2), (501, "tv", None)]
    titles = [hit.title for hit in small_index.exact("spy x family")]
    assert titles == ["Spy x Family", "Spy x Family", "SPY×FAMILY"]


def test_a_title_in_the_other_chinese_script_finds_the_same_entry(small_index: TitleIndex) -> None:
    """The catalog has Kaguya-sama's Simplified translation only; Taiwanese and Hong Kong groups
    write it in Traditional. Keys fold both scripts, so either finds it, the main title too."""
    assert places(small_index.exact("輝夜大小姐想讓我告白～天才們的戀愛頭腦戰～")) == [(83121, "tv", None)]
    assert places(small_index.exact("輝夜大小姐想讓我告白")) == [(83121, "tv", None)]


def test_synthetic_ids_are_left_out(small_index: TitleIndex) -> None:
    """They are not TMDB's ids: a hit on one would send the matcher to a series that does not exist."""
    assert small_index.exact("Made Up Show") == []
    assert small_index.exact("Made Up Movie") == []


def test_same_catalog_gives_the_same_bytes(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path)
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    report = build_title_index(catalog, first)
    build_title_index(catalog, second)
    assert first.read_bytes() == second.read_bytes()
    assert (report.entries, report.skipped_synthetic) == (7, 2)
    document = json.loads(gzip.decompress(first.read_bytes()))
    assert document["schema"] == SCHEMA
    assert report.rows == len(document["titles"])
    assert document["sources"][0]["built_from"] == SMALL_CATALOG["built_from"]


def test_the_bundled_index_is_built_from_the_bundled_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whoever changes the catalog, the normaliser or the builder rebuilds the shipped file."""
    out = tmp_path / "rebuilt.json.gz"
    assert main(["--catalog", str(DEFAULT_CATALOG), "--out", str(out)]) == 0
    assert "titles for" in capsys.readouterr().out
    assert out.read_bytes() == DEFAULT_OUT.read_bytes(), "run: python tools/build_title_index.py"


def test_a_long_runners_split_is_copied_for_the_matcher(small_index: TitleIndex) -> None:
    assert small_index.absolute_ranges(502) == (AbsoluteRange(1, 1, 50), AbsoluteRange(2, 51, 98))
    assert small_index.absolute_ranges(889) == ()


def test_a_wave_dash_subtitle_is_dropped_for_a_main_title_of_its_own(small_index: TitleIndex) -> None:
    # Chinese groups write "辉夜大小姐想让我告白" alone; the translation carries its subtitle.
    assert places(small_index.exact("辉夜大小姐想让我告白")) == [(83121, "tv", None)]
    assert places(small_index.exact("辉夜大小姐想让我告白～天才们的恋爱头脑战～")) == [(83121, "tv", None)]


def test_a_main_title_two_entries_share_is_left_out(small_index: TitleIndex) -> None:
    # (The two entries' subtitles are real catalog titles; which entry holds them is made up.)
    assert small_index.exact("劇場版 遊☆戯☆王") == []
    assert places(small_index.exact("劇場版 遊☆戯☆王 ~光のピラミッド~")) == [(902, "tv", 0)]


def test_the_cjk_part_of_a_title_in_two_scripts_leads_where_the_whole_does(small_index: TitleIndex) -> None:
    # Chinese groups write "游戏王怪兽之决斗" alone; the catalog's translation has the Latin title too.
    assert places(small_index.exact("游戏王怪兽之决斗")) == [(902, "tv", None)]
    assert small_index.exact("DUEL MONSTERS") == []  # a Latin part beside it is mostly a tag
