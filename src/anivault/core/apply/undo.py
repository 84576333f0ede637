"""``organize --undo JOURNAL``: put every file back where the journal says it came from.

The journal is verified first (signed by this home, see ``journal``). Undo reverses only what
that journal did, newest step first, and only when the library file is still the one we put there
(same size and SHA-256 when its bytes were copied; same fingerprint, inode included, when it was
renamed; the very link we made). Undo never deletes the last copy: a library copy is removed only
once the original is verified back byte for byte (size and SHA-256 as recorded at copy time);
otherwise both are kept and the pair is reported. Folders go only if the journal created them and
they are empty.

Undo is journalled like apply, in the same file: ``undo_intent`` before a step is reversed (its
original path checked free first, so an empty file there afterwards is our reservation),
``undo_reserved`` once the name is reserved, ``undone`` after. Ctrl+C stops between steps; after a
kill -9, even mid cross-device copy back, the next ``--undo`` settles the interrupted step first.
The run's checkpoint is marked finished before anything is reversed, so ``run --resume`` never
re-applies an undone run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anivault.core.apply.fsops import discard, move_no_clobber, partial_name
from anivault.core.apply.journal import Journal, Phase, journal_key
from anivault.core.apply.recovery import StepState, is_our_link, same_bytes, settle
from anivault.core.fingerprint import fingerprint, sha256_of
from anivault.core.pipeline import interrupt_between_steps
from anivault.core.state import close_run
from anivault.errors import AniVaultError, InterruptedRunError, UsageError

UNDOABLE = (Phase.DONE, Phase.UNDO_INTENT)


@dataclass(frozen=True, slots=True)
class UndoReport:
    restored: int
    already_undone: int
    left: tuple[str, ...]
    """One message per step that could not be reversed safely (changed file, taken name, a copy
    kept beside an original that is gone or changed)."""
    folders_removed: int


def undo(journal_path: Path, state_dir: Path) -> UndoReport:
    """Reverse a run from its journal. Raises UsageError when the journal does not exist,
    JournalUntrustedError when this home did not write it, InterruptedRunError on Ctrl+C."""
    if not journal_path.is_file():
        raise UsageError(f"no journal at {journal_path}")
    key = journal_key(state_dir)
    state = settle(journal_path, key)
    close_run(state_dir, journal_path.stem)
    steps = sorted(state.steps.values(), key=lambda s: s.order, reverse=True)
    restored, already, left = 0, 0, []
    journal = Journal(journal_path, key)
    try:
        with interrupt_between_steps() as interrupted:
            for step in steps:
                if interrupted.is_set():
                    raise InterruptedRunError(
                        f"undo interrupted after {restored} files; run the same --undo again to finish"
                    )
                if step.phase is Phase.UNDONE:
                    already += 1
                elif step.phase in UNDOABLE:
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
    if step.phase is Phase.UNDO_INTENT and _settle_interrupted(step):
        journal.record(Phase.UNDONE, id=step.entry_id)
        return None
    if not _library_file_is_ours(step):
        if not _exists(step.target) and _original_intact(step):
            journal.record(Phase.UNDONE, id=step.entry_id)  # already back where it was
            return None
        return f"{step.target}: changed or gone since the run; left as it is"
    if step.op == "copy":
        if not _exists(step.source):
            return f"{step.target}: its original {step.source} is gone, so this copy is kept"
        if not _original_intact(step):
            return f"{step.target}: its original {step.source} changed since the run, so both are kept"
        journal.record(Phase.UNDO_INTENT, id=step.entry_id)
        step.target.unlink()
    elif step.op == "move":
        if _exists(step.source):
            return f"{step.target}: kept, because {step.source} is taken by another file"
        journal.record(Phase.UNDO_INTENT, id=step.entry_id)
        try:
            move_no_clobber(
                step.target,
                step.source,
                on_reserved=lambda: journal.record(Phase.UNDO_RESERVED, id=step.entry_id),
            )
        except AniVaultError as exc:
            return f"{step.target}: cannot move back ({exc.code}: {exc.message})"
    else:
        journal.record(Phase.UNDO_INTENT, id=step.entry_id)
        step.target.unlink()
    journal.record(Phase.UNDONE, id=step.entry_id)
    return None


def _settle_interrupted(step: StepState) -> bool:
    """An undo step a crash cut short: True when it had in effect finished, else its leftovers
    (our reservation and partial copy at the original path) are removed so it can be redone."""
    if step.op != "move":
        return not _exists(step.target) and _original_intact(step)
    discard(partial_name(step.source))
    if not step.source.is_file():
        return False
    if not _exists(step.target):
        return _original_intact(step)  # the rename back happened, or the copy back and the delete
    if same_bytes(step.source, step.target) is not None and _library_file_is_ours(step):
        step.target.unlink()  # the verified copy back is in place: only the delete was cut off
        return True
    if step.source.stat().st_size == 0:
        step.source.unlink()  # our reservation: the original path was checked free before it
    return False


def _library_file_is_ours(step: StepState) -> bool:
    """The file at the target is still the one this step put there."""
    if step.op in ("hardlink", "symlink"):
        return is_our_link(step)
    return _matches_record(step, step.target)


def _original_intact(step: StepState) -> bool:
    """The original is back (or still there, for a copy) with the bytes the step recorded; for a
    link, its source is there (a link shares or names the original's bytes, never holds a copy)."""
    if step.op in ("hardlink", "symlink"):
        return step.source.exists()
    return step.source.is_file() and not step.source.is_symlink() and _matches_record(step, step.source)


def _matches_record(step: StepState, path: Path) -> bool:
    try:
        if step.sha256 is not None:
            return sha256_of(path) == step.sha256
        if step.library_print is not None:
            current = fingerprint(path)
            recorded = step.library_print
            return (current.size, current.partial_hash) == (recorded.size, recorded.partial_hash)
    except OSError:
        return False
    return False


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove_empty(folders: tuple[Path, ...]) -> int:
    removed = 0
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
            removed += 1
    return removed
