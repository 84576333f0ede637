"""Build the bundled anime title index from the TMDB-shaped catalog (``docs/title-index.md``).

    python tools/build_title_index.py [--catalog data/tmdb_catalog.json.gz]
                                      [--out src/anivault/data/title_index.json.gz]

Every title the catalog knows for an entry becomes a row:

- a series' own titles (``name``, ``original_name``, ``alternative_titles``, ``translations``)
  lead to the whole series (season None);
- each title in ``season_titles[n]`` leads to season n (0 = specials), except a season-1 title
  that is also one of the series' own titles: the series-wide row already says it, and keeps a
  release that numbers later seasons on from season 1 open to the matcher;
- a movie's ``title``, ``original_title``, alternative titles and translations lead to the movie;
- the main title of a title with a wave-dash subtitle (``Main～Subtitle～``), and the CJK part of a
  title written in two scripts (``SHY 腼腆英雄``), lead where the whole does, when it is no title of
  its own and names one entry only.

The episode offset is 0 for every row: the catalog records which TMDB season a title belongs to,
not where inside that season its episodes start (see the document for what that leaves open).
A long runner's ``absolute_ranges`` (another database's split of what TMDB keeps as one long
season) are copied as they are: they bound how long a season a release group numbers within can be.
Entries with a synthetic id (no TMDB mapping exists) are left out: their ids are not TMDB's.
Rows are ranked by popularity, so within one title the likeliest entry comes first.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from anivault.core.lookup.matching.scoring import script_runs
from anivault.services.titles.index_file import AbsoluteRange, IndexedTitle, Target, write_index
from anivault.utils.titles import title_key

ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_CATALOG: Final = ROOT / "data" / "tmdb_catalog.json.gz"
DEFAULT_OUT: Final = ROOT / "src" / "anivault" / "data" / "title_index.json.gz"


@dataclass(frozen=True)
class BuildReport:
    path: Path
    rows: int
    entries: int
    skipped_synthetic: int


def build_title_index(catalog_path: Path, out_path: Path) -> BuildReport:
    """Read the catalog at ``catalog_path`` and write its title index to ``out_path``."""
    raw = catalog_path.read_bytes()
    catalog = json.loads(gzip.decompress(raw))
    entries = _ranked_entries(catalog)
    real = [(kind, entry) for kind, entry in entries if not entry.get("synthetic_id")]
    titles = [title for kind, entry in real for title in _entry_titles(kind, entry)]
    titles += _main_titles(titles)
    ranges = {
        int(entry["id"]): [
            AbsoluteRange(int(r["season_number"]), int(r["first_absolute"]), int(r["last_absolute"]))
            for r in entry["absolute_ranges"]
        ]
        for kind, entry in real
        if kind == "tv" and entry.get("absolute_ranges")
    }
    rows = write_index(out_path, titles, [_provenance(catalog, raw)], ranges)
    return BuildReport(out_path, rows, len(real), len(entries) - len(real))


def _ranked_entries(catalog: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    entries = [("tv", e) for e in catalog["tv"]] + [("movie", e) for e in catalog["movie"]]
    entries.sort(key=lambda item: (-float(item[1].get("popularity") or 0.0), item[0], int(item[1]["id"])))
    return entries


def _entry_titles(kind: str, entry: Mapping[str, Any]) -> Iterator[IndexedTitle]:
    tmdb_id = int(entry["id"])
    if kind == "movie":
        whole = Target(tmdb_id, "movie", None)
        yield from (IndexedTitle(t, whole) for t in _own_titles(entry, "title", "original_title"))
        return
    whole = Target(tmdb_id, "tv", None)
    own = list(_own_titles(entry, "name", "original_name"))
    yield from (IndexedTitle(t, whole) for t in own)
    own_keys = {title_key(t) for t in own}
    season_titles: Mapping[str, list[str]] = entry.get("season_titles") or {}
    for number in sorted(season_titles, key=int):
        season = int(number)
        for title in season_titles[number]:
            if not (season == 1 and title_key(title) in own_keys):
                yield IndexedTitle(title, Target(tmdb_id, "tv", season))


_WAVE_DASH_SUBTITLE: Final = re.compile(r"^(?P<main>.+?)\s*[～~〜]\s*\S.*[～~〜]\s*$")
MIN_MAIN_TITLE_CHARS: Final = 4


def _main_titles(titles: Sequence[IndexedTitle]) -> list[IndexedTitle]:
    """The shorter titles groups write for a longer one, leading where the whole title does: the
    main title of a title with a wave-dash subtitle (``辉夜大小姐想让我告白～天才们的恋爱头脑战～`` →
    ``辉夜大小姐想让我告白``), and the CJK part of a title written in two scripts (``SHY 腼腆英雄`` →
    ``腼腆英雄``): Chinese and Japanese groups write them alone. Only one that is no title of its
    own and names one entry only: a shared one (``劇場版 遊☆戯☆王``) would make a known title
    ambiguous."""
    known = {title_key(item.title) for item in titles}
    mains: dict[str, list[IndexedTitle]] = {}
    for item in titles:
        for main in _shorter(item.title):
            key = title_key(main)
            if key not in known and len(key.replace(" ", "")) >= MIN_MAIN_TITLE_CHARS:
                mains.setdefault(key, []).append(IndexedTitle(main, item.target))
    return [
        item
        for rows in mains.values()
        if len({(row.target.media_type, row.target.tmdb_id) for row in rows}) == 1
        for item in rows
    ]


def _shorter(title: str) -> Iterator[str]:
    match = _WAVE_DASH_SUBTITLE.match(title)
    if match is not None:
        yield match.group("main").strip()
    runs = script_runs(title)
    if runs:  # the CJK part only: a Latin part beside it is mostly a tag ("2nd STAGE", "piece")
        yield runs[0]


def _own_titles(entry: Mapping[str, Any], name_field: str, original_field: str) -> Iterator[str]:
    yield from (str(entry[f]) for f in (name_field, original_field) if entry.get(f))
    yield from (str(alt["title"]) for alt in entry.get("alternative_titles") or () if alt.get("title"))
    yield from (str(tr[name_field]) for tr in entry.get("translations") or () if tr.get(name_field))


def _provenance(catalog: Mapping[str, Any], raw: bytes) -> dict[str, Any]:
    """Enough to tell which catalog (and which public dumps behind it) an index was built from."""
    sha = hashlib.sha256(raw).hexdigest()
    return {
        "name": f"{catalog['schema']} sha256:{sha[:12]}",
        "sha256": sha,
        "built_from": [
            {key: source[key] for key in ("repo", "commit", "commit_date", "license") if key in source}
            for source in catalog.get("built_from", ())
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--catalog", type=Path, default=DEFAULT_CATALOG, help="TMDB-shaped catalog (.json.gz)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="index file to write")
    args = parser.parse_args(argv)
    report = build_title_index(args.catalog, args.out)
    print(
        f"{report.path}: {report.rows} titles for {report.entries} entries "
        f"({report.skipped_synthetic} synthetic-id entries left out), {report.path.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
