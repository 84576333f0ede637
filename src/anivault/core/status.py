"""The last run's snapshot, for ``anivault status``: written when a run ends or is interrupted.

One small JSON file in the state folder, replaced atomically (``utils/atomic.py``) so a
crash mid-write leaves the previous snapshot, never half a file. The snapshot answers "what did
the last run do, where are its plan/journal/logs, and can it be resumed?" without re-running.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from anivault.core import checkpoint as checkpoints
from anivault.core.apply.session import journal_path_for
from anivault.errors import AniVaultError, ConfigError, InterruptedRunError
from anivault.utils.atomic import atomic_text

SNAPSHOT_NAME = "last_run.json"
RunState = Literal["running", "finished", "interrupted", "failed"]


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    run_id: str
    state: RunState
    started_at: str
    ended_at: str | None
    source: str
    target: str
    apply: bool
    journal: str | None
    """The rollback journal, when files were moved (or were being moved at interruption)."""
    log_dir: str | None
    resumable: bool
    """Its checkpoint is unfinished (interrupted, or lookups deferred): ``run --resume`` goes on."""
    error_codes: tuple[str, ...] = ()
    message: str = ""
    counts: Mapping[str, object] = field(default_factory=dict)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def write_snapshot(state_dir: Path, snapshot: RunSnapshot) -> Path:
    """Atomically replace the snapshot file; return its path."""
    target = state_dir / SNAPSHOT_NAME
    with atomic_text(target) as out:
        out.write(json.dumps(asdict(snapshot), ensure_ascii=False, indent=2, default=str) + "\n")
    return target


def read_snapshot(state_dir: Path) -> RunSnapshot | None:
    """The last snapshot, or None before the first run. A damaged file is a ConfigError."""
    path = state_dir / SNAPSHOT_NAME
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        raw["error_codes"] = tuple(raw.get("error_codes", ()))
        return RunSnapshot(**raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: unreadable run snapshot ({exc}); delete it to start fresh") from exc


class StatusRecorder:
    """Context manager around a run: ``finished(...)`` on success, an automatic snapshot on errors."""

    def __init__(
        self, *, state_dir: Path, log_dir: Path | None, run_id: str, source: Path, target: Path, apply: bool
    ) -> None:
        self._state_dir = state_dir
        self._journal = journal_path_for(state_dir, run_id)
        self._run_id = run_id
        self._base = RunSnapshot(
            run_id=run_id,
            state="running",
            started_at=utc_now(),
            ended_at=None,
            source=str(source),
            target=str(target),
            apply=apply,
            journal=None,
            log_dir=str(log_dir) if log_dir else None,
            resumable=False,
        )

    def __enter__(self) -> StatusRecorder:
        write_snapshot(self._state_dir, self._base)
        return self

    def finished(self, counts: Mapping[str, object], error_codes: tuple[str, ...]) -> None:
        self._write("finished", counts=counts, error_codes=error_codes)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: TracebackType | None
    ) -> None:
        if error is None:
            return
        interrupted = isinstance(error, (InterruptedRunError, KeyboardInterrupt))
        code = error.code if isinstance(error, AniVaultError) else type(error).__name__
        message = error.message if isinstance(error, AniVaultError) else str(error)
        self._write("interrupted" if interrupted else "failed", error_codes=(code,), message=message)

    def _write(
        self,
        state: RunState,
        *,
        counts: Mapping[str, object] | None = None,
        error_codes: tuple[str, ...] = (),
        message: str = "",
    ) -> None:
        journal = self._journal if self._journal.exists() else None
        snapshot = RunSnapshot(
            **{
                **asdict(self._base),
                "state": state,
                "ended_at": utc_now(),
                "journal": str(journal) if journal else None,
                "resumable": checkpoints.is_unfinished(self._state_dir, self._run_id),
                "error_codes": error_codes,
                "message": message,
                "counts": dict(counts or {}),
            }
        )
        write_snapshot(self._state_dir, snapshot)
