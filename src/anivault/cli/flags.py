"""The organize and match options of one invocation, each set handed to a command as one value.

They live apart from the commands so that ``options.py`` can build them without importing a
command. Field names equal the Click parameter names: ``options.py`` folds options into these
classes by name, and ``given()`` turns the names back into the flags a user typed (a field whose
flag differs from its name says so in its metadata: ``plan_file`` is ``--plan``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from anivault.core.overrides import MatchOverride
from anivault.errors import UsageError
from anivault.services.settings import Settings
from anivault.services.tmdb.models import MediaType

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class _GivenFlags:
    """Modes that bring their own options (``organize --undo`` …) refuse any of these given too."""

    __slots__ = ()

    def given(self) -> dict[str, object]:
        """Option name → value, for the checks of modes that take none of them."""
        return {
            option.metadata.get("flag", f"--{option.name.replace('_', '-')}"): getattr(self, option.name)
            for option in fields(cast("DataclassInstance", self))
        }


@dataclass(frozen=True, slots=True)
class OrganizeFlags(_GivenFlags):
    """The organize options of one invocation; None keeps the setting."""

    action: str | None = None
    on_conflict: str | None = None
    preset: str | None = None
    template: str | None = None
    io_pace_limit: float | None = None
    plan_file: Path | None = field(default=None, metadata={"flag": "--plan"})

    def apply_to(self, settings: Settings) -> Settings:
        changes: dict[str, Any] = {
            "action": self.action,
            "on_conflict": self.on_conflict,
            "naming_preset": self.preset,
            "naming_template": self.template,
            "io_pace_limit": self.io_pace_limit,
        }
        return replace(settings, **{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True, slots=True)
class MatchFlags(_GivenFlags):
    """``--tmdb-id``/``--tmdb-type``/``--season-offset``: what the whole ``--src`` is on TMDB."""

    tmdb_id: int | None = None
    tmdb_type: str | None = None
    season_offset: int | None = None

    def match_override(self) -> MatchOverride | None:
        """The options as one override for the whole source. Raises UsageError for a
        ``--tmdb-type`` without ``--tmdb-id``."""
        if self.tmdb_id is None and not self.season_offset:
            if self.tmdb_type is not None:
                raise UsageError("--tmdb-type needs --tmdb-id")
            return None
        media_type: MediaType = "movie" if self.tmdb_type == "movie" else "tv"
        return MatchOverride(self.tmdb_id, media_type, self.season_offset or 0)
