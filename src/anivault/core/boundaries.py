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
from pathlib import Path

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

    ``remember`` (for planning, where many entries share a folder) keeps each folder's verdict;
    the apply makes a boundary without it, so that each write is checked right before it."""

    __slots__ = ("_known", "_roots", "allow_symlinks", "root")

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

    def check(self, target: Path) -> str:
        """Refuse to write ``target`` when its folder is not inside the library. Returns a note
        when it is written through a symlinked folder leading out that ``allow_symlinks`` lets
        pass (else ""). Raises OutsideTargetError."""
        folder = os.path.dirname(os.path.abspath(target))
        if self._known is not None and folder in self._known:
            return self._known[folder]
        root, real_root = next(((r, real) for r, real in self._roots if is_within(folder, r)), ("", ""))
        if not root:
            raise OutsideTargetError(f"{target} is not inside the library {self.root}; nothing written")
        note = ""
        if not is_within(os.path.realpath(folder), real_root):
            link = _first_link(folder, root)
            leads_out = f"{link} is a symbolic link to {os.path.realpath(link)}, outside the library"
            if not self.allow_symlinks:
                raise OutsideTargetError(f"{leads_out}; nothing written through it (see {ALLOW_SETTING})")
            note = f"written through a link: {leads_out} ({ALLOW_SETTING})"
        if self._known is not None:
            self._known[folder] = note
        return note


def _first_link(folder: str, root: str) -> str:
    """The outermost symlinked folder from ``root`` down to ``folder`` (else ``folder`` itself)."""
    current = root
    for part in Path(os.path.relpath(folder, root)).parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return current
    return folder
