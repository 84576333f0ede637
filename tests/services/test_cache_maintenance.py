"""Migration, LRU eviction under a cap, stats, purge, clear and verify, on real cache folders."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from anivault.errors import UsageError
from anivault.services.cache import maintenance
from anivault.services.cache.document import SCHEMA_VERSION
from anivault.services.cache.entries import disk_usage
from anivault.services.cache.index import INDEX_NAME, read_index
from anivault.services.cache.keys import CacheKey
from anivault.services.cache.store import JsonCache

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "cache_object.schema.json").read_text("utf-8"))
DAY = 86_400.0


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def search_key(n: int) -> CacheKey:
    return CacheKey("search/tv", f"title {n}", "en-US")


def v1_document(key: CacheKey, data: dict[str, Any], created_at: float) -> bytes:
    """What AniVault's first cache (schema_version 1, no ``negative``) wrote."""
    document = {
        "schema_version": 1,
        "created_at": created_at,
        "ttl_sec": 604800,
        "key": key.as_dict(),
        "data": data,
        "source": "https://api.themoviedb.org/3",
    }
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def write_raw(root: Path, key: CacheKey, raw: bytes) -> Path:
    path = root / key.filename()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(("data", "negative"), [({"results": [{"id": 1}]}, False), ({"results": []}, True)])
def test_a_v1_entry_is_read_backed_up_and_migrated(
    tmp_path: Path, data: dict[str, Any], negative: bool
) -> None:
    clock = FakeClock()
    key = search_key(1)
    raw = v1_document(key, data, clock.now - 10)
    path = write_raw(tmp_path, key, raw)
    cache = JsonCache(tmp_path, clock=clock)
    assert cache.get(key) == data
    assert cache.stats().migrated == 1
    assert (tmp_path / "backup" / "v1" / key.filename()).read_bytes() == raw
    migrated = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(migrated, SCHEMA)
    assert migrated["schema_version"] == SCHEMA_VERSION
    assert migrated["negative"] is negative
    assert migrated["created_at"] == clock.now - 10  # the age is kept: a migration is not a fetch
    assert cache.get(key) == data
    assert cache.stats().migrated == 1  # once


def test_files_the_cache_writes_match_the_schema(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    cache.put(CacheKey("tv/1429", "", "ja-JP"), {"id": 1429}, source="http://127.0.0.1:1/3")
    cache.put(CacheKey("search/movie", "akira 1988", "en-US", 1988), {"results": []}, source="x", empty=True)
    files = sorted((tmp_path / "objects").glob("*.json")) + sorted((tmp_path / "search").glob("*.json"))
    assert len(files) == 2
    for path in files:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), SCHEMA)


def test_lru_eviction_keeps_the_cache_under_its_cap(tmp_path: Path) -> None:
    clock = FakeClock()
    filler = {"results": [{"overview": "x" * 900}]}
    cache = JsonCache(tmp_path, clock=clock, max_bytes=10_000)
    for n in range(8):
        cache.put(search_key(n), filler, source="tmdb")
        clock.now += 1
    assert cache.stats().evicted == 0
    assert cache.get(search_key(0)) == filler  # 0 becomes the most recently used
    clock.now += 1
    for n in range(8, 12):
        cache.put(search_key(n), filler, source="tmdb")
        clock.now += 1
    assert cache.stats().evicted > 0
    assert disk_usage(tmp_path) <= 10_000
    assert cache.get(search_key(0)) == filler
    assert cache.get(search_key(11)) == filler
    assert cache.get(search_key(1)) is None  # the least recently used went first
    cache.close()
    remaining = {path.name for path in (tmp_path / "search").iterdir()}
    assert {e.file.split("/")[1] for e in read_index(tmp_path).entries.values()} >= remaining


def test_no_cap_means_no_eviction(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path, max_bytes=0)
    for n in range(20):
        cache.put(search_key(n), {"results": [{"overview": "y" * 1000}]}, source="tmdb")
    assert cache.stats().evicted == 0
    assert len(list((tmp_path / "search").iterdir())) == 20


