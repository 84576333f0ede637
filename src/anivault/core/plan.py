"""The plan: what would move where, decided entirely before anything moves.

Conflicts are found here, on the whole plan, because a conflict discovered halfway through moving
files is exactly how peers overwrite neighbours: two sources aiming at one target are both held
back (``E-ORGANIZE-CONFLICT``), and a target that already exists is skipped — or reported as a
duplicate when it holds the same bytes. The plan is deterministic: entries are sorted by source
and carry no timestamps, so the same tree, settings and cache give the same plan.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from anivault.core.models import Match, MatchedFile
from anivault.core.naming import sidecar_target, target_for
from anivault.errors import OrganizeConflictError

EntryStatus = Literal["planned", "conflict", "exists", "duplicate", "in_place"]
HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class PlanEntry:
    entry_id: str
    source: Path
    target: Path
    role: Literal["video", "sidecar"]
    status: EntryStatus
    relative_source: str
    relative_target: str
    match: Match
    owner_id: str | None = None
    """For a sidecar: the entry id of its video."""
    error_code: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    target_root: Path
    entries: tuple[PlanEntry, ...]

    def actionable(self) -> tuple[PlanEntry, ...]:
        return tuple(e for e in self.entries if e.status == "planned")


def entry_id(relative: str, size: int, mtime_ns: int) -> str:
    """Stable id of a source file as planned: changes if the file is replaced or edited."""
    return hashlib.sha256(f"{relative}\0{size}\0{mtime_ns}".encode()).hexdigest()[:16]


def build_plan(matched: Iterable[MatchedFile], target_root: Path) -> Plan:
    """Plan every matched video and its sidecars, then resolve conflicts over the whole plan."""
    entries: list[PlanEntry] = []
    for item in matched:
        if item.status != "matched" or item.match is None:
            continue
        scanned = item.parsed.scanned
        video_rel = target_for(item.match, scanned.path.suffix)
        video_id = entry_id(scanned.relative, scanned.size, scanned.mtime_ns)
        entries.append(_entry(video_id, scanned.path, scanned.relative, target_root, video_rel, item.match))
        folder = scanned.relative.rpartition("/")[0]
        for sidecar in scanned.sidecars:
            relative = f"{folder}/{sidecar.path.name}" if folder else sidecar.path.name
            rel_target = sidecar_target(video_rel, sidecar.tail)
            entries.append(
                _entry(
                    f"{video_id}{sidecar.tail}",
                    sidecar.path,
                    relative,
                    target_root,
                    rel_target,
                    item.match,
                    owner=video_id,
                )
            )
    entries.sort(key=lambda e: e.relative_source)
    return Plan(target_root, tuple(_resolve_conflicts(entries)))


def _entry(
    identifier: str,
    source: Path,
    relative: str,
    root: Path,
    rel_target: PurePosixPath,
    match: Match,
    owner: str | None = None,
) -> PlanEntry:
    return PlanEntry(
        entry_id=identifier,
        source=source,
        target=root.joinpath(*rel_target.parts),
        role="video" if owner is None else "sidecar",
        status="planned",
        relative_source=relative,
        relative_target=rel_target.as_posix(),
        match=match,
        owner_id=owner,
    )


def _resolve_conflicts(entries: list[PlanEntry]) -> list[PlanEntry]:
    by_target: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        by_target[entry.relative_target.casefold()].append(index)  # case-insensitive file systems
    resolved = list(entries)
    for indexes in by_target.values():
        if len(indexes) > 1:
            for index in indexes:
                resolved[index] = replace(
                    resolved[index], status="conflict", error_code=OrganizeConflictError.code
                )
    for index, entry in enumerate(resolved):
        if entry.status == "planned":
            resolved[index] = replace(entry, status=_on_disk_status(entry))
    blocked = {e.entry_id for e in resolved if e.role == "video" and e.status != "planned"}
    return [
        replace(e, status="conflict", error_code=OrganizeConflictError.code)
        if e.role == "sidecar" and e.owner_id in blocked and e.status == "planned"
        else e
        for e in resolved
    ]


def _on_disk_status(entry: PlanEntry) -> EntryStatus:
    # One stat of the target settles the common case (nothing there yet); resolving both paths
    # for every entry cost more than the whole rest of planning on a 300k-file tree.
    try:
        target = os.stat(entry.target)
        source = os.stat(entry.source)
        if os.path.samestat(source, target):
            return "in_place"
        same = target.st_size == source.st_size and _sha256(entry.target) == _sha256(entry.source)
    except OSError:
        return "planned"  # nothing there (the common case), or apply re-checks under its reservation
    return "duplicate" if same else "exists"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
