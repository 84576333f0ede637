"""The plan's entries spooled to disk (see ``utils/spool.py``), with the whole-plan queries
conflict resolution needs: targets claimed twice, entries by status, sidecars by their video.

A row keeps in columns what those queries read, and the rest of the entry as one pickled row of
plain values (``core/rows.py``): statuses (with their code and note) are resolved in SQL, so that
settling thousands of conflicts reads and writes no pickles; a change of target rewrites the row.
"""

from __future__ import annotations

import pickle
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from anivault.core.plan.model import EntrySequence, EntryStatus, PlanEntry
from anivault.core.rows import FINGERPRINT, MATCH
from anivault.utils.spool import (
    BATCH,
    BatchedInserts,
    SpooledSequence,
    as_key,
    from_key,
    open_private_db,
)

_SCHEMA = """
CREATE TABLE entry (
    source BLOB NOT NULL,
    target_key BLOB NOT NULL,
    source_path BLOB NOT NULL,
    target_path BLOB NOT NULL,
    entry_id TEXT NOT NULL,
    owner_id TEXT,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    note TEXT NOT NULL,
    rest BLOB NOT NULL
)
"""
_COLUMNS = "source, source_path, target_path, entry_id, owner_id, role, status, code, note, rest"
"""What ``_entry`` reads back (``target_key`` is ``relative_target`` casefolded, kept in ``rest``)."""


def _row(entry: PlanEntry) -> tuple[object, ...]:
    """``entry`` as the columns of its row, in ``_SCHEMA`` order."""
    fingerprint = None if entry.fingerprint is None else FINGERPRINT.to_row(entry.fingerprint)
    rest = (entry.relative_target, entry.action, MATCH.to_row(entry.match), fingerprint)
    return (
        as_key(entry.relative_source),
        as_key(entry.relative_target.casefold()),  # case-insensitive file systems
        as_key(str(entry.source)),
        as_key(str(entry.target)),
        entry.entry_id,
        entry.owner_id,
        entry.role,
        entry.status,
        entry.error_code,
        entry.note,
        pickle.dumps(rest, pickle.HIGHEST_PROTOCOL),
    )


def _entry(row: tuple[Any, ...]) -> PlanEntry:
    """The entry of a row read as ``rowid, _COLUMNS`` (rest: only ever our own private database)."""
    _, source, source_path, target_path, entry_id, owner_id, role, status, code, note, rest = row
    relative_target, action, match, fingerprint = pickle.loads(rest)
    return PlanEntry(
        entry_id,
        Path(from_key(source_path)),
        Path(from_key(target_path)),
        role,
        status,
        from_key(source),
        relative_target,
        MATCH.from_row(match),
        owner_id,
        code,
        action,
        note,
        None if fingerprint is None else FINGERPRINT.from_row(fingerprint),
    )


