"""Apply a plan: no-clobber moves, a write-ahead journal, recorded per-file failures.

How a move can never overwrite or lose a file:

1. The target name is *reserved* by creating it with ``O_CREAT | O_EXCL``; if anything already
   has that name, the OS refuses and we record a conflict instead of replacing it.
2. On the same device the source is then ``os.replace``d onto its own reservation: one atomic
   rename, so the file is at exactly one of the two paths at every instant.
3. Across devices the bytes are copied to a temp file beside the target, flushed and fsynced,
   size-checked, renamed onto the reservation, and only then is the source deleted.

Every step is journalled before it happens (``intent``) and after (``done``), each line fsynced,
so a crash leaves a journal that says exactly which file may be mid-flight.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from anivault.core.plan import Plan, PlanEntry
from anivault.errors import (
    AniVaultError,
    DiskFullError,
    FileSystemError,
    OrganizeConflictError,
    PathTooLongError,
    PermissionDeniedError,
    SourceMissingError,
)

OutcomeStatus = Literal["moved", "failed", "skipped"]
COPY_BUFFER = 4 << 20


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    entry: PlanEntry
    status: OutcomeStatus
    error_code: str | None = None
    message: str = ""


class Journal:
    """Append-only JSON lines, fsynced one by one: the record ``--undo``/``--resume`` trust."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def record(self, **fields: object) -> None:
        line = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._handle.write(line + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


def apply_plan(
    plan: Plan,
    journal: Journal,
    *,
    should_stop: Callable[[], bool],
    on_outcome: Callable[[ApplyOutcome], None],
) -> list[ApplyOutcome]:
    """Move every actionable entry, videos before their sidecars; stop between files on request."""
    outcomes: list[ApplyOutcome] = []
    failed_videos: set[str] = set()
    ordered = sorted(plan.actionable(), key=lambda e: (e.role != "video", e.relative_source))
    for entry in ordered:
        if should_stop():
            break
        if entry.role == "sidecar" and entry.owner_id in failed_videos:
            outcome = ApplyOutcome(entry, "skipped", message="its video was not moved")
        else:
            outcome = _apply_one(entry, journal)
        if entry.role == "video" and outcome.status != "moved":
            failed_videos.add(entry.entry_id)
        outcomes.append(outcome)
        on_outcome(outcome)
    return outcomes


def _apply_one(entry: PlanEntry, journal: Journal) -> ApplyOutcome:
    journal.record(phase="intent", op="move", id=entry.entry_id, src=str(entry.source), dst=str(entry.target))
    try:
        move_no_clobber(entry.source, entry.target)
    except AniVaultError as exc:
        journal.record(phase="failed", id=entry.entry_id, code=exc.code)
        return ApplyOutcome(entry, "failed", exc.code, exc.message)
    journal.record(phase="done", id=entry.entry_id)
    return ApplyOutcome(entry, "moved")


def move_no_clobber(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, never replacing an existing ``target``. See module doc."""
    if not source.exists():
        raise SourceMissingError(f"{source} no longer exists")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError as exc:
        raise OrganizeConflictError(f"{target} already exists; left untouched") from exc
    except OSError as exc:
        raise _translate(exc, target) from exc
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            _discard(target)
            raise _translate(exc, target) from exc
        _copy_then_delete(source, target)


def _copy_then_delete(source: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.anivault-partial")
    try:
        with source.open("rb") as reader, temp.open("xb") as writer:
            shutil.copyfileobj(reader, writer, COPY_BUFFER)
            writer.flush()
            os.fsync(writer.fileno())
        if temp.stat().st_size != source.stat().st_size:
            raise FileSystemError(f"copy of {source} came out short; source kept")
        os.replace(temp, target)
    except OSError as exc:
        _discard(temp)
        _discard(target)
        raise _translate(exc, target) from exc
    except AniVaultError:
        _discard(temp)
        _discard(target)
        raise
    source.unlink()


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return


def _translate(exc: OSError, target: Path) -> AniVaultError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionDeniedError(f"permission denied writing {target}")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"no space left for {target}")
    if exc.errno == errno.ENAMETOOLONG:
        return PathTooLongError(f"path too long: {target}")
    return FileSystemError(f"{exc.strerror} for {target}")
