"""Matching accuracy of the product, dry run, on real release names first and our generated set second.

Both sets go through the public interface only: a temp tree of empty files at the labelled names
(``.mkv`` added when a name has no video extension), the CLI ``anivault --json run --src TREE --dst
LIB`` as a subprocess against the local TMDB stand-in, and its NDJSON ``match``/``result`` events,
one per file. Internal modules may move; the CLI and its event schema stay. Prints figures;
asserts nothing.

Sets:

- **real**: every ``bench/real_match/*.jsonl``: release names published by third parties, one JSON
  object a line (``name``, ``tmdb_id``, ``media_type``, ``season``, ``episode``, ``source``), the
  right catalog entry labelled by judgement, season and episode null where not knowable. Each
  file's rows are also reported apart. The set is split by a stable hash of each name (first
  byte of its SHA-256, even → ``dev``, odd → ``test``). Thresholds and heuristics may be tuned
  on ``dev`` only; ``test`` is the reported figure, and ``--worst`` lists ``dev`` misses unless
  told otherwise. A name that also appears verbatim in ``tests/`` is reported, since a test
  written for it makes the set no outside measure.
- **generated**: ``data/samples/labeled_dataset.json`` (``tools/make_labeled_dataset.py``).

Outcomes per file: **placed** (status ``matched``), **review** (status ``review``: a best guess
under the confidence line), **unmatched** (anything else, including files the scan skipped).

- **placed right**: placed, right TMDB id and type, and for tv the right season and episodes where
  the label has them (the placed episodes start with the labelled ones; a real label names one
  episode, the first of a multi-episode file).
- **wrong**: placed but not right; also given as a share of placed files.
- **series @1**: the first proposal has the right id and type; proposals are the chosen match (or
  the review's best guess) followed by the candidates.
- **series @3**: the right id and type is among the first three distinct proposals.

    .venv/bin/python bench/eval_match.py [--sets real,generated] [--worst 20] [--worst-split dev]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.real_names import PROJECT, as_video_file
from tools.tmdb_standin import Catalog, Standin

REAL_DIR: Final = PROJECT / "bench" / "real_match"
GENERATED: Final = PROJECT / "data" / "samples" / "labeled_dataset.json"
TESTS_DIR: Final = PROJECT / "tests"
SCHEMA_VERSION: Final = 1
RUN_TIMEOUT_S: Final = 900
STANDIN_RATE: Final = "50"
"""Requests per second: the local stand-in needs no politeness, the product's top rate saves time."""

Outcome = Literal["placed", "review", "unmatched"]
Split = Literal["dev", "test"]


