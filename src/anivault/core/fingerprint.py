"""Fingerprints of source files: size, mtime, inode and a hash of their first and last bytes.

A plan records each source's fingerprint; applying it later refuses a file whose fingerprint has
changed (``E-PLAN-STALE``). Taking them means a ``stat`` and two reads per file, so a run takes
them in the parse worker processes (``parse_folder``) rather than on the one thread that
builds the plan.

Every source is opened through ``open_regular``: without following a symbolic link and without
blocking, and only kept when ``fstat`` says it is a regular file. A download folder is untrusted
input: a link there must not carry an outside file into the library, and a FIFO named ``x.mkv``
must not hang the run in ``open()``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from anivault.core.models import FilePrints, Fingerprint, ScannedFile

PARTIAL_HASH_BYTES = 64 << 10
"""Head and tail bytes hashed for an entry's fingerprint: catches a re-encode of equal size."""


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""Absent on Windows, where ``open_regular`` checks the path with ``lstat`` instead."""
_OPEN_SOURCE = os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_LINK_ERRNOS = frozenset({errno.ELOOP, errno.EMLINK})
"""What ``O_NOFOLLOW`` on a symbolic link raises: ELOOP (Linux, macOS), EMLINK (FreeBSD)."""


class NotRegularFile(OSError):
    """A source path that is a symbolic link, FIFO, socket, device or folder: never read or moved."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file: {kind}", str(path))
        self.kind = kind


def file_kind(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in the words a skip reason uses."""
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file reached without following a link.
    Raises NotRegularFile for anything else (without ever blocking on a FIFO), OSError otherwise."""
    if not _NO_FOLLOW and os.path.islink(path):
        raise NotRegularFile(path, "symbolic link")
    try:
        fd = os.open(path, _OPEN_SOURCE)
    except OSError as exc:
        if exc.errno in _LINK_ERRNOS and os.path.islink(path):
            raise NotRegularFile(path, "symbolic link") from exc
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, file_kind(mode))
        # O_NONBLOCK only mattered for opening a FIFO; reads of a regular file ignore it.
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def fingerprint(path: Path | str) -> Fingerprint:
    """Size, mtime, inode and a hash of the first and last 64 KiB of a regular file.
    Raises NotRegularFile (an OSError) for a link, FIFO or device, OSError when unreadable."""
    with open_regular(path) as handle:
        info = os.fstat(handle.fileno())
        digest = hashlib.sha256(str(info.st_size).encode())
        digest.update(handle.read(PARTIAL_HASH_BYTES))
        if info.st_size > PARTIAL_HASH_BYTES:
            handle.seek(max(PARTIAL_HASH_BYTES, info.st_size - PARTIAL_HASH_BYTES))
            digest.update(handle.read(PARTIAL_HASH_BYTES))
    return Fingerprint(info.st_size, info.st_mtime_ns, info.st_ino, digest.hexdigest()[:32])


def take_prints(scanned: ScannedFile) -> FilePrints:
    """The video's and its sidecars' fingerprints; None for a sidecar that cannot be read now.
    Raises OSError when the video itself cannot be read."""
    return FilePrints(fingerprint(scanned.path), tuple(_print_or_none(s.path) for s in scanned.sidecars))


def _print_or_none(path: str) -> Fingerprint | None:
    try:
        return fingerprint(path)
    except OSError:
        return None


HASH_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """Whole-file digest: "same bytes" for duplicates, verified copies and recovery."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
