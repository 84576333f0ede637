"""Reading a journal back, and settling the one step a crash may have left half-done.

The journal (see ``organize``) is written ahead of every step, so after a crash — even SIGKILL or
a power cut — it says which entry may be in flight and how far it got:

- ``intent`` only: the target did not exist when the line was written (apply checks first);
  an empty file there now is our reservation whose ``reserved`` line the crash cut off.
- ``intent`` + ``reserved``: an empty reservation (or, across devices, a verified copy renamed
  onto it) may be at the target, and the source may or may not be gone yet.

``settle`` looks at the disk and records, for every such entry, either ``done`` (the step had
effectively finished: the source is gone and the target holds its bytes, or the copy verifies)
or ``rolled_back`` (reservation and partial copy removed; the source is intact and the step will
simply be redone). It never deletes anything that is not provably ours or a spare copy of bytes
that exist elsewhere, so the multiset of file contents can only grow until the run completes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from anivault.core.apply.fsops import discard, partial_name
from anivault.core.apply.journal import Journal, Phase, read_records
from anivault.core.fingerprint import fingerprint, sha256_of
from anivault.core.models import Fingerprint


@dataclass(frozen=True, slots=True)
class StepState:
    """The latest attempt at one entry, as the journal tells it."""

    entry_id: str
    op: str
    source: Path
    target: Path
    size: int | None
    partial_hash: str | None
    reserved: bool = False
    phase: Phase = Phase.INTENT
    """``INTENT`` while unfinished, else the latest terminal or undo phase."""
    order: int = 0
    sha256: str | None = None
    """The library file's whole-file hash, when its bytes were copied (``done`` line)."""
    library_print: Fingerprint | None = None
    """The library file's fingerprint, when it was renamed into place (same inode as the source)."""
    undo_reserved: bool = False


@dataclass(frozen=True, slots=True)
class JournalState:
    steps: dict[str, StepState]
    folders_made: tuple[Path, ...]

    def done_ids(self) -> frozenset[str]:
        return frozenset(i for i, s in self.steps.items() if s.phase is Phase.DONE)

    def in_flight(self) -> list[StepState]:
        return [s for s in self.steps.values() if s.phase is Phase.INTENT]


def read_journal(path: Path, key: bytes) -> JournalState:
    """Fold the verified journal into the latest state per entry (see ``journal`` for what is
    refused and what a torn line means)."""
    steps: dict[str, StepState] = {}
    folders: list[Path] = []
    for order, record in enumerate(read_records(path, key)):
        fields = record.fields
        if record.phase is Phase.MKDIR:
            folders.append(Path(fields["path"]))
        elif record.phase is Phase.INTENT:
            steps[fields["id"]] = StepState(
                entry_id=fields["id"],
                op=fields["op"],
                source=Path(fields["src"]),
                target=Path(fields["dst"]),
                size=fields.get("size"),
                partial_hash=fields.get("partial_hash"),
                order=order,
            )
        elif fields.get("id") in steps:
            steps[fields["id"]] = _advance(steps[fields["id"]], record.phase, fields)
    return JournalState(steps, tuple(dict.fromkeys(folders)))


def _advance(step: StepState, phase: Phase, fields: Any) -> StepState:
    if phase is Phase.RESERVED:
        return replace(step, reserved=True)
    if phase is Phase.UNDO_RESERVED:
        return replace(step, undo_reserved=True)
    if phase is Phase.FALLBACK:
        return replace(step, op=str(fields["op"]))
    if phase is Phase.DONE:
        printed = fields.get("print")
        return replace(
            step,
            phase=phase,
            sha256=fields.get("sha256"),
            library_print=Fingerprint(**printed) if printed else None,
        )
    if phase is Phase.UNDO_INTENT:
        return replace(step, phase=phase, undo_reserved=False)
    return replace(step, phase=phase)


def done_fields(target: Path, sha256: str | None) -> dict[str, object]:
    """What a ``done`` line records about the library file, so undo can tell it is still ours:
    the whole-file hash when the bytes were copied (it came free with the copy), else (a rename
    keeps the inode) its fingerprint, without reading the whole file again."""
    if sha256 is not None:
        return {"sha256": sha256}
    printed = fingerprint(target)
    return {
        "print": {
            "size": printed.size,
            "mtime_ns": printed.mtime_ns,
            "inode": printed.inode,
            "partial_hash": printed.partial_hash,
        }
    }


def settle(journal_path: Path, key: bytes) -> JournalState:
    """Finish or roll back every in-flight step of ``journal_path`` and journal the verdict."""
    state = read_journal(journal_path, key)
    pending = state.in_flight()
    if not pending:
        return state
    journal = Journal(journal_path, key)
    try:
        for step in pending:
            verdict, fields = _settle_one(step)
            journal.record(verdict, id=step.entry_id, recovered=True, **fields)
    finally:
        journal.close()
    return read_journal(journal_path, key)


def _settle_one(step: StepState) -> tuple[Phase, dict[str, object]]:
    if step.op in ("hardlink", "symlink"):
        return (Phase.DONE, {}) if is_our_link(step) else (Phase.ROLLED_BACK, {})
    if not step.reserved:
        if step.source.exists() and step.target.is_file() and step.target.stat().st_size == 0:
            # The target was absent when the intent was written, so an empty file there is our
            # reservation, made just before the crash cut off its "reserved" line.
            step.target.unlink()
        return Phase.ROLLED_BACK, {}
    discard(partial_name(step.target))
    source_there, target_there = step.source.exists(), step.target.exists()
    if target_there and not source_there:
        whole = step.size is None or step.target.stat().st_size == step.size
        if step.op == "move" and whole:
            return Phase.DONE, done_fields(step.target, None)
        return Phase.FAILED, {}
    digest = same_bytes(step.source, step.target) if target_there else None
    if digest is not None:
        if step.op == "move":
            step.source.unlink()  # the verified copy at the target is the file now
        return Phase.DONE, {"sha256": digest}
    discard(step.target)  # our empty reservation, or a copy that never verified
    return (Phase.ROLLED_BACK if source_there else Phase.FAILED), {}


def is_our_link(step: StepState) -> bool:
    """The target is the very hard or symbolic link this step makes to its source."""
    target = step.target
    if step.op == "symlink":
        return target.is_symlink() and os.readlink(target) == str(step.source.absolute())
    try:
        return target.exists() and os.path.samefile(step.source, target)
    except OSError:
        return False


def same_bytes(first: Path, second: Path) -> str | None:
    """The SHA-256 both files share, or None when they differ in size or content."""
    if first.stat().st_size != second.stat().st_size:
        return None
    digest = sha256_of(first)
    return digest if sha256_of(second) == digest else None