class PlanEntries(SpooledSequence[PlanEntry], EntrySequence):
    """Entries in source order, read lazily; filled by ``build_plan``, then sealed."""

    def __init__(self) -> None:
        self._db = open_private_db()
        self._db.execute(_SCHEMA)
        self._inserts = BatchedInserts(self._db, "entry", 11)
        self._lock = threading.Lock()
        self._length = 0

    # --- building --------------------------------------------------------------------------------

    def add(self, entry: PlanEntry) -> None:
        with self._lock:
            self._inserts.add(_row(entry))
            self._length += 1

    def seal(self) -> None:
        """No more entries: index them for ordered reads and the conflict queries."""
        with self._lock:
            self._inserts.flush()
            self._db.execute("CREATE INDEX by_source ON entry (source)")
            self._db.execute("CREATE INDEX by_target ON entry (target_key)")
            self._db.execute("CREATE INDEX by_owner ON entry (owner_id)")
            self._db.execute("CREATE INDEX by_id ON entry (entry_id)")

    def mark_shared_targets(self, code: str) -> None:
        """Every planned entry whose target another planned entry also claims becomes a conflict
        (a best guess under review claims nothing until it is accepted)."""
        self._db.execute(
            "UPDATE entry SET status = 'conflict', code = ? WHERE status = 'planned' AND target_key IN "
            "(SELECT target_key FROM entry WHERE status = 'planned' GROUP BY target_key HAVING count(*) > 1)",
            (code,),
        )

    def orphaned_sidecars(self) -> list[tuple[int, str, str, str]]:
        """(row, its note, its video's status, its video's note) of each planned sidecar whose
        video is not planned."""
        return self._db.execute(
            "SELECT s.rowid, s.note, v.status, v.note FROM entry s JOIN entry v "
            "ON v.entry_id = s.owner_id AND v.role = 'video' "
            "WHERE s.role = 'sidecar' AND s.status = 'planned' AND v.status != 'planned' ORDER BY s.source"
        ).fetchall()

    def set_conflicts(self, notes: Iterable[tuple[str, int]], code: str) -> None:
        """(note, row) pairs: each row becomes a conflict with ``code`` and that note."""
        self._db.executemany(
            "UPDATE entry SET status = 'conflict', code = ?, note = ? WHERE rowid = ?",
            ((code, note, rowid) for note, rowid in notes),
        )

    def planned_paths(self) -> Iterator[tuple[int, str, str]]:
        """(row, source path, target path) of every planned entry, in batches; finish reading
        before ``set_statuses`` (SQLite cursors are not stable under updates of their rows)."""
        cursor = self._db.execute(
            "SELECT rowid, source_path, target_path FROM entry WHERE status = 'planned'"
        )
        while batch := cursor.fetchmany(BATCH):
            for rowid, source, target in batch:
                yield rowid, from_key(source), from_key(target)

    def set_statuses(self, changes: Iterable[tuple[str, int]]) -> None:
        """(status, row) pairs."""
        self._db.executemany("UPDATE entry SET status = ? WHERE rowid = ?", changes)

    def rows_with_status(self, *statuses: str, role: str | None = None) -> Iterator[tuple[int, PlanEntry]]:
        where = f"WHERE status IN ({', '.join('?' * len(statuses))})"
        if role is None:
            return self._rows(where, statuses)
        return self._rows(where + " AND role = ?", (*statuses, role))

    def sidecar_rows(self, owner_id: str) -> Iterator[tuple[int, PlanEntry]]:
        return self._rows("WHERE owner_id = ? AND role = 'sidecar'", (owner_id,))

    def target_taken(self, relative_target: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM entry WHERE target_key = ? LIMIT 1", (as_key(relative_target.casefold()),)
        ).fetchone()
        return row is not None

    def replace_rows(self, changes: Sequence[tuple[int, PlanEntry]]) -> None:
        self._db.executemany(
            "UPDATE entry SET source = ?, target_key = ?, source_path = ?, target_path = ?, "
            "entry_id = ?, owner_id = ?, role = ?, "
            "status = ?, code = ?, note = ?, rest = ? WHERE rowid = ?",
            [(*_row(entry), rowid) for rowid, entry in changes],
        )

    def with_status(self, status: EntryStatus, *, role: str | None = None) -> Iterator[PlanEntry]:
        return (entry for _, entry in self.rows_with_status(status, role=role))

    def status_counts(self) -> Counter[str]:
        return Counter(dict(self._db.execute("SELECT status, count(*) FROM entry GROUP BY status")))

    def error_codes(self) -> tuple[str, ...]:
        """Distinct entry error codes, in source order of their first entry."""
        rows = self._db.execute(
            "SELECT code FROM entry WHERE code IS NOT NULL GROUP BY code ORDER BY min(source)"
        )
        return tuple(code for (code,) in rows)

    # --- reading ---------------------------------------------------------------------------------

    def _read(self, *, limit: int, offset: int) -> Iterator[PlanEntry]:
        return (entry for _, entry in self._rows("", limit=limit, offset=offset))

    def close(self) -> None:
        self._db.close()

    def _rows(
        self, where: str, parameters: tuple[object, ...] = (), *, limit: int = -1, offset: int = 0
    ) -> Iterator[tuple[int, PlanEntry]]:
        """Rows in source order, fetched in batches. Callers finish reading before they
        ``replace_rows``: SQLite cursors are not stable under updates of the rows they walk."""
        cursor = self._db.execute(
            f"SELECT rowid, {_COLUMNS} FROM entry {where} ORDER BY source, rowid LIMIT ? OFFSET ?",
            (*parameters, limit, offset),
        )
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                yield row[0], _entry(row)
