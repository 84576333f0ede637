"""``RunConfig``: one run's options, built once in the CLI from the settings and the flags.

A run's options are stored twice: in its checkpoint, so ``--resume`` goes on with the very same
options, and (the part that decides targets) in the reviewable plan file. Both go through the one
pair of functions here, ``to_json``/``from_json``, so an option is added in one place and a
stored run reads back as it was written. The JSON is flat, with the key names both files have
always had, so checkpoints and plans written before this module still load.

The allowed values of the options that take one of a list (action, conflict policy, preset…)
are the settings' own (``services/settings_model.py``): the settings check them on load, below core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from anivault.core.lookup.overrides import Pick, parse_override
from anivault.core.lookup.scan import ScanFilter
from anivault.core.lookup.stream import LookupRequest
from anivault.core.plan.model import PlanOptions
from anivault.core.plan.naming import Naming
from anivault.core.plan.pathrules import rules_for
from anivault.core.plan.templates import scheme_for
from anivault.services.settings_model import ACTIONS, COLON_STYLES, CONFLICT_POLICIES


@dataclass(frozen=True, slots=True)
class RunConfig:
    """What one ``run``/``organize`` looks up, how it plans, and how it applies."""

    lookup: LookupRequest
    """The source and how its files are looked up (workers, picks, filters, title language…)."""
    target: Path
    plan: PlanOptions = field(default_factory=PlanOptions)
    plan_file: Path | None = None
    """Where to write the reviewable plan (``--plan FILE``), if anywhere."""
    io_pace_limit: float | None = None
    """File operations per minute at most (``--io-pace-limit``)."""
    prune_empty: bool = False
    """``--prune-empty``: after applying, remove the source folders the moves left empty."""

    @property
    def source(self) -> Path:
        return self.lookup.source

    def to_json(self) -> dict[str, Any]:
        """The options, JSON-shaped, for the run's checkpoint."""
        lookup = self.lookup
        return {
            "source": str(lookup.source),
            "target": str(self.target),
            "workers": lookup.workers,
            "min_confidence": lookup.min_confidence,
            **plan_options_to_json(self.plan),
            "accept_review": self.plan.accept_review,
            "allow_target_symlinks": self.plan.allow_target_symlinks,
            "plan_file": str(self.plan_file) if self.plan_file else None,
            "io_pace_limit": self.io_pace_limit,
            "parse_processes": lookup.parse_processes,
            "match_override": asdict(lookup.match_override) if lookup.match_override else None,
            "title_language": lookup.title_language,
            "extras_folder": lookup.extras_folder,
            "picks": [{"path": str(pick.path), **asdict(pick.override)} for pick in lookup.picks],
            "extensions": sorted(lookup.select.extensions or ()) if lookup.select else [],
            "exclude": list(lookup.select.exclude) if lookup.select else [],
            "prune_empty": self.prune_empty,
            "follow_source_symlinks": lookup.follow_source_symlinks,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RunConfig:
        """Read ``to_json``'s shape back (and older checkpoints', which lack the later keys).
        Raises KeyError, TypeError or ValueError for anything else."""
        lookup = LookupRequest(
            source=Path(raw["source"]),
            exclude=None,
            workers=int(raw["workers"]),
            min_confidence=float(raw["min_confidence"]),
            parse_processes=int(raw.get("parse_processes", 0)),
            match_override=(
                parse_override(raw["match_override"], "checkpoint") if raw.get("match_override") else None
            ),
            title_language=raw.get("title_language"),
            extras_folder=bool(raw.get("extras_folder", False)),
            picks=tuple(
                Pick(Path(pick.pop("path")), parse_override(pick, "checkpoint"))
                for pick in (dict(p) for p in raw.get("picks", []))
            ),
            select=_select_from(raw.get("extensions") or [], raw.get("exclude") or []),
            follow_source_symlinks=bool(raw.get("follow_source_symlinks", False)),
        )
        plan = replace(
            plan_options_from_json(raw),
            accept_review=bool(raw.get("accept_review", False)),
            allow_target_symlinks=bool(raw.get("allow_target_symlinks", False)),
        )
        return cls(
            lookup=lookup,
            target=Path(raw["target"]),
            plan=plan,
            plan_file=Path(raw["plan_file"]) if raw.get("plan_file") else None,
            io_pace_limit=raw.get("io_pace_limit"),
            prune_empty=bool(raw.get("prune_empty", False)),
        )


def plan_options_to_json(options: PlanOptions) -> dict[str, Any]:
    """The options that decide targets, as the plan file's ``options`` and inside a checkpoint.
    ``accept_review`` and ``allow_target_symlinks`` are not among them: a plan file never carries
    them (they belong to the run that applies it)."""
    naming = options.naming
    return {
        "action": options.action,
        "on_conflict": options.on_conflict,
        "preset": naming.scheme.name,
        "template": naming.scheme.tv.text,
        "max_path_chars": naming.max_path_chars,
        "colon": naming.colon,
        "ascii_or_native": naming.ascii_or_native,
        "movies_root": str(options.movies_root) if options.movies_root else None,
        "path_rules": options.path_rules.name,
    }


def plan_options_from_json(raw: Mapping[str, Any]) -> PlanOptions:
    """``plan_options_to_json``'s shape read back, each value checked against its allowed ones.
    Raises KeyError, TypeError or ValueError (UsageError for an unknown preset or a bad template)."""
    return PlanOptions(
        naming=Naming(
            scheme_for(raw["preset"], raw["template"]),
            int(raw["max_path_chars"]),
            one_of(raw["colon"], COLON_STYLES),
            ascii_or_native=bool(raw.get("ascii_or_native", False)),
        ),
        action=one_of(raw["action"], ACTIONS),
        on_conflict=one_of(raw["on_conflict"], CONFLICT_POLICIES),
        movies_root=Path(raw["movies_root"]) if raw.get("movies_root") else None,
        path_rules=rules_for(raw.get("path_rules", "auto")),
    )


def one_of(value: object, allowed: tuple[str, ...]) -> Any:
    """``value`` when it is one of ``allowed``. Raises ValueError naming them otherwise."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _select_from(extensions: list[str], exclude: list[str]) -> ScanFilter | None:
    """A checkpoint's ``--ext``/``--exclude`` (checkpoints written before they existed have none)."""
    if not extensions and not exclude:
        return None
    return ScanFilter(frozenset(extensions) or None, tuple(exclude))
