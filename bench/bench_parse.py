"""Parser speed and accuracy on the labelled dataset, broken down by category.

Prints figures; asserts nothing (goals are read from the figures, never from timed unit tests).
"Exact" means the parsed title equals the labelled title and the parsed episodes equal the numbers
the name carries (``in_name``); where the name carries a season, that must match too. A "failure"
is a name that yields no ParsedName at all (``E-PARSE-FAIL`` in the pipeline).

    .venv/bin/python bench/bench_parse.py [--dataset PATH] [--show 3]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.core.lookup.parsing import parse_file, parse_name
from anivault.core.models import ParsedName, ScannedFile

DATASET = Path(__file__).resolve().parents[1] / "data" / "samples" / "labeled_dataset.json"


def parse_path(relative: str) -> ParsedName | None:
    """Parse a dataset path the way the pipeline does: the file name with its folder as context."""
    path = Path("/library") / relative
    return parse_file(ScannedFile(path=str(path), relative=relative)).parsed


def is_exact(item: dict[str, Any], parsed: ParsedName | None) -> bool:
    if parsed is None:
        return False
    in_name = item["in_name"]
    season_ok = in_name["season"] is None or parsed.season == in_name["season"]
    return (
        parsed.title == item["expected"]["title"]
        and list(parsed.episodes) == in_name["episodes"]
        and season_ok
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--show", type=int, default=3, help="misses to print per category")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (best is reported)")
    args = parser.parse_args()
    items = json.loads(args.dataset.read_text(encoding="utf-8"))["items"]
    names = [Path(item["path"]).name for item in items]

    best = float("inf")
    for _ in range(args.repeat):
        parse_name.cache_clear()
        start = time.perf_counter()
        for name in names:
            parse_name(name)
        best = min(best, time.perf_counter() - start)
    print(f"speed: {len(names) / best:,.0f} names/s (parse_name, cold cache, best of {args.repeat})")

    totals: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses: dict[str, list[str]] = collections.defaultdict(list)
    for item in items:
        parsed = parse_path(item["path"])
        for key in (item["category"], f"origin:{item['origin']}", "ALL"):
            totals[key]["n"] += 1
            totals[key]["exact"] += is_exact(item, parsed)
            totals[key]["failed"] += parsed is None
        if not is_exact(item, parsed) and len(misses[item["category"]]) < args.show:
            got = (
                "FAIL" if parsed is None else f"{parsed.title!r} s={parsed.season} e={list(parsed.episodes)}"
            )
            misses[item["category"]].append(
                f"{item['path']}\n      want {item['expected']['title']!r} {item['in_name']} got {got}"
            )
    print(f"{'category':<26}{'n':>6}{'exact %':>10}{'misses':>8}{'fail %':>9}")
    for key in sorted(totals, key=lambda k: (k == "ALL", k.startswith("origin:"), k)):
        row = totals[key]
        exact, failed = 100 * row["exact"] / row["n"], 100 * row["failed"] / row["n"]
        print(f"{key:<26}{row['n']:>6}{exact:>10.1f}{row['n'] - row['exact']:>8}{failed:>9.2f}")
    for category, lines in sorted(misses.items()):
        if not lines:
            continue
        print(f"-- misses in {category}:")
        for line in lines:
            print(f"   {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
