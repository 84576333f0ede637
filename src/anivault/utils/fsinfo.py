"""Is a folder on a network file system? Moves there are slow and antivirus scans slower.

Users run AniVault against NAS shares all the time; a 300-file run that takes seconds locally can
take many minutes over SMB, and on Windows each rename may be scanned. We cannot make that fast,
but we can say so once, up front, and point at ``--io-pace-limit``. The decision is a pure
function of the path and the mount table (Linux ``/proc/self/mounts``) or the drive type
(Windows), so it is tested with made-up mount tables on any OS.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

NETWORK_FS_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "afs", "9p", "davfs", "fuse.rclone"}
)
MOUNTS_FILE = Path("/proc/self/mounts")
LONG_PREFIX = "\\\\?\\"
_OCTAL = re.compile(r"\\([0-7]{3})")
_DRIVE_REMOTE = 4
"""``GetDriveTypeW`` answer for a mapped network drive."""


@dataclass(frozen=True, slots=True)
class Mount:
    point: str
    fs_type: str


def network_fs_type(path: str, mounts: Iterable[Mount], *, windows: bool = False) -> str | None:
    """The network file-system kind holding ``path`` (``"smb"`` for a UNC path), or None.

    On Linux the deepest mount point containing ``path`` decides; on Windows a ``\\\\server\\share``
    path is a network path (mapped drive letters are asked of the OS by ``detect``).
    """
    if windows:
        if path.startswith(LONG_PREFIX):
            return "smb" if path[len(LONG_PREFIX) :].upper().startswith("UNC\\") else None
        return "smb" if path.startswith(("\\\\", "//")) else None
    best: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = path == point or path.startswith(point + "/") or point == "/"
        if inside and (best is None or len(point) > len(best.point.rstrip("/") or "/")):
            best = mount
    return best.fs_type if best is not None and best.fs_type in NETWORK_FS_TYPES else None


def parse_mounts(text: str) -> list[Mount]:
    """``/proc/self/mounts`` lines → mounts; octal escapes (``\\040`` for a space) decoded."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[1]), fields[2]))
    return mounts


def detect(path: Path) -> str | None:
    """``network_fs_type`` for a real path on this machine; None when the OS cannot tell."""
    resolved = str(existing_ancestor(path).resolve())
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        drive = os.path.splitdrive(resolved)[0] + "\\"
        if ctypes.windll.kernel32.GetDriveTypeW(drive) == _DRIVE_REMOTE:
            return "network drive"
        return network_fs_type(resolved, (), windows=True)
    try:
        text = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return network_fs_type(resolved, parse_mounts(text))


def existing_ancestor(path: Path) -> Path:
    """The library may not exist yet (dry run): ask about the nearest folder that does."""
    current = path.absolute()
    while not current.exists() and current.parent != current:
        current = current.parent
    return current


def _unescape(field: str) -> str:
    return _OCTAL.sub(lambda found: chr(int(found.group(1), 8)), field)
