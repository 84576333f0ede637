"""Building the plan: every matched video and its sidecars (and a batch's fonts) get a target.

Series go below the library root, movies below the movie root; both are looked at first
(``plan/library.py``) so that new files join the folders already there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

from anivault.core.boundaries import TargetBoundary
from anivault.core.fingerprint import fingerprint
from anivault.core.models import Match, MatchedFile
from anivault.core.plan.conflicts import refuse_conflicts, resolve_conflicts
from anivault.core.plan.episode_titles import EpisodeTitle
from anivault.core.plan.library import LibraryFolders, movies_root_for
from anivault.core.plan.model import (
    EntryStatus,
    Plan,
    PlanEntry,
    PlanOptions,
    entry_id,
    entry_root,
    id_part,
    retarget,
)
from anivault.core.plan.naming import sidecar_target, target_for
from anivault.core.plan.pathrules import spelling_for
from anivault.core.plan.store import PlanEntries
from anivault.errors import AniVaultError, OutsideTargetError
from anivault.services.settings import Action
from anivault.utils.fsinfo import existing_ancestor

_REVIEW_NOTES = {False: "review (best guess): ", True: "review accepted (--accept-review): "}


def build_plan(
    matched: Iterable[MatchedFile],
    target_root: Path,
    options: PlanOptions | None = None,
    *,
    source_root: Path | None = None,
    episode_title: EpisodeTitle | None = None,
) -> Plan:
    """Plan every matched video and its sidecars, then resolve conflicts over the whole plan.

    A file under review gets ``review`` entries, which are not applied and claim no target,
    unless ``options.accept_review`` plans it like a matched one. ``matched`` is consumed as a
    stream (items without a placed match are ignored) and the entries are spooled
    to disk, so memory does not grow with the library. Raises OrganizeConflictError under
    ``on_conflict="fail"`` when any entry conflicts, before anything moves. A target too long for
    the path budget is an ``error`` entry, not a crash. ``episode_title`` fills the template field
    of that name (see ``episode_titles_for``). Movies go to ``options.movies_root``, by default
    the folder ``movies_root_for`` names. A target whose folder leads out of the
    library through a symlink is an ``error`` entry too (``E-FS-OUTSIDE-TARGET``, see
    ``core/boundaries.py``).
    """
    options = options or PlanOptions()
    movies = options.movies_root or movies_root_for(target_root, None).root
    options = replace(options, movies_root=movies)  # the plan file records where movies went
    roots = _Roots(target_root, movies, allow_symlinks=options.allow_target_symlinks)
    entries = PlanEntries()
    fonts = _FontFolders()
    respell = spelling_for(options.path_rules)
    for item in matched:
        match = item.match
        if match is None or not item.plannable:
            continue
        title = episode_title(match) if episode_title is not None else None
        planned = [roots.contain(respell(e)) for e in _entries_for(item, match, roots, options, title)]
        for entry in planned:
            entries.add(entry)
        if item.parsed.scanned.fonts is not None:
            fonts.note(planned[0], item.parsed.scanned.fonts)
    for entry in fonts.entries():
        entries.add(roots.contain(respell(entry)))
    entries.seal()
    resolve_conflicts(entries, options.on_conflict)
    if options.on_conflict == "fail":
        refuse_conflicts(entries)
    return Plan(target_root, entries, source_root, options)


class _Roots:
    """The series root and the movie root, each with its existing folders (listed on first use) and
    the boundary no target may cross (``core/boundaries.py``)."""

    def __init__(self, series: Path, movies: Path, *, allow_symlinks: bool) -> None:
        self.series = LibraryFolders(series)
        self.movies = self.series if movies == series else LibraryFolders(movies)
        self._boundary = TargetBoundary(series, also=movies, allow_symlinks=allow_symlinks, remember=True)

    def of(self, match: Match) -> LibraryFolders:
        return self.movies if match.media_type == "movie" else self.series

    def contain(self, entry: PlanEntry) -> PlanEntry:
        """``entry``, or an ``error`` entry when its target would be written outside its root; a note
        says when a symlinked folder leading out is written through (``allow_target_symlinks``)."""
        if entry.status == "error":
            return entry
        try:
            allowed = self._boundary.check(entry.target)
        except OutsideTargetError as exc:
            return replace(entry, status="error", error_code=exc.code, note=exc.message)
        return replace(entry, note="; ".join(n for n in (entry.note, allowed) if n)) if allowed else entry


def _entries_for(
    item: MatchedFile, match: Match, roots: _Roots, options: PlanOptions, episode_title: str | None
) -> list[PlanEntry]:
    library = roots.of(match)
    root = library.root
    scanned = item.parsed.scanned
    prints = item.parsed.prints
    if prints is None:
        raise ValueError(f"{scanned.relative} was parsed without fingerprints: a plan needs them")
    source = Path(scanned.path)
    listed = PurePosixPath(scanned.relative)  # a followed symlink's own name; source is its real path
    video_id = entry_id(scanned.relative, prints.video)
    action, note = _effective_action(options.action, source, root)
    status: EntryStatus = "planned"
    if item.status == "review":
        status = "planned" if options.accept_review else "review"
        note = "; ".join(n for n in (note, _REVIEW_NOTES[options.accept_review] + item.note) if n)
    video = PlanEntry(
        entry_id=video_id,
        source=source,
        target=root,
        role="video",
        status=status,
        relative_source=scanned.relative,
        relative_target="",
        match=match,
        action=action,
        note=note,
        fingerprint=prints.video,
    )
    try:
        video_rel = target_for(
            match,
            listed.suffix,
            options.naming,
            root=str(root),
            source_stem=listed.stem,
            episode_title=episode_title,
            adopt=library.adopt,
        )
    except AniVaultError as exc:
        return [replace(video, status="error", error_code=exc.code, note=exc.message)]
    entries = [retarget(video, root, video_rel)]
    folder = scanned.relative.rpartition("/")[0]
    directory = scanned.path[: len(scanned.path) - len(os.path.basename(scanned.path))]
    for sidecar, side_print in zip(scanned.sidecars, prints.sidecars, strict=True):
        if side_print is None:
            continue
        name = sidecar.path[len(directory) :].replace(os.sep, "/")  # Subs/2_English.srt too
        side = replace(
            video,
            entry_id=f"{video_id}{id_part(sidecar.tail)}",
            source=Path(sidecar.path),
            role="sidecar",
            relative_source=f"{folder}/{name}" if folder else name,
            owner_id=video_id,
            fingerprint=side_print,
        )
        entries.append(retarget(side, root, sidecar_target(video_rel, sidecar.tail)))
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

    def entries(self) -> Iterator[PlanEntry]:
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
                    entry_id=f"{owner.entry_id}/{id_part(font_dir.name)}/{id_part(font.name)}",
                    source=font,
                    role="sidecar",
                    relative_source=relative,
                    owner_id=owner.entry_id,
                    fingerprint=print_,
                )
                yield retarget(entry, entry_root(owner), destination / font_dir.name / font.name)


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
        self._parents: set[tuple[Path, PurePosixPath]] = set()
        self._shows: set[tuple[Path, str]] = set()

    def add(self, video: PlanEntry) -> None:
        target = PurePosixPath(video.relative_target)
        root = entry_root(video)
        self._parents.add((root, target.parent))
        self._shows.add((root, target.parts[0]))
        if video.relative_source < self.owner.relative_source:
            self.owner = video

    def destination(self) -> PurePosixPath | None:
        """The one season (or movie) folder of every video, else their one show folder, else None."""
        if len(self._parents) == 1:
            return next(iter(self._parents))[1]
        if len(self._shows) == 1:
            return PurePosixPath(next(iter(self._shows))[1])
        return None


def _effective_action(action: Action, source: Path, root: Path) -> tuple[Action, str]:
    """A hard link cannot cross devices: say so in the plan and copy instead."""
    if action != "hardlink":
        return action, ""
    try:
        same = source.stat().st_dev == existing_ancestor(root).stat().st_dev
    except OSError:
        return action, ""
    return (action, "") if same else ("copy", "hardlink across devices: copied instead")
