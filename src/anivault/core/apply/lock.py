"""One applying run per library: a cross-process lock named after the destination folder.

Two ``anivault --apply`` runs into one library would plan the same targets and race for them; the
no-clobber moves keep every file safe, but half of each run would fail with conflicts. The second
run therefore stops at once with ``E-BUSY`` and a message saying which run holds the library.
The lock lives under the AniVault home (never in the library, which a dry run must not touch) and
is an OS lock (``fcntl``/``msvcrt`` via filelock), so a crashed run never leaves it held. It is
taken once per run, by ``apply/session.py``, and is not re-entrant: a second take in the holding
process would be a second owner of one run's lock, a bug, so it raises instead of counting.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from anivault.errors import FileSystemError, LibraryBusyError


def lock_path(state_dir: Path, library: Path) -> Path:
    digest = hashlib.sha256(os.fsencode(library.resolve())).hexdigest()[:16]
    return state_dir / "locks" / f"library-{digest}.lock"


@contextmanager
def hold_library(state_dir: Path, library: Path) -> Iterator[None]:
    """Hold ``library`` for the ``with`` block. Raises LibraryBusyError when another process holds
    it, FileSystemError when the lock file cannot be taken, and RuntimeError when this process
    already holds it."""
    path = lock_path(state_dir, library)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One FileLock object per path in this process (is_singleton): a held one is this process's.
    lock = FileLock(path, timeout=0, is_singleton=True, thread_local=False)
    if lock.is_locked:
        raise RuntimeError(f"this process already holds the library lock {path}; it is taken once per run")
    try:
        lock.acquire()
    except Timeout as exc:  # a TimeoutError, so an OSError too: caught first
        raise LibraryBusyError(
            f"another anivault run is applying to {library} ({_holder(path)}); "
            "wait for it to finish, then run again"
        ) from exc
    except IsADirectoryError as exc:
        raise FileSystemError(f"the lock file {path} is a folder; remove it, then run again") from exc
    except OSError as exc:
        raise FileSystemError(f"cannot take the library lock {path} ({exc.strerror})") from exc
    try:
        _write_holder(path)
        yield
    finally:
        lock.release()


def _holder_note(path: Path) -> Path:
    return path.with_suffix(".owner")


def _write_holder(path: Path) -> None:
    _holder_note(path).write_text(f"pid {os.getpid()}", encoding="utf-8")


def _holder(path: Path) -> str:
    try:
        return _holder_note(path).read_text(encoding="utf-8").strip()
    except OSError:
        return "pid unknown"
