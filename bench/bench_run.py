"""Throughput, TMDB cost and accuracy of a full dry-run `run`; wall time and peak RSS at scale.

Accuracy mode (default) runs the real pipeline in-process against the local TMDB stand-in: a
cold-cache run, then a warm one, over one or more sample libraries generated with different
seeds. Scale mode (``--files``) runs the installed ``anivault --json run`` binary in a child
process over synthetic trees from ``bench/make_tree.py`` — warm cache at each N, and a cold one on
``--cold-files`` — and samples the peak RSS of the run and its workers from ``/proc``. Prints
figures; it asserts nothing (goals are read from the figures, never from timed unit tests).

    .venv/bin/python bench/bench_run.py --seeds 3
    .venv/bin/python bench/bench_run.py --files 10000 100000 300000 --cold-files 30000
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.cli.deps import build_tmdb_client
from anivault.core.config import RunConfig
from anivault.core.events import NullReporter
from anivault.core.lookup.stream import LookupRequest
from anivault.core.models import Match, Score
from anivault.core.plan.naming import target_for
from anivault.core.run import RunRequest, run_library
from anivault.services.settings_model import Settings
from bench.scale import run_scale
from tools.make_sample_library import ManifestEntry, generate
from tools.tmdb_standin import Catalog, Standin


def expected(entry: ManifestEntry) -> str | None:
    if entry.tmdb_id is None or entry.media_type not in ("tv", "movie") or not entry.title:
        return None
    season = entry.season if entry.media_type == "tv" else None
    match = Match(
        entry.media_type,
        entry.tmdb_id,
        entry.title,
        entry.year,
        season,
        tuple(entry.episodes),  # type: ignore[arg-type]
        Score(1.0, ()),
    )
    try:
        return target_for(match, Path(entry.path).suffix, source_stem=Path(entry.path).stem).as_posix()
    except ValueError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3, help="how many sample libraries (seeds 1..N)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--files", type=int, nargs="*", help="scale mode: tree sizes, e.g. 10000 100000")
    parser.add_argument("--cold-files", type=int, default=0, help="scale mode: one cold-cache run at N")
    parser.add_argument("--trees", type=Path, default=Path("/tmp"), help="scale mode: where trees live")
    parser.add_argument("--binary", type=Path, default=Path(sys.executable).with_name("anivault"))
    args = parser.parse_args()
    if args.files or args.cold_files:
        run_scale(args.files or [], args.cold_files, trees=args.trees, binary=args.binary)
        return
    standin = Standin(Catalog.load()).start()
    per_category: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals = collections.Counter[str]()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            settings = Settings(
                tmdb_base_url=standin.base_url, home=str(root / "home"), max_workers=args.workers
            )
            for seed in range(1, args.seeds + 1):
                source = root / f"lib{seed}"
                entries = generate(source, seed=seed)
                lookup = LookupRequest(
                    source, None, args.workers, settings.min_confidence, extras_folder=settings.extras_moved
                )
                request = RunRequest(
                    RunConfig(lookup, root / "out"), apply=False, state_dir=settings.state_dir
                )
                for phase in ("cold", "warm"):
                    client = build_tmdb_client(settings, standin.api_key)
                    started = time.perf_counter()
                    result = run_library(request, client=client, reporter=NullReporter())
                    totals[f"{phase}_seconds"] += time.perf_counter() - started  # type: ignore[assignment]
                    totals[f"{phase}_requests"] += result.summary.tmdb_requests
                    totals[f"{phase}_hits"] += result.summary.cache_hits
                    totals[f"{phase}_lookups"] += result.summary.cache_hits + result.summary.cache_misses
                planned = {
                    e.relative_source: e.relative_target for e in result.plan.entries if e.role == "video"
                }
                for entry in entries:
                    if entry.role != "video":
                        continue
                    totals["videos"] += 1
                    got = planned.get(entry.path)
                    verdict = (
                        "unmatched" if got is None else ("correct" if got == expected(entry) else "wrong")
                    )
                    per_category[entry.category][verdict] += 1
                    totals[verdict] += 1
    finally:
        standin.stop()
    videos = totals["videos"]
    print(f"libraries: {args.seeds}  videos: {videos}  workers: {args.workers}")
    for phase in ("cold", "warm"):
        seconds = float(totals[f"{phase}_seconds"])
        lookups = totals[f"{phase}_lookups"] or 1
        print(
            f"{phase:>4} cache: {videos / seconds:8.0f} files/s  TMDB requests per 1,000 files: "
            f"{1000 * totals[f'{phase}_requests'] / videos:6.1f}  "
            f"cache hit rate: {totals[f'{phase}_hits'] / lookups:6.1%}"
        )
    print(
        f"correct: {totals['correct'] / videos:.1%}  wrong (misplaced): {totals['wrong'] / videos:.1%}  "
        f"unmatched: {totals['unmatched'] / videos:.1%}"
    )
    print(f"{'category':<20}{'files':>7}{'correct':>9}{'wrong':>7}{'unmatched':>11}")
    for category, counts in sorted(per_category.items()):
        n = sum(counts.values())
        print(
            f"{category:<20}{n:>7}{counts['correct'] / n:>9.1%}"
            f"{counts['wrong'] / n:>7.1%}{counts['unmatched'] / n:>11.1%}"
        )
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
