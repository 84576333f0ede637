"""TitleIndex: exact and fuzzy lookups on a real index file, damaged files, and the bundled index."""

from __future__ import annotations

import fnmatch
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz, process

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib
from tests.services.title_catalog import SMALL_CATALOG, build_small_index, places, tv, write_catalog

from anivault.errors import TitleIndexError
from anivault.services.titles.index import TitleHit, TitleIndex, bundled_index_path, default_title_index
from anivault.services.titles.index_file import AbsoluteRange
from anivault.utils.titles import title_key
from tools.build_title_index import DEFAULT_CATALOG, build_title_index


@pytest.fixture
def small_index(tmp_path: Path) -> TitleIndex:
    return build_small_index(tmp_path)


def test_exact_hits_carry_the_indexed_spelling_and_similarity_one(small_index: TitleIndex) -> None:
    (hit,) = small_index.exact("eureka seven ao")
    assert hit == TitleHit(889, "tv", 2, 0, "Eureka Seven AO", 1.0)


def test_season_titles_lists_each_season_s_titles_of_one_series(small_index: TitleIndex) -> None:
    # Eureka Seven's season-1 titles that are also the series' own are the series' rows only.
    assert {season: set(titles) for season, titles in small_index.season_titles(889)} == {
        0: {"Eureka Seven: Pocket Full of Rainbows"},
        1: {"Koukyoushihen: Eureka Seven"},
        2: {"Eureka Seven AO", "Eureka Seven: Astral Ocean"},
    }
    assert [season for season, _ in small_index.season_titles(889)] == [0, 1, 2]
    assert small_index.season_titles(502) == ()  # no season titles
    assert small_index.season_titles(999999) == ()


def test_lookup_puts_exact_hits_before_fuzzy_ones_best_first(small_index: TitleIndex) -> None:
    hits = small_index.lookup("Eureka Seven AO", min_similarity=0.8)
    assert hits[0] == TitleHit(889, "tv", 2, 0, "Eureka Seven AO", 1.0)
    assert [hit.title for hit in hits[1:]] == ["Eureka Seven"]
    assert hits[1].similarity == pytest.approx(fuzz.ratio("eureka seven ao", "eureka seven") / 100)


def test_a_misspelt_title_finds_its_entry_and_a_stranger_finds_nothing(small_index: TitleIndex) -> None:
    (hit,) = small_index.lookup("Koukyoushihen Eureka Sevn")
    assert (hit.tmdb_id, hit.season, hit.title) == (889, 1, "Koukyoushihen: Eureka Seven")
    assert 0.85 <= hit.similarity < 1.0
    assert small_index.exact("Koukyoushihen Eureka Sevn") == []
    assert small_index.lookup("Completely Different Show") == []
    assert small_index.lookup("") == []


def test_lookup_stops_at_limit(small_index: TitleIndex) -> None:
    assert len(small_index.exact("Spy x Family")) == 3
    assert places(small_index.lookup("Spy x Family", limit=2)) == [(500, "tv", None), (500, "tv", 2)]
    assert len(small_index.lookup("Eureka", limit=4, min_similarity=0.0)) == 4


def test_fuzzy_lookup_finds_what_comparing_every_title_finds(tmp_path: Path) -> None:
    """Only keys of a compatible length and mix of scripts are compared; that must never lose a hit."""
    names = [f"{word} {suffix}" for word in ("Aria", "Arian", "Ariana Grande", "Kanon") for suffix in "ab"]
    names += ["A", "Ar", "Aria the Animation", "Aria the Natural", "Aria the Origination"]
    names += [
        "Aria 季",
        "Aria 第二季",
        "アリア",
        "アリア the Animation",
        "鬼滅の刃",
        "鬼滅の刃 2",
        "鬼滅の刃 刀鍛冶の里編",
    ]
    catalog = {**SMALL_CATALOG, "tv": [tv(100 + i, name) for i, name in enumerate(names)], "movie": []}
    out = tmp_path / "titles.json.gz"
    build_title_index(write_catalog(tmp_path, catalog), out)
    index = TitleIndex.load(out)
    keys = [title_key(name) for name in names]
    queries = (
        "Aria",
        "Arin a",
        "aria the anim",
        "A",
        "Kanon",
        "Ariana",
        "Aria 第2季",
        "アリア the",
        "鬼滅の刃 3",
    )
    for query in queries:
        for floor in (0.5, 0.7, 0.85, 0.95):
            wanted = {
                key
                for key, score, _ in process.extract(
                    title_key(query), keys, scorer=fuzz.ratio, score_cutoff=floor * 100, limit=None
                )
            }
            found = {title_key(hit.title) for hit in index.lookup(query, limit=100, min_similarity=floor)}
            assert found == wanted, (query, floor)


