"""Apply a plan: no-clobber moves, copies and links, a write-ahead journal, per-file outcomes.

How a move can never overwrite or lose a file:

1. The target must be absent before the ``intent`` line is written, and its name is then
   *reserved* by creating it with ``O_CREAT | O_EXCL``; if anything took the name meanwhile, the
   OS refuses and we record a conflict instead of replacing it.
2. On the same device the source is then ``os.replace``d onto its own reservation: one atomic
   rename, so the file is at exactly one of the two paths at every instant.
3. Across devices (and for ``--action copy``) the bytes are copied to a temp file beside the
   target, fsynced, checked against the source's size and SHA-256, renamed onto the reservation,
   and only then (for a move) is the source deleted.
4. Hard and symbolic links refuse an existing target by themselves; a hard link across devices
   falls back to a verified copy.

The journal gets one fsynced line per step — ``mkdir`` (before creating a folder), ``intent``,
``reserved``, ``fallback``, then ``done`` or ``failed`` — so a crash at any instant leaves a record
that ``recovery.settle`` can finish or roll back, and that ``undo`` can reverse.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from anivault.core.fingerprint import fingerprint
from anivault.core.naming import long_path
from anivault.core.plan import Plan, PlanEntry, sha256_of
from anivault.errors import (
    AniVaultError,
    DiskFullError,
    FileSystemError,
    OrganizeConflictError,
    PathTooLongError,
    PermissionDeniedError,
    PlanStaleError,
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
        if _ends_mid_line(path):
            # A crash tore the last line; end it, or our next record would be glued onto it.
            self._handle.write("\n")
            self._handle.flush()

    def record(self, **fields: object) -> None:
        line = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._handle.write(line + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


@dataclass(frozen=True, slots=True)
class Pacer:
    """``--io-pace-limit``: at most ``per_minute`` file operations a minute (antivirus-heavy
    Windows machines and slow NAS boxes choke on bursts). Clock and sleep are injected."""

    per_minute: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: list[float] = field(default_factory=list)

    def wait(self) -> None:
        interval = 60.0 / self.per_minute
        now = self.clock()
        if self._last and now - self._last[0] < interval:
            self.sleep(interval - (now - self._last[0]))
            now = self.clock()
        self._last[:] = [now]


def _ends_mid_line(path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def apply_plan(
    plan: Plan,
    journal: Journal,
    *,
    should_stop: Callable[[], bool],
    on_outcome: Callable[[ApplyOutcome], None],
    pacer: Pacer | None = None,
    already_done: frozenset[str] = frozenset(),
) -> list[ApplyOutcome]:
    """Carry out every actionable entry not in ``already_done``, videos before their sidecars;
    stop between files on request. Per-file failures are outcomes, never exceptions."""
    outcomes: list[ApplyOutcome] = []
    failed_videos: set[str] = set()
    ordered = sorted(plan.actionable(), key=lambda e: (e.role != "video", e.relative_source))
    for entry in ordered:
        if entry.entry_id in already_done:
            continue
        if entry.role == "sidecar" and entry.owner_id in failed_videos:
            outcome = ApplyOutcome(entry, "skipped", message="its video was not moved")
        else:
            if pacer is not None:
                pacer.wait()
            if should_stop():  # after the pause too: Ctrl+C during it must not start a move
                break
            outcome = _apply_one(entry, journal)
        if entry.role == "video" and outcome.status != "moved":
            failed_videos.add(entry.entry_id)
        outcomes.append(outcome)
        on_outcome(outcome)
    return outcomes


def _apply_one(entry: PlanEntry, journal: Journal) -> ApplyOutcome:
    try:
        _check_fresh(entry)
        if entry.target.exists() or entry.target.is_symlink():
            # Checked before the intent line, so that after a crash an empty file at a target
            # with only an intent line can be told apart as our own reservation.
            raise OrganizeConflictError(f"{entry.target} already exists; left untouched")
        _make_parents(entry.target.parent, journal)
    except AniVaultError as exc:
        return ApplyOutcome(entry, "failed", exc.code, exc.message)
    journal.record(phase="intent", **_intent_fields(entry))
    try:
        _perform(entry, journal)
    except AniVaultError as exc:
        journal.record(phase="failed", id=entry.entry_id, code=exc.code)
        return ApplyOutcome(entry, "failed", exc.code, exc.message)
    journal.record(phase="done", id=entry.entry_id)
    return ApplyOutcome(entry, "moved")


def _intent_fields(entry: PlanEntry) -> dict[str, object]:
    fields: dict[str, object] = {
        "op": entry.action,
        "id": entry.entry_id,
        "src": str(entry.source),
        "dst": str(entry.target),
    }
    if entry.fingerprint is not None:
        fields["size"] = entry.fingerprint.size
        fields["partial_hash"] = entry.fingerprint.partial_hash
    return fields


def _check_fresh(entry: PlanEntry) -> None:
    """Refuse a source that changed since planning: the plan's decision was about other bytes."""
    if entry.fingerprint is None:
        return
    try:
        current = fingerprint(entry.source)
    except FileNotFoundError as exc:
        raise SourceMissingError(f"{entry.source} no longer exists") from exc
    except OSError as exc:
        raise _translate(exc, entry.source) from exc
    if current != entry.fingerprint:
        raise PlanStaleError(f"{entry.relative_source} changed since it was planned; plan again")


