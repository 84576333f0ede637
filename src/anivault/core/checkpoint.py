"""Run checkpoints: what ``--resume`` needs to pick up the last interrupted run by itself.

A checkpoint lives in ``<state>/runs/<run_id>/checkpoint.json`` next to the run's saved plan. It
names the phase the run reached (``lookup`` → ``apply`` → ``finished``), the options the run was
started with, and where its plan and journal are. The journal stays the truth about which files
moved; the checkpoint only says *which* run to resume and how, so it is rewritten at phase
changes, at most every ``CHECKPOINT_EVERY_SECONDS`` while applying, and on Ctrl+C.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from anivault.errors import UsageError
from anivault.utils.atomic import atomic_text

CHECKPOINT_EVERY_SECONDS = 30.0
Phase = Literal["lookup", "apply", "finished"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    run_id: str
    phase: Phase
    journal: str
    plan: str | None = None
    request: Mapping[str, Any] = field(default_factory=dict)
    """The run's own options (source, target, action…), JSON-shaped; empty for ``--from-plan``."""
    done: int = 0
    total: int = 0

    def advanced(self, **changes: Any) -> Checkpoint:
        return replace(self, **changes)


def run_dir(state_dir: Path, run_id: str) -> Path:
    return state_dir / "runs" / run_id


def save(state_dir: Path, checkpoint: Checkpoint) -> None:
    """Atomic write: a crash leaves the previous checkpoint or the new one, never half of one."""
    with atomic_text(run_dir(state_dir, checkpoint.run_id) / "checkpoint.json") as handle:
        json.dump(asdict(checkpoint), handle, ensure_ascii=False, sort_keys=True, indent=2, default=dict)


def latest_unfinished(state_dir: Path) -> Checkpoint:
    """The newest run that did not finish. Raises UsageError when there is none."""
    runs = state_dir / "runs"
    names = sorted((p.name for p in runs.iterdir() if p.is_dir()), reverse=True) if runs.is_dir() else []
    for name in names:
        checkpoint = _load(runs / name / "checkpoint.json")
        if checkpoint is not None and checkpoint.phase != "finished":
            return checkpoint
    raise UsageError(f"no interrupted run to resume under {runs}")


def newest(state_dir: Path) -> Checkpoint | None:
    """The newest run's checkpoint, finished or not; None before the first run."""
    runs = state_dir / "runs"
    names = sorted((p.name for p in runs.iterdir() if p.is_dir()), reverse=True) if runs.is_dir() else []
    return next((c for c in (_load(runs / n / "checkpoint.json") for n in names) if c is not None), None)


def load(state_dir: Path, run_id: str) -> Checkpoint:
    """The checkpoint of ``run_id``. Raises UsageError when there is none or it is unreadable."""
    checkpoint = _load(run_dir(state_dir, run_id) / "checkpoint.json")
    if checkpoint is None:
        raise UsageError(f"no checkpoint for run {run_id} under {state_dir}")
    return checkpoint


def is_unfinished(state_dir: Path, run_id: str) -> bool:
    checkpoint = _load(run_dir(state_dir, run_id) / "checkpoint.json")
    return checkpoint is not None and checkpoint.phase != "finished"


def _load(path: Path) -> Checkpoint | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Checkpoint(**raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"unreadable checkpoint {path} ({exc}); remove that run folder") from exc
