"""Issue 23, reproduction 6 (last part): parse workers die with their parent.

The real CLI in a subprocess with two parse worker processes, killed with SIGKILL while it waits on
a slow TMDB: no worker (nor the resource tracker they keep alive) may outlive it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from tests.safety.boundary_helpers import release, with_settings, write

from tools.faultlab.cli import Cli
from tools.tmdb_standin import Standin

PROC = Path("/proc")
WORKERS_TIMEOUT = 60.0
GONE_TIMEOUT = 15.0


@pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="reads the process table from /proc")
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
        workers = _wait_for_workers(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        survivors = _still_running(workers, GONE_TIMEOUT)
    finally:
        tmdb_standin.configure(latency_ms=0)
        for pid in survivors or _descendants(run.pid):  # never leave one behind, even on failure
            os.kill(pid, signal.SIGKILL)
        run.kill()
        run.wait(timeout=10)
    assert survivors == set(), f"worker processes outlived the killed run: {survivors}"


def _wait_for_workers(parent: int) -> set[int]:
    """The run's processes once a parse worker is up (they are spawned as work arrives)."""
    deadline = time.monotonic() + WORKERS_TIMEOUT
    while time.monotonic() < deadline:
        workers = {pid for pid in _descendants(parent) if b"spawn_main" in _cmdline(pid)}
        if workers:
            return _descendants(parent)
        time.sleep(0.1)
    raise AssertionError("the run never started its parse workers")


def _still_running(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {pid for pid in alive if _alive(pid)}
    return alive


def _descendants(root: int) -> set[int]:
    children: dict[int, set[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, set()).add(int(entry.name))
    found: set[int] = set()
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def _parent_of(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    return int(stat.rpartition(b")")[2].split()[1])


def _cmdline(pid: int) -> bytes:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent that will reap it."""
    try:
        state = (PROC / str(pid) / "stat").read_bytes().rpartition(b")")[2].split()[0]
    except OSError:
        return False
    return state != b"Z"
