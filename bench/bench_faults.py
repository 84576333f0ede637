"""The fault table: every scenario of the fault suite, at a size you choose, with files lost counted.

Runs the same scenarios as ``tests/faults`` and ``tests/safety`` (``tools/faultlab``): the real CLI in
subprocesses, real files, the real TMDB stand-in. Prints one row per scenario — faults injected,
files checked, files lost, files written outside --dst (``out``) and library files taken from
outside --src (``taken``), all of which must be 0, and whether every promised exit status and error
code held. It asserts nothing.

    .venv/bin/python bench/bench_faults.py                 # the CI-sized run
    .venv/bin/python bench/bench_faults.py --series 20     # larger libraries
    .venv/bin/python bench/bench_faults.py --only plan-untrusted kill-undo   # some rows
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.faultlab import boundaries, scenarios, trust
from tools.faultlab.cli import unprivileged_available
from tools.faultlab.mounts import mounts_permitted
from tools.tmdb_standin import Catalog, Standin

HOSTILE = [
    "[Grp] Emoji 🎉 title - 07.mkv".encode(),
    b"[Grp] Undecodable \xff name - 02.mkv",
    b"CON.mkv",
    b"[Grp] Trailing dots - 04... .mkv",
    ("[Grp] " + "Very Long Title " * 15 + "- 06.mkv").encode(),
]


def plan(work: Path, kills: int) -> list[tuple[str, Callable[[scenarios.Lab], scenarios.ScenarioResult]]]:
    runs: list[tuple[str, Callable[[scenarios.Lab], scenarios.ScenarioResult]]] = [
        ("kill-move", lambda lab: scenarios.sigkill_then_resume(lab, kills=kills, action="move")),
        ("kill-copy", lambda lab: scenarios.sigkill_then_resume(lab, kills=kills, action="copy")),
        ("sigint", scenarios.sigint_during_lookup),
        ("sigint-apply", scenarios.sigint_during_apply),
        ("corrupt-cache", scenarios.corrupt_cache),
        ("invalid-config", scenarios.invalid_config),
        ("damaged-state", scenarios.damaged_plan_and_journal),
        ("429-ra0", lambda lab: scenarios.tmdb_429_storm(lab, retry_after=0)),
        ("429-ra1", lambda lab: scenarios.tmdb_429_storm(lab, retry_after=1)),
        ("429-date", lambda lab: scenarios.tmdb_429_storm(lab, retry_after="http-date:2")),
        ("tmdb-dies", scenarios.tmdb_server_dies),
        ("5xx-bursts", scenarios.tmdb_5xx_burst),
        ("stalls", scenarios.tmdb_stalls),
        ("two-processes", scenarios.two_processes),
        ("hostile", lambda lab: scenarios.hostile_names(lab, HOSTILE)),
        ("plan-untrusted", trust.hostile_plan),
        ("undo-last-copy", trust.undo_keeps_the_last_copy),
        ("journal-forged", trust.forged_journal),
        ("other-cwd", trust.other_working_folder),
        ("kill-undo", lambda lab: trust.kill_during_undo(lab, kills=kills // 4 or 1)),
        ("undo-then-resume", trust.undo_then_resume),
        ("broken-settings", trust.broken_settings_and_state),
        ("exit-statuses", trust.exit_statuses),
        ("rate-loaded-cpu", trust.rate_on_a_loaded_cpu),
    ]
    if mounts_permitted(work / "probe"):
        runs.append(("disk-full", scenarios.disk_full_on_target))
        runs.append(
            ("kill-xdev", lambda lab: scenarios.sigkill_then_resume(lab, kills=kills, cross_device=True))
        )
        runs.append(
            (
                "kill-undo-xdev",
                lambda lab: trust.kill_during_undo(lab, kills=kills // 4 or 1, cross_device=True),
            )
        )
    if unprivileged_available():
        runs += [
            ("ro-target", scenarios.read_only_target),
            ("unreadable-src", scenarios.unreadable_source_folder),
        ]
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=6, help="series per generated library")
    parser.add_argument("--movies", type=int, default=2)
    parser.add_argument(
        "--kills", type=int, default=20, help="SIGKILLs per action (move, copy, cross-device)"
    )
    parser.add_argument("--only", nargs="+", metavar="ROW", help="run only these rows (their short names)")
    args = parser.parse_args()
    catalog = Catalog.load()
    work = Path(tempfile.mkdtemp(prefix="anivault-faults-"))
    rows = []
    try:
        for slug, scenario in plan(work, args.kills):
            if args.only and slug not in args.only:
                continue
            standin = Standin(catalog).start()
            started = time.monotonic()
            try:
                result = scenario(scenarios.Lab(work / slug, standin, args.series, args.movies))
            finally:
                standin.stop()
            rows.append((result, time.monotonic() - started))
            print(f"  {result.name}: {'ok' if result.ok else 'FAILED'}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{'scenario':<42} {'faults':>6} {'files':>6} {'lost':>5} {'dup':>4} {'torn':>5}"
        f" {'out':>4} {'taken':>5} {'checks':>7} {'s':>6}"
    )
    for result, seconds in rows:
        passed = sum(c.passed for c in result.checks)
        print(
            f"{result.name:<42} {result.faults_injected:>6} {result.files_checked:>6} "
            f"{result.verdict.files_lost:>5} {sum(result.verdict.duplicated.values()):>4} "
            f"{len(result.verdict.half_written):>5} {result.outside_dst:>4} {result.taken_from_outside:>5} "
            f"{passed:>3}/{len(result.checks):<3} {seconds:>6.1f}"
        )
    total = (
        len(rows),
        sum(r.faults_injected for r, _ in rows),
        sum(r.files_checked for r, _ in rows),
        sum(r.verdict.files_lost for r, _ in rows),
        sum(r.outside_dst for r, _ in rows),
        sum(r.taken_from_outside for r, _ in rows),
    )
    print(
        f"scenarios {total[0]}, faults injected {total[1]}, files checked {total[2]}, files lost {total[3]}, "
        f"written outside --dst {total[4]}, taken from outside --src {total[5]}"
    )
    for result, _ in rows:
        for line in result.failures():
            print(f"  FAILED {result.name}: {line}")
    print_boundary_rows(run_boundaries(catalog, args.series, args.movies))


BOUNDARIES: list[tuple[str, Callable[[scenarios.Lab], boundaries.BoundaryResult]]] = [
    ("hostile-src-copy", lambda lab: boundaries.hostile_source(lab, action="copy")),
    ("hostile-src-move", lambda lab: boundaries.hostile_source(lab, action="move")),
    ("hostile-src-hardlink", lambda lab: boundaries.hostile_source(lab, action="hardlink")),
    ("odd-names", boundaries.odd_names),
    ("dst-links-out", boundaries.target_links_out),
    ("kill-workers", boundaries.killed_with_workers),
]
"""The trust-boundary scenarios (issue 23): their table adds files written outside --dst and
library files taken from outside --src."""


BoundaryRow = tuple[boundaries.BoundaryResult, float]
"""A boundary scenario's result and its seconds."""


