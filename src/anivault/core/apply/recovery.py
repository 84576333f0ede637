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

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from anivault.core.apply.fsops import discard, partial_name
from anivault.core.apply.journal import Journal
from anivault.core.fingerprint import sha256_of

TERMINAL = ("done", "failed", "rolled_back")


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
    phase: str = "intent"
    """``intent`` while unfinished, else the terminal phase (done, failed, rolled_back, undone)."""
    order: int = 0


@dataclass(frozen=True, slots=True)
class JournalState:
    steps: dict[str, StepState]
    folders_made: tuple[Path, ...]

    def done_ids(self) -> frozenset[str]:
        return frozenset(i for i, s in self.steps.items() if s.phase == "done")

    def in_flight(self) -> list[StepState]:
        return [s for s in self.steps.values() if s.phase == "intent"]


def read_journal(path: Path) -> JournalState:
    """Fold the journal into the latest state per entry. A torn last line (the crash hit mid-write,
    before its fsync) is ignored: the step it began is then judged by the lines before it."""
    steps: dict[str, StepState] = {}
    folders: list[Path] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    for order, line in enumerate(lines):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        phase = record.get("phase")
        if phase == "mkdir":
            folders.append(Path(record["path"]))
        elif phase == "intent":
            steps[record["id"]] = StepState(
                entry_id=record["id"],
                op=record["op"],
                source=Path(record["src"]),
                target=Path(record["dst"]),
                size=record.get("size"),
                partial_hash=record.get("partial_hash"),
                order=order,
            )
        elif record.get("id") in steps:
            steps[record["id"]] = _advance(steps[record["id"]], phase, record)
    return JournalState(steps, tuple(dict.fromkeys(folders)))


def _advance(step: StepState, phase: str, record: dict[str, object]) -> StepState:
    if phase == "reserved":
        return replace(step, reserved=True)
    if phase == "fallback":
        return replace(step, op=str(record["op"]))
    return replace(step, phase=phase)


def settle(journal_path: Path) -> JournalState:
    """Finish or roll back every in-flight step of ``journal_path`` and journal the verdict."""
    state = read_journal(journal_path)
    pending = state.in_flight()
    if not pending:
        return state
    journal = Journal(journal_path)
    try:
        for step in pending:
            verdict = _settle_one(step)
            journal.record(phase=verdict, id=step.entry_id, recovered=True)
    finally:
        journal.close()
    return read_journal(journal_path)


def _settle_one(step: StepState) -> str:
    if step.op in ("hardlink", "symlink"):
        return "done" if is_our_link(step) else "rolled_back"
    if not step.reserved:
        if step.source.exists() and step.target.is_file() and step.target.stat().st_size == 0:
            # The target was absent when the intent was written, so an empty file there is our
            # reservation, made just before the crash cut off its "reserved" line.
            step.target.unlink()
        return "rolled_back"
    discard(partial_name(step.target))
    source_there, target_there = step.source.exists(), step.target.exists()
    if target_there and not source_there:
        whole = step.size is None or step.target.stat().st_size == step.size
        return "done" if step.op == "move" and whole else "failed"
    if target_there and _same_bytes(step.source, step.target):
        if step.op == "move":
            step.source.unlink()  # the verified copy at the target is the file now
        return "done"
    discard(step.target)  # our empty reservation, or a copy that never verified
    return "rolled_back" if source_there else "failed"


def is_our_link(step: StepState) -> bool:
    """The target is the very hard or symbolic link this step makes to its source."""
    target = step.target
    if step.op == "symlink":
        return target.is_symlink() and os.readlink(target) == str(step.source.absolute())
    try:
        return target.exists() and os.path.samefile(step.source, target)
    except OSError:
        return False


def _same_bytes(first: Path, second: Path) -> bool:
    return first.stat().st_size == second.stat().st_size and sha256_of(first) == sha256_of(second)
