"""Results spooled to a private on-disk SQLite database instead of held in memory.

A large library makes more plan entries than files, and tens of thousands of unmatched or skipped
files; as objects (paths, match, score, candidates) they would outgrow the run's memory budget.
A spool writes each item as it arrives and reads it back on demand in key order, so the
run holds SQLite's bounded page cache and one batch of rows. SQLite (standard library, so also in
the frozen binary) does what an external merge sort would: it orders through an index and groups
with SQL, spilling to its own temporary file. The database is SQLite's "private temporary" kind
(empty file name): it lives in the temp folder and vanishes when the connection closes, so nothing
is left behind even after a crash.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

from anivault.utils.codec import PLAIN, RowCodec

T = TypeVar("T")

CACHE_KIB = 4 * 1024
"""SQLite page cache (negative PRAGMA value = KiB): big enough to sort 400k keys quickly."""
BATCH = 1000
MAX_PARAMETERS = 999
"""Bound parameters in one statement: SQLite's limit before 3.32, which older systems still ship."""


def as_key(text: str) -> bytes:
    """Text as stored and compared in SQL: UTF-8 bytes (same order as code points), with file
    names' undecodable bytes (lone surrogates on Linux) kept rather than refused."""
    return text.encode("utf-8", "surrogateescape")


def from_key(value: bytes) -> str:
    return value.decode("utf-8", "surrogateescape")


def open_private_db() -> sqlite3.Connection:
    """A throw-away database in the temp folder; journal and fsync off, as nothing survives it."""
    db = sqlite3.connect("", check_same_thread=False)  # "" = private temporary file
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


class BatchedInserts:
    """Rows for one table, sent to SQLite about ``BATCH`` at a time, several rows per statement.

    Rows are added on the thread every result passes through, and SQLite lets go of the
    interpreter for each statement it steps: one statement per row handed it to the other threads
    once a row, and a busy one keeps it for up to a switch interval (5 ms) each time. Not locked:
    its owner serialises ``add`` and ``flush``."""

    def __init__(self, db: sqlite3.Connection, table: str, columns: int) -> None:
        self._db = db
        self._per_statement = max(1, MAX_PARAMETERS // columns)
        self._batch = self._per_statement * max(1, BATCH // self._per_statement)  # whole statements
        one = f"({', '.join('?' * columns)})"
        self._one = f"INSERT INTO {table} VALUES {one}"
        self._many = f"INSERT INTO {table} VALUES {', '.join([one] * self._per_statement)}"
        self._pending: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self._pending.append(row)
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        """Insert the pending rows in the order they were added (ties in reads go by rowid)."""
        rows, step = self._pending, self._per_statement
        whole = len(rows) - len(rows) % step
        self._db.executemany(
            self._many,
            ([value for row in rows[at : at + step] for value in row] for at in range(0, whole, step)),
        )
        self._db.executemany(self._one, rows[whole:])
        self._pending = []


class SpooledSequence(Sequence[T]):
    """Sequence plumbing for results read back from a private database in a fixed order:
    subclasses keep ``_length`` and say how to read ``limit`` items from ``offset``."""

    _length = 0

    def _read(self, *, limit: int, offset: int) -> Iterator[T]:
        raise NotImplementedError

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            return tuple(self._read(limit=max(0, stop - start), offset=start))[::step]
        position = index + self._length if index < 0 else index
        if not 0 <= position < self._length:
            raise IndexError("spool index out of range")
        return next(self._read(limit=1, offset=position))

    def __iter__(self) -> Iterator[T]:
        return self._read(limit=-1, offset=0)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence with the same items in the same order, as the tuples it replaces."""
        if not isinstance(other, Sequence) or len(other) != self._length:
            return False
        return all(mine == theirs for mine, theirs in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # compared by content


class Spool(SpooledSequence[T]):
    """An append-only sequence of items, read back sorted by the key given with each.

    Items are kept as the rows of ``codec`` (the default: items that are plain values already).
    Appending is thread-safe and batched; reading seals the spool (flushes and indexes it).
    """

    def __init__(self, codec: RowCodec[T] = PLAIN) -> None:
        self._codec = codec
        self._db = open_private_db()
        self._db.execute("CREATE TABLE item (key BLOB NOT NULL, blob BLOB NOT NULL)")
        self._rows = BatchedInserts(self._db, "item", 2)
        self._lock = threading.Lock()
        self._sealed = False
        self._length = 0

    def append(self, key: str, item: T) -> None:
        row = (as_key(key), self._codec.dumps(item))
        with self._lock:
            if self._sealed:
                raise RuntimeError("spool is sealed: it has been read")
            self._rows.add(row)
            self._length += 1

    def close(self) -> None:
        self._db.close()

    def _read(self, *, limit: int, offset: int) -> Iterator[T]:
        self._seal()
        cursor = self._db.execute(
            "SELECT blob FROM item ORDER BY key, rowid LIMIT ? OFFSET ?", (limit, offset)
        )
        loads = self._codec.loads
        while rows := cursor.fetchmany(BATCH):
            for (blob,) in rows:
                yield loads(blob)

    def _seal(self) -> None:
        with self._lock:
            if not self._sealed:
                self._rows.flush()
                self._db.execute("CREATE INDEX by_key ON item (key)")
                self._sealed = True
