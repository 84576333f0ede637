"""Shared pieces of the source and target boundary tests: the real CLI in a subprocess against
the stand-in, and release names its catalog matches (Dragon Ball Z (1989), season 1)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from tools.faultlab.cli import Cli, CliResult

RELEASE = "[ASW] DRAGON BALL Z - {episode} [1080p]"
SHOW_FOLDER = "Dragon Ball Z (1989)"
SECRET = b"private bytes that live outside the downloads folder\n"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="bytes names, FIFOs and sockets are POSIX")


def applying(source: Path, library: Path, *extra: str) -> list[str]:
    """``--json run --apply`` of ``source`` into ``library``."""
    return ["--json", "run", "--src", str(source), "--dst", str(library), "--apply", *extra]


def with_settings(cli: Cli, **env: str) -> Cli:
    """``cli`` with settings given as environment variables (``ANIVAULT_<NAME>``)."""
    return Cli(cli.home, cli.base_url, cli.api_key, {f"ANIVAULT_{k.upper()}": v for k, v in env.items()})


def release(episode: int, extension: str = ".mkv") -> str:
    return RELEASE.format(episode=episode) + extension


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def files_below(root: Path) -> dict[str, bytes]:
    """Every regular file below ``root`` (links not followed) → its bytes."""
    found: dict[str, bytes] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def links_below(root: Path) -> list[Path]:
    return [
        Path(folder, name)
        for folder, dirs, names in os.walk(root)
        for name in [*dirs, *names]
        if Path(folder, name).is_symlink()
    ]


def skipped(result: CliResult) -> dict[str, str]:
    """Skipped path (file name) → reason, from the run's ``scan`` ``skipped`` events."""
    return {
        os.path.basename(str(e["fields"]["path"])): str(e["fields"]["reason"])
        for e in result.events
        if e["phase"] == "scan" and e["event"] == "skipped"
    }


def entries(result: CliResult) -> list[dict[str, object]]:
    return [e["fields"] for e in result.events if e["phase"] == "plan" and e["event"] == "entry"]


def odd_name(episode: int, tail: bytes = b".mkv") -> bytes:
    """A release name with a byte that is not UTF-8 (Latin-1 ``é`` from an old archive)."""
    return b"[ASW] DRAGON BALL Z - 1%d caf\xe9 [1080p]" % episode + tail


def opener_after(seconds: float, *fifos: Path) -> threading.Timer:
    """Should the code under test block opening a FIFO, open its other end after ``seconds`` so
    that the test fails instead of hanging forever."""

    def release_readers() -> None:
        for fifo in fifos:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader waiting (the fixed code never opened it)
                continue

    timer = threading.Timer(seconds, release_readers)
    timer.daemon = True
    timer.start()
    return timer
