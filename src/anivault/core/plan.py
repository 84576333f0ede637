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
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from anivault.core.fingerprint import fingerprint
from anivault.core.fsinfo import existing_ancestor
from anivault.core.models import Fingerprint, Match, MatchedFile, positional_pickle
from anivault.core.naming import DEFAULT_NAMING, Naming, sidecar_target, target_for
from anivault.core.plan_store import PlanEntries
from anivault.errors import AniVaultError, OrganizeConflictError

EntryStatus = Literal["planned", "conflict", "exists", "duplicate", "in_place", "error"]
Action = Literal["move", "copy", "hardlink", "symlink"]
ConflictPolicy = Literal["skip", "index", "fail"]
ACTIONS: tuple[Action, ...] = ("move", "copy", "hardlink", "symlink")
CONFLICT_POLICIES: tuple[ConflictPolicy, ...] = ("skip", "index", "fail")
HASH_CHUNK = 1 << 20
MAX_INDEX = 99


@dataclass(frozen=True, slots=True)
class PlanOptions:
    naming: Naming = field(default_factory=lambda: DEFAULT_NAMING)
    action: Action = "move"
    on_conflict: ConflictPolicy = "skip"


@positional_pickle
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
    action: Action = "move"
    note: str = ""
    """Why the action or target differs from what was asked (hardlink fallback, index suffix)."""
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    target_root: Path
    entries: Sequence[PlanEntry]
    """In source order. Built plans read them from a disk spool on demand: iterate, don't copy."""
    source_root: Path | None = None
    options: PlanOptions = field(default_factory=PlanOptions)

    def actionable(self) -> tuple[PlanEntry, ...]:
        """The entries to carry out, in memory: for applying, which touches each of them anyway."""
        return tuple(e for e in self.entries if e.status == "planned")

    def status_counts(self) -> Counter[str]:
        if isinstance(self.entries, PlanEntries):
            return self.entries.status_counts()  # without reading every entry back
        return Counter(e.status for e in self.entries)

    def error_codes(self) -> tuple[str, ...]:
        if isinstance(self.entries, PlanEntries):
            return self.entries.error_codes()
        return tuple(dict.fromkeys(e.error_code for e in self.entries if e.error_code))


def entry_id(relative: str, print_: Fingerprint) -> str:
    """Stable id of a source file as planned: changes if the file is replaced, edited or moved."""
    key = f"{relative}\0{print_.size}\0{print_.mtime_ns}\0{print_.inode}\0{print_.partial_hash}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def build_plan(
    matched: Iterable[MatchedFile],
    target_root: Path,
    options: PlanOptions | None = None,
    *,
    source_root: Path | None = None,
) -> Plan:
    """Plan every matched video and its sidecars, then resolve conflicts over the whole plan.

    ``matched`` is consumed as a stream (unmatched items are ignored) and the entries are spooled
    to disk, so memory does not grow with the library. Raises OrganizeConflictError under
    ``on_conflict="fail"`` when any entry conflicts, before anything moves. A target too long for
    the path budget is an ``error`` entry, not a crash.
    """
    options = options or PlanOptions()
    entries = PlanEntries()
    fonts = _FontFolders()
    for item in matched:
        if item.status != "matched" or item.match is None:
            continue
        planned = _entries_for(item, item.match, target_root, options)
        for entry in planned:
            entries.add(entry)
        if item.parsed.scanned.fonts is not None:
            fonts.note(planned[0], item.parsed.scanned.fonts)
    for entry in fonts.entries(target_root):
        entries.add(entry)
    entries.seal()
    _resolve_conflicts(entries, target_root, options.on_conflict)
    if options.on_conflict == "fail":
        _refuse_conflicts(entries)
    return Plan(target_root, entries, source_root, options)


def _entries_for(item: MatchedFile, match: Match, root: Path, options: PlanOptions) -> list[PlanEntry]:
    scanned = item.parsed.scanned
    prints = item.parsed.prints
    if prints is None:
        raise ValueError(f"{scanned.relative} was parsed without fingerprints: a plan needs them")
    source = Path(scanned.path)
    video_id = entry_id(scanned.relative, prints.video)
    action, note = _effective_action(options.action, source, root)
    video = PlanEntry(
        entry_id=video_id,
        source=source,
        target=root,
        role="video",
        status="planned",
        relative_source=scanned.relative,
        relative_target="",
        match=match,
        action=action,
        note=note,
        fingerprint=prints.video,
    )
    try:
        video_rel = target_for(match, source.suffix, options.naming, root=str(root), source_stem=source.stem)
    except AniVaultError as exc:
        return [replace(video, status="error", error_code=exc.code, note=exc.message)]
    entries = [_retarget(video, root, video_rel)]
    folder = scanned.relative.rpartition("/")[0]
    for sidecar, side_print in zip(scanned.sidecars, prints.sidecars, strict=True):
        if side_print is None:
            continue
        name = os.path.basename(sidecar.path)
        side = replace(
            video,
            entry_id=f"{video_id}{sidecar.tail}",
            source=Path(sidecar.path),
            role="sidecar",
            relative_source=f"{folder}/{name}" if folder else name,
            owner_id=video_id,
            fingerprint=side_print,
        )
        entries.append(_retarget(side, root, sidecar_target(video_rel, sidecar.tail)))
    return entries