def run_boundaries(catalog: Catalog, series: int, movies: int) -> list[BoundaryRow]:
    if sys.platform == "win32":
        return []  # links, FIFOs, sockets and bytes names are POSIX
    work = Path(tempfile.mkdtemp(prefix="anivault-boundaries-"))
    rows = []
    try:
        for slug, scenario in BOUNDARIES:
            standin = Standin(catalog).start()
            started = time.monotonic()
            try:
                result = scenario(scenarios.Lab(work / slug, standin, series, movies))
            finally:
                standin.stop()
            rows.append((result, time.monotonic() - started))
            print(f"  {result.scenario.name}: {'ok' if result.ok else 'FAILED'}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def print_boundary_rows(rows: list[BoundaryRow]) -> None:
    print(
        f"\n{'boundary scenario':<38} {'faults':>6} {'files':>6} {'lost':>5} {'dup':>4}"
        f" {'outside --dst':>13} {'from outside --src':>18} {'checks':>7} {'s':>6}"
    )
    for row, seconds in rows:
        result = row.scenario
        passed = sum(c.passed for c in result.checks)
        print(
            f"{result.name:<38} {result.faults_injected:>6} {result.files_checked:>6} "
            f"{result.verdict.files_lost:>5} {sum(result.verdict.duplicated.values()):>4} "
            f"{row.outside_dst:>13} {row.from_outside_src:>18} "
            f"{passed:>3}/{len(result.checks):<3} {seconds:>6.1f}"
        )
    print(
        f"boundary scenarios {len(rows)}, written outside --dst {sum(r.outside_dst for r, _ in rows)}, "
        f"taken from outside --src {sum(r.from_outside_src for r, _ in rows)}"
    )
    for row, _ in rows:
        for line in row.scenario.failures():
            print(f"  FAILED {row.scenario.name}: {line}")


if __name__ == "__main__":
    main()
