"""Issue 23, reproduction 6 (last part): parse workers die with their parent.

The real CLI in a subprocess with two parse worker processes, killed with SIGKILL while it waits on
a slow TMDB: no worker (nor the resource tracker they keep alive) may outlive it.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from tests.safety.boundary_helpers import release, with_settings, write

from tools.faultlab import processes
from tools.faultlab.cli import Cli
from tools.tmdb_standin import Standin

WORKERS_TIMEOUT = 60.0
GONE_TIMEOUT = 15.0


@pytest.mark.skipif(not processes.available(), reason="reads the process table from /proc")
def test_source_parse_workers_exit_when_the_run_is_killed(
    cli: Cli, tmp_path: Path, tmdb_standin: Standin
) -> None:
    source = tmp_path / "S"
    for episode in range(100, 140):
        write(source / f"batch {episode % 4}" / release(episode), b"episode %d" % episode)
    tmdb_standin.configure(latency_ms=3000)  # the run waits on TMDB with its workers alive
    slow = with_settings(cli, parse_processes="2", max_workers="1")
    run = subprocess.Popen(
        slow.command(["--json", "run", "--src", str(source), "--dst", str(tmp_path / "D")]),
        env=slow.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    survivors: set[int] = set()
    try:
        workers = processes.wait_for_workers(run.pid, timeout=WORKERS_TIMEOUT)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        survivors = processes.still_running(workers, timeout=GONE_TIMEOUT)
    finally:
        tmdb_standin.configure(latency_ms=0)
        for pid in survivors or processes.descendants(run.pid):  # never leave one behind
            os.kill(pid, signal.SIGKILL)
        run.kill()
        run.wait(timeout=10)
    assert survivors == set(), f"worker processes outlived the killed run: {survivors}"
