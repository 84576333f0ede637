"""Scan speed: AniVault's scanner vs ``find`` vs ``os.walk`` on the same tree, in one run.

Each walker runs ``--reps`` times, interleaved (find, os.walk, ours, find, …) so that cache warmth
and neighbours' load hit all alike; the first untimed pass warms the dentry cache. Prints
paths/min as min / median / max over the repetitions, our speed as a share of find's (per
repetition, then the median), and for our scanner the P95 over chunks: the rate that 95 % of
``--chunk``-path slices of the walk reached.

Two of ours: ``walk_folders`` is the scan stage of a run (it sorts each folder, tells videos from
other files, skips sample folders and hands each folder over as one object; the parse workers pair
sidecars and build the file objects, in parallel). ``scan_tree`` also does that expansion here, on
the one thread: it is what ``anivault scan`` lists (before it stats each video for its size).
``find -type f`` only prints names; like find, neither of ours stats anything.

    .venv/bin/python bench/make_tree.py --out /tmp/anivault-300k
    .venv/bin/python bench/bench_scan.py --tree /tmp/anivault-300k
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from anivault.core.lookup.scan import scan_tree, walk_folders
from anivault.core.models import FolderListing, ScannedFile

DEFAULT_CHUNK = 10_000


def walk_find(tree: Path) -> int:
    output = subprocess.run(["find", str(tree), "-type", "f"], capture_output=True, check=True).stdout
    return output.count(b"\n")


def walk_os(tree: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(tree))


def walk_expanded(tree: Path) -> int:
    """Files seen (videos, their sidecars, skipped files)."""
    return sum(1 + len(item.sidecars) if isinstance(item, ScannedFile) else 1 for item in scan_tree(tree))


def walk_ours(tree: Path, chunk_seconds: list[float] | None = None, chunk: int = DEFAULT_CHUNK) -> int:
    """Files seen (every name of every folder listing, skipped folders as one); records the time
    of every ``chunk`` files."""
    seen = 0
    next_mark = chunk
    mark = time.perf_counter()
    for item in walk_folders(tree):
        seen += len(item.videos) + len(item.others) if isinstance(item, FolderListing) else 1
        if chunk_seconds is not None and seen >= next_mark:
            now = time.perf_counter()
            chunk_seconds.append(now - mark)
            mark, next_mark = now, next_mark + chunk
    return seen


def timed(walk: Callable[[Path], int], tree: Path) -> tuple[int, float]:
    started = time.perf_counter()
    count = walk(tree)
    return count, time.perf_counter() - started


def per_minute(count: int, seconds: float) -> float:
    return count / seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tree", type=Path, required=True, help="built by bench/make_tree.py")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK)
    args = parser.parse_args()
    walkers: dict[str, Callable[[Path], int]] = {
        "find": walk_find,
        "os.walk": walk_os,
        "scan": walk_ours,
        "scan_tree": walk_expanded,
    }
    walk_find(args.tree)  # warm the dentry and inode caches once, untimed
    rates: dict[str, list[float]] = {name: [] for name in walkers}
    counts: dict[str, int] = {}
    for _ in range(args.reps):
        for name, walk in walkers.items():
            count, seconds = timed(walk, args.tree)
            counts[name] = count
            rates[name].append(per_minute(count, seconds))
    chunk_seconds: list[float] = []
    walk_ours(args.tree, chunk_seconds, args.chunk)
    print(f"tree: {args.tree}  cores: {os.cpu_count()}  repetitions: {args.reps}")
    print(f"{'walker':<10}{'paths':>9}{'min/min':>14}{'median/min':>14}{'max/min':>14}")
    for name, values in rates.items():
        print(
            f"{name:<10}{counts[name]:>9}{min(values):>14,.0f}{statistics.median(values):>14,.0f}"
            f"{max(values):>14,.0f}"
        )
    for ours in ("scan", "scan_tree"):
        shares = [mine / find for mine, find in zip(rates[ours], rates["find"], strict=True)]
        print(f"{ours} / find, per repetition: {', '.join(f'{s:.0%}' for s in shares)}")
        print(f"{ours} / find, median: {statistics.median(shares):.0%}")
    if len(chunk_seconds) >= 2:
        chunk_rates = sorted(per_minute(args.chunk, s) for s in chunk_seconds)
        p95 = chunk_rates[int(0.05 * len(chunk_rates))]
        print(f"scan P95 over {len(chunk_rates)} chunks of {args.chunk}: {p95:,.0f} paths/min")


if __name__ == "__main__":
    main()
