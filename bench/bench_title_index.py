"""The bundled title index: file size, load time in a fresh process, exact and fuzzy lookup time.

Queries are the expected titles of ``data/samples/labeled_dataset.json`` (exact lookups, and how
often the labelled TMDB id is among the hits) and the same titles with one letter dropped (fuzzy
lookups). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_title_index.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.services.titles.index import TitleIndex, bundled_index_path

DATASET = Path(__file__).resolve().parents[1] / "data" / "samples" / "labeled_dataset.json"
LOAD_IN_FRESH_PROCESS = (
    "import time; t = time.perf_counter(); "
    "from anivault.services.titles.index import default_title_index; i = time.perf_counter(); "
    "default_title_index(); print(i - t, time.perf_counter() - i)"
)


def fresh_process_loads(repeat: int) -> list[tuple[float, float]]:
    """(import seconds, load seconds) of ``default_title_index()`` in new interpreters."""
    found = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", LOAD_IN_FRESH_PROCESS], check=True, capture_output=True)
        imported, loaded = done.stdout.split()
        found.append((float(imported), float(loaded)))
    return found


def per_call_ms(call: object, queries: list[str]) -> float:
    started = time.perf_counter()
    for query in queries:
        call(query)  # type: ignore[operator]
    return 1000 * (time.perf_counter() - started) / len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes to time the load in")
    args = parser.parse_args()

    path = bundled_index_path()
    loads = fresh_process_loads(args.repeat)
    seconds = [load for _, load in loads]
    index = TitleIndex.load(path)
    print(f"file              {path.stat().st_size:,} bytes, {index.title_count:,} titles")
    print(
        f"fresh process     import median {statistics.median(i for i, _ in loads):.3f} s, "
        f"load median {statistics.median(seconds):.3f} s "
        f"(min {min(seconds):.3f}, max {max(seconds):.3f}, n={len(loads)})"
    )

    items = json.loads(DATASET.read_text(encoding="utf-8"))["items"]
    labelled = [(item["expected"]["title"], item["expected"]["tmdb_id"]) for item in items]
    titles = [title for title, _ in labelled]
    misspelt = [title[:2] + title[3:] if len(title) > 6 else title for title in titles]
    print(f"exact             {per_call_ms(index.exact, titles):.3f} ms per title (n={len(titles)})")
    print(f"lookup, exact hit {per_call_ms(index.lookup, titles):.3f} ms per title")
    print(f"lookup, fuzzy     {per_call_ms(index.lookup, misspelt):.3f} ms per title")
    hit = sum(1 for title, tmdb_id in labelled if any(h.tmdb_id == tmdb_id for h in index.exact(title)))
    fuzzy = sum(
        1
        for title, (_, tmdb_id) in zip(misspelt, labelled, strict=True)
        if any(h.tmdb_id == tmdb_id for h in index.lookup(title))
    )
    print(f"labelled id among exact hits {hit / len(labelled):.1%}")
    print(f"labelled id among lookup hits, one letter dropped {fuzzy / len(labelled):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
