"""JsonCache on a real directory: round trips, document shape, TTLs, quarantine, atomic writes."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from anivault.services.cache.store import (
    DEFAULT_NEGATIVE_TTL,
    DEFAULT_OBJECT_TTL,
    DEFAULT_SEARCH_TTL,
    SCHEMA_VERSION,
    CacheKey,
    JsonCache,
    normalize_query,
)

DETAILS_KEY = CacheKey("tv/1429", "", "en-US")
SEARCH_KEY = CacheKey("search/tv", normalize_query("Attack on Titan"), "en-US")
BODY = {"id": 1429, "name": "進撃の巨人", "seasons": [{"season_number": 1, "episode_count": 25}]}


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(tmp_path: Path, clock: FakeClock) -> JsonCache:
    return JsonCache(tmp_path / "cache", clock=clock)


def document(cache: JsonCache, key: CacheKey) -> dict[str, Any]:
    raw = (cache.root / key.filename()).read_bytes()
    parsed: dict[str, Any] = json.loads(raw.decode("utf-8"))
    return parsed


def test_put_then_get_round_trips(cache: JsonCache) -> None:
    cache.put(DETAILS_KEY, BODY, source="tmdb")
    cache.put(SEARCH_KEY, {"results": [{"id": 1429}]}, source="tmdb")
    assert cache.get(DETAILS_KEY) == BODY
    assert cache.get(SEARCH_KEY) == {"results": [{"id": 1429}]}
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.writes, stats.quarantined) == (2, 0, 2, 0)
    assert stats.hit_rate == 1.0


def test_absent_key_is_a_miss(cache: JsonCache) -> None:
    assert cache.get(DETAILS_KEY) is None
    assert cache.stats().misses == 1
    assert cache.stats().hit_rate == 0.0


def test_layout_objects_and_search(cache: JsonCache) -> None:
    cache.put(DETAILS_KEY, BODY, source="tmdb")
    cache.put(SEARCH_KEY, {"results": []}, source="tmdb")
    assert (cache.root / "objects" / "tv-1429.json").is_file()
    (search_file,) = (cache.root / "search").iterdir()
    assert search_file.suffix == ".json"
    assert len(search_file.stem) == 40


@pytest.mark.parametrize("key", [DETAILS_KEY, SEARCH_KEY])
def test_every_document_is_complete_utf8_json(cache: JsonCache, clock: FakeClock, key: CacheKey) -> None:
    cache.put(key, BODY, source="tmdb")
    raw = (cache.root / key.filename()).read_bytes()
    assert "進撃の巨人".encode() in raw  # UTF-8 as such, not \\u escapes
    doc = json.loads(raw.decode("utf-8"))
    assert set(doc) == {"schema_version", "created_at", "ttl_sec", "negative", "key", "data", "source"}
    assert doc["negative"] is False
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["created_at"] == clock.now
    assert doc["key"] == {
        "endpoint": key.endpoint,
        "q_norm": key.q_norm,
        "lang": key.lang,
        "year_hint": key.year_hint,
    }
    assert doc["data"] == BODY
    assert doc["source"] == "tmdb"


def test_default_ttls_by_kind(cache: JsonCache) -> None:
    cache.put(DETAILS_KEY, BODY, source="tmdb")
    cache.put(SEARCH_KEY, {"results": [1]}, source="tmdb")
    assert document(cache, DETAILS_KEY)["ttl_sec"] == DEFAULT_OBJECT_TTL
    assert document(cache, SEARCH_KEY)["ttl_sec"] == DEFAULT_SEARCH_TTL
    assert DEFAULT_NEGATIVE_TTL < DEFAULT_SEARCH_TTL < DEFAULT_OBJECT_TTL


def test_entry_expires_after_its_ttl(tmp_path: Path, clock: FakeClock) -> None:
    cache = JsonCache(tmp_path, search_ttl=100, clock=clock)
    cache.put(SEARCH_KEY, {"results": [1]}, source="tmdb")
    clock.now += 99
    assert cache.get(SEARCH_KEY) == {"results": [1]}
    clock.now += 1
    assert cache.get(SEARCH_KEY) is None
    assert cache.stats().misses == 1
    assert (tmp_path / SEARCH_KEY.filename()).is_file()  # expired is a miss, not corruption


def test_negative_entries_use_the_shorter_ttl(tmp_path: Path, clock: FakeClock) -> None:
    cache = JsonCache(tmp_path, search_ttl=1000, negative_ttl=10, clock=clock)
    cache.put(SEARCH_KEY, {"results": []}, source="tmdb", empty=True)
    cache.put(CacheKey("search/tv", "frieren", "en-US"), {"results": [1]}, source="tmdb")
    assert document(cache, SEARCH_KEY)["ttl_sec"] == 10
    clock.now += 10
    assert cache.get(SEARCH_KEY) is None
    assert cache.get(CacheKey("search/tv", "frieren", "en-US")) == {"results": [1]}


def test_key_mismatch_reads_as_a_miss(cache: JsonCache) -> None:
    cache.put(DETAILS_KEY, BODY, source="tmdb")
    japanese = CacheKey("tv/1429", "", "ja-JP")
    assert japanese.filename() == DETAILS_KEY.filename()  # same file, different question
    assert cache.get(japanese) is None
    assert cache.get(DETAILS_KEY) == BODY


def test_search_keys_differ_by_every_input() -> None:
    keys = {
        CacheKey("search/tv", "frieren", "en-US").filename(),
        CacheKey("search/movie", "frieren", "en-US").filename(),
        CacheKey("search/tv", "frieren", "ja-JP").filename(),
        CacheKey("search/tv", "frieren", "en-US", 2023).filename(),
        CacheKey("search/tv", "frieren 2", "en-US").filename(),
    }
    assert len(keys) == 5


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"schema_version": 1}',
        b'{"schema_version": 999, "data": {}}',
        b'{"data": {}, "key": {}}',
    ],
)
def test_corrupt_file_is_quarantined_and_reads_as_a_miss(
    cache: JsonCache, clock: FakeClock, content: bytes
) -> None:
    path = cache.root / DETAILS_KEY.filename()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert cache.get(DETAILS_KEY) is None
    assert not path.exists()
    quarantined = list((cache.root / "quarantine").iterdir())
    assert [q.name for q in quarantined] == [f"tv-1429.json.{int(clock.now)}"]
    assert quarantined[0].read_bytes() == content
    assert cache.stats().quarantined == 1
    # The slot is usable again.
    cache.put(DETAILS_KEY, BODY, source="tmdb")
    assert cache.get(DETAILS_KEY) == BODY


def test_document_with_a_non_numeric_timestamp_reads_as_a_miss(cache: JsonCache, clock: FakeClock) -> None:
    cache.put(DETAILS_KEY, BODY, source="tmdb")
    path = cache.root / DETAILS_KEY.filename()
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["created_at"] = "yesterday"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert JsonCache(cache.root, clock=clock).get(DETAILS_KEY) is None  # read by the next run


def test_a_run_reads_each_details_file_once_and_each_search_every_time(
    cache: JsonCache, clock: FakeClock
) -> None:
    search = CacheKey("search/tv", "frieren", "en-US")
    writer = JsonCache(cache.root, clock=clock)  # another process fills the cache
    writer.put(DETAILS_KEY, BODY, source="tmdb")
    writer.put(search, {"results": [1]}, source="tmdb")
    assert cache.get(DETAILS_KEY) == BODY and cache.get(search) == {"results": [1]}
    for key in (DETAILS_KEY, search):
        (cache.root / key.filename()).unlink()
    assert cache.get(DETAILS_KEY) == BODY  # kept decoded since the first read
    assert cache.get(search) is None  # searches are read from disk each time
    assert (cache.stats().hits, cache.stats().misses) == (3, 1)


def test_no_temp_files_are_left_behind(cache: JsonCache) -> None:
    for n in range(5):
        cache.put(DETAILS_KEY, {**BODY, "n": n}, source="tmdb")
        cache.put(CacheKey("search/tv", f"q{n}", "en-US"), {"results": [n]}, source="tmdb")
    cache.close()
    leftovers = [p for p in cache.root.rglob("*") if p.is_file() and p.suffix != ".json"]
    assert sorted(p.name for p in leftovers) == ["cache.lock", "index.jsonl"]
    assert cache.get(DETAILS_KEY) == {**BODY, "n": 4}


def test_a_failed_put_leaves_no_temp_file(cache: JsonCache) -> None:
    with pytest.raises(TypeError):
        cache.put(DETAILS_KEY, {"not json": {1, 2}}, source="tmdb")
    assert list(cache.root.rglob("*.tmp")) == []


def test_concurrent_puts_to_one_key_leave_a_whole_file(cache: JsonCache) -> None:
    threads_count = 8
    rounds = 25
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    big = {"filler": "x" * 50_000}

    def writer(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(rounds):
                cache.put(DETAILS_KEY, {**big, "worker": worker, "n": n}, source="tmdb")
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    writers_done = threading.Event()
    reads: list[dict[str, Any] | None] = []

    def reader() -> None:
        try:
            while not writers_done.is_set():
                reads.append(cache.get(DETAILS_KEY))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(threads_count)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    writers_done.set()
    watcher.join(timeout=30)
    assert errors == []
    # A reader racing the writers sees a miss (nothing written yet) or a whole body, never a torn file.
    assert reads
    assert all(r is None or r["filler"] == big["filler"] for r in reads)
    assert cache.stats().quarantined == 0
    doc = document(cache, DETAILS_KEY)
    assert doc["data"]["filler"] == big["filler"]
    assert doc["data"]["worker"] in range(threads_count)
    assert cache.get(DETAILS_KEY) is not None
    assert cache.stats().writes == threads_count * rounds
    assert list(cache.root.rglob("*.tmp")) == []


# --- normalize_query ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "year", "expected"),
    [
        ("Attack on Titan", None, "attack on titan"),
        ("Attack on Titan", 2013, "attack on titan 2013"),
        ("Re:Zero - Starting Life!", None, "re zero starting life"),
        ("Kaguya-sama: Love is War?", None, "kaguya sama love is war"),
        ("snake_case__title", None, "snake case title"),
        ("ＳＰＹ×ＦＡＭＩＬＹ", None, "spy family"),
        ("  Spaced   Out  ", None, "spaced out"),
        ("進撃の巨人", 2013, "進撃の巨人 2013"),
        ("Straße", None, "strasse"),
    ],
)
def test_normalize_query(query: str, year: int | None, expected: str) -> None:
    assert normalize_query(query, year) == expected


def test_normalize_query_keeps_word_order_and_stop_words() -> None:
    assert normalize_query("The Titan on Attack") != normalize_query("Attack on Titan")
    assert normalize_query("The Attack") == "the attack"


def test_q_norm_of_a_parsed_release_name() -> None:
    """The issue's example: the title and year the parser finds give "attack on titan 2013"."""
    from anivault.core.lookup.parsing import parse_name

    parsed = parse_name("Attack on Titan (2013) S01E01.mkv")
    assert normalize_query(parsed.title, parsed.year) == "attack on titan 2013"
