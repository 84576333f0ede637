"""Scale mode of ``bench_run.py``: the real ``anivault --json run`` in a child process at N files.

Peak RSS is sampled from ``/proc/<pid>/status`` (``VmHWM``, the high-water mark of that process's
own address space) every ``SAMPLE_SECONDS``, for the run and for each of its parse workers. Not
``os.wait4``'s ``ru_maxrss``: Linux carries the forking parent's RSS into a child's maxrss across
``exec``, so a benchmark process holding the stand-in's catalog would be charged to every child.
Reported: the run's own peak, and that plus every worker's peak (an upper bound: the peaks need
not coincide). Wall time comes from the parent's clock, the run's own summary from the last
NDJSON line. The stand-in serves TMDB from this process on 127.0.0.1, so its memory and CPU are
not charged to the child (its CPU does share the machine's cores).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.make_tree import ensure_tree
from tools.tmdb_standin import Catalog, Standin


@dataclass(frozen=True)
class Measured:
    files: int
    cache: str
    seconds: float
    peak_rss_mb: float
    peak_with_workers_mb: float
    summary: dict[str, object]

    @property
    def files_per_minute(self) -> float:
        return self.files / self.seconds * 60


def run_child(binary: Path, tree: Path, home: Path, standin: Standin, files: int, cache: str) -> Measured:
    env = {
        **os.environ,
        "ANIVAULT_HOME": str(home),
        "ANIVAULT_TMDB_BASE_URL": standin.base_url,
        "TMDB_API_KEY": standin.api_key,
    }
    with tempfile.TemporaryDirectory() as scratch:
        events = Path(scratch) / "events.ndjson"
        command = [str(binary), "--json", "run", "--src", str(tree), "--dst", str(Path(scratch) / "library")]
        with events.open("w", encoding="utf-8") as out:
            started = time.perf_counter()
            child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
            peaks = _sample_peaks(child)
            seconds = time.perf_counter() - started
        summary = _last_summary(events)
    if summary is None:
        raise SystemExit(f"{binary} exited {child.returncode} without a summary on {tree}")
    own = peaks.get(child.pid, 0) / 1024
    return Measured(files, cache, seconds, own, sum(peaks.values()) / 1024, summary)


SAMPLE_SECONDS = 0.05


def _sample_peaks(child: subprocess.Popen[bytes]) -> dict[int, int]:
    """VmHWM in KiB of the child and its descendants, as last seen before each one ended."""
    peaks: dict[int, int] = {}
    while child.poll() is None:
        for pid in _family(child.pid):
            hwm = _vm_hwm_kib(pid)
            if hwm is not None:
                peaks[pid] = max(peaks.get(pid, 0), hwm)
        time.sleep(SAMPLE_SECONDS)
    return peaks


def _family(pid: int) -> list[int]:
    """``pid`` and its descendants. Children are listed per thread (``task/*/children``): the parse
    workers are started by a pipeline thread, not by the main one."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(c) for c in children.read_text().split())
            except OSError:
                continue
    return found


def _vm_hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _last_summary(events: Path) -> dict[str, object] | None:
    summary = None
    with events.open(encoding="utf-8") as lines:
        for line in lines:
            if '"summary"' in line:
                event = json.loads(line)
                if event["event"] == "summary":
                    summary = event["fields"]
    return summary


def run_scale(sizes: list[int], cold_files: int, *, trees: Path, binary: Path) -> None:
    """Warm runs at every N in ``sizes`` (after one unmeasured warm-up run), a cold run at ``cold_files``."""
    standin = Standin(Catalog.load()).start()
    results: list[Measured] = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            if cold_files:
                tree = trees / f"anivault-tree-{cold_files}"
                ensure_tree(tree, cold_files)
                results.append(run_child(binary, tree, Path(scratch) / "cold", standin, cold_files, "cold"))
            warm_home = Path(scratch) / "warm"
            for files in sizes:
                tree = trees / f"anivault-tree-{files}"
                ensure_tree(tree, files)
                run_child(binary, tree, warm_home, standin, files, "warm-up")
                results.append(run_child(binary, tree, warm_home, standin, files, "warm"))
    finally:
        standin.stop()
    _print(results)


def _print(results: list[Measured]) -> None:
    print(f"binary run in a child process; cores: {os.cpu_count()}")
    print(
        f"{'files':>8} {'cache':<6}{'seconds':>9}{'files/min':>11}{'peak RSS MB':>13}"
        f"{'+workers MB':>13}  summary"
    )
    for m in results:
        s = m.summary
        facts = (
            f"seen={s['files_seen']} matched={s['matched']} planned={s['planned']} "
            f"skipped={s['skipped']} requests={s['tmdb_requests']}"
        )
        print(
            f"{m.files:>8} {m.cache:<6}{m.seconds:>9.1f}{m.files_per_minute:>11,.0f}"
            f"{m.peak_rss_mb:>13.0f}{m.peak_with_workers_mb:>13.0f}  {facts}"
        )
    warm = [m for m in results if m.cache == "warm"]
    if len(warm) >= 2:
        base = warm[0]
        print("growth vs the smallest warm run (linear time means time x = files x):")
        for m in warm[1:]:
            print(
                f"  files x{m.files / base.files:.0f}: time x{m.seconds / base.seconds:.1f}, "
                f"peak RSS x{m.peak_rss_mb / base.peak_rss_mb:.1f}"
            )