@dataclass(frozen=True, slots=True)
class Label:
    path: str
    """Where the file lies below the tree root (POSIX), as the CLI reports its ``source``."""
    tmdb_id: int
    media_type: str
    season: int | None
    episodes: tuple[int, ...]
    """Empty when the label does not know the episode."""
    group: str
    """The source file (real set) or the category (generated set)."""
    name: str
    """The name as labelled (the real set's split key)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    outcome: Outcome
    right: bool
    at1: bool
    at3: bool
    detail: str
    badness: float
    """Orders misses: a confident wrong placement is worse than a review, which is worse than none."""


def split_of(name: str) -> Split:
    """``dev`` or ``test``, fixed for a name forever: the first byte of its SHA-256, even or odd."""
    return "dev" if hashlib.sha256(name.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def load_real(folder: Path) -> list[Label]:
    """Every labelled row of ``folder/*.jsonl``; a second row for the same file is dropped, noisily."""
    labels: dict[str, Label] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            episode = row.get("episode")
            label = Label(
                as_video_file(row["name"]),
                int(row["tmdb_id"]),
                row["media_type"],
                row.get("season"),
                () if episode is None else (int(episode),),
                path.name,
                row["name"],
            )
            parts = PurePosixPath(label.path).parts
            if PurePosixPath(label.path).is_absolute() or ".." in parts:
                print(f"warning: {path.name}:{number} {row['name']!r} leaves the tree; skipped")
                continue
            if label.path in labels:
                print(f"warning: {path.name}:{number} repeats {row['name']!r}; the first row is kept")
                continue
            labels[label.path] = label
    return list(labels.values())


def load_generated(path: Path) -> list[Label]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise SystemExit(f"{path}: schema_version {raw.get('schema_version')!r}, expected {SCHEMA_VERSION}")
    labels = []
    for item in raw["items"]:
        expected = item["expected"]
        labels.append(
            Label(
                item["path"],
                int(expected["tmdb_id"]),
                expected["kind"],
                expected.get("season"),
                tuple(expected.get("episodes") or ()),
                item["category"],
                item["path"],
            )
        )
    return labels


def names_in_tests(labels: Iterable[Label]) -> list[str]:
    """Labelled names written verbatim somewhere in the project's ``tests/``."""
    texts = [
        path.read_text(encoding="utf-8", errors="replace") for path in TESTS_DIR.rglob("*") if path.is_file()
    ]
    everything = "\n".join(texts)
    return sorted({label.name for label in labels if label.name in everything})


@contextmanager
def standin() -> Iterator[Standin]:
    server = Standin(Catalog.load()).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True, slots=True)
class RunEvents:
    results: dict[str, Mapping[str, Any]]
    """The last ``match``/``result`` fields per source path (folder consensus may decide twice)."""
    skipped: dict[str, str]
    """Why the scan passed over a file or folder, per path below the tree root."""

    def skip_reason(self, path: str) -> str | None:
        """Why the scan passed over ``path``, itself or a folder above it."""
        for where in (path, *(parent.as_posix() for parent in PurePosixPath(path).parents)):
            if where in self.skipped:
                return f"skipped by the scan: {self.skipped[where]}"
        return None


def run_product(labels: list[Label], workers: int) -> RunEvents:
    """Build the tree, run the CLI once over it, and keep the per-file events."""
    with tempfile.TemporaryDirectory(prefix="anivault-eval-") as tmp, standin() as server:
        root = Path(tmp).resolve()
        source = root / "downloads"  # a title-less file borrows its folder's name, as from a real one
        for label in labels:
            target = source / label.path
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            except OSError as error:
                print(f"warning: cannot create {label.path!r}: {error}")
        env = os.environ | {
            "ANIVAULT_HOME": str(root / "home"),
            "ANIVAULT_TMDB_BASE_URL": server.base_url,
            "TMDB_API_KEY": server.api_key,
        }
        command = [sys.executable, "-m", "anivault", "--json", "run", "--src", str(source)]
        command += ["--dst", str(root / "library"), "--max-workers", str(workers), "--rate", STANDIN_RATE]
        done = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
    events = RunEvents({}, {})
    finished = False
    for line in done.stdout.splitlines():
        event = json.loads(line)
        kind, fields = (event["phase"], event["event"]), event["fields"]
        if kind == ("match", "result"):
            events.results[fields["source"]] = fields
        elif kind == ("scan", "skipped"):
            skipped = Path(fields["path"])
            where = skipped.relative_to(source).as_posix() if skipped.is_relative_to(source) else str(skipped)
            events.skipped[where] = fields["reason"]
        finished = finished or kind == ("run", "summary")
    if not finished:
        raise SystemExit(
            f"the run stopped (exit {done.returncode}) without a summary:\n{done.stderr[-2000:]}"
        )
    return events


def proposals(fields: Mapping[str, Any]) -> list[tuple[int, str]]:
    """The chosen match (or best guess) first, then the candidates; each title once."""
    found: list[tuple[int, str]] = []
    if fields["tmdb_id"] is not None:
        found.append((fields["tmdb_id"], fields["media_type"]))
    for candidate in fields["candidates"]:
        key = (candidate["tmdb_id"], candidate["media_type"])
        if key not in found:
            found.append(key)
    return found


def judge(label: Label, fields: Mapping[str, Any] | None, skipped: str | None) -> Verdict:
    if fields is None:
        return Verdict(label, "unmatched", False, False, False, skipped or "not seen by the run", 0.0)
    status = fields["status"]
    outcome: Outcome = "placed" if status == "matched" else "review" if status == "review" else "unmatched"
    ranked = proposals(fields)
    wanted = (label.tmdb_id, label.media_type)
    at1 = ranked[:1] == [wanted]
    same_title = outcome != "unmatched" and at1
    placed_episodes = tuple(fields["episodes"])
    where_ok = label.media_type == "movie" or (
        (label.season is None or fields["season"] == label.season)
        and placed_episodes[: len(label.episodes)] == label.episodes
    )
    right = outcome == "placed" and same_title and where_ok
    shown = ", ".join(f"{c['title']} [{c['tmdb_id']}] {c['score']:.2f}" for c in fields["candidates"][:3])
    if fields["tmdb_id"] is not None:
        got = (
            f"{fields['title']} [{fields['tmdb_id']} {fields['media_type']}] S{fields['season']} "
            f"E{list(placed_episodes)}"
        )
        parts = " ".join(f"{name}={value:+.2f}" for name, value in fields["score_parts"].items())
        detail = f"{status}: {got} score={fields['score']:.2f} ({parts}); others: {shown or 'none'}"
        badness = (2.0 if outcome == "placed" else 1.0) + float(fields["score"] or 0.0)
    else:
        detail = f"{fields['code'] or status}: {fields['note'] or status}; candidates: {shown or 'none'}"
        badness = 0.5
    return Verdict(label, outcome, right, at1, wanted in ranked[:3], detail, badness)


def evaluate(labels: list[Label], workers: int) -> list[Verdict]:
    events = run_product(labels, workers)
    return [judge(label, events.results.get(label.path), events.skip_reason(label.path)) for label in labels]


COLUMNS: Final = (
    ("files", 7),
    ("right", 8),
    ("placed", 8),
    ("review", 8),
    ("unmatched", 10),
    ("wrong", 8),
    ("wrong/placed", 13),
    ("@1", 8),
    ("@3", 8),
)


def row(title: str, verdicts: list[Verdict]) -> str:
    n = len(verdicts)
    placed = sum(v.outcome == "placed" for v in verdicts)
    wrong = sum(v.outcome == "placed" and not v.right for v in verdicts)

    def share(count: int, of: int = n) -> str:
        return f"{count / of:.1%}" if of else "-"

    cells = [
        str(n),
        share(sum(v.right for v in verdicts)),
        share(placed),
        share(sum(v.outcome == "review" for v in verdicts)),
        share(sum(v.outcome == "unmatched" for v in verdicts)),
        share(wrong),
        share(wrong, placed),
        share(sum(v.at1 for v in verdicts)),
        share(sum(v.at3 for v in verdicts)),
    ]
    return f"{title:<28}" + "".join(
        cell.rjust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True)
    )


def table(rows: Iterable[tuple[str, list[Verdict]]]) -> None:
    print(f"{'':<28}" + "".join(name.rjust(width) for name, width in COLUMNS))
    for title, verdicts in rows:
        if verdicts:
            print(row(title, verdicts))


def grouped(verdicts: list[Verdict]) -> list[tuple[str, list[Verdict]]]:
    groups: dict[str, list[Verdict]] = collections.defaultdict(list)
    for verdict in verdicts:
        groups[verdict.label.group].append(verdict)
    return sorted(groups.items())


def headline(title: str, verdicts: list[Verdict]) -> None:
    n = len(verdicts)
    if not n:
        return
    right = sum(v.right for v in verdicts)
    placed = sum(v.outcome == "placed" for v in verdicts)
    wrong = placed - right
    at1, at3 = sum(v.at1 for v in verdicts), sum(v.at3 for v in verdicts)
    print(
        f"{title}: placed right {right / n:.1%} of {n} files; wrong {wrong} "
        f"({wrong / placed if placed else 0:.1%} of placed); series @1 {at1 / n:.1%}, @3 {at3 / n:.1%}"
    )


def worst_misses(verdicts: list[Verdict], count: int, title: str) -> None:
    misses = sorted((v for v in verdicts if not v.right), key=lambda v: (-v.badness, v.label.path))
    if not count or not misses:
        return
    print(f"\n{min(count, len(misses))} of {len(misses)} misses ({title}; confident wrong placements first):")
    for verdict in misses[:count]:
        label = verdict.label
        episodes = list(label.episodes) or "?"
        want = f"[{label.tmdb_id} {label.media_type}] S{label.season} E{episodes}"
        print(f"- [{label.group}] {label.path}\n    want {want}\n    {verdict.detail}")


def report_real(folder: Path, workers: int, worst: int, worst_split: str) -> None:
    print(f"== REAL names: {folder}")
    labels = load_real(folder) if folder.is_dir() else []
    if not labels:
        print("no labelled rows (bench/real_match/*.jsonl missing or empty); skipped")
        return
    for name in names_in_tests(labels):
        print(f"warning: {name!r} also appears verbatim in tests/: not an outside measure")
    verdicts = evaluate(labels, workers)
    halves: dict[str, list[Verdict]] = {"dev": [], "test": []}
    for verdict in verdicts:
        halves[split_of(verdict.label.name)].append(verdict)
    headline("REAL test (headline)", halves["test"])
    headline("REAL dev (tuning)", halves["dev"])
    table([("test", halves["test"]), ("dev", halves["dev"]), ("all", verdicts)])
    print("per source file (all):")
    table(grouped(verdicts))
    listed = verdicts if worst_split == "all" else halves[worst_split]
    worst_misses(listed, worst, f"real, {worst_split}")


def report_generated(dataset: Path, workers: int, worst: int) -> None:
    print(f"\n== GENERATED set: {dataset}")
    if not dataset.is_file():
        print("not found; skipped")
        return
    verdicts = evaluate(load_generated(dataset), workers)
    headline("GENERATED", verdicts)
    table([("all", verdicts), *grouped(verdicts)])
    worst_misses(verdicts, worst, "generated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--real", type=Path, default=REAL_DIR, help="folder of labelled *.jsonl")
    parser.add_argument("--dataset", type=Path, default=GENERATED, help="generated labelled JSON (schema 1)")
    parser.add_argument("--sets", default="real,generated", help="which sets, comma-separated")
    parser.add_argument("--workers", type=int, default=4, help="the CLI's --max-workers")
    parser.add_argument("--worst", type=int, default=20, help="how many misses to list per set")
    parser.add_argument("--worst-split", choices=("dev", "test", "all"), default="dev")
    args = parser.parse_args()
    sets = {name.strip() for name in args.sets.split(",")}
    if "real" in sets:
        report_real(args.real, args.workers, args.worst, args.worst_split)
    if "generated" in sets:
        report_generated(args.dataset, args.workers, args.worst)


if __name__ == "__main__":
    main()
