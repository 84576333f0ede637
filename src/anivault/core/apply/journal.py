"""The write-ahead journal of an apply: one fsynced JSON line per step.

``mkdir`` (before creating a folder), ``intent``, ``reserved``, ``fallback``, then ``done`` or
``failed``: a crash at any instant leaves a record that ``recovery.settle`` can finish or roll back,
and that ``undo`` can reverse.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from anivault.utils.atomic import JSON_ERRORS


class Journal:
    """Append-only JSON lines, fsynced one by one: the record ``--undo``/``--resume`` trust."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("a", encoding="utf-8", errors=JSON_ERRORS)
        self._lock = threading.Lock()
        if _ends_mid_line(path):
            # A crash tore the last line; end it, or our next record would be glued onto it.
            self._handle.write("\n")
            self._handle.flush()

    def record(self, **fields: object) -> None:
        line = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._handle.write(line + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


def _ends_mid_line(path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"
