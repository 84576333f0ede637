"""Parse accuracy on real release names (../shared/data/real-names) and on our generated set.

Each real row carries the fields its source project's own tests assert for the name; a field is
compared only where asserted. Every name is parsed as the product sees it: as a video file
(``.mkv`` added when it has no video extension) with its folders as evidence (``parse_file``).
Prints figures; asserts nothing.

How our ``ParsedName`` answers each asserted field:

- ``title``: ``title``, or ``title`` followed by the bracketed ``alternative_title`` (Sonarr keeps
  ``Title (Alt)`` whole). Both sides are normalised: NFKC, case folded, apostrophes dropped, other
  punctuation, underscores and spacing collapsed to one space, and a trailing year or season
  marker (``2010``, ``S2``, ``Season 2``, ``2nd Season``) removed, because Sonarr keeps those in
  its titles while guessit, PTT and we move them into fields of their own.
- ``season``: ``season``.
- ``episodes``: ``episodes``, the numbers in the episode position. guessit, PTT and Medusa put an
  anime `` - 05`` here too, as we do.
- ``absolute``: ``absolute_episodes`` when the name carries both kinds (``S10E14 (214)``), else
  ``episodes``: an anime `` - 105`` is our episode, read as absolute when the matcher finds no
  season holding it, which is how Sonarr reads it.

The headline counts a row as exact when every number field it asserts (``episodes``,
``absolute``) is exact. The generated set asserts its label's title and the numbers the name
carries (``in_name``).

    .venv/bin/python bench/eval_parse.py [--names-dir DIR] [--dataset PATH] [--worst 15] [--misses]

``--misses`` lists every row whose episode numbers are wrong (the headline's misses), grouped by
source convention, instead of the ``--worst`` rows with any miss.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.core.lookup.parsing import parse_file
from anivault.core.models import ParsedName, ScannedFile
from bench.real_names import PROJECT, as_video_file, real_names_dir

CORPUS_FILES: Final = ("real_names.jsonl", "anime_names.jsonl")
GENERATED: Final = PROJECT / "data" / "samples" / "labeled_dataset.json"
FIELDS: Final = ("title", "season", "episodes", "absolute")
NUMBER_FIELDS: Final = ("episodes", "absolute")

_APOSTROPHES: Final = re.compile(r"['’`]")
_NON_WORD: Final = re.compile(r"[\W_]+")
_TRAILING_MARK: Final = re.compile(
    r"\s(?:(?:19|20)\d\d|s\d{1,2}|(?:season|part|cour)\s\d{1,2}|\d{1,2}(?:st|nd|rd|th)\s(?:season|part|cour))$"
)


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    convention: str
    title: str | None
    season: int | None
    episodes: tuple[int, ...]
    absolute: tuple[int, ...]

    def asserted(self) -> tuple[str, ...]:
        values = {
            "title": self.title,
            "season": self.season,
            "episodes": self.episodes,
            "absolute": self.absolute,
        }
        return tuple(field for field in FIELDS if values[field] not in (None, ()))


@dataclass(frozen=True, slots=True)
class Verdict:
    row: Row
    parsed: ParsedName | None
    misses: tuple[str, ...]
    """The asserted fields we got wrong."""


def load_corpus(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        expect = raw["expect"]
        rows.append(
            Row(
                raw["name"],
                raw["convention"],
                expect.get("title") or None,
                expect.get("season"),
                tuple(expect.get("episodes") or ()),
                tuple(expect.get("absolute") or ()),
            )
        )
    return rows


def load_generated(path: Path) -> list[Row]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["items"]
    return [
        Row(
            item["path"],
            "generated",
            item["expected"]["title"],
            item["in_name"]["season"],
            tuple(item["in_name"]["episodes"]),
            (),
        )
        for item in items
    ]


def normalise_title(title: str) -> str:
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", title).casefold())
    text = " " + " ".join(_NON_WORD.sub(" ", text).split())
    while (stripped := _TRAILING_MARK.sub("", text)) != text and stripped.strip():
        text = stripped
    return text.strip()


def our_titles(parsed: ParsedName) -> set[str]:
    titles = {parsed.title}
    if parsed.alternative_title:
        titles.add(f"{parsed.title} {parsed.alternative_title}")
    return {normalise_title(title) for title in titles}


def our_absolute(parsed: ParsedName) -> tuple[int, ...]:
    return parsed.absolute_episodes or parsed.episodes


def judge(row: Row, parsed: ParsedName | None) -> Verdict:
    asserted = row.asserted()
    if parsed is None:
        return Verdict(row, None, asserted)
    misses = []
    if "title" in asserted and normalise_title(row.title or "") not in our_titles(parsed):
        misses.append("title")
    if "season" in asserted and parsed.season != row.season:
        misses.append("season")
    if "episodes" in asserted and parsed.episodes != row.episodes:
        misses.append("episodes")
    if "absolute" in asserted and our_absolute(parsed) != row.absolute:
        misses.append("absolute")
    return Verdict(row, parsed, tuple(misses))


def evaluate(rows: Iterable[Row], parse_file: Callable[[ScannedFile], Any]) -> list[Verdict]:
    verdicts = []
    for row in rows:
        relative = as_video_file(row.name)
        parsed: ParsedName | None = parse_file(
            ScannedFile(path=f"/library/{relative}", relative=relative)
        ).parsed
        verdicts.append(judge(row, parsed))
    return verdicts


def rate(hits: int, total: int) -> str:
    return f"{hits / total:6.1%}" if total else "     -"


def report(label: str, verdicts: list[Verdict], worst: int, number_misses_only: bool) -> None:
    numbered = [v for v in verdicts if any(f in v.row.asserted() for f in NUMBER_FIELDS)]
    exact = sum(1 for v in numbered if not set(v.misses) & set(NUMBER_FIELDS))
    print(f"\n== {label}: {len(verdicts)} rows")
    print(
        f"episode numbers exact: {rate(exact, len(numbered)).strip()} of {len(numbered)} rows "
        "that assert one (episodes or absolute)"
    )
    empty = sum(1 for v in verdicts if v.parsed is None or not v.parsed.title.strip())
    print(f"empty parsed title: {empty}")
    print(f"{'convention':<22}{'rows':>6}" + "".join(f"{field:>18}" for field in FIELDS))
    by_convention: dict[str, list[Verdict]] = collections.defaultdict(list)
    for verdict in verdicts:
        by_convention[verdict.row.convention].append(verdict)
    for convention, group in sorted(by_convention.items()):
        cells = []
        for field in FIELDS:
            asserting = [v for v in group if field in v.row.asserted()]
            hits = sum(1 for v in asserting if field not in v.misses)
            cells.append(f"{rate(hits, len(asserting))} of {len(asserting):>4}".rjust(18))
        print(f"{convention:<22}{len(group):>6}" + "".join(cells))
    if number_misses_only:
        list_number_misses(verdicts)
        return
    misses = sorted(
        (v for v in verdicts if v.misses),
        key=lambda v: (-len(set(v.misses) & set(NUMBER_FIELDS)), -len(v.misses), v.row.name),
    )
    if worst and misses:
        print(f"{min(worst, len(misses))} of {len(misses)} rows with a miss (number misses first):")
        for verdict in misses[:worst]:
            print(f"- [{verdict.row.convention}] {verdict.row.name}\n    {describe(verdict)}")


def list_number_misses(verdicts: list[Verdict]) -> None:
    misses = sorted(
        (v for v in verdicts if set(v.misses) & set(NUMBER_FIELDS)),
        key=lambda v: (v.row.convention, v.row.name),
    )
    print(f"{len(misses)} rows with wrong episode numbers:")
    for verdict in misses:
        print(f"- [{verdict.row.convention}] {verdict.row.name}\n    {describe(verdict)}")


def describe(verdict: Verdict) -> str:
    row, parsed = verdict.row, verdict.parsed
    if parsed is None:
        return "no parse"
    alternative = f" ({parsed.alternative_title!r})" if parsed.alternative_title else ""
    ours = {
        "title": repr(parsed.title) + alternative,
        "season": parsed.season,
        "episodes": numbers(parsed.episodes),
        "absolute": numbers(our_absolute(parsed)),
    }
    theirs = {
        "title": repr(row.title),
        "season": row.season,
        "episodes": numbers(row.episodes),
        "absolute": numbers(row.absolute),
    }
    return "; ".join(f"{field}: want {theirs[field]} got {ours[field]}" for field in verdict.misses)


def numbers(values: tuple[int, ...]) -> str:
    """``[1, 2, 3]``, or ``[1..209] (209)`` for a long run of numbers (batches)."""
    if len(values) <= 4:
        return str(list(values))
    return f"[{values[0]}..{values[-1]}] ({len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--names-dir", type=Path, default=real_names_dir(), help="the shared real-names folder"
    )
    parser.add_argument("--dataset", type=Path, default=GENERATED, help="our generated labelled set")
    parser.add_argument("--worst", type=int, default=15, help="misses to list per set")
    parser.add_argument(
        "--misses", action="store_true", help="list every row with wrong episode numbers instead"
    )
    args = parser.parse_args()
    sets: list[tuple[str, Path, Callable[[Path], list[Row]]]] = [
        *((name, args.names_dir / name, load_corpus) for name in CORPUS_FILES),
        ("generated", args.dataset, load_generated),
    ]
    for label, path, load in sets:
        if not path.is_file():
            print(f"\n== {label}: {path} not found, skipped")
            continue
        report(label, evaluate(load(path), parse_file), args.worst, args.misses)


if __name__ == "__main__":
    main()
