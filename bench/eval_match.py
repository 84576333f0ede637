"""Matching accuracy of the whole pipeline (dry-run) over the labelled data set.

Builds a temp tree of small files at the labelled paths, runs ``run_library`` against the local
TMDB stand-in and compares every video's outcome with its label. Prints figures; asserts nothing.

- **@1**: the chosen match has the right TMDB id and kind, and for tv the right season and episodes.
- **@3**: the right title (id and kind) is among the first three proposals — the match and its
  runners-up, or the candidates of an unmatched file — and, when it is the match, placed right.

    .venv/bin/python bench/eval_match.py [--dataset PATH] [--worst 20]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.cli.deps import build_tmdb_client
from anivault.core.events import Event
from anivault.core.run import RunRequest, run_library
from anivault.services.settings import Settings
from tools.tmdb_standin import Catalog, Standin

DEFAULT_DATASET = Path(__file__).resolve().parents[1] / "data" / "samples" / "labeled_dataset.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Labelled:
    path: str
    category: str
    tmdb_id: int
    kind: str
    season: int | None
    episodes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    item: Labelled
    at1: bool
    at3: bool
    outcome: str
    """matched / unmatched / parse_failed / deferred."""
    detail: str
    miss_rank: float
    """How bad a miss is: a confident wrong match is worse than a timid unmatched one."""


def load_dataset(path: Path) -> list[Labelled]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise SystemExit(f"{path}: schema_version {raw.get('schema_version')!r}, expected {SCHEMA_VERSION}")
    items = []
    for item in raw["items"]:
        expected = item["expected"]
        items.append(
            Labelled(
                item["path"],
                item["category"],
                int(expected["tmdb_id"]),
                expected["kind"],
                expected.get("season"),
                tuple(expected.get("episodes") or ()),
            )
        )
    return items


def build_tree(items: list[Labelled], root: Path) -> None:
    for item in items:
        target = root / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.path.encode("utf-8", "surrogateescape")[:64])


class OutcomeCollector:
    """A Reporter keeping each file's ``match``/``result`` event: the run itself keeps no list."""

    def __init__(self) -> None:
        self.by_path: dict[str, Mapping[str, Any]] = {}

    def emit(self, event: Event) -> None:
        if event.phase == "match" and event.event == "result":
            self.by_path[str(event.fields["source"])] = event.fields


def judge(item: Labelled, outcome: Mapping[str, Any] | None) -> Verdict:
    if outcome is None:
        return Verdict(item, False, False, "missing", "not seen by the run", 0.5)
    candidates = outcome["candidates"]
    if outcome["status"] == "matched":
        same_title = outcome["tmdb_id"] == item.tmdb_id and outcome["media_type"] == item.kind
        placed = item.kind == "movie" or (
            outcome["season"] == item.season and tuple(outcome["episodes"]) == item.episodes
        )
        at1 = same_title and placed
        runners = [(c["tmdb_id"], c["media_type"]) for c in candidates[:2]]
        at3 = at1 or (not same_title and (item.tmdb_id, item.kind) in runners)
        got = f"{outcome['title']} [{outcome['tmdb_id']}] S{outcome['season']} E{outcome['episodes']}"
        parts = " ".join(f"{name}={value:+.2f}" for name, value in outcome["score_parts"].items())
        detail = f"got {got} score={outcome['score']:.2f} ({parts})"
        return Verdict(item, at1, at3, "matched", detail, 1.0 + outcome["score"])
    proposals = [(c["tmdb_id"], c["media_type"]) for c in candidates[:3]]
    shown = ", ".join(f"{c['title']} [{c['tmdb_id']}] {c['score']:.2f}" for c in candidates[:3])
    detail = f"{outcome['note'] or outcome['status']}; candidates: {shown or 'none'}"
    return Verdict(item, False, (item.tmdb_id, item.kind) in proposals, outcome["status"], detail, 0.5)


def evaluate(dataset: Path, workers: int) -> list[Verdict]:
    items = load_dataset(dataset)
    standin = Standin(Catalog.load()).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            source = root / "src"
            build_tree(items, source)
            settings = Settings(tmdb_base_url=standin.base_url, home=str(root / "home"), max_workers=workers)
            request = RunRequest(
                source,
                root / "out",
                apply=False,
                workers=workers,
                min_confidence=settings.min_confidence,
                state_dir=settings.state_dir,
            )
            client = build_tmdb_client(settings, standin.api_key)
            collector = OutcomeCollector()
            run_library(request, client=client, reporter=collector)
    finally:
        standin.stop()
    return [judge(item, collector.by_path.get(item.path)) for item in items]


def report(verdicts: list[Verdict], worst: int) -> None:
    total = len(verdicts)
    outcomes = collections.Counter(v.outcome for v in verdicts)
    at1 = sum(v.at1 for v in verdicts)
    at3 = sum(v.at3 for v in verdicts)
    wrong = sum(1 for v in verdicts if v.outcome == "matched" and not v.at1)
    print(f"files: {total}  @1: {at1 / total:.1%}  @3: {at3 / total:.1%}  wrong matches: {wrong / total:.1%}")
    print(
        f"parse failures: {outcomes['parse_failed']}  unmatched: {outcomes['unmatched']}  "
        f"deferred: {outcomes['deferred']}  missing: {outcomes['missing']}"
    )
    print(f"{'category':<24}{'files':>7}{'@1':>8}{'@3':>8}{'wrong':>8}{'unmatched':>11}")
    by_category: dict[str, list[Verdict]] = collections.defaultdict(list)
    for verdict in verdicts:
        by_category[verdict.item.category].append(verdict)
    for category, group in sorted(by_category.items()):
        n = len(group)
        bad = sum(1 for v in group if v.outcome == "matched" and not v.at1)
        unmatched = sum(1 for v in group if v.outcome != "matched")
        print(
            f"{category:<24}{n:>7}{sum(v.at1 for v in group) / n:>8.1%}"
            f"{sum(v.at3 for v in group) / n:>8.1%}{bad / n:>8.1%}{unmatched / n:>11.1%}"
        )
    misses = sorted((v for v in verdicts if not v.at1), key=lambda v: (-v.miss_rank, v.item.path))
    print(f"\n{min(worst, len(misses))} worst misses (confident wrong matches first):")
    for verdict in misses[:worst]:
        item = verdict.item
        want = f"[{item.tmdb_id}] {item.kind} S{item.season} E{list(item.episodes)}"
        print(f"- [{item.category}] {item.path}\n    want {want}\n    {verdict.detail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="labelled JSON (schema 1)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worst", type=int, default=20, help="how many misses to list")
    args = parser.parse_args()
    report(evaluate(args.dataset, args.workers), args.worst)


if __name__ == "__main__":
    main()
