"""Whole-cache operations behind ``anivault cache``: stats, purge, clear, verify, and LRU eviction.

Each works on the cache folder alone (no TMDB client), and every change to more than one file
happens under ``cache.lock`` so a run in another process sees either the old or the new state of
the index, never a half-rewritten one. Entry files themselves are only ever replaced or removed
whole, so a concurrent reader at worst sees a miss.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from anivault.errors import CacheCorruptError, UsageError
from anivault.services.cache.document import decode
from anivault.services.cache.entries import (
    BACKUP_DIR,
    ENTRY_DIRS,
    QUARANTINE_DIR,
    iter_entries,
    iter_temp_files,
    read_entry,
)
from anivault.services.cache.index import INDEX_NAME, cache_lock, read_index, write_index
from anivault.utils.logging import log_event

logger = logging.getLogger("anivault.services.cache")

LOW_WATER = 0.9
"""Eviction frees down to this share of the cap, so a full cache is not trimmed on every write."""
STALE_TEMP_SECONDS = 3600.0
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True, slots=True)
class CacheReport:
    entries: int
    objects: int
    searches: int
    negative: int
    expired: int
    corrupt: int
    bytes: int
    oldest: float | None
    newest: float | None
    quarantined: int
    total_hits: int
    total_misses: int
    last_run_hits: int | None
    last_run_misses: int | None

    @property
    def hit_rate(self) -> float | None:
        lookups = self.total_hits + self.total_misses
        return self.total_hits / lookups if lookups else None

    @property
    def last_run_hit_rate(self) -> float | None:
        if self.last_run_hits is None or self.last_run_misses is None:
            return None
        lookups = self.last_run_hits + self.last_run_misses
        return self.last_run_hits / lookups if lookups else None


@dataclass(frozen=True, slots=True)
class Removal:
    files: int
    bytes: int


@dataclass(frozen=True, slots=True)
class VerifyReport:
    checked: int
    ok: int
    migrated: int
    quarantined: int
    expired: int
    temp_removed: int
    index_damaged_lines: int


def report(root: Path, now: float) -> CacheReport:
    """Counts, size, age range and hit rates. Read-only: a corrupt file is counted, not moved."""
    counts = {"objects": 0, "search": 0, "negative": 0, "expired": 0, "corrupt": 0, "bytes": 0}
    created: list[float] = []
    for relative, stat in iter_entries(root):
        counts["bytes"] += stat.st_size
        counts[relative.split("/", 1)[0]] += 1
        try:
            entry, _version = decode((root / relative).read_bytes(), relative)
        except (CacheCorruptError, FileNotFoundError):
            counts["corrupt"] += 1
            continue
        created.append(entry.created_at)
        counts["negative"] += entry.negative
        counts["expired"] += not entry.is_fresh(now)
    index = read_index(root)
    last = index.runs[-1] if index.runs else None
    quarantine = root / QUARANTINE_DIR
    return CacheReport(
        entries=counts["objects"] + counts["search"],
        objects=counts["objects"],
        searches=counts["search"],
        negative=counts["negative"],
        expired=counts["expired"],
        corrupt=counts["corrupt"],
        bytes=counts["bytes"],
        oldest=min(created, default=None),
        newest=max(created, default=None),
        quarantined=sum(1 for _ in quarantine.iterdir()) if quarantine.is_dir() else 0,
        total_hits=sum(e.hits for e in index.entries.values()),
        total_misses=sum(e.misses for e in index.entries.values()),
        last_run_hits=last.hits if last else None,
        last_run_misses=last.misses if last else None,
    )


def purge(root: Path, older_than: float, now: float) -> Removal:
    """Remove entries fetched more than ``older_than`` seconds ago (corrupt ones are quarantined)."""
    removed: set[str] = set()
    freed = 0
    with cache_lock(root):
        for relative, stat in list(iter_entries(root)):
            result = read_entry(root, relative, now)
            if result.entry is not None and result.entry.created_at < now - older_than:
                (root / relative).unlink(missing_ok=True)
                removed.add(relative)
                freed += stat.st_size
        write_index(root, read_index(root), lambda file: file not in removed)
    log_event(logger, logging.INFO, "cache_purged", files=len(removed), bytes=freed)
    return Removal(len(removed), freed)


def clear(root: Path) -> Removal:
    """Remove every entry, the index, backups and quarantined files; keep the folder and its lock."""
    files = 0
    freed = 0
    with cache_lock(root):
        for folder in (*ENTRY_DIRS, BACKUP_DIR, QUARANTINE_DIR):
            for path in (root / folder).rglob("*"):
                if path.is_file():
                    files += 1
                    freed += path.stat().st_size
            if (root / folder).exists():
                shutil.rmtree(root / folder)
        (root / INDEX_NAME).unlink(missing_ok=True)
    log_event(logger, logging.INFO, "cache_cleared", files=files, bytes=freed)
    return Removal(files, freed)


def verify(root: Path, now: float) -> VerifyReport:
    """Read every entry: quarantine corrupt ones, migrate old versions, remove stale temp files,
    and compact the index (dropping torn lines and keys whose file is gone)."""
    outcome = {"ok": 0, "migrated": 0, "quarantined": 0, "missing": 0}
    expired = 0
    with cache_lock(root):
        present: set[str] = set()
        for relative, _stat in list(iter_entries(root)):
            result = read_entry(root, relative, now)
            outcome[result.status] += 1
            if result.entry is not None:
                present.add(relative)
                expired += not result.entry.is_fresh(now)
        stale = [p for p in iter_temp_files(root) if p.stat().st_mtime < now - STALE_TEMP_SECONDS]
        for path in stale:
            path.unlink(missing_ok=True)
        index = read_index(root)
        write_index(root, index, lambda file: file in present)
    checked = outcome["ok"] + outcome["migrated"] + outcome["quarantined"]
    return VerifyReport(
        checked,
        outcome["ok"],
        outcome["migrated"],
        outcome["quarantined"],
        expired,
        len(stale),
        index.damaged_lines,
    )


def evict_lru(root: Path, target_bytes: int) -> tuple[Removal, int]:
    """Remove least recently used entries until the cache holds at most ``target_bytes``.

    Last use comes from the index, else the file's modification time (entries no run has read
    since the index was cleared). Returns what was removed and the bytes left.
    """
    with cache_lock(root):
        files = list(iter_entries(root))
        total = sum(stat.st_size for _relative, stat in files)
        if total <= target_bytes:
            return Removal(0, 0), total
        index = read_index(root)
        last_use = index.last_access_by_file()
        files.sort(key=lambda item: last_use.get(item[0], item[1].st_mtime))
        removed: set[str] = set()
        freed = 0
        for relative, stat in files:
            if total - freed <= target_bytes:
                break
            (root / relative).unlink(missing_ok=True)
            removed.add(relative)
            freed += stat.st_size
        write_index(root, index, lambda file: file not in removed)
    log_event(logger, logging.INFO, "cache_evicted", files=len(removed), bytes=freed, left=total - freed)
    return Removal(len(removed), freed), total - freed


def parse_age(text: str) -> float:
    """``30d``, ``12h``, ``90m``, ``45s``, ``2w`` → seconds. Raises UsageError otherwise."""
    found = _AGE.match(text)
    if found is None:
        raise UsageError(f"age {text!r} must be a number and a unit (s, m, h, d, w), e.g. 30d")
    return float(found.group(1)) * _UNIT_SECONDS[found.group(2).lower()]
