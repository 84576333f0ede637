"""An applying run's session: the library lock, every checkpoint save and the saved plan.

Every ``--apply`` — from ``run``, ``organize``, ``--from-plan`` or ``--resume`` — opens one
``applying`` session. Opening it takes the library lock (once, for the whole run: a second
applying run into the library stops at once with ``E-BUSY``). The checkpoint is saved once per
change of state, by the phase the run enters: ``open_lookups`` before a run looks its files up (and
again when some lookups were deferred), ``apply`` when it starts applying, at most every
``CHECKPOINT_EVERY_SECONDS`` and when it stops. A run that starts from a saved plan
(``--from-plan``, or ``--resume`` after lookup) therefore writes its first checkpoint in ``apply``,
and a resumed run does not write again the state it stopped in.

``apply`` saves the plan beside the checkpoint before the first file moves, so a resumed run
executes the very same plan without asking TMDB again; the journal is settled first
(``recovery.settle``), and entries it records as done are skipped, so a resumed run redoes nothing
and duplicates nothing. A running run's checkpoint is written nowhere else (an undo marks the run
it reversed finished: ``state.close_run``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from anivault.core.apply.apply import ApplyControls, ApplyOutcome, Pacer
from anivault.core.apply.journal import Journal, journal_key
from anivault.core.apply.lock import hold_library
from anivault.core.apply.prune import prune_emptied
from anivault.core.apply.recovery import settle
from anivault.core.apply.retry import apply_retrying_locked
from anivault.core.events import OrganizeStarted, Reporter
from anivault.core.pipeline import interrupt_between_steps
from anivault.core.plan.model import Plan
from anivault.core.plan.planfile import write_plan
from anivault.core.state import (
    CHECKPOINT_EVERY_SECONDS,
    Checkpoint,
    run_dir,
    save_checkpoint,
    stored_checkpoint,
)
from anivault.errors import InterruptedRunError


class ApplySession:
    """One run's checkpoint while it holds its library (see ``applying``)."""

    def __init__(self, state_dir: Path, checkpoint: Checkpoint) -> None:
        self._state_dir = state_dir
        self.checkpoint = checkpoint
        self._on_disk = stored_checkpoint(state_dir, checkpoint.run_id)

    def _save(self, checkpoint: Checkpoint) -> None:
        """Write ``checkpoint`` unless the file holds it already: a resumed run starts from the
        state it stopped in, which needs no second write."""
        if checkpoint != self._on_disk:
            save_checkpoint(self._state_dir, checkpoint)
            self._on_disk = checkpoint

    def abandon(self) -> None:
        """The run stopped before applying, with nothing to resume (``--on-conflict fail``)."""
        self._save(self.checkpoint.advanced(phase="finished"))

    def open_lookups(self) -> None:
        """The run's lookups are to do: before they start, or again when some were deferred (TMDB
        unreachable). A run stopped now is looked up again by ``--resume``."""
        self._save(self.checkpoint)

    def apply(
        self,
        plan: Plan,
        *,
        reporter: Reporter,
        on_outcome: Callable[[ApplyOutcome], None],
        io_pace_limit: float | None = None,
        prune_empty: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> list[ApplyOutcome]:
        """Apply ``plan`` under the checkpoint's journal; mark the run finished when done.

        Raises InterruptedRunError on Ctrl+C once the current file operation has completed (the
        checkpoint is saved first, so ``--resume`` continues from there).
        """
        checkpoint = self.checkpoint
        plan_path = run_dir(self._state_dir, checkpoint.run_id) / "plan.json"
        if checkpoint.plan is None:
            write_plan(plan, plan_path)
        journal_path = Path(checkpoint.journal)
        key = journal_key(self._state_dir)
        already = settle(journal_path, key).done_ids()
        actionable = len(plan.actionable())
        current = checkpoint.advanced(phase="apply", plan=str(plan_path), total=actionable, done=len(already))
        self._save(current)
        reporter.emit(OrganizeStarted(actionable - len(already), len(already), journal_path))
        outcomes: list[ApplyOutcome] = []
        last_saved = clock()

        def report(outcome: ApplyOutcome) -> None:
            nonlocal last_saved
            outcomes.append(outcome)
            on_outcome(outcome)
            if clock() - last_saved >= CHECKPOINT_EVERY_SECONDS:
                self._save(current.advanced(done=len(already) + len(outcomes)))
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
            self._save(current.advanced(done=done))
            raise InterruptedRunError(
                f"interrupted after {done} of {actionable} file operations; "
                f"`anivault run --resume` continues, journal at {journal_path}"
            )
        self._save(current.advanced(phase="finished", done=done))
        return outcomes


@contextmanager
def applying(state_dir: Path, library: Path, checkpoint: Checkpoint) -> Iterator[ApplySession]:
    """Hold ``library`` for the run of ``checkpoint``. Raises LibraryBusyError when another run
    holds it."""
    with hold_library(state_dir, library):
        yield ApplySession(state_dir, checkpoint)
