"""Apply a plan: each entry carried out with a no-clobber operation (``fsops``), every step
journalled before it happens (``journal``), a per-file outcome for each.

The target must be absent before the ``intent`` line is written, so that after a crash an empty
file at a target with only an intent line can be told apart as our own reservation. A hard link
across volumes is refused (``E-FS-CROSS-DEVICE``) before anything is written, or when the OS says
so (``EXDEV``); a symbolic link refused for want of the privilege falls back to a verified copy,
journalled as ``fallback``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from anivault.core.apply.fileops import OS_FILE_OPS, FileOps, copy_instead
from anivault.core.apply.fsops import copy_no_clobber, link, link_error, move_no_clobber, translate_os_error
from anivault.core.apply.journal import Journal, Phase
from anivault.core.apply.recovery import done_fields
from anivault.core.boundaries import TargetBoundary
from anivault.core.fingerprint import fingerprint
from anivault.core.plan.model import Plan, PlanEntry, duplicate_ids
from anivault.core.plan.pathrules import PathRules
from anivault.errors import (
    AniVaultError,
    OrganizeConflictError,
    PlanStaleError,
    PlanUntrustedError,
    SourceMissingError,
)

OutcomeStatus = Literal["moved", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    entry: PlanEntry
    status: OutcomeStatus
    error_code: str | None = None
    message: str = ""


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


def _never() -> bool:
    return False


def _ignore(_: ApplyOutcome) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ApplyControls:
    """How one apply is driven, besides the plan and its journal."""

    should_stop: Callable[[], bool] = _never
    """Asked between files (Ctrl+C): True stops before the next one starts."""
    on_outcome: Callable[[ApplyOutcome], None] = _ignore
    """Told each entry's outcome as it happens."""
    pacer: Pacer | None = None
    already_done: frozenset[str] = frozenset()
    """Entry ids the journal records as done (a resumed run): not done again."""
    ops: FileOps = OS_FILE_OPS


def apply_plan(plan: Plan, journal: Journal, controls: ApplyControls) -> list[ApplyOutcome]:
    """Carry out every actionable entry not in ``controls.already_done``, videos before their
    sidecars; stop between files on request. Per-file failures are outcomes, never exceptions; a
    plan naming one entry twice is refused whole (PlanUntrustedError) before anything moves."""
    outcomes: list[ApplyOutcome] = []
    failed_videos: set[str] = set()
    ordered = sorted(plan.actionable(), key=lambda e: (e.role != "video", e.relative_source))
    twice = duplicate_ids(ordered)
    if twice:
        raise PlanUntrustedError(f"entry id {twice[0]} appears more than once in the plan; nothing was moved")
    source_root = _real(plan.source_root) if plan.source_root is not None else None
    boundary = TargetBoundary(
        plan.target_root, also=plan.options.movies_root, allow_symlinks=plan.options.allow_target_symlinks
    )
    place = _Place(source_root, boundary, plan.options.path_rules)
    for entry in ordered:
        if entry.entry_id in controls.already_done:
            continue
        if entry.role == "sidecar" and entry.owner_id in failed_videos:
            outcome = ApplyOutcome(entry, "skipped", message="its video was not moved")
        else:
            if controls.pacer is not None:
                controls.pacer.wait()
            if controls.should_stop():  # after the pause too: Ctrl+C during it must not start a move
                break
            outcome = _apply_one(entry, journal, place, controls.ops)
        if entry.role == "video" and outcome.status != "moved":
            failed_videos.add(entry.entry_id)
        outcomes.append(outcome)
        controls.on_outcome(outcome)
    return outcomes


@dataclass(frozen=True, slots=True)
class _Place:
    """What every entry of the plan is checked against before anything is written for it."""

    source_root: str | None
    boundary: TargetBoundary
    rules: PathRules


def _apply_one(entry: PlanEntry, journal: Journal, place: _Place, ops: FileOps) -> ApplyOutcome:
    try:
        _check_source(entry, place.source_root)
        place.boundary.check(entry.target)  # now, right before a folder is made: it may be a link by now
        refused = place.rules.link_refusal(entry.action, entry.source, entry.target.parent)
        if refused is not None:  # a plan file from elsewhere, or a volume mounted since planning
            raise refused
        if entry.target.exists() or entry.target.is_symlink():
            # Checked before the intent line, so that after a crash an empty file at a target
            # with only an intent line can be told apart as our own reservation.
            raise OrganizeConflictError(f"{entry.target} already exists; left untouched")
        _make_parents(entry.target.parent, journal)
    except AniVaultError as exc:
        return ApplyOutcome(entry, "failed", exc.code, exc.message)
    journal.record(Phase.INTENT, **_intent_fields(entry))
    try:
        fields, note = _perform(entry, journal, ops)
    except AniVaultError as exc:
        journal.record(Phase.FAILED, id=entry.entry_id, code=exc.code)
        return ApplyOutcome(entry, "failed", exc.code, exc.message)
    journal.record(Phase.DONE, id=entry.entry_id, **fields)
    return ApplyOutcome(entry, "moved", message=note)


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


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _check_source(entry: PlanEntry, source_root: str | None) -> None:
    """A plan is untrusted input: its source must really lie under the plan's source root (no
    symlink or ``..`` leading out) and be the very file that was planned (its fingerprint)."""
    if entry.fingerprint is None:
        raise PlanUntrustedError(f"{entry.relative_source} has no fingerprint in the plan; plan again")
    if source_root is not None:
        real = _real(entry.source)
        if os.path.commonpath((real, source_root)) != source_root:
            raise PlanUntrustedError(f"{entry.source} lies outside the plan's source folder; not taken")
    try:
        current = fingerprint(entry.source)
    except FileNotFoundError as exc:
        raise SourceMissingError(f"{entry.source} no longer exists") from exc
    except OSError as exc:
        raise translate_os_error(exc, entry.source) from exc
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
        journal.record(Phase.MKDIR, path=str(path))
        try:
            path.mkdir(exist_ok=True)
        except OSError as exc:
            raise translate_os_error(exc, path) from exc


def _perform(entry: PlanEntry, journal: Journal, ops: FileOps) -> tuple[dict[str, object], str]:
    """Carry the entry out; return what its ``done`` line records about the library file, and a
    warning for the outcome when it was done another way (a symbolic link refused: copied instead)."""
    source, target = entry.source, entry.target

    def reserved() -> None:
        journal.record(Phase.RESERVED, id=entry.entry_id)

    if entry.action in ("hardlink", "symlink"):
        try:
            link(entry.action, source, target, ops)
            return {}, ""
        except OSError as exc:
            fallback = copy_instead(entry.action, exc)
            if fallback is None:
                raise link_error(exc, source, target) from exc
        journal.record(Phase.FALLBACK, id=entry.entry_id, op="copy")
        return done_fields(target, copy_no_clobber(source, target, on_reserved=reserved)), fallback
    if entry.action == "move":
        return done_fields(target, move_no_clobber(source, target, on_reserved=reserved, ops=ops)), ""
    return done_fields(target, copy_no_clobber(source, target, on_reserved=reserved)), ""
