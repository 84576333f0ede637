"""Two real processes writing, reading and evicting in one cache folder at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from anivault.services.cache.document import decode
from anivault.services.cache.entries import disk_usage, iter_entries
from anivault.services.cache.index import read_index

WORKER = """
import json, sys, time
from pathlib import Path
from anivault.services.cache.keys import CacheKey
from anivault.services.cache.store import JsonCache

root, worker, rounds, cap = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
while not (root.parent / "go").exists():
    time.sleep(0.005)
cache = JsonCache(root, max_bytes=cap)
for n in range(rounds):
    shared = CacheKey("search/tv", f"shared {n % 20}", "en-US")
    own = CacheKey("search/tv", f"own {worker} {n}", "en-US")
    for key in (shared, own):
        cache.put(key, {"results": [{"worker": worker, "n": n, "pad": "x" * 2000}]}, source="tmdb")
        cache.get(key)
    if n % 10 == 0:
        cache.flush()
cache.close()
s = cache.stats()
print(json.dumps({"hits": s.hits, "misses": s.misses, "writes": s.writes, "evicted": s.evicted}))
"""


def run_two_workers(tmp_path: Path, rounds: int, cap: int) -> tuple[Path, list[dict[str, int]]]:
    root = tmp_path / "cache"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root), str(worker), str(rounds), str(cap)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in (1, 2)
    ]
    time.sleep(0.5)  # both interpreters up and polling before either starts writing
    (tmp_path / "go").touch()
    results = []
    for process in workers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        results.append(json.loads(out))
    return root, results


def assert_consistent(root: Path, results: list[dict[str, int]]) -> None:
    entries = list(iter_entries(root))
    assert entries
    for relative, _stat in entries:
        entry, version = decode((root / relative).read_bytes(), relative)
        assert version == 2
        assert entry.data["results"][0]["worker"] in (1, 2)
    assert not (root / "quarantine").exists()
    assert list(root.rglob("*.tmp")) == []
    index = read_index(root)
    assert index.damaged_lines == 0
    assert len(index.runs) == 2
    # No process lost another's index lines: the per-run totals are exactly what each counted.
    assert sorted((r.hits, r.misses, r.writes) for r in index.runs) == sorted(
        (r["hits"], r["misses"], r["writes"]) for r in results
    )


@pytest.mark.slow
def test_two_processes_share_one_cache_without_corrupting_it(tmp_path: Path) -> None:
    root, results = run_two_workers(tmp_path, rounds=150, cap=0)
    assert_consistent(root, results)
    assert all(r["writes"] == 300 for r in results)
    # A reader can lose a race to the other process's rename of the same key: at worst a miss.
    assert sum(r["hits"] + r["misses"] for r in results) == 600
    assert len(list((root / "search").iterdir())) == 20 + 2 * 150


@pytest.mark.slow
def test_two_processes_evicting_under_one_cap(tmp_path: Path) -> None:
    cap = 120_000
    root, results = run_two_workers(tmp_path, rounds=150, cap=cap)
    assert_consistent(root, results)
    assert all(r["evicted"] > 0 for r in results)
    assert disk_usage(root) <= 2 * cap  # each process trims to the cap as it last measured it
