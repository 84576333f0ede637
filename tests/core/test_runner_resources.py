"""Repeated runs over a few thousand real files leave no file descriptors, threads or memory behind.

A long-lived caller (a GUI, a watch mode, the test suite itself) runs ``run_library`` many times in
one process: anything a run leaks — a scandir handle, a worker thread, a process-pool pipe, a
growing memo — piles up. The parse stage runs in worker processes here, as in the CLI.
"""

from __future__ import annotations

import gc
import os
import pathlib
import threading
import tracemalloc
from pathlib import Path

import pytest

from anivault.cli.deps import build_tmdb_client
from anivault.core.config import RunConfig
from anivault.core.events import NullReporter
from anivault.core.lookup.stream import LookupRequest
from anivault.core.run import RunRequest, RunResult, run_library
from anivault.services.settings import Settings
from tools.make_sample_library import generate
from tools.tmdb_standin import Standin

SEEDS = range(1, 7)  # ~2,800 files
REPEATS = 3
ALLOWED_GROWTH_BYTES = 128 * 1024
"""Far below what one run allocates (tens of MB): 20 bytes kept per file per run would exceed it."""
INTERN_TABLE = [
    tracemalloc.Filter(False, pathlib.__file__, lineno=number)
    for number, line in enumerate(Path(pathlib.__file__).read_text(encoding="utf-8").splitlines(), 1)
    if "sys.intern(" in line
]
"""pathlib interns path parts: the interpreter's intern table grows in steps (~1 MB at once) as
names come and go. It is bounded by the live names, not by the number of runs, so it is left out."""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big-library")
    for seed in SEEDS:
        generate(root / f"lib{seed}", seed=seed)
    return root


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def live_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate())


def traced_bytes() -> int:
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(INTERN_TABLE)
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors through /proc")
def test_repeated_runs_leak_no_fds_threads_or_memory(
    library: Path, tmp_path: Path, tmdb_standin: Standin
) -> None:
    settings = Settings(tmdb_base_url=tmdb_standin.base_url, home=str(tmp_path / "home"))
    client = build_tmdb_client(settings, tmdb_standin.api_key)
    lookup = LookupRequest(
        library, None, workers=4, min_confidence=settings.min_confidence, parse_processes=2
    )
    request = RunRequest(RunConfig(lookup, tmp_path / "out"), apply=False, state_dir=settings.state_dir)

    def run() -> RunResult:
        return run_library(request, client=client, reporter=NullReporter())

    first = run()  # fills the TMDB cache and opens the kept-alive connection to the stand-in
    assert first.summary.files_seen > 1500  # videos; with sidecars and junk ~2,800 files
    gc.collect()
    fds, threads = open_fds(), live_threads()
    tracemalloc.start()
    try:
        run()
        after_one = traced_bytes()
        for _ in range(REPEATS):
            run()
        after_more = traced_bytes()
    finally:
        tracemalloc.stop()
    assert open_fds() == fds
    assert live_threads() == threads
    assert after_more - after_one < ALLOWED_GROWTH_BYTES
