"""A file open in another program gets one more try at the end of the apply.

On Windows a player holding a video open makes its move fail (``E-FS-LOCKED``); by the time the
rest of the library has moved, the player has often let go. Such a file (and its sidecars, held
back with it) is tried once more after every other entry; whatever is still locked is reported
then, as it stands. The journal simply records a second attempt at the same entry id.
"""

from __future__ import annotations

from dataclasses import replace

from anivault.core.apply.apply import ApplyControls, ApplyOutcome, apply_plan
from anivault.core.apply.journal import Journal
from anivault.core.plan.model import ListedEntries, Plan
from anivault.errors import FileLockedError


def apply_retrying_locked(plan: Plan, journal: Journal, controls: ApplyControls) -> list[ApplyOutcome]:
    """``apply_plan``, with locked files and the sidecars waiting on them applied once more at
    the end; each entry is reported once, with its final outcome."""
    held: dict[str, ApplyOutcome] = {}

    def hold_locked(outcome: ApplyOutcome) -> None:
        entry = outcome.entry
        waiting = outcome.status == "skipped" and entry.owner_id in held
        if outcome.error_code == FileLockedError.code or waiting:
            held[entry.entry_id] = outcome
        else:
            controls.on_outcome(outcome)

    outcomes = apply_plan(plan, journal, replace(controls, on_outcome=hold_locked))
    if not held:
        return outcomes
    first = [o for o in outcomes if o.entry.entry_id not in held]
    if controls.should_stop():
        second = list(held.values())
        for outcome in second:
            controls.on_outcome(outcome)
    else:
        again = replace(plan, entries=ListedEntries(o.entry for o in held.values()))
        second = apply_plan(again, journal, replace(controls, already_done=frozenset()))
    return first + second
