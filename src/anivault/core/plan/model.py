"""The plan: what would move where, decided entirely before anything moves.

The plan is deterministic: entries are sorted by source and carry no timestamps, so the same tree,
settings and cache give the same plan. Building it is ``plan/build.py``; settling conflicts over the
whole plan is ``plan/conflicts.py``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal, overload

from anivault.core.models import Fingerprint, Match
from anivault.core.plan.naming import DEFAULT_NAMING, Naming
from anivault.core.plan.pathrules import NATIVE_RULES, PathRules
from anivault.services.settings_model import Action, ConflictPolicy

EntryStatus = Literal["planned", "review", "conflict", "exists", "duplicate", "in_place", "error"]
"""``review``: a best guess the matcher was not sure of; applied only once accepted, by
``--accept-review`` or by changing the entry's status to ``planned`` in the plan file."""
ENTRY_STATUSES: tuple[EntryStatus, ...] = (
    "planned",
    "review",
    "conflict",
    "exists",
    "duplicate",
    "in_place",
    "error",
)


@dataclass(frozen=True, slots=True)
class PlanOptions:
    naming: Naming = field(default_factory=lambda: DEFAULT_NAMING)
    action: Action = "move"
    on_conflict: ConflictPolicy = "skip"
    movies_root: Path | None = None
    """Where movies go (``--movies-dst``); None: ``plan.library.movies_root_for`` decides."""
    allow_target_symlinks: bool = False
    """Setting ``allow_target_symlinks``: write through symlinked library folders that lead out of it
    (``core/boundaries.py``). Taken from the settings, never from a plan file."""
    accept_review: bool = False
    """``--accept-review``: plan the best guesses of files under review like matched ones."""
    path_rules: PathRules = NATIVE_RULES
    """Whose path rules targets follow (setting ``path_rules``; ``plan/pathrules.py``)."""


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
    """What the plan says of the entry: an index suffix, why it is under review or an error, a link
    written through."""
    fingerprint: Fingerprint | None = None


class EntrySequence(Sequence[PlanEntry]):
    """A plan's entries in source order, with the questions asked of a whole plan. Answered here by
    reading every entry; the disk store of a built plan (``plan/store.py``) answers them in SQL."""

    def with_status(self, status: EntryStatus, *, role: str | None = None) -> Iterator[PlanEntry]:
        """The entries of one status (and role), in source order."""
        return (e for e in self if e.status == status and role in (None, e.role))

    def status_counts(self) -> Counter[str]:
        return Counter(e.status for e in self)

    def error_codes(self) -> tuple[str, ...]:
        """Distinct entry error codes, in source order of their first entry."""
        return tuple(dict.fromkeys(e.error_code for e in self if e.error_code))


class ListedEntries(EntrySequence):
    """Entries held in memory: a plan read from its file, or a part of one."""

    def __init__(self, entries: Iterable[PlanEntry] = ()) -> None:
        self._entries = tuple(entries)

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> PlanEntry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PlanEntry]: ...
    def __getitem__(self, index: int | slice) -> PlanEntry | Sequence[PlanEntry]:
        return self._entries[index]

    def __iter__(self) -> Iterator[PlanEntry]:
        return iter(self._entries)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence with the same entries in the same order, as the tuple it holds."""
        return isinstance(other, Sequence) and tuple(other) == self._entries

    __hash__ = None  # type: ignore[assignment]  # compared by content


@dataclass(frozen=True, slots=True)
class Plan:
    target_root: Path
    entries: EntrySequence
    """In source order. Built plans read them from a disk store on demand: iterate, don't copy."""
    source_root: Path | None = None
    options: PlanOptions = field(default_factory=PlanOptions)

    def actionable(self) -> tuple[PlanEntry, ...]:
        """The entries to carry out, in memory: for applying, which touches each of them anyway."""
        return tuple(e for e in self.entries if e.status == "planned")

    def with_status(self, status: EntryStatus, *, role: str | None = None) -> Iterator[PlanEntry]:
        """The entries of one status (and role), in source order."""
        return self.entries.with_status(status, role=role)

    def status_counts(self) -> Counter[str]:
        return self.entries.status_counts()

    def error_codes(self) -> tuple[str, ...]:
        return self.entries.error_codes()


def entry_id(relative: str, print_: Fingerprint) -> str:
    """Stable id of a source file as planned: changes if the file is replaced, edited or moved."""
    key = f"{relative}\0{print_.size}\0{print_.mtime_ns}\0{print_.inode}\0{print_.partial_hash}"
    return hashlib.sha256(name_bytes(key)).hexdigest()[:16]


def id_part(name: str) -> str:
    """A file name as part of an entry id (a sidecar's tail, a font's name): as it is when it is
    valid UTF-8, else with each undecodable byte written as ``\\xNN``, so that an id is always
    plain text for JSON, SQLite and logs, and two odd names never share one."""
    return name if name.isascii() else name_bytes(name).decode("utf-8", "backslashreplace")


def name_bytes(name: str) -> bytes:
    """A file name as bytes, whatever it holds: UTF-8, with the undecodable bytes a POSIX name
    carries as lone surrogates (``surrogateescape``) turned back into those bytes, and any other
    lone surrogate (a Windows name that is not valid UTF-16) encoded as it stands."""
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogatepass")


def retarget(entry: PlanEntry, root: Path, relative: PurePosixPath) -> PlanEntry:
    return replace(entry, target=root.joinpath(*relative.parts), relative_target=relative.as_posix())


def entry_root(entry: PlanEntry) -> Path:
    """The root ``entry.relative_target`` is below: the series root, or the movie root."""
    depth = len(PurePosixPath(entry.relative_target).parts)
    return Path(*entry.target.parts[: len(entry.target.parts) - depth])


def duplicate_ids(entries: Iterable[PlanEntry]) -> list[str]:
    """Entry ids that occur more than once: the journal keys each step by id, so undo and resume
    could act on only one of them."""
    counts = Counter(entry.entry_id for entry in entries)
    return sorted(entry_id for entry_id, count in counts.items() if count > 1)
