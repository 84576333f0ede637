"""No-clobber file operations: every way a file reaches the library refuses to replace one.

How a move can never overwrite or lose a file:

1. The target's name is *reserved* by creating it with ``O_CREAT | O_EXCL``; if anything took the
   name meanwhile, the OS refuses and we report a conflict instead of replacing it.
2. On the same device the source is then ``os.replace``d onto its own reservation: one atomic
   rename, so the file is at exactly one of the two paths at every instant.
3. Across devices (and for ``--action copy``) the bytes are copied to a temp file beside the
   target, fsynced, checked against the source's size and SHA-256, renamed onto the reservation,
   and only then (for a move) is the source deleted.
4. Hard and symbolic links refuse an existing target by themselves; a hard link across volumes
   is refused, never copied.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from anivault.core.apply.fileops import OS_FILE_OPS, FileOps, is_locked
from anivault.core.fingerprint import NotRegularFile, open_regular, sha256_of
from anivault.core.plan.naming import long_path
from anivault.core.plan.pathrules import cross_device
from anivault.errors import (
    AniVaultError,
    DiskFullError,
    FileLockedError,
    FileSystemError,
    NotRegularFileError,
    OrganizeConflictError,
    PathTooLongError,
    PermissionDeniedError,
    SourceMissingError,
)

COPY_BUFFER = 4 << 20


def link(action: str, source: Path, target: Path, ops: FileOps = OS_FILE_OPS) -> None:
    """Hard or symbolic link; both refuse an existing target on their own (no clobber)."""
    if action == "hardlink":
        ops.hardlink(os_path(source), os_path(target))
    else:
        ops.symlink(os_path(source.absolute()), os_path(target))


def link_error(exc: OSError, source: Path, target: Path) -> AniVaultError:
    if isinstance(exc, FileExistsError):
        return OrganizeConflictError(f"{target} already exists; left untouched")
    if exc.errno == errno.EXDEV:  # also between two mounts of one file system (same st_dev)
        return cross_device(source, target.parent)
    return translate_os_error(exc, target)


def move_no_clobber(
    source: Path, target: Path, *, on_reserved: Callable[[], None] = lambda: None, ops: FileOps = OS_FILE_OPS
) -> str | None:
    """Move ``source`` to ``target``, never replacing an existing ``target``. See module doc.
    Returns the SHA-256 of the bytes when they were copied (across devices), else None.
    A source that cannot be removed after its copy (open in a player on Windows) takes the copy
    back with it: the file is then only where it was, never at both places."""
    _reserve(source, target)
    on_reserved()
    try:
        ops.rename(os_path(source), os_path(target))
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            discard(target)
            raise translate_os_error(exc, source if is_locked(exc) else target) from exc
        digest = _copy_verified(source, target)
        try:
            ops.remove(os_path(source))
        except OSError as remove_exc:
            discard(target)
            raise translate_os_error(remove_exc, source) from remove_exc
        return digest
    return None


def copy_no_clobber(source: Path, target: Path, *, on_reserved: Callable[[], None] = lambda: None) -> str:
    """Copy ``source`` to ``target`` (verified by size and SHA-256), never replacing ``target``.
    Returns the SHA-256 of the bytes copied."""
    _reserve(source, target)
    on_reserved()
    return _copy_verified(source, target)


def _reserve(source: Path, target: Path) -> None:
    if not source.exists():
        raise SourceMissingError(f"{source} no longer exists")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(os_path(target), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError as exc:
        raise OrganizeConflictError(f"{target} already exists; left untouched") from exc
    except OSError as exc:
        raise translate_os_error(exc, target) from exc


def partial_name(target: Path) -> Path:
    """Where a copy is written before it is renamed onto its reservation."""
    return target.with_name(f".{target.name}.anivault-partial")


def _copy_verified(source: Path, target: Path) -> str:
    """Copy to a temp file, fsync, compare size and SHA-256 with the source, rename onto the
    reservation; return the SHA-256. On any failure both the temp file and the reservation go;
    the source stays."""
    temp = partial_name(target)
    try:
        digest = hashlib.sha256()
        with open_regular(source) as reader, temp.open("xb") as writer:
            while chunk := reader.read(COPY_BUFFER):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        if temp.stat().st_size != source.stat().st_size or sha256_of(temp) != digest.hexdigest():
            raise FileSystemError(f"copy of {source} did not verify (size or hash); source kept")
        os.replace(os_path(temp), os_path(target))
        return digest.hexdigest()
    except OSError as exc:
        discard(temp)
        discard(target)
        raise translate_os_error(exc, target) from exc
    except AniVaultError:
        discard(temp)
        discard(target)
        raise


def os_path(path: Path) -> str:
    """The string handed to the OS: with the ``\\?\\`` prefix on Windows past MAX_PATH."""
    return long_path(str(path), windows=sys.platform == "win32")


def discard(path: Path) -> None:
    """Remove a file of ours if it is there (a reservation, a partial copy)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return


def translate_os_error(exc: OSError, target: Path) -> AniVaultError:
    if is_locked(exc):
        return FileLockedError(f"{target} is open in another program (a player?); left where it was")
    if isinstance(exc, NotRegularFile):
        return NotRegularFileError(f"{exc.filename} is not a regular file ({exc.kind}); left untouched")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionDeniedError(f"permission denied writing {target}")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"no space left for {target}")
    if exc.errno == errno.ENAMETOOLONG:
        return PathTooLongError(f"path too long: {target}")
    return FileSystemError(f"{exc.strerror} for {target}")
