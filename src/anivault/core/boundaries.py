"""The two trust boundaries of a run: what may enter the library, and where it may be written.

* Source: only regular files under ``--src`` enter, reached without following a symbolic link
  (the scan skips links, FIFOs, sockets and devices; ``fingerprint.open_regular`` refuses them
  again when a file is read). The setting ``follow_source_symlinks`` admits a link whose real path
  is a regular file inside the real ``--src``: ``link_target`` is that rule.
* Target: every path written stays inside the real path of ``--dst``. A symlinked folder inside the
  library that leads out of it is refused (``E-FS-OUTSIDE-TARGET``) unless the setting
  ``allow_target_symlinks`` says it is meant. ``TargetBoundary`` is checked when the plan is made
  (the entry becomes an ``error`` entry) and again right before the apply creates a folder or
  reserves a target, since a folder may be swapped for a link in between.

docs/safety.md states these rules for users.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path
from typing import Literal

from anivault.core.fingerprint import NotRegularFile, file_kind
from anivault.errors import OutsideTargetError

ALLOW_SETTING = "allow_target_symlinks"


def is_within(path: str, root: str) -> bool:
    """``path`` is ``root`` or below it; both absolute and normalised (no ``..``, no trailing /)."""
    try:
        return os.path.commonpath((path, root)) == root
    except ValueError:  # Windows: different drives, or one path relative
        return False


def link_target(path: str, real_root: str) -> str:
    """The real path of the symlink ``path`` when it is a regular file inside ``real_root`` (the
    source's real path). Raises NotRegularFile saying why not: it leads out of the source, to a
    folder or a FIFO, or nowhere."""
    real = os.path.realpath(path)
    if real == real_root or not is_within(real, real_root):
        raise NotRegularFile(path, "symbolic link leading outside the source")
    try:
        mode = os.stat(real, follow_symlinks=False).st_mode
    except OSError as exc:
        raise NotRegularFile(path, f"symbolic link to nothing readable ({exc.strerror})") from exc
    if stat.S_ISLNK(mode):  # what realpath leaves of a loop
        raise NotRegularFile(path, "symbolic link loop")
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, f"symbolic link to a {file_kind(mode)}")
    return real


class TargetBoundary:
    """Where a run may write: below ``--dst`` (and the movie root, ``also``) made absolute, as the
    OS resolves it now.

    ``remember`` (for planning, where many entries share a folder) keeps each folder's verdict
    and resolves a folder from its parent's resolved path and its parent's listing: one
    ``scandir`` per existing folder on the way, none below a missing one (so none at all under a
    library not made yet), since planning runs on the busiest thread of a run and every system
    call there hands the interpreter to the other threads, which may keep it for a whole switch
    interval. The apply makes a boundary without it, so that each write is checked against the
    file system right before it."""

    __slots__ = ("_known", "_listings", "_resolved", "_roots", "allow_symlinks", "root")

    def __init__(
        self,
        target_root: Path,
        *,
        also: Path | None = None,
        allow_symlinks: bool = False,
        remember: bool = False,
    ) -> None:
        self.root = os.path.abspath(target_root)
        roots = [self.root] + ([os.path.abspath(also)] if also is not None else [])
        self._roots = tuple((root, os.path.realpath(root)) for root in dict.fromkeys(roots))
        self.allow_symlinks = allow_symlinks
        """``allow_target_symlinks``: a symlinked folder may lead out of the library (``..`` never)."""
        self._known: dict[str, str] | None = {} if remember else None
        """A target's folder as given → its verdict, for ``remember``."""
        self._resolved: dict[str, tuple[str, bool]] = {}
        """Folder → (its real path, whether it exists), for ``remember``."""
        self._listings: dict[str, _Listing] = {}
        """Existing folder → what is in it, for ``remember``."""

    def check(self, target: Path) -> str:
        """Refuse to write ``target`` when its folder is not inside the library. Returns a note
        when it is written through a symlinked folder leading out that ``allow_symlinks`` lets
        pass (else ""). Raises OutsideTargetError."""
        head, name = os.path.split(target)
        plain = name not in ("", os.curdir, os.pardir)  # then its folder is ``head`` made absolute
        if self._known is not None and plain and head in self._known:
            return self._known[head]  # keyed as given: a plan's targets come normalised already
        folder = os.path.abspath(head) if plain else os.path.dirname(os.path.abspath(target))
        root, real_root = next(((r, real) for r, real in self._roots if is_within(folder, r)), ("", ""))
        if not root:
            raise OutsideTargetError(f"{target} is not inside the library {self.root}; nothing written")
        note = ""
        real = self._real(folder, root, real_root) if self._known is not None else os.path.realpath(folder)
        if not is_within(real, real_root):
            link = _first_link(folder, root)
            leads_out = f"{link} is a symbolic link to {os.path.realpath(link)}, outside the library"
            if not self.allow_symlinks:
                raise OutsideTargetError(f"{leads_out}; nothing written through it (see {ALLOW_SETTING})")
            note = f"written through a link: {leads_out} ({ALLOW_SETTING})"
        if self._known is not None and plain:
            self._known[head] = note
        return note

    def _real_of(self, folder: str, root: str, real_root: str) -> tuple[str, bool]:
        known = self._resolved.get(folder)
        if known is not None:
            return known
        if folder == root:
            resolved = (real_root, os.path.lexists(root))
        else:
            parent_real, parent_exists = self._real_of(os.path.dirname(folder), root, real_root)
            name = os.path.basename(folder)
            joined = os.path.join(parent_real, name)
            resolved = (joined, False)
            if parent_exists:
                kind = self._listing(os.path.dirname(folder)).kind(name)
                if kind == "folder":
                    resolved = (joined, True)
                elif kind != "missing":  # a link, or only the OS can say (see _Listing)
                    resolved = (os.path.realpath(folder), True)
        self._resolved[folder] = resolved
        return resolved

    def _listing(self, folder: str) -> _Listing:
        listing = self._listings.get(folder)
        if listing is None:
            listing = self._listings[folder] = _Listing.of(folder)
        return listing

    def _real(self, folder: str, root: str, real_root: str) -> str:
        """``os.path.realpath(folder)`` for a folder lexically inside ``root``, from the memo."""
        return self._real_of(folder, root, real_root)[0]


class _Listing:
    """What one folder holds, from one ``scandir``: each name, and whether it is a symbolic link.

    A name the folder does not hold exactly but holds in another case or Unicode form is left to
    the OS (``lstat``'s answer, through ``realpath``): a case-insensitive disk would open the
    existing entry. The fold is Python's, not the file system's; where the two differ the apply,
    which checks each write with no memo, still refuses a link leading out."""

    __slots__ = ("_folded", "_links")

    def __init__(self, links: dict[str, bool] | None) -> None:
        self._links = links
        """Name → is a symlink; None when the folder cannot be listed (the OS answers each name)."""
        self._folded = None if links is None else {_fold(name) for name in links}

    @classmethod
    def of(cls, folder: str) -> _Listing:
        try:
            with os.scandir(folder) as entries:
                return cls({entry.name: entry.is_symlink() for entry in entries})
        except FileNotFoundError:  # gone since its parent was listed: nothing below it exists
            return cls({})
        except OSError:
            return cls(None)

    def kind(self, name: str) -> Literal["folder", "link", "missing", "ask"]:
        """What ``name`` is in the folder; ``ask``: only the OS can say."""
        if self._links is None or self._folded is None:
            return "ask"
        link = self._links.get(name)
        if link is not None:
            return "link" if link else "folder"
        return "ask" if _fold(name) in self._folded else "missing"


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _first_link(folder: str, root: str) -> str:
    """The outermost symlinked folder from ``root`` down to ``folder`` (else ``folder`` itself)."""
    current = root
    for part in Path(os.path.relpath(folder, root)).parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return current
    return folder
