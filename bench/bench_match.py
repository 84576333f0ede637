"""TMDB cost of matching a 5,000-file library: cold cache, then warm. Prints figures, asserts nothing.

Builds (or reuses) a synthetic download tree with ``bench/make_tree.py``, starts the local TMDB
stand-in (``tools/tmdb_standin``), and runs the lookup half of the pipeline (scan → parse → match,
no planning: what ``anivault cache warm`` does) twice over a fresh AniVault home:

* cold: TMDB requests per 1,000 files, the peak requests/s the stand-in saw in any 1-second
  window (from its own request log, against the ``--rate`` the client was given), wall time;
* warm: a new client over the cache the cold run left, its requests (goal 0) and cache hit rate
  (goal 100 %), wall time.

    .venv/bin/python bench/bench_match.py
    .venv/bin/python bench/bench_match.py --files 5000 --latency-ms 40 --rate 35
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.cli.deps import build_tmdb_client
from anivault.core.events import NullReporter
from anivault.core.lookup.stream import LookupRequest
from anivault.core.lookup.warm import WarmResult, warm_cache
from anivault.services.cache.entries import disk_usage, iter_entries
from anivault.services.settings_model import Settings
from bench.make_tree import ensure_tree
from tools.tmdb_standin import Catalog, Standin


def peak_per_second(times: Sequence[float]) -> int:
    """Most requests in any 1-second window [t, t + 1) starting at a request."""
    ordered = sorted(times)
    peak = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 1.0:
            start += 1
        peak = max(peak, end - start + 1)
    return peak


def timed_pass(settings: Settings, api_key: str, request: LookupRequest) -> tuple[WarmResult, float]:
    client = build_tmdb_client(settings, api_key)
    started = time.perf_counter()
    result = warm_cache(request, client, NullReporter())
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=5000, help="files in the generated tree")
    parser.add_argument("--tree", type=Path, default=Path(tempfile.gettempdir()) / "anivault-bench-match")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=35.0, help="client --rate (requests/s)")
    parser.add_argument("--latency-ms", type=int, default=0, help="stand-in latency per request")
    args = parser.parse_args()

    tree = args.tree.with_name(f"{args.tree.name}-{args.files}")
    described = ensure_tree(tree, args.files)
    standin = Standin(Catalog.load()).start()
    standin.configure(latency_ms=args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = Settings(
                tmdb_base_url=standin.base_url, home=home, max_workers=args.workers, tmdb_rate=args.rate
            )
            request = LookupRequest(tree, None, args.workers, settings.min_confidence)
            cold, cold_seconds = timed_pass(settings, standin.api_key, request)
            cold_log = standin.request_log
            standin.reset_log()
            warm, warm_seconds = timed_pass(settings, standin.api_key, request)
            warm_requests = standin.request_count
            entries = len(list(iter_entries(settings.cache_dir)))
            cache_bytes = disk_usage(settings.cache_dir)
    finally:
        standin.stop()

    files = int(str(described["files"]))
    print(f"tree: {tree}  files: {files}  videos looked up: {cold.files}  skipped: {cold.skipped}")
    print(f"client: --rate {args.rate:g}/s  workers {args.workers}  stand-in latency {args.latency_ms} ms")
    print(
        f"cold: {len(cold_log)} TMDB requests = {1000 * len(cold_log) / files:.1f} per 1,000 files "
        f"({1000 * len(cold_log) / max(cold.files, 1):.1f} per 1,000 videos); "
        f"peak {peak_per_second([float(r['t']) for r in cold_log])} requests/s in any 1-s window; "
        f"wall {cold_seconds:.2f} s ({files / cold_seconds:.0f} files/s)"
    )
    print(f"cold outcome: {dict(sorted(cold.statuses.items()))}")
    print(
        f"warm: {warm_requests} TMDB requests (client counted {warm.stats.requests_sent}); "
        f"cache hit rate {warm.stats.cache.hit_rate:.1%} "
        f"({warm.stats.cache.hits} hits, {warm.stats.cache.misses} misses); "
        f"wall {warm_seconds:.2f} s ({files / warm_seconds:.0f} files/s)"
    )
    print(f"warm outcome: {dict(sorted(warm.statuses.items()))}")
    print(f"cache: {entries} entries, {cache_bytes / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
