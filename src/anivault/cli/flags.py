"""The tuning, organize and match options of one invocation, each set handed to a command as one value.

They live apart from the commands so that ``options.py`` can build them without importing a
command. Field names equal the Click parameter names: ``options.py`` folds options into these
classes by name, and ``given()`` turns the names back into the flags a user typed (a field whose
flag differs from its name says so in its metadata: ``plan_file`` is ``--plan``). A field that
overrides a setting names it in its metadata too: ``options.py`` reads that to show the setting's
environment variable and default in ``--help``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from anivault.errors import UsageError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from anivault.core.lookup.overrides import MatchOverride, Pick
    from anivault.core.lookup.scan import ScanFilter
    from anivault.services.settings_model import Settings
    from anivault.services.tmdb.media_types import MediaType


class _Flags:
    """What the option sets share: which options were given, and which settings they override."""

    __slots__ = ()

    def given(self) -> dict[str, object]:
        """Flag → value, for the checks of modes that take none of these options."""
        return {
            option.metadata.get("flag", f"--{option.name.replace('_', '-')}"): getattr(self, option.name)
            for option in fields(cast("DataclassInstance", self))
        }

    def apply_to(self, settings: Settings) -> Settings:
        """``settings`` with each given option's setting replaced (None keeps the setting)."""
        changes = {
            option.metadata["setting"]: getattr(self, option.name)
            for option in fields(cast("DataclassInstance", self))
            if "setting" in option.metadata
        }
        return replace(settings, **{name: value for name, value in changes.items() if value is not None})


def setting_of(flags: type[DataclassInstance], name: str) -> str:
    """The setting that the option ``name`` of the set ``flags`` overrides. Raises KeyError."""
    return str({f.name: f for f in fields(flags)}[name].metadata["setting"])


def _setting(name: str) -> Any:
    """A field for an option that overrides the setting ``name``."""
    return field(default=None, metadata={"setting": name})


@dataclass(frozen=True, slots=True)
class Overrides(_Flags):
    """The tuning options of one invocation; None keeps the setting."""

    max_workers: int | None = _setting("max_workers")
    tmdb_concurrency: int | None = _setting("tmdb_concurrency")
    rate: float | None = _setting("tmdb_rate")
    lang: str | None = _setting("title_language")
    cache_max_bytes: int | None = _setting("cache_max_bytes")


@dataclass(frozen=True, slots=True)
class OrganizeFlags(_Flags):
    """The organize options of one invocation; None keeps the setting."""

    action: str | None = _setting("action")
    on_conflict: str | None = _setting("on_conflict")
    preset: str | None = _setting("naming_preset")
    template: str | None = _setting("naming_template")
    io_pace_limit: float | None = _setting("io_pace_limit")
    movies_dst: str | None = _setting("movies_target")
    extras: str | None = _setting("extras")
    prune_empty: bool = False
    plan_file: Path | None = field(default=None, metadata={"flag": "--plan"})
    accept_review: bool = False


@dataclass(frozen=True, slots=True)
class MatchFlags(_Flags):
    """``--tmdb-id``/``--tmdb-type``/``--season-offset``: what the whole ``--src`` is on TMDB."""

    tmdb_id: int | None = None
    tmdb_type: str | None = None
    season_offset: int | None = None
    pick: tuple[str, ...] = ()
    """``--pick PATH=ID``: a file or folder of ``--src`` is this TMDB title."""
    interactive: bool = False
    """``--interactive``: ask for each folder whose files are unmatched or under review."""

    def match_override(self) -> MatchOverride | None:
        """The options as one override for the whole source. Raises UsageError for a
        ``--tmdb-type`` without ``--tmdb-id``."""
        if self.tmdb_id is None and not self.season_offset:
            if self.tmdb_type is not None:
                raise UsageError("--tmdb-type needs --tmdb-id")
            return None
        from anivault.core.lookup.overrides import MatchOverride  # noqa: PLC0415 (core stays out of --help)

        media_type: MediaType = "movie" if self.tmdb_type == "movie" else "tv"
        return MatchOverride(self.tmdb_id, media_type, self.season_offset or 0)

    def picks(self, source: Path) -> tuple[Pick, ...]:
        """``--pick PATH=ID`` as picks below ``source``. Raises UsageError for a malformed one or
        a path outside ``source``."""
        from anivault.core.lookup.overrides import parse_pick  # noqa: PLC0415 (as above)

        return tuple(parse_pick(text, source) for text in self.pick)


DETAILS = ("summary", "series", "files")
"""How much ``--show`` prints: the counts alone, a line per series (default), or a line per file."""


@dataclass(frozen=True, slots=True)
class OutputFlags:
    """``--show``/``--verbose``/``--quiet``: how much of a run a person reads."""

    show: str | None = None
    verbose: bool = False
    quiet: bool = False

    def detail(self) -> str:
        """One of ``DETAILS``. Raises UsageError for options that contradict each other."""
        wanted = (
            {self.show} - {None}
            | ({"files"} if self.verbose else set())
            | ({"summary"} if self.quiet else set())
        )
        if len(wanted) > 1:
            raise UsageError("--quiet, --verbose and --show ask for different output: give one")
        return str(next(iter(wanted))) if wanted else "series"


@dataclass(frozen=True, slots=True)
class SourceFilter(_Flags):
    """``--ext``/``--exclude``: what to leave out of ``--src``, the same for every command."""

    extensions: tuple[str, ...] = field(default=(), metadata={"flag": "--ext"})
    exclude: tuple[str, ...] = ()

    def scan_filter(self) -> ScanFilter | None:
        """The options as the scan's filter; None when neither was given."""
        if not self.extensions and not self.exclude:
            return None
        from anivault.core.lookup.scan import ScanFilter, normalise_extensions  # noqa: PLC0415 (as above)

        return ScanFilter(normalise_extensions(self.extensions), self.exclude)


@dataclass(frozen=True, slots=True)
class RunFlags:
    """All that ``run`` and ``organize`` share: the folders, ``--apply`` and the option sets, one
    value so that neither command repeats the other's parameters."""

    source: Path | None
    target: Path | None
    apply: bool
    source_filter: SourceFilter
    flags: OrganizeFlags
    overrides: Overrides
    match_flags: MatchFlags
    output: OutputFlags

    def settings(self, loaded: Settings) -> Settings:
        """``loaded`` with the settings the options override replaced."""
        return self.flags.apply_to(self.overrides.apply_to(loaded))

    def options_given(self) -> dict[str, object]:
        """Flag → value of the organize, match and filter options (``--from-plan`` allows a few)."""
        return self.flags.given() | self.match_flags.given() | self.source_filter.given()

    def given(self) -> dict[str, object]:
        """Flag → value of the folders, ``--apply`` and ``options_given``: what a mode that brings
        its own sources and options (``--resume``, ``--undo``) refuses."""
        return {"--src": self.source, "--dst": self.target, "--apply": self.apply} | self.options_given()
