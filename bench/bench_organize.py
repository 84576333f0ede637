"""What the write-ahead journal costs: plan, apply (move/copy) and undo of N real files.

Every file operation writes three fsynced journal lines (intent, reserved, done), and planning
reads 128 KiB of every source for its fingerprint; this prints how many files per second that
leaves on this machine's disk, so the safety cost is a figure rather than a guess. It asserts
nothing.

    .venv/bin/python bench/bench_organize.py --files 2000 --size 65536
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anivault.core.apply.apply import ApplyControls, apply_plan
from anivault.core.apply.journal import Journal, journal_key
from anivault.core.apply.undo import undo
from anivault.core.fingerprint import take_prints
from anivault.core.models import Match, MatchedFile, ParsedFile, ParsedName, ScannedFile, Score
from anivault.core.plan.build import build_plan
from anivault.core.plan.model import PlanOptions

SCORE = Score(1.0, ())


def make_sources(root: Path, count: int, size: int) -> list[MatchedFile]:
    items = []
    for number in range(1, count + 1):
        season, episode = divmod(number - 1, 100)
        relative = f"batch {season + 1}/Show - {episode + 1:03d}.mkv"
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
        scanned = ScannedFile(str(path), relative)
        name = ParsedName("Show", season + 1, (episode + 1,), "episode")
        parsed = ParsedFile(scanned, name, prints=take_prints(scanned))
        match = Match("tv", 1, "Show", 2024, season + 1, (episode + 1,), SCORE)
        items.append(MatchedFile(parsed, "matched", match=match))
    return items


def bench(action: str, count: int, size: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        items = make_sources(root / "downloads", count, size)
        started = time.perf_counter()
        plan = build_plan(items, root / "library", PlanOptions(action=action))  # type: ignore[arg-type]
        planned = time.perf_counter() - started
        journal_path = root / "journal.jsonl"
        journal = Journal(journal_path, journal_key(root / "state"))
        started = time.perf_counter()
        outcomes = apply_plan(plan, journal, ApplyControls())
        applied = time.perf_counter() - started
        journal.close()
        started = time.perf_counter()
        report = undo(journal_path, root / "state")
        undone = time.perf_counter() - started
        moved = sum(o.status == "moved" for o in outcomes)
        print(
            f"{action:<8} files={count} size={size}B  plan {count / planned:8.0f} files/s  "
            f"apply {moved / applied:7.0f} files/s  undo {report.restored / undone:7.0f} files/s  "
            f"journal lines={sum(1 for _ in journal_path.open('rb'))}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--size", type=int, default=65536, help="bytes per file")
    args = parser.parse_args()
    for action in ("move", "copy", "hardlink"):
        bench(action, args.files, args.size)


if __name__ == "__main__":
    main()
