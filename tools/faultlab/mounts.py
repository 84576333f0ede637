"""Real small or read-only file systems for fault scenarios (tmpfs and bind mounts; root only, and
Linux only: elsewhere ``mounts_permitted`` says no)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def mounts_permitted(probe_dir: Path) -> bool:
    probe_dir.mkdir(parents=True, exist_ok=True)
    mounted = _mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe_dir)])
    if mounted:
        _umount(probe_dir)
    return mounted


@contextmanager
def small_filesystem(path: Path, size_bytes: int) -> Iterator[Path]:
    """A tmpfs of ``size_bytes`` at ``path``: writes past it fail with a real ENOSPC."""
    path.mkdir(parents=True, exist_ok=True)
    if not _mount(["-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(path)]):
        raise OSError(f"cannot mount a tmpfs at {path}")
    try:
        yield path
    finally:
        _umount(path)


def _mount(args: list[str]) -> bool:
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def bind_mount(folder: Path, at: Path) -> Iterator[Path]:
    """``folder`` mounted again at ``at``: one device (the same ``st_dev``) behind two mounts, across
    which Linux refuses hard links with a real EXDEV that no look at ``st_dev`` foresees."""
    at.mkdir(parents=True, exist_ok=True)
    if not _mount(["--bind", str(folder), str(at)]):
        raise OSError(f"cannot bind-mount {folder} at {at}")
    try:
        yield at
    finally:
        _umount(at)