def test_equally_alike_fuzzy_hits_come_in_the_index_order(tmp_path: Path) -> None:
    """Which of several equally alike titles fill the last places must not depend on how the
    index groups its keys for comparing: "aria 季" has as many ASCII letters as the query alike."""
    names = ["Aria a", "Aria b", "Aria 季"]
    catalog = {**SMALL_CATALOG, "tv": [tv(100 + i, name) for i, name in enumerate(names)], "movie": []}
    out = tmp_path / "titles.json.gz"
    build_title_index(write_catalog(tmp_path, catalog), out)
    index = TitleIndex.load(out)
    assert [hit.title for hit in index.lookup("Aria c", min_similarity=0.8)] == names
    assert [hit.title for hit in index.lookup("Aria c", limit=2, min_similarity=0.8)] == names[:2]


def write_document(path: Path, document: Any) -> Path:
    path.write_bytes(gzip.compress(json.dumps(document).encode("utf-8")))
    return path


def index_document(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "good.json.gz"
    build_title_index(write_catalog(tmp_path), out)
    return json.loads(gzip.decompress(out.read_bytes()))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: {**doc, "schema": "anivault-title-index/99"},
        lambda doc: [doc],
        lambda doc: {k: v for k, v in doc.items() if k != "targets"},
        lambda doc: {**doc, "titles": [*doc["titles"], ["key", "Title", len(doc["targets"])]]},
        lambda doc: {**doc, "titles": [*doc["titles"], ["key", "Title"]]},
        lambda doc: {**doc, "titles": [*doc["titles"], ["key", 7, 0]]},
        lambda doc: {**doc, "targets": [*doc["targets"], [5, "ova", None, 0]]},
        lambda doc: {**doc, "targets": [*doc["targets"], [5, "movie", 2, 0]]},
        lambda doc: {**doc, "targets": [*doc["targets"], ["5", "tv", None, 0]]},
    ],
    ids=[
        "other-schema",
        "not-an-object",
        "no-targets",
        "target-out-of-range",
        "short-row",
        "title-not-text",
        "unknown-media-type",
        "movie-with-season",
        "id-not-int",
    ],
)
def test_a_damaged_index_raises_title_index_error(tmp_path: Path, damage: Any) -> None:
    path = write_document(tmp_path / "damaged.json.gz", damage(index_document(tmp_path)))
    with pytest.raises(TitleIndexError) as raised:
        TitleIndex.load(path)
    assert raised.value.code == "E-TITLE-INDEX"
    assert str(path) in str(raised.value) or "target" in str(raised.value)


