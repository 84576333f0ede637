"""The write-ahead journal of an apply (and of its undo): one fsynced, signed JSON line per step.

Apply writes ``mkdir`` (before creating a folder), ``intent``, ``reserved``, ``fallback``, then
``done`` or ``failed``; recovery adds ``done``/``rolled_back`` verdicts; undo writes
``undo_intent``, ``undo_reserved`` and ``undone``. A crash at any instant leaves a record that
``recovery.settle`` can finish or roll back, and that ``undo`` can reverse (or finish reversing).

Undo deletes and moves files on the journal's word, so the journal is untrusted input: every line
carries an HMAC-SHA256 over its fields and the previous line's MAC, keyed by a per-home secret
(``journal.key`` in the state folder, 0600, made on first use). A line that parses but whose MAC
does not verify — hand-edited, inserted, reordered, or written under another AniVault home — makes
the whole journal refused with ``E-JOURNAL-UNTRUSTED``. Lines that do not parse are torn writes
(a crash mid-line) and are skipped; the chain continues from the last whole line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from anivault.errors import FileSystemError, JournalUntrustedError
from anivault.utils.atomic import JSON_ERRORS

KEY_NAME = "journal.key"
KEY_BYTES = 32
MAC_FIELD = "mac"


class Phase(str, Enum):
    """Every kind of journal line. The value is what is written to disk."""

    MKDIR = "mkdir"
    INTENT = "intent"
    RESERVED = "reserved"
    FALLBACK = "fallback"
    DONE = "done"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    UNDO_INTENT = "undo_intent"
    UNDO_RESERVED = "undo_reserved"
    UNDONE = "undone"
    RMDIR = "rmdir"
    """``--prune-empty`` removed a source folder a move left empty; undo needs no step for it,
    since moving a file back makes its folder again."""


@dataclass(frozen=True, slots=True)
class Record:
    """One verified journal line."""

    phase: Phase
    fields: Mapping[str, Any]


def journal_key(state_dir: Path) -> bytes:
    """This home's journal key, created (0600, O_EXCL) on first use. Raises FileSystemError."""
    path = state_dir / KEY_NAME
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read_key(path)
    except OSError as exc:
        raise FileSystemError(f"cannot create the journal key {path} ({exc.strerror})") from exc
    with os.fdopen(handle, "wb") as out:
        out.write(secrets.token_bytes(KEY_BYTES))
        out.flush()
        os.fsync(out.fileno())
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except (IsADirectoryError, PermissionError) as exc:
        raise FileSystemError(f"cannot read the journal key {path} ({exc.strerror})") from exc
    if len(key) != KEY_BYTES:
        raise FileSystemError(f"the journal key {path} is damaged; journals signed with it cannot be trusted")
    return key


def _mac(key: bytes, previous: str, body: str) -> str:
    # surrogatepass: a file name that is not valid UTF-8 travels as lone surrogates, signed as is.
    message = f"{previous}\n{body}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _body(fields: Mapping[str, Any]) -> str:
    """The canonical text a MAC covers (the written line may escape more, and parses back equal)."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _line(fields: Mapping[str, Any]) -> str:
    """The line written: readable UTF-8, or all-ASCII escapes when a name is not valid UTF-8."""
    text = _body(fields)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(fields, ensure_ascii=True, sort_keys=True)
    return text


class Journal:
    """Append-only signed JSON lines, fsynced one by one: the record ``--undo``/``--resume`` trust.

    Opening an existing journal verifies it first (``JournalUntrustedError``): nothing is ever
    appended to a journal this home did not write.
    """

    def __init__(self, path: Path, key: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._key = key
        self._last_mac = _verified(path, key)[1]
        self._handle = path.open("a", encoding="utf-8", errors=JSON_ERRORS)
        self._lock = threading.Lock()
        if _ends_mid_line(path):
            # A crash tore the last line; end it, or our next record would be glued onto it.
            self._handle.write("\n")
            self._handle.flush()

    def record(self, phase: Phase, **fields: object) -> None:
        body = {**fields, "phase": phase.value}
        with self._lock:
            mac = _mac(self._key, self._last_mac, _body(body))
            self._handle.write(_line({**body, MAC_FIELD: mac}) + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._last_mac = mac

    def close(self) -> None:
        self._handle.close()


def read_records(path: Path, key: bytes) -> list[Record]:
    """Every whole line of ``path``, verified. A missing journal reads as empty.
    Raises JournalUntrustedError for a line this home did not sign in this order."""
    return _verified(path, key)[0]


def _verified(path: Path, key: bytes) -> tuple[list[Record], str]:
    try:
        # A crash may cut the last line inside a multi-byte character: replaced, it fails to parse
        # like any torn line; whole lines are always valid UTF-8.
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], ""
    except OSError as exc:
        raise FileSystemError(f"cannot read the journal {path} ({exc.strerror})") from exc
    records: list[Record] = []
    previous = ""
    for number, line in enumerate(text.splitlines(), 1):
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            continue  # torn by a crash mid-write
        if not isinstance(raw, dict):
            raise JournalUntrustedError(f"{path}:{number}: not a journal line; the journal is refused")
        claimed = raw.pop(MAC_FIELD, None)
        if not isinstance(claimed, str) or not hmac.compare_digest(claimed, _mac(key, previous, _body(raw))):
            raise JournalUntrustedError(
                f"{path}:{number}: this line was not written by AniVault under this home (edited, "
                "moved or from another home, or from a version before journals were signed); "
                "nothing was undone or resumed"
            )
        try:
            phase = Phase(raw.pop("phase"))
        except (KeyError, ValueError) as exc:
            raise JournalUntrustedError(f"{path}:{number}: unknown journal phase") from exc
        records.append(Record(phase, raw))
        previous = claimed
    return records, previous


def _ends_mid_line(path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"
