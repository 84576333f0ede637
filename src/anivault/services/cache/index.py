"""``index.jsonl``: per-key hits, misses and last access (for LRU and stats), and per-run totals.

The index is append-only so a streaming run never rewrites it on a hit: accesses are counted in
memory (O(1) per lookup) and appended as one batch of delta lines every ``FLUSH_EVERY_SECONDS``,
every ``FLUSH_EVERY_KEYS`` distinct keys, and when the cache closes. Appends, compaction and every
rewrite happen under ``cache.lock`` (a ``filelock``), so two processes never interleave or lose
each other's lines. Readers sum the deltas; a torn line (a process killed mid-append) is skipped
and counted, and the next compaction drops it. Lines::

    {"type": "access", "qhash": "…", "file": "search/….json", "hits": 2, "misses": 1, "last_access": 1.7e9}
    {"type": "run", "run": "…", "started": 1.7e9, "hits": 120, "misses": 3, "writes": 3}
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from anivault.services.cache.entries import atomic_write
from anivault.utils.logging import log_event

logger = logging.getLogger("anivault.services.cache")

INDEX_NAME = "index.jsonl"
LOCK_NAME = "cache.lock"
LOCK_TIMEOUT_SECONDS = 30.0
FLUSH_EVERY_SECONDS = 2.0
FLUSH_EVERY_KEYS = 4096
COMPACT_MIN_BYTES = 1 << 20
"""Compaction rewrites the index once it is this big and twice its last compacted size."""
KEEP_RUNS = 50


def cache_lock(root: Path) -> FileLock:
    """The cross-process lock over the index and every multi-file change (evict, purge, clear)."""
    root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(root / LOCK_NAME), timeout=LOCK_TIMEOUT_SECONDS)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    qhash: str
    file: str
    hits: int
    misses: int
    last_access: float


@dataclass(frozen=True, slots=True)
class RunRecord:
    run: str
    started: float
    hits: int
    misses: int
    writes: int


@dataclass(frozen=True, slots=True)
class IndexSnapshot:
    entries: Mapping[str, IndexEntry]
    """qhash → its totals."""
    runs: tuple[RunRecord, ...]
    """Oldest first."""
    damaged_lines: int = 0

    def last_access_by_file(self) -> dict[str, float]:
        latest: dict[str, float] = {}
        for entry in self.entries.values():
            latest[entry.file] = max(entry.last_access, latest.get(entry.file, 0.0))
        return latest


def read_index(root: Path) -> IndexSnapshot:
    """Sum the index's delta lines. Read without the lock: appends are whole lines, and a line
    still being written reads as damaged and is ignored."""
    entries: dict[str, dict[str, Any]] = {}
    runs: dict[str, dict[str, Any]] = {}
    damaged = 0
    try:
        with (root / INDEX_NAME).open("r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                record = _record(line)
                if record is None:
                    damaged += 1
                elif record["type"] == "access":
                    _add_access(entries, record)
                else:
                    _add_run(runs, record)
    except FileNotFoundError:
        pass
    return IndexSnapshot(
        {q: IndexEntry(**e) for q, e in entries.items()},
        tuple(sorted((RunRecord(**r) for r in runs.values()), key=lambda r: r.started)),
        damaged,
    )


def write_index(root: Path, snapshot: IndexSnapshot, keep_files: Callable[[str], bool]) -> int:
    """Rewrite the index as one line per key (of files ``keep_files`` accepts) and the last runs.
    The caller holds ``cache_lock``. Returns the new size in bytes."""
    lines = [
        _line({"type": "access", **_fields(entry)})
        for entry in snapshot.entries.values()
        if keep_files(entry.file)
    ]
    lines += [_line({"type": "run", **_fields(run)}) for run in snapshot.runs[-KEEP_RUNS:]]
    payload = "".join(lines).encode("utf-8")
    atomic_write(root / INDEX_NAME, payload)
    return len(payload)


@dataclass(slots=True)
class _Pending:
    accesses: dict[str, list[Any]] = field(default_factory=dict)
    """qhash → [file, hits, misses, last_access]."""
    hits: int = 0
    misses: int = 0
    writes: int = 0

    def __bool__(self) -> bool:
        return bool(self.accesses) or bool(self.hits or self.misses or self.writes)


class IndexJournal:
    """Batches one process's accesses and appends them to ``index.jsonl`` under the lock."""

    def __init__(self, root: Path, *, run: str, started: float, clock: Callable[[], float]) -> None:
        self._root = root
        self._run = run
        self._started = started
        self._clock = clock
        self._pending = _Pending()
        self._guard = threading.Lock()
        self._flushing = threading.Lock()
        self._last_flush = clock()
        self._compacted_size = 0

    def record(self, qhash: str, file: str, *, hit: bool | None, wrote: bool = False) -> None:
        """Count one lookup (``hit`` True/False) or a write (``hit`` None); flush when due."""
        now = self._clock()
        with self._guard:
            pending = self._pending
            slot = pending.accesses.setdefault(qhash, [file, 0, 0, now])
            slot[3] = now
            if hit is True:
                slot[1] += 1
                pending.hits += 1
            elif hit is False:
                slot[2] += 1
                pending.misses += 1
            pending.writes += wrote
            due = now - self._last_flush >= FLUSH_EVERY_SECONDS or len(pending.accesses) >= FLUSH_EVERY_KEYS
        if due:
            self.flush()

    def flush(self) -> None:
        """Append what was counted since the last flush. The index is bookkeeping, not data: if it
        cannot be written (lock held too long, disk full) the batch is logged and dropped rather
        than failing the run that is using the cache."""
        with self._flushing:
            with self._guard:
                pending, self._pending = self._pending, _Pending()
                self._last_flush = self._clock()
            if not pending:
                return
            try:
                self._append(pending)
            except (Timeout, OSError) as exc:
                log_event(logger, logging.WARNING, "cache_index_unwritable", error=str(exc))

    def _append(self, pending: _Pending) -> None:
        lines = [
            _line({"type": "access", "qhash": q, "file": f, "hits": h, "misses": m, "last_access": t})
            for q, (f, h, m, t) in pending.accesses.items()
        ]
        if pending.hits or pending.misses or pending.writes:
            run = {"run": self._run, "started": self._started}
            counts = {"hits": pending.hits, "misses": pending.misses, "writes": pending.writes}
            lines.append(_line({"type": "run", **run, **counts}))
        payload = "".join(lines).encode("utf-8")
        with cache_lock(self._root):
            path = self._root / INDEX_NAME
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, payload)
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            if size > max(COMPACT_MIN_BYTES, 2 * self._compacted_size):
                self._compacted_size = write_index(self._root, read_index(self._root), lambda _file: True)


