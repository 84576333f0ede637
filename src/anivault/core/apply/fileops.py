"""The few OS calls that put a file in place, behind one small interface, and how their Windows
failures read.

Windows refuses to rename or delete a video that a player holds open (a sharing violation), and
refuses symbolic links to users without the privilege; Linux shows neither. No OS links across
volumes (``EXDEV``). Passing a ``FileOps``
that raises those errors for chosen paths is how the tests walk the Windows paths of ``apply`` on
any OS; the product uses ``OS_FILE_OPS``.
"""

from __future__ import annotations

import errno
import os
from typing import Protocol

ERROR_SHARING_VIOLATION = 32
ERROR_LOCK_VIOLATION = 33
ERROR_PRIVILEGE_NOT_HELD = 1314
"""Windows error numbers (``OSError.winerror``); Python maps the first two to ``EACCES``."""


class FileOps(Protocol):
    """Rename, remove and link, each raising OSError as the OS does."""

    def rename(self, source: str, target: str) -> None: ...

    def remove(self, path: str) -> None: ...

    def hardlink(self, source: str, target: str) -> None: ...

    def symlink(self, source: str, target: str) -> None: ...


class OsFileOps:
    """The real calls. ``rename`` replaces its target: callers rename onto their own reservation."""

    def rename(self, source: str, target: str) -> None:
        os.replace(source, target)

    def remove(self, path: str) -> None:
        os.unlink(path)

    def hardlink(self, source: str, target: str) -> None:
        os.link(source, target)

    def symlink(self, source: str, target: str) -> None:
        os.symlink(source, target)


OS_FILE_OPS: FileOps = OsFileOps()


def is_locked(exc: OSError) -> bool:
    """The file is open in another program: a Windows sharing or lock violation (checked before
    ``errno``, which says only EACCES for them), or EBUSY/ETXTBSY elsewhere."""
    if getattr(exc, "winerror", None) in (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION):
        return True
    return exc.errno in (errno.EBUSY, errno.ETXTBSY)


def copy_instead(action: str, exc: OSError) -> str | None:
    """Why a failed link may become a verified copy, or None when the failure stands: Windows
    grants symbolic links only with a privilege (or Developer Mode). A hard link never becomes a
    copy: one across volumes is refused (``E-FS-CROSS-DEVICE``), since a copy would take the
    space the link was asked to save."""
    not_permitted = exc.errno == errno.EPERM or getattr(exc, "winerror", None) == ERROR_PRIVILEGE_NOT_HELD
    if action == "symlink" and not_permitted:
        return "symbolic links not permitted here (Windows: enable Developer Mode): copied instead"
    return None