def _make_parents(folder: Path, journal: Journal) -> None:
    """Create missing folders, each journalled first, so undo removes exactly the ones we made."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        journal.record(phase="mkdir", path=str(path))
        try:
            path.mkdir(exist_ok=True)
        except OSError as exc:
            raise _translate(exc, path) from exc


def _perform(entry: PlanEntry, journal: Journal) -> None:
    source, target = entry.source, entry.target
    if entry.action in ("hardlink", "symlink"):
        try:
            _link(entry.action, source, target)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise _link_error(exc, target) from exc
        journal.record(phase="fallback", id=entry.entry_id, op="copy")
        copy_no_clobber(
            source, target, on_reserved=lambda: journal.record(phase="reserved", id=entry.entry_id)
        )
        return
    mover = move_no_clobber if entry.action == "move" else copy_no_clobber
    mover(source, target, on_reserved=lambda: journal.record(phase="reserved", id=entry.entry_id))


def _link(action: str, source: Path, target: Path) -> None:
    """Hard or symbolic link; both refuse an existing target on their own (no clobber)."""
    if action == "hardlink":
        os.link(os_path(source), os_path(target))
    else:
        os.symlink(os_path(source.absolute()), os_path(target))


def _link_error(exc: OSError, target: Path) -> AniVaultError:
    if isinstance(exc, FileExistsError):
        return OrganizeConflictError(f"{target} already exists; left untouched")
    return _translate(exc, target)


def move_no_clobber(source: Path, target: Path, *, on_reserved: Callable[[], None] = lambda: None) -> None:
    """Move ``source`` to ``target``, never replacing an existing ``target``. See module doc."""
    _reserve(source, target)
    on_reserved()
    try:
        os.replace(os_path(source), os_path(target))
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            discard(target)
            raise _translate(exc, target) from exc
        _copy_verified(source, target)
        source.unlink()


def copy_no_clobber(source: Path, target: Path, *, on_reserved: Callable[[], None] = lambda: None) -> None:
    """Copy ``source`` to ``target`` (verified by size and SHA-256), never replacing ``target``."""
    _reserve(source, target)
    on_reserved()
    _copy_verified(source, target)


def _reserve(source: Path, target: Path) -> None:
    if not source.exists():
        raise SourceMissingError(f"{source} no longer exists")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(os_path(target), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError as exc:
        raise OrganizeConflictError(f"{target} already exists; left untouched") from exc
    except OSError as exc:
        raise _translate(exc, target) from exc


def partial_name(target: Path) -> Path:
    """Where a copy is written before it is renamed onto its reservation."""
    return target.with_name(f".{target.name}.anivault-partial")


def _copy_verified(source: Path, target: Path) -> None:
    """Copy to a temp file, fsync, compare size and SHA-256 with the source, rename onto the
    reservation. On any failure both the temp file and the reservation go; the source stays."""
    temp = partial_name(target)
    try:
        digest = hashlib.sha256()
        with source.open("rb") as reader, temp.open("xb") as writer:
            while chunk := reader.read(COPY_BUFFER):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        if temp.stat().st_size != source.stat().st_size or sha256_of(temp) != digest.hexdigest():
            raise FileSystemError(f"copy of {source} did not verify (size or hash); source kept")
        os.replace(os_path(temp), os_path(target))
    except OSError as exc:
        discard(temp)
        discard(target)
        raise _translate(exc, target) from exc
    except AniVaultError:
        discard(temp)
        discard(target)
        raise


def os_path(path: Path) -> str:
    """The string handed to the OS: with the ``\\?\\`` prefix on Windows past MAX_PATH."""
    return long_path(str(path), windows=sys.platform == "win32")


def discard(path: Path) -> None:
    """Remove a file of ours if it is there (a reservation, a partial copy)."""
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
