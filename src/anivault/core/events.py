"""Events the core reports, and the ``Reporter`` interface the CLI implements.

The core never prints. It calls a Reporter from the main thread (``TmdbState`` alone comes from
the match threads), and the CLI decides whether that becomes rich progress bars or NDJSON lines.

An event is a frozen value of its own class holding domain values, not JSON: a progress bar
reads its numbers, and only ``--json`` pays for ``to_json()``, the ``fields`` object of its NDJSON
line (``schemas/cli_event.schema.json``, a ``$defs`` entry per ``phase.event``). Events only the
CLI emits (the summary, settings, cache, titles …) live in ``cli/events.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from anivault.core.lookup.outcome_json import outcome_json

if TYPE_CHECKING:
    from anivault.core.apply.apply import ApplyOutcome
    from anivault.core.lookup.matching.consensus import Outlier
    from anivault.core.models import MatchedFile, Skipped
    from anivault.services.tmdb.client import ClientStats
    from anivault.services.tmdb.health import StateChange


class Event(ABC):
    """One thing worth telling: which phase it belongs to, what happened, and its NDJSON fields."""

    __slots__ = ()

    phase: ClassVar[str]
    """``run``, ``scan``, ``match``, ``tmdb``, ``plan``, ``organize`` (and the CLI's own)."""
    event: ClassVar[str]
    per_file: ClassVar[bool] = False
    """One of many lines about single files: ``--json`` may write it together with the next ones."""

    @abstractmethod
    def to_json(self) -> dict[str, object]:
        """The ``fields`` object of this event's NDJSON line."""


class Reporter(Protocol):
    def emit(self, event: Event) -> None: ...


class NullReporter:
    """Discards events: for library use and tests that only look at results."""

    def emit(self, event: Event) -> None:
        return None


@dataclass(frozen=True, slots=True)
class RunStarted(Event):
    phase = "run"
    event = "started"
    run_id: str
    source: Path
    apply: bool

    def to_json(self) -> dict[str, object]:
        return {"run_id": self.run_id, "source": str(self.source), "apply": self.apply}


@dataclass(frozen=True, slots=True)
class RunFinished(Event):
    phase = "run"
    event = "finished"
    run_id: str

    def to_json(self) -> dict[str, object]:
        return {"run_id": self.run_id}


@dataclass(frozen=True, slots=True)
class RunDeferred(Event):
    """Files TMDB could not be asked about: ``--resume`` looks them up again."""

    phase = "run"
    event = "deferred"
    RESUME: ClassVar[str] = "anivault run --resume"
    files: int

    def to_json(self) -> dict[str, object]:
        return {"files": self.files, "resume": self.RESUME}


@dataclass(frozen=True, slots=True)
class RunResumed(Event):
    phase = "run"
    event = "resumed"
    run_id: str
    done: int
    nothing_left: bool = False
    """Every run had finished: the resume did nothing, which is success."""

    def to_json(self) -> dict[str, object]:
        fields: dict[str, object] = {"run_id": self.run_id, "done": self.done}
        if self.nothing_left:
            fields["nothing_left"] = True
        return fields


@dataclass(frozen=True, slots=True)
class ScanSkipped(Event):
    phase = "scan"
    event = "skipped"
    per_file = True
    skipped: Skipped

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.skipped.path), "reason": self.skipped.reason}


@dataclass(frozen=True, slots=True)
class MatchProgress(Event):
    """How far the lookup is: videos per stage, and the live counters people watch."""

    phase = "match"
    event = "progress"
    listed: int
    """Videos the scan has handed on."""
    parsed: int
    looked_up: int
    parse_failed: int
    stats: ClientStats

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.listed,
            "parse": self.parsed,
            "match": self.looked_up,
            "parse_failed": self.parse_failed,
            "cache_hits": self.stats.cache.hits,
            "cache_misses": self.stats.cache.misses,
            "tmdb_requests": self.stats.requests_sent,
            "rate_limited": self.stats.rate_limited,
        }


@dataclass(frozen=True, slots=True)
class MatchResult(Event):
    """One file's lookup outcome as it happens, so a listener never needs the whole library."""

    phase = "match"
    event = "result"
    per_file = True
    item: MatchedFile

    def to_json(self) -> dict[str, object]:
        return outcome_json(self.item)


@dataclass(frozen=True, slots=True)
class MatchOutlier(Event):
    """A file matched to another title than most of its folder: flagged, not changed."""

    phase = "match"
    event = "outlier"
    outlier: Outlier

    def to_json(self) -> dict[str, object]:
        outlier, majority = self.outlier, self.outlier.folder
        return {
            "source": outlier.source,
            "media_type": outlier.media_type,
            "tmdb_id": outlier.tmdb_id,
            "title": outlier.title,
            "files": outlier.files,
            "folder_tmdb_id": majority.tmdb_id,
            "folder_title": majority.title,
            "folder_agreeing": majority.agreeing,
            "folder_matched": majority.matched,
        }


@dataclass(frozen=True, slots=True)
class TmdbState(Event):
    """The link to TMDB changed state (throttled, sleeping, cache only, normal again)."""

    phase = "tmdb"
    event = "state"
    change: StateChange

    def to_json(self) -> dict[str, object]:
        return {"from": self.change.before, "to": self.change.after, "reason": self.change.reason}


@dataclass(frozen=True, slots=True)
class PlanBuilt(Event):
    phase = "plan"
    event = "built"
    entries: int
    actionable: int

    def to_json(self) -> dict[str, object]:
        return {"entries": self.entries, "actionable": self.actionable}


@dataclass(frozen=True, slots=True)
class OrganizeStarted(Event):
    phase = "organize"
    event = "started"
    entries: int
    """Entries left to apply."""
    already_done: int
    journal: Path

    def to_json(self) -> dict[str, object]:
        return {"entries": self.entries, "already_done": self.already_done, "journal": str(self.journal)}


@dataclass(frozen=True, slots=True)
class OrganizeFile(Event):
    phase = "organize"
    event = "file"
    per_file = True
    outcome: ApplyOutcome

    def to_json(self) -> dict[str, object]:
        entry = self.outcome.entry
        return {
            "status": self.outcome.status,
            "target": entry.relative_target,
            "action": entry.action,
            "code": self.outcome.error_code,
        }


@dataclass(frozen=True, slots=True)
class OrganizeNetworkFs(Event):
    """A root is on a network file system: moves there are slow."""

    phase = "organize"
    event = "network_fs"
    path: Path
    fs_type: str

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "fs_type": self.fs_type}
