"""index.jsonl: batched appends (never a rewrite per hit), totals per key and per run, torn lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anivault.services.cache import index as index_module
from anivault.services.cache.index import FLUSH_EVERY_SECONDS, INDEX_NAME, read_index
from anivault.services.cache.keys import CacheKey
from anivault.services.cache.store import JsonCache

KEY = CacheKey("tv/1429", "", "en-US")
OTHER = CacheKey("search/tv", "frieren", "en-US")


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_hits_stay_in_memory_until_flushed(tmp_path: Path) -> None:
    clock = FakeClock()
    cache = JsonCache(tmp_path, clock=clock)
    cache.put(KEY, {"id": 1}, source="tmdb")
    for _ in range(50):
        assert cache.get(KEY) == {"id": 1}
    assert not (tmp_path / INDEX_NAME).exists()  # 50 hits, no index write yet
    cache.flush()
    snapshot = read_index(tmp_path)
    entry = snapshot.entries[KEY.qhash()]
    assert (entry.file, entry.hits, entry.misses, entry.last_access) == (
        "objects/tv-1429.json",
        50,
        0,
        clock.now,
    )
    (run,) = snapshot.runs
    assert (run.hits, run.misses, run.writes) == (50, 0, 1)


def test_a_batch_is_appended_when_its_time_is_due(tmp_path: Path) -> None:
    clock = FakeClock()
    cache = JsonCache(tmp_path, clock=clock)
    assert cache.get(KEY) is None
    assert not (tmp_path / INDEX_NAME).exists()
    clock.now += FLUSH_EVERY_SECONDS
    assert cache.get(OTHER) is None
    lines = (tmp_path / INDEX_NAME).read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["type"] for line in lines} == {"access", "run"}
    assert read_index(tmp_path).entries[OTHER.qhash()].misses == 1


def test_deltas_from_several_caches_add_up_and_the_last_run_is_last(tmp_path: Path) -> None:
    clock = FakeClock()
    first = JsonCache(tmp_path, clock=clock)
    first.put(KEY, {"id": 1}, source="tmdb")
    first.get(KEY)
    first.close()
    clock.now += 60
    second = JsonCache(tmp_path, clock=clock)
    second.get(KEY)
    second.get(KEY)
    second.get(OTHER)
    second.close()
    snapshot = read_index(tmp_path)
    assert snapshot.entries[KEY.qhash()].hits == 3
    assert snapshot.entries[KEY.qhash()].last_access == clock.now
    assert [(r.hits, r.misses) for r in snapshot.runs] == [(1, 0), (2, 1)]


def test_close_twice_writes_once(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    cache.get(KEY)
    cache.close()
    size = (tmp_path / INDEX_NAME).stat().st_size
    cache.close()
    assert (tmp_path / INDEX_NAME).stat().st_size == size


def test_torn_and_foreign_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    cache.get(KEY)
    cache.close()
    with (tmp_path / INDEX_NAME).open("a", encoding="utf-8") as handle:
        handle.write('{"type": "access", "qhash": "x", "file": 3}\n[1]\n{"type": "acc')
    snapshot = read_index(tmp_path)
    assert snapshot.damaged_lines == 3
    assert snapshot.entries[KEY.qhash()].misses == 1


def test_index_is_compacted_when_it_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "COMPACT_MIN_BYTES", 2_000)
    clock = FakeClock()
    cache = JsonCache(tmp_path, clock=clock)
    keys = [CacheKey("search/tv", f"title {n}", "en-US") for n in range(5)]
    for _round in range(40):
        for key in keys:
            cache.get(key)
        clock.now += FLUSH_EVERY_SECONDS  # every round is its own batch
    cache.close()
    lines = (tmp_path / INDEX_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) < 40 * len(keys)  # rewritten at least once, not 200+ delta lines
    snapshot = read_index(tmp_path)
    assert [snapshot.entries[k.qhash()].misses for k in keys] == [40] * 5
    assert sum(run.misses for run in snapshot.runs) == 200


def test_an_unwritable_index_does_not_fail_the_lookup(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    cache.put(KEY, {"id": 1}, source="tmdb")
    (tmp_path / INDEX_NAME).mkdir()  # appending to a directory fails with OSError
    assert cache.get(KEY) == {"id": 1}
    cache.close()
    assert cache.stats().hits == 1
