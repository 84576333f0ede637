"""A run's process tree from ``/proc`` (Linux): which parse workers a run started, and which of
them are still alive after it was killed."""

from __future__ import annotations

import time
from pathlib import Path

PROC = Path("/proc")
WORKER_MARK = b"spawn_main"
"""In the command line of every process ``multiprocessing`` spawns."""


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def descendants(root: int) -> set[int]:
    """Every living process below ``root`` (children, grandchildren…)."""
    children: dict[int, set[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if len(fields) > 1:
                children.setdefault(int(fields[1]), set()).add(int(entry.name))
    found: set[int] = set()
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), set()) - found:
            found.add(child)
            pending.append(child)
    return found


def wait_for_workers(parent: int, *, timeout: float) -> set[int]:
    """``parent``'s process tree once a spawned worker is in it (workers start as work arrives).
    Raises TimeoutError when none shows up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = descendants(parent)
        if any(WORKER_MARK in _read(PROC / str(pid) / "cmdline") for pid in found):
            return found
        time.sleep(0.1)
    raise TimeoutError(f"process {parent} started no worker within {timeout} s")


def still_running(pids: set[int], *, timeout: float) -> set[int]:
    """Those of ``pids`` still running (zombies aside) after waiting up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {pid for pid in alive if _stat_fields(pid)[:1] not in ([], [b"Z"])}
    return alive


def _stat_fields(pid: int) -> list[bytes]:
    """The fields of ``/proc/PID/stat`` after the command name: state, ppid, …"""
    return _read(PROC / str(pid) / "stat").rpartition(b")")[2].split()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
