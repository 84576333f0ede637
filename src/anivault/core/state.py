"""One run's record under the state folder: its checkpoint, for ``--resume``, and the last run's
status snapshot, for ``anivault status``. Both are small JSON files replaced atomically
(``utils/atomic.py``), written here and nowhere else, so a crash mid-write leaves the previous
record or the new one, never half of one.

The checkpoint lives in ``<state>/runs/<run_id>/checkpoint.json`` next to the run's saved plan. It
names the phase the run reached (``lookup`` → ``apply`` → ``finished``), the options the run was
started with (``RunConfig``), and where its plan and journal are. The journal stays the truth about
which files moved; the checkpoint only says *which* run to resume and how, so it is rewritten at
phase changes, at most every ``CHECKPOINT_EVERY_SECONDS`` while applying, and on Ctrl+C
(``apply/session.py`` makes every one of those saves).

The snapshot (``<state>/last_run.json``) answers "what did the last run do, where are its
plan/journal/logs, and can it be resumed?" without re-running; ``StatusRecorder`` writes it when a
run starts, ends or is interrupted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from anivault.core.config import RunConfig
from anivault.errors import AniVaultError, ConfigError, InterruptedRunError, UsageError
from anivault.utils.atomic import atomic_text

CHECKPOINT_EVERY_SECONDS = 30.0
CHECKPOINT_NAME = "checkpoint.json"
SNAPSHOT_NAME = "last_run.json"
Phase = Literal["lookup", "apply", "finished"]
RunState = Literal["running", "finished", "interrupted", "failed"]


def run_dir(state_dir: Path, run_id: str) -> Path:
    return state_dir / "runs" / run_id


def journal_path_for(state_dir: Path, run_id: str) -> Path:
    return state_dir / "journals" / f"{run_id}.jsonl"


# --- the checkpoint ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    run_id: str
    phase: Phase
    journal: str
    plan: str | None = None
    config: RunConfig | None = None
    """The run's own options; None for ``--from-plan`` (the plan file is all it has)."""
    done: int = 0
    total: int = 0

    def advanced(self, **changes: Any) -> Checkpoint:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "phase": self.phase,
            "journal": self.journal,
            "plan": self.plan,
            "request": self.config.to_json() if self.config else {},
            "done": self.done,
            "total": self.total,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Checkpoint:
        """Raises KeyError, TypeError or ValueError for a file that is not a checkpoint."""
        request = raw.get("request") or {}
        return cls(
            run_id=str(raw["run_id"]),
            phase=raw["phase"],
            journal=str(raw["journal"]),
            plan=raw.get("plan"),
            config=RunConfig.from_json(request) if request else None,
            done=int(raw.get("done", 0)),
            total=int(raw.get("total", 0)),
        )


def save_checkpoint(state_dir: Path, checkpoint: Checkpoint) -> None:
    with atomic_text(run_dir(state_dir, checkpoint.run_id) / CHECKPOINT_NAME) as handle:
        json.dump(checkpoint.to_json(), handle, ensure_ascii=False, sort_keys=True, indent=2)


def latest_unfinished(state_dir: Path) -> Checkpoint:
    """The newest run that did not finish. Raises UsageError when there is none."""
    for checkpoint in _newest_first(state_dir):
        if checkpoint.phase != "finished":
            return checkpoint
    raise UsageError(f"no interrupted run to resume under {state_dir / 'runs'}")


def newest(state_dir: Path) -> Checkpoint | None:
    """The newest run's checkpoint, finished or not; None before the first run."""
    return next(_newest_first(state_dir), None)


def stored_checkpoint(state_dir: Path, run_id: str) -> Checkpoint | None:
    """The checkpoint of ``run_id``, None when it has none. Raises UsageError when unreadable."""
    return _load(run_dir(state_dir, run_id) / CHECKPOINT_NAME)


def load_checkpoint(state_dir: Path, run_id: str) -> Checkpoint:
    """The checkpoint of ``run_id``. Raises UsageError when there is none or it is unreadable."""
    checkpoint = stored_checkpoint(state_dir, run_id)
    if checkpoint is None:
        raise UsageError(f"no checkpoint for run {run_id} under {state_dir}")
    return checkpoint


def close_run(state_dir: Path, run_id: str) -> None:
    """The run was undone: whatever ``--resume`` would still do for it must not put back what undo
    took out, and ``anivault status`` must stop offering it."""
    checkpoint = stored_checkpoint(state_dir, run_id)
    if checkpoint is not None and checkpoint.phase != "finished":
        save_checkpoint(state_dir, checkpoint.advanced(phase="finished"))
    try:
        snapshot = read_snapshot(state_dir)
    except ConfigError:
        return  # a damaged snapshot is status's to report; it must not stop an undo
    if snapshot is not None and snapshot.run_id == run_id and snapshot.resumable:
        write_snapshot(state_dir, replace(snapshot, resumable=False))


def is_unfinished(state_dir: Path, run_id: str) -> bool:
    checkpoint = stored_checkpoint(state_dir, run_id)
    return checkpoint is not None and checkpoint.phase != "finished"


def _newest_first(state_dir: Path) -> Iterator[Checkpoint]:
    runs = state_dir / "runs"
    names = sorted((p.name for p in runs.iterdir() if p.is_dir()), reverse=True) if runs.is_dir() else []
    return (c for c in (_load(runs / name / CHECKPOINT_NAME) for name in names) if c is not None)


def _load(path: Path) -> Checkpoint | None:
    try:
        return Checkpoint.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"unreadable checkpoint {path} ({exc!r}); remove that run folder") from exc


# --- the status snapshot -------------------------------------------------------------------------


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
                "resumable": is_unfinished(self._state_dir, self._run_id),
                "error_codes": error_codes,
                "message": message,
                "counts": dict(counts or {}),
            }
        )
        write_snapshot(self._state_dir, snapshot)
