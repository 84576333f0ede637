"""The roots a plan file was written for, recorded in this home when ``--plan FILE`` writes it.

A plan is editable by design, so its own ``source_root``/``target_root`` fields prove nothing: a
shared or tampered plan can point them anywhere. ``--from-plan --apply`` therefore takes its roots
from ``--src``/``--dst`` when given, else from this record — made by this home for this plan path —
and refuses a plan that has neither (``E-PLAN-UNTRUSTED``). One small JSON file per plan path under
``<state>/plans/``, named by the SHA-256 of the plan's absolute path.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from anivault.utils.atomic import atomic_text


@dataclass(frozen=True, slots=True)
class PlanRoots:
    source_root: Path
    target_root: Path
    movies_root: Path | None = None
    """Where the plan's movies go (``--movies-dst``, or the default beside the series root)."""


def _record_path(state_dir: Path, plan_path: Path) -> Path:
    name = hashlib.sha256(os.fsencode(os.path.abspath(plan_path))).hexdigest()[:32]
    return state_dir / "plans" / f"{name}.json"


def record_roots(state_dir: Path, plan_path: Path, roots: PlanRoots) -> None:
    with atomic_text(_record_path(state_dir, plan_path)) as out:
        json.dump(
            {
                "source_root": str(roots.source_root),
                "target_root": str(roots.target_root),
                "movies_root": str(roots.movies_root) if roots.movies_root else None,
            },
            out,
        )


def recorded_roots(state_dir: Path, plan_path: Path) -> PlanRoots | None:
    """The roots recorded for ``plan_path``; None when this home never wrote that plan (or the
    record is unreadable, which is treated the same: give --src and --dst)."""
    try:
        raw = json.loads(_record_path(state_dir, plan_path).read_text(encoding="utf-8"))
        movies = raw.get("movies_root")
        return PlanRoots(Path(raw["source_root"]), Path(raw["target_root"]), Path(movies) if movies else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None
