"""One apply session: a saved plan, its journal and checkpoint, Ctrl+C and resume handled.

Every ``--apply`` — from ``run``, ``organize``, ``--from-plan`` or ``--resume`` — goes through
``apply_session``. Before the first file moves, the plan is saved beside the run's checkpoint, so
a resumed run executes the very same plan without asking TMDB again; on (re)entry the journal is
settled first (``recovery.settle``), and entries it records as done are skipped, so a resumed run
redoes nothing and duplicates nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from anivault.core import checkpoint as checkpoints
from anivault.core.apply.apply import ApplyControls, ApplyOutcome, Pacer
from anivault.core.apply.journal import Journal, journal_key
from anivault.core.apply.lock import hold_library
from anivault.core.apply.prune import prune_emptied
from anivault.core.apply.recovery import settle
from anivault.core.apply.retry import apply_retrying_locked
from anivault.core.checkpoint import CHECKPOINT_EVERY_SECONDS, Checkpoint
from anivault.core.events import Event, Reporter
from anivault.core.pipeline import interrupt_between_steps
from anivault.core.plan.model import Plan
from anivault.core.plan.planfile import write_plan
from anivault.errors import InterruptedRunError


def journal_path_for(state_dir: Path, run_id: str) -> Path:
    return state_dir / "journals" / f"{run_id}.jsonl"


def apply_session(
    plan: Plan,
    *,
    state_dir: Path,
    checkpoint: Checkpoint,
    reporter: Reporter,
    on_outcome: Callable[[ApplyOutcome], None],
    io_pace_limit: float | None = None,
    prune_empty: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> list[ApplyOutcome]:
    """Apply ``plan`` under ``checkpoint``'s journal; mark the run finished when done.

    Raises InterruptedRunError on Ctrl+C once the current file operation has completed (the
    checkpoint is saved first, so ``--resume`` continues from there).
    """
    with hold_library(state_dir, plan.target_root):
        plan_path = checkpoints.run_dir(state_dir, checkpoint.run_id) / "plan.json"
        if checkpoint.plan is None:
            write_plan(plan, plan_path)
        journal_path = Path(checkpoint.journal)
        key = journal_key(state_dir)
        already = settle(journal_path, key).done_ids()
        actionable = len(plan.actionable())
        current = checkpoint.advanced(phase="apply", plan=str(plan_path), total=actionable, done=len(already))
        checkpoints.save(state_dir, current)
        reporter.emit(
            Event(
                "organize",
                "started",
                {
                    "entries": actionable - len(already),
                    "already_done": len(already),
                    "journal": str(journal_path),
                },
            )
        )
        outcomes: list[ApplyOutcome] = []
        last_saved = clock()

        def report(outcome: ApplyOutcome) -> None:
            nonlocal last_saved
            outcomes.append(outcome)
            on_outcome(outcome)
            if clock() - last_saved >= CHECKPOINT_EVERY_SECONDS:
                checkpoints.save(state_dir, current.advanced(done=len(already) + len(outcomes)))
                last_saved = clock()

        journal = Journal(journal_path, key)
        try:
            with interrupt_between_steps() as interrupted:
                controls = ApplyControls(
                    should_stop=interrupted.is_set,
                    on_outcome=report,
                    pacer=Pacer(io_pace_limit) if io_pace_limit else None,
                    already_done=already,
                )
                apply_retrying_locked(plan, journal, controls)
            if prune_empty and plan.source_root is not None and not interrupted.is_set():
                moved = (e.source for e in plan.actionable() if e.action == "move")
                prune_emptied(moved, plan.source_root, journal)
        finally:
            journal.close()
        done = len(already) + len(outcomes)
        if interrupted.is_set():
            checkpoints.save(state_dir, current.advanced(done=done))
            raise InterruptedRunError(
                f"interrupted after {done} of {actionable} file operations; "
                f"`anivault run --resume` continues, journal at {journal_path}"
            )
        checkpoints.save(state_dir, current.advanced(phase="finished", done=done))
        return outcomes
