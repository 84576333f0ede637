"""``organize --undo JOURNAL``: put every file back where the journal says it came from.

Undo reverses only what that journal did, newest step first, and only when the file at the
target is still the one we put there (size and content hash as planned, or the very link we
made); anything else is left alone and reported. Each reversal is journalled (``undo_intent`` →
``undone``) in the same file, so undo is idempotent and can itself be interrupted and rerun.
Folders the run created are removed once empty; folders that were already there are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anivault.core.apply.fsops import move_no_clobber
from anivault.core.apply.journal import Journal
from anivault.core.apply.recovery import StepState, is_our_link, settle
from anivault.core.fingerprint import fingerprint
from anivault.errors import AniVaultError, UsageError


@dataclass(frozen=True, slots=True)
class UndoReport:
    restored: int
    already_undone: int
    left: tuple[str, ...]
    """One message per step that could not be reversed safely (changed file, taken name)."""
    folders_removed: int


def undo(journal_path: Path) -> UndoReport:
    """Reverse a run from its journal. Raises UsageError when the journal does not exist."""
    if not journal_path.is_file():
        raise UsageError(f"no journal at {journal_path}")
    state = settle(journal_path)
    steps = sorted(state.steps.values(), key=lambda s: s.order, reverse=True)
    restored, already, left = 0, 0, []
    journal = Journal(journal_path)
    try:
        for step in steps:
            if step.phase == "undone":
                already += 1
            elif step.phase in ("done", "undo_intent"):
                problem = _reverse(step, journal)
                if problem is None:
                    restored += 1
                else:
                    left.append(problem)
    finally:
        journal.close()
    removed = _remove_empty(state.folders_made)
    return UndoReport(restored, already, tuple(left), removed)


def _reverse(step: StepState, journal: Journal) -> str | None:
    """Undo one step; return why not when it is not ours to undo any more."""
    if not _ours(step):
        if not step.target.exists() and not step.target.is_symlink() and step.source.exists():
            journal.record(phase="undone", id=step.entry_id)  # already back where it was
            return None
        return f"{step.target}: changed or gone since the run; left as it is"
    if step.op == "copy" and not step.source.exists():
        return f"{step.target}: its original {step.source} is gone, so this copy is kept"
    journal.record(phase="undo_intent", id=step.entry_id)
    if step.op == "move":
        if step.phase == "undo_intent" and step.source.exists() and step.source.stat().st_size == 0:
            step.source.unlink()  # our own reservation from an interrupted undo
        try:
            move_no_clobber(step.target, step.source)
        except AniVaultError as exc:
            return f"{step.target}: cannot move back ({exc.code}: {exc.message})"
    else:
        step.target.unlink()
    journal.record(phase="undone", id=step.entry_id)
    return None


def _ours(step: StepState) -> bool:
    if step.op in ("hardlink", "symlink"):
        return is_our_link(step)
    try:
        current = fingerprint(step.target)
    except OSError:
        return False
    return step.size is None or (current.size, current.partial_hash) == (step.size, step.partial_hash)


def _remove_empty(folders: tuple[Path, ...]) -> int:
    removed = 0
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            removed += 1
    return removed
