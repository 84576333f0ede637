"""Conflicts, found on the whole plan before anything moves.

A conflict discovered halfway through moving files is exactly how peers overwrite neighbours: two
sources aiming at one target are both held back (``E-ORGANIZE-CONFLICT``), and a target that already
holds a different file is one too (``exists``, its note giving both sizes) unless ``--on-conflict
index`` numbers the new file; a target holding the same bytes is a duplicate: already in the library.
A sidecar whose video does not move stays with it, and its note says why.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path, PurePosixPath

from anivault.core.fingerprint import sha256_of
from anivault.core.plan.model import EntryStatus, PlanEntry, entry_root, retarget
from anivault.core.plan.naming import sidecar_target
from anivault.core.plan.store import PlanEntries
from anivault.errors import OrganizeConflictError
from anivault.services.settings_model import ConflictPolicy

MAX_INDEX = 99


def resolve_conflicts(entries: PlanEntries, policy: ConflictPolicy) -> None:
    entries.mark_shared_targets(OrganizeConflictError.code)
    on_disk = ((row, _on_disk_status(source, target)) for row, source, target in entries.planned_paths())
    entries.set_statuses([(status, row) for row, status in on_disk if status != "planned"])
    if policy == "index":
        _index_taken_targets(entries)
    _explain_taken_targets(entries)
    _hold_orphaned_sidecars(entries)


def _explain_taken_targets(entries: PlanEntries) -> None:
    """A different file at the target is a conflict: say so, with both sizes to compare."""
    code = OrganizeConflictError.code
    entries.replace_rows(
        [
            (row, replace(entry, error_code=code, note=_join(entry.note, _taken_note(entry))))
            for row, entry in list(entries.rows_with_status("exists"))
        ]
    )


def _taken_note(entry: PlanEntry) -> str:
    try:
        there, here = os.stat(entry.target).st_size, os.stat(entry.source).st_size
    except OSError:
        return "a different file is already at the target"
    shown = (_size(there), _size(here))
    if shown[0] == shown[1]:  # same when rounded: the exact counts tell them apart
        shown = (f"{there:,} B", f"{here:,} B")
    return f"a different file is already at the target ({shown[0]} there, {shown[1]} here)"


def _size(count: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def _hold_orphaned_sidecars(entries: PlanEntries) -> None:
    """A sidecar must not move without its video: held back, with the video's reason."""
    entries.set_conflicts(
        [
            (_join(note, f"stays with its video ({_video_reason(status, video_note)})"), row)
            for row, note, status, video_note in entries.orphaned_sidecars()
        ],
        OrganizeConflictError.code,
    )


def _video_reason(status: str, note: str) -> str:
    reasons = {
        "duplicate": "already in the library",
        "in_place": "already in place",
        "exists": "a different file is at its target",
        "conflict": "another file claims its target",
    }
    return reasons.get(status, note or status)


def _index_taken_targets(entries: PlanEntries) -> None:
    """``--on-conflict index``: a video whose target holds *different* bytes gets ``(2)``, ``(3)``…
    and its sidecars follow it, so nothing is overwritten and nothing is left behind."""
    for row, video in list(entries.rows_with_status("exists", role="video")):
        family = [(row, video)] + [
            (r, s)
            for r, s in entries.sidecar_rows(video.entry_id)
            if s.entry_id.startswith(video.entry_id + ".")  # named after the video (fonts are not)
        ]
        root = entry_root(video)
        for number in range(2, MAX_INDEX + 1):
            video_rel = _indexed(PurePosixPath(video.relative_target), number)
            targets = [video_rel] + [
                sidecar_target(video_rel, s.entry_id[len(video.entry_id) :]) for _, s in family[1:]
            ]
            if all(_is_free(entries, root, t) for t in targets):
                entries.replace_rows(
                    [
                        (
                            member_row,
                            replace(
                                retarget(member, root, target),
                                status="planned",
                                error_code=None,
                                note=_join(member.note, f"target taken: indexed ({number})"),
                            ),
                        )
                        for (member_row, member), target in zip(family, targets, strict=True)
                    ]
                )
                break


def _is_free(entries: PlanEntries, root: Path, target: PurePosixPath) -> bool:
    return not entries.target_taken(target.as_posix()) and not root.joinpath(*target.parts).exists()


def _indexed(target: PurePosixPath, number: int) -> PurePosixPath:
    return target.with_name(f"{target.stem} ({number}){target.suffix}")


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def refuse_conflicts(entries: PlanEntries) -> None:
    clashes = entries.rows_with_status("conflict", "exists")
    first = next(clashes, None)
    if first is not None:
        entry = first[1]
        raise OrganizeConflictError(
            f"{1 + sum(1 for _ in clashes)} plan entries conflict (first: {entry.relative_source} → "
            f"{entry.relative_target}); --on-conflict fail: nothing was moved"
        )


def _on_disk_status(source_path: str, target_path: str) -> EntryStatus:
    # One stat of the target settles the common case (nothing there yet); resolving both paths
    # for every entry would stat every folder above both, on the largest loop of planning.
    try:
        target = os.stat(target_path)
        source = os.stat(source_path)
        if os.path.samestat(source, target):
            return "in_place"
        same = target.st_size == source.st_size and (
            sha256_of(Path(target_path)) == sha256_of(Path(source_path))
        )
    except OSError:
        return "planned"  # nothing there (the common case), or apply re-checks under its reservation
    return "duplicate" if same else "exists"