@pytest.mark.parametrize(
    "payload", [b"", b"not gzip", gzip.compress(b"{not json"), gzip.compress(b"\xff\xfe")]
)
def test_an_unreadable_index_raises_title_index_error(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "broken.json.gz"
    path.write_bytes(payload)
    with pytest.raises(TitleIndexError):
        TitleIndex.load(path)
    with pytest.raises(TitleIndexError):
        TitleIndex.load(tmp_path / "missing.json.gz")


def test_keys_made_by_other_rules_are_made_again_on_load(tmp_path: Path) -> None:
    """An importer (or an older build) may store keys another way; lookups must still meet them."""
    document = index_document(tmp_path)
    document["title_key"] = "someone-else/1"
    document["titles"] = [["#" + key, title, target] for key, title, target in document["titles"]]
    index = TitleIndex.load(write_document(tmp_path / "other.json.gz", document))
    assert places(index.exact("Eureka Seven AO")) == [(889, "tv", 2)]


def test_source_names_the_file_and_what_it_was_built_from(small_index: TitleIndex, tmp_path: Path) -> None:
    assert str(tmp_path / "index" / "titles.json.gz") in small_index.source
    assert "anivault-title-index/1" in small_index.source
    assert "anivault-tmdb-catalog/1 sha256:" in small_index.source


# The bundled index, against the bundled catalog ------------------------------------------------


def catalog_entry(kind: str, tmdb_id: int) -> dict[str, Any]:
    with gzip.open(DEFAULT_CATALOG, "rt", encoding="utf-8") as handle:
        return next(e for e in json.load(handle)[kind] if e["id"] == tmdb_id)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("tmdb_id", "season", "title"),
    [
        (889, 2, "Eureka Seven AO"),
        (1429, 3, "Shingeki no Kyojin Season 3 Part 2"),
        (1429, 4, "Shingeki no Kyojin: The Final Season"),
        (120089, 2, "Spy x Family Season 2"),
        (889, 0, "Eureka Seven: Good Night, Sleep Tight, Young Lovers"),
    ],
)
def test_a_season_title_of_the_catalog_leads_to_its_series_and_season(
    tmdb_id: int, season: int, title: str
) -> None:
    assert title in catalog_entry("tv", tmdb_id)["season_titles"][str(season)]
    hits = default_title_index().exact(title)
    assert (tmdb_id, "tv", season) in places(hits)
    assert all(hit.similarity == 1.0 for hit in hits)


def test_series_and_movie_titles_of_the_catalog_lead_to_them() -> None:
    assert (1429, "tv", None) in places(default_title_index().exact(catalog_entry("tv", 1429)["name"]))
    nausicaa = catalog_entry("movie", 81)
    for title in (nausicaa["title"], nausicaa["original_title"]):
        assert (81, "movie", None) in places(default_title_index().exact(title))


def test_the_bundled_index_is_package_data_and_loads_once_per_process() -> None:
    path = bundled_index_path()
    assert path.parts[-3:] == ("anivault", "data", "title_index.json.gz")
    assert default_title_index() is default_title_index()
    assert str(path) in default_title_index().source
    started = time.perf_counter()
    fresh = TitleIndex.load(path)
    assert time.perf_counter() - started < 2.0  # generous: the machine is shared; the target is < 0.3 s
    assert fresh.title_count > 50_000


def test_the_bundled_index_is_declared_package_data_so_wheels_carry_it() -> None:
    """Checked against pyproject.toml, not by building a wheel: a build would fetch setuptools."""
    root = Path(__file__).resolve().parents[2]
    with (root / "pyproject.toml").open("rb") as handle:
        patterns = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["anivault"]
    relative = bundled_index_path().relative_to(root / "src" / "anivault").as_posix()
    assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), patterns


def test_leading_finds_the_longest_indexed_title_a_name_starts_with(small_index: TitleIndex) -> None:
    key, hits = small_index.leading("Eureka Seven AO 1080p Dual Audio", min_chars=5)
    assert key == "eureka seven ao"
    assert places(hits) == [(889, "tv", 2)]
    # The whole title is not "leading" (exact() answers that), nor a title under min_chars.
    assert small_index.leading("Eureka Seven AO", min_chars=5) == (
        "eureka seven",
        small_index.exact("Eureka Seven"),
    )
    assert small_index.leading("Eureka Seven 2", min_chars=13) == ("", [])
    assert small_index.leading("Completely Different Show", min_chars=5) == ("", [])


def test_the_bundled_index_carries_the_split_of_long_runners() -> None:
    split = default_title_index().absolute_ranges(12971)  # Dragon Ball Z: one TMDB season of 291
    assert split[0] == AbsoluteRange(1, 1, 39)
    assert split[-1].last == 291
    assert default_title_index().absolute_ranges(119495) == ()  # a series TMDB splits itself


def test_leading_counts_a_wide_character_as_two(small_index: TitleIndex) -> None:
    # 10 ideographs: as telling as a 20-letter Latin title.
    key, hits = small_index.leading("辉夜大小姐想让我告白 第三季", min_chars=20)
    assert (key, places(hits)) == ("辉夜大小姐想让我告白", [(83121, "tv", None)])
    assert small_index.leading("辉夜大小姐想让我告白 第三季", min_chars=21) == ("", [])