def test_report_counts_entries_ages_and_hit_rates(tmp_path: Path) -> None:
    clock = FakeClock()
    cache = JsonCache(tmp_path, clock=clock, search_ttl=int(DAY), negative_ttl=60)
    cache.put(search_key(1), {"results": []}, source="tmdb", empty=True)
    clock.now += 100
    cache.put(CacheKey("tv/1", "", "en-US"), {"id": 1}, source="tmdb")
    cache.get(CacheKey("tv/1", "", "en-US"))
    cache.get(search_key(2))
    cache.close()
    write_raw(tmp_path, search_key(3), b"{torn")
    found = maintenance.report(tmp_path, clock.now)
    assert (found.entries, found.objects, found.searches, found.negative) == (3, 1, 2, 1)
    assert (found.expired, found.corrupt) == (1, 1)  # the negative entry outlived its 60 s
    assert (found.oldest, found.newest) == (clock.now - 100, clock.now)
    assert found.bytes == disk_usage(tmp_path)
    assert (found.last_run_hits, found.last_run_misses, found.last_run_hit_rate) == (1, 1, 0.5)
    assert found.hit_rate == 0.5
    assert (tmp_path / search_key(3).filename()).exists()  # stats reads, never moves


def test_report_of_an_empty_cache(tmp_path: Path) -> None:
    found = maintenance.report(tmp_path / "none", 0.0)
    assert (found.entries, found.bytes, found.oldest, found.hit_rate, found.last_run_hit_rate) == (
        0,
        0,
        None,
        None,
        None,
    )


def test_purge_removes_only_old_entries_and_their_index_lines(tmp_path: Path) -> None:
    clock = FakeClock()
    cache = JsonCache(tmp_path, clock=clock)
    cache.put(search_key(1), {"results": [1]}, source="tmdb")
    cache.get(search_key(1))
    clock.now += 40 * DAY
    cache.put(search_key(2), {"results": [2]}, source="tmdb")
    cache.close()
    removed = maintenance.purge(tmp_path, maintenance.parse_age("30d"), clock.now)
    assert removed.files == 1
    assert removed.bytes > 0
    assert not (tmp_path / search_key(1).filename()).exists()
    assert (tmp_path / search_key(2).filename()).exists()
    assert set(read_index(tmp_path).entries) == {search_key(2).qhash()}


def test_clear_empties_everything_but_keeps_the_folder(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    cache.put(search_key(1), {"results": [1]}, source="tmdb")
    cache.put(CacheKey("movie/5", "", "en-US"), {"id": 5}, source="tmdb")
    write_raw(tmp_path, search_key(2), b"junk")
    cache.get(search_key(2))  # quarantined
    cache.close()
    removed = maintenance.clear(tmp_path)
    assert removed.files == 3
    assert tmp_path.is_dir()
    assert not (tmp_path / INDEX_NAME).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["cache.lock"]
    assert maintenance.report(tmp_path, 0.0).entries == 0


def test_verify_quarantines_migrates_and_tidies(tmp_path: Path) -> None:
    clock = FakeClock()
    cache = JsonCache(tmp_path, clock=clock)
    cache.put(search_key(1), {"results": [1]}, source="tmdb")
    cache.get(search_key(1))
    cache.close()
    write_raw(tmp_path, search_key(2), b'{"schema_version": 2, "data": {}}')
    write_raw(tmp_path, search_key(3), v1_document(search_key(3), {"results": [3]}, clock.now))
    stale = tmp_path / "search" / "dead.123-4.json.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (clock.now - 2 * maintenance.STALE_TEMP_SECONDS,) * 2)
    with (tmp_path / INDEX_NAME).open("a", encoding="utf-8") as handle:
        handle.write('{"type": "acc')
    checked = maintenance.verify(tmp_path, clock.now)
    assert (checked.checked, checked.ok, checked.migrated, checked.quarantined) == (3, 1, 1, 1)
    assert (checked.temp_removed, checked.index_damaged_lines, checked.expired) == (1, 1, 0)
    assert [p.name for p in (tmp_path / "quarantine").iterdir()] == [
        f"{Path(search_key(2).filename()).name}.{int(clock.now)}"
    ]
    assert not stale.exists()
    assert read_index(tmp_path).damaged_lines == 0
    assert maintenance.verify(tmp_path, clock.now).ok == 2  # a second pass finds nothing to do


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30d", 30 * DAY),
        ("12h", 43_200),
        ("90m", 5_400),
        ("2w", 14 * DAY),
        ("45s", 45),
        (" 1.5D ", 1.5 * DAY),
    ],
)
def test_parse_age(text: str, seconds: float) -> None:
    assert maintenance.parse_age(text) == seconds


@pytest.mark.parametrize("text", ["30", "d", "-1d", "30 days", ""])
def test_parse_age_refuses_other_text(text: str) -> None:
    with pytest.raises(UsageError, match="unit"):
        maintenance.parse_age(text)
