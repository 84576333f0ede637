"""Entry files on disk: atomic writes, reads that migrate or quarantine, and walking the layout.

Shared by the cache itself and by ``cache verify``/``purge``/``stats``, so a file is judged the
same way whichever reads it. Concurrent threads and processes only ever see whole files: a write
goes to a unique ``*.json.tmp`` beside its target and is ``os.replace``-d into place.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from anivault.errors import CacheCorruptError
from anivault.services.cache.document import SCHEMA_VERSION, Entry, decode
from anivault.utils.atomic import atomic_write_bytes
from anivault.utils.logging import log_event

logger = logging.getLogger("anivault.services.cache")

ENTRY_DIRS = ("objects", "search")
QUARANTINE_DIR = "quarantine"
BACKUP_DIR = "backup"
TEMP_SUFFIX = ".json.tmp"

ReadStatus = Literal["ok", "missing", "quarantined", "migrated"]


@dataclass(frozen=True, slots=True)
class ReadResult:
    entry: Entry | None
    status: ReadStatus


def read_entry(root: Path, relative: str, now: float) -> ReadResult:
    """Read ``root/relative``. A corrupt file is moved to ``quarantine/`` (E-CACHE-CORRUPT logged)
    and reads as missing; an older schema version is backed up under ``backup/v{N}/`` and rewritten
    in the current version. Raises OSError only for failures other than the file being absent."""
    path = root / relative
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ReadResult(None, "missing")
    except IsADirectoryError:
        # Not ours to read, and it would block the entry's rewrite: aside, like a corrupt file.
        quarantine(root, path, CacheCorruptError(f"{relative} is a folder, not a cache entry"), now)
        return ReadResult(None, "quarantined")
    try:
        entry, stored_version = decode(raw, path.name)
    except CacheCorruptError as exc:
        quarantine(root, path, exc, now)
        return ReadResult(None, "quarantined")
    if stored_version == SCHEMA_VERSION:
        return ReadResult(entry, "ok")
    backup = root / BACKUP_DIR / f"v{stored_version}" / relative
    backup.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(backup, raw)
    atomic_write(path, entry.encode())
    log_event(logger, logging.INFO, "cache_migrated", file=relative, from_version=stored_version)
    return ReadResult(entry, "migrated")


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace a cache file; not fsynced: a cache entry lost to a crash is fetched again."""
    atomic_write_bytes(path, payload, durable=False, suffix=TEMP_SUFFIX)


def quarantine(root: Path, path: Path, error: CacheCorruptError, now: float) -> bool:
    """Move a corrupt file aside for inspection; False if another thread or process moved it first."""
    target_dir = root / QUARANTINE_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(path, target_dir / f"{path.name}.{int(now)}")
    except FileNotFoundError:
        return False
    log_event(logger, logging.WARNING, "cache_quarantined", code=error.code, file=path.name)
    return True


def iter_entries(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """``(relative path, stat)`` of every entry file, in no particular order; temp files skipped."""
    for folder in ENTRY_DIRS:
        try:
            with os.scandir(root / folder) as listing:
                for item in listing:
                    if item.name.endswith(".json") and item.is_file():
                        try:
                            yield f"{folder}/{item.name}", item.stat()
                        except FileNotFoundError:
                            continue  # removed by another process since the listing
        except FileNotFoundError:
            continue


def iter_temp_files(root: Path) -> Iterator[Path]:
    """Temp files left by a writer that died between write and rename."""
    for folder in (*ENTRY_DIRS, BACKUP_DIR):
        yield from (root / folder).rglob(f"*{TEMP_SUFFIX}")


def disk_usage(root: Path) -> int:
    return sum(stat.st_size for _relative, stat in iter_entries(root))