def _record(line: str) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("type") not in ("access", "run"):
        return None
    wanted = _ACCESS_FIELDS if record["type"] == "access" else _RUN_FIELDS
    if not all(isinstance(record.get(name), kind) for name, kind in wanted.items()):
        return None
    return record


_ACCESS_FIELDS: dict[str, type | tuple[type, ...]] = {
    "qhash": str,
    "file": str,
    "hits": int,
    "misses": int,
    "last_access": (int, float),
}
_RUN_FIELDS: dict[str, type | tuple[type, ...]] = {
    "run": str,
    "started": (int, float),
    "hits": int,
    "misses": int,
    "writes": int,
}


def _add_access(entries: dict[str, dict[str, Any]], record: dict[str, Any]) -> None:
    entry = entries.setdefault(
        record["qhash"],
        {"qhash": record["qhash"], "file": record["file"], "hits": 0, "misses": 0, "last_access": 0.0},
    )
    entry["file"] = record["file"]
    entry["hits"] += record["hits"]
    entry["misses"] += record["misses"]
    entry["last_access"] = max(entry["last_access"], float(record["last_access"]))


def _add_run(runs: dict[str, dict[str, Any]], record: dict[str, Any]) -> None:
    run = runs.setdefault(
        record["run"],
        {"run": record["run"], "started": float(record["started"]), "hits": 0, "misses": 0, "writes": 0},
    )
    for name in ("hits", "misses", "writes"):
        run[name] += record[name]


def _fields(record: IndexEntry | RunRecord) -> dict[str, Any]:
    return asdict(record)


def _line(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