class _FontFolders:
    """A batch's ``Fonts/`` folder (the fonts its .ass subtitles need) follows the batch: into the
    season folder when every video of the batch goes to one, else into the show folder, else it
    stays (one folder of fonts cannot follow two shows). It travels with the batch's first video.
    The scan says which folders hold a ``Fonts/`` folder; of their videos, only the first and the
    distinct target folders are kept until the end."""

    def __init__(self) -> None:
        self._batches: dict[Path, _FontBatch] = {}

    def note(self, video: PlanEntry, fonts: str) -> None:
        """``video`` (the first entry planned for a file) sits beside a fonts folder named ``fonts``."""
        if video.status == "error":
            return
        folder = video.source.parent
        batch = self._batches.setdefault(folder, _FontBatch(folder / fonts, video))
        batch.add(video)

    def entries(self, root: Path) -> Iterator[PlanEntry]:
        for _, batch in sorted(self._batches.items()):
            destination = batch.destination()
            if destination is None:
                continue
            owner = batch.owner
            font_dir = batch.fonts
            base = owner.relative_source.rpartition("/")[0]
            for font in _files_in(font_dir):
                try:
                    print_ = fingerprint(font)
                except OSError:
                    continue
                relative = "/".join(p for p in (base, font_dir.name, font.name) if p)
                entry = replace(
                    owner,
                    entry_id=f"{owner.entry_id}/{font_dir.name}/{font.name}",
                    source=font,
                    role="sidecar",
                    relative_source=relative,
                    owner_id=owner.entry_id,
                    fingerprint=print_,
                )
                yield _retarget(entry, root, destination / font_dir.name / font.name)


def _files_in(folder: Path) -> list[Path]:
    """Sorted; none when the folder is gone or unreadable by now (its fonts then stay put)."""
    try:
        return sorted(f for f in folder.iterdir() if f.is_file())
    except OSError:
        return []


class _FontBatch:
    """The folders a batch's videos go to, and its first video by name (the fonts' owner)."""

    def __init__(self, fonts: Path, owner: PlanEntry) -> None:
        self.fonts = fonts
        self.owner = owner
        self._parents: set[PurePosixPath] = set()
        self._shows: set[str] = set()

    def add(self, video: PlanEntry) -> None:
        target = PurePosixPath(video.relative_target)
        self._parents.add(target.parent)
        self._shows.add(target.parts[0])
        if video.relative_source < self.owner.relative_source:
            self.owner = video

    def destination(self) -> PurePosixPath | None:
        """The one season folder of every video, else their one show folder, else None."""
        if len(self._parents) == 1:
            return next(iter(self._parents))
        if len(self._shows) == 1 and "Movies" not in self._shows:
            return PurePosixPath(next(iter(self._shows)))
        return None


def _retarget(entry: PlanEntry, root: Path, relative: PurePosixPath) -> PlanEntry:
    return replace(entry, target=root.joinpath(*relative.parts), relative_target=relative.as_posix())


def _effective_action(action: Action, source: Path, root: Path) -> tuple[Action, str]:
    """A hard link cannot cross devices: say so in the plan and copy instead."""
    if action != "hardlink":
        return action, ""
    try:
        same = source.stat().st_dev == existing_ancestor(root).stat().st_dev
    except OSError:
        return action, ""
    return (action, "") if same else ("copy", "hardlink across devices: copied instead")


def _resolve_conflicts(entries: PlanEntries, root: Path, policy: ConflictPolicy) -> None:
    entries.mark_shared_targets(OrganizeConflictError.code)
    on_disk = (
        (row, _on_disk_status(Path(source), Path(target))) for row, source, target in entries.planned_paths()
    )
    entries.set_statuses([(status, row) for row, status in on_disk if status != "planned"])
    if policy == "index":
        _index_taken_targets(entries, root)
    entries.block_orphaned_sidecars(OrganizeConflictError.code)


def _index_taken_targets(entries: PlanEntries, root: Path) -> None:
    """``--on-conflict index``: a video whose target holds *different* bytes gets ``(2)``, ``(3)``…
    and its sidecars follow it, so nothing is overwritten and nothing is left behind."""
    for row, video in list(entries.rows_with_status("exists", role="video")):
        family = [(row, video)] + [
            (r, s)
            for r, s in entries.sidecar_rows(video.entry_id)
            if s.entry_id.startswith(video.entry_id + ".")  # named after the video (fonts are not)
        ]
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
                                _retarget(member, root, target),
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


def _refuse_conflicts(entries: PlanEntries) -> None:
    clashes = entries.rows_with_status("conflict", "exists")
    first = next(clashes, None)
    if first is not None:
        entry = first[1]
        raise OrganizeConflictError(
            f"{1 + sum(1 for _ in clashes)} plan entries conflict (first: {entry.relative_source} → "
            f"{entry.relative_target}); --on-conflict fail: nothing was moved"
        )


def _on_disk_status(source_path: Path, target_path: Path) -> EntryStatus:
    # One stat of the target settles the common case (nothing there yet); resolving both paths
    # for every entry cost more than the whole rest of planning on a 300k-file tree.
    try:
        target = os.stat(target_path)
        source = os.stat(source_path)
        if os.path.samestat(source, target):
            return "in_place"
        same = target.st_size == source.st_size and sha256_of(target_path) == sha256_of(source_path)
    except OSError:
        return "planned"  # nothing there (the common case), or apply re-checks under its reservation
    return "duplicate" if same else "exists"


def sha256_of(path: Path) -> str:
    """Whole-file digest: "same bytes" for duplicates, verified copies and recovery."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
