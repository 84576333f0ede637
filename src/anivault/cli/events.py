"""Events only the CLI emits: the end of a run or a match, ``scan``'s listing, and what the small
commands (``settings``, ``cache``, ``titles``, ``status``, ``--undo``) answer under ``--json``.

The core has no business knowing these: it returns results, and the commands report them. They
are ``Event``s like the core's, so one ``NdjsonReporter`` writes both, and ``cache`` prints the
same fields as a table. Domain types are imported for type checking only: ``settings get``
should not load the run machinery to print one line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from anivault.core.events import Event
from anivault.core.lookup.outcome_json import candidates_json, match_json, unresolved_json, without

if TYPE_CHECKING:
    from anivault.core.apply.undo import UndoReport
    from anivault.core.lookup.scan import ListedVideo
    from anivault.core.lookup.warm import WarmResult
    from anivault.core.models import MatchedFile
    from anivault.core.plan.model import PlanEntry
    from anivault.core.run import RunSummary
    from anivault.core.state import RunSnapshot
    from anivault.services.cache.maintenance import CacheReport, Removal, VerifyReport
    from anivault.services.titles.index import TitleHit


@dataclass(frozen=True, slots=True)
class RunSummaryEvent(Event):
    phase = "run"
    event = "summary"
    summary: RunSummary

    def to_json(self) -> dict[str, object]:
        return asdict(self.summary)


@dataclass(frozen=True, slots=True)
class RunErrorEvent(Event):
    """The code that decided the exit status (docs/errors.md): every failure ends with it."""

    phase = "run"
    event = "error"
    code: str | None
    message: str
    exit_status: int

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "exit_status": self.exit_status}


@dataclass(frozen=True, slots=True)
class MatchOutcome(Event):
    """A file at the end of ``match`` or ``run``, its event named by its status: the match of a
    file matched or under review, else why it has none."""

    phase = "match"
    item: MatchedFile

    @property
    def event(self) -> str:  # type: ignore[override]  # the one event named by its value, not its class
        return self.item.status

    def to_json(self) -> dict[str, object]:
        item = self.item
        if item.status not in ("matched", "review") or item.match is None:
            return without(unresolved_json(item), "status")
        return {
            "source": item.parsed.scanned.relative,
            **without(match_json(item.match), "score_parts"),
            "note": item.note,
            "candidates": candidates_json(item.candidates),
        }


@dataclass(frozen=True, slots=True)
class MatchSummary(Event):
    phase = "match"
    event = "summary"
    statuses: Mapping[str, int]
    """Files per status."""

    def to_json(self) -> dict[str, object]:
        return {"files": sum(self.statuses.values()), **self.statuses}


@dataclass(frozen=True, slots=True)
class ScanFile(Event):
    phase = "scan"
    event = "file"
    per_file = True
    listed: ListedVideo

    def to_json(self) -> dict[str, object]:
        scanned = self.listed.scanned
        return {
            "path": scanned.path,
            "relative": scanned.relative,
            "size": self.listed.size,
            "sidecars": [sidecar.path for sidecar in scanned.sidecars],
        }


@dataclass(frozen=True, slots=True)
class ScanSummary(Event):
    phase = "scan"
    event = "summary"
    files: int
    skipped: int

    def to_json(self) -> dict[str, object]:
        return {"files": self.files, "skipped": self.skipped}


@dataclass(frozen=True, slots=True)
class PlanEntryEvent(Event):
    phase = "plan"
    event = "entry"
    per_file = True
    entry: PlanEntry

    def to_json(self) -> dict[str, object]:
        entry = self.entry
        return {
            "id": entry.entry_id,
            "source": entry.relative_source,
            "target": entry.relative_target,
            "role": entry.role,
            "status": entry.status,
            "code": entry.error_code,
            "action": entry.action,
            "note": entry.note,
            **without(match_json(entry.match), "title", "year"),
        }


@dataclass(frozen=True, slots=True)
class UndoFinished(Event):
    phase = "undo"
    event = "finished"
    report: UndoReport

    def to_json(self) -> dict[str, object]:
        report = self.report
        return {
            "restored": report.restored,
            "already_undone": report.already_undone,
            "left": list(report.left),
            "folders_removed": report.folders_removed,
        }


@dataclass(frozen=True, slots=True)
class StatusSnapshot(Event):
    phase = "status"
    event = "snapshot"
    snapshot: RunSnapshot | None
    """None before the first run."""

    def to_json(self) -> dict[str, object]:
        return {"found": self.snapshot is not None, **(asdict(self.snapshot) if self.snapshot else {})}


@dataclass(frozen=True, slots=True)
class SettingValue(Event):
    phase = "settings"
    event = "value"
    name: str
    value: object
    origin: str
    """Where the value came from: ``env:NAME``, a config file, or ``default``."""

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "value": self.value, "origin": self.origin}


@dataclass(frozen=True, slots=True)
class SettingSet(Event):
    phase = "settings"
    event = "set"
    name: str
    value: object
    path: Path

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "value": self.value, "path": str(self.path)}


@dataclass(frozen=True, slots=True)
class KeyOrigin(Event):
    """Whether a TMDB key is set and from where; never the key."""

    phase = "settings"
    event = "key"
    origin: str | None

    def to_json(self) -> dict[str, object]:
        return {"set": self.origin is not None, "origin": self.origin or "none"}


@dataclass(frozen=True, slots=True)
class KeyStored(Event):
    phase = "settings"
    event = "key_stored"
    path: Path

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path)}


@dataclass(frozen=True, slots=True)
class SettingsPath(Event):
    phase = "settings"
    event = "path"
    name: str
    path: Path

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "path": str(self.path)}


@dataclass(frozen=True, slots=True)
class CacheStatsEvent(Event):
    phase = "cache"
    event = "stats"
    path: Path
    report: CacheReport
    max_bytes: int

    def to_json(self) -> dict[str, object]:
        report = self.report
        return {
            "path": str(self.path),
            **asdict(report),
            "max_bytes": self.max_bytes,
            "oldest": _iso(report.oldest),
            "newest": _iso(report.newest),
            "hit_rate_last_run": report.last_run_hit_rate,
            "hit_rate_overall": report.hit_rate,
        }


@dataclass(frozen=True, slots=True)
class CachePurged(Event):
    phase = "cache"
    event = "purged"
    removed: Removal

    def to_json(self) -> dict[str, object]:
        return asdict(self.removed)


@dataclass(frozen=True, slots=True)
class CacheCleared(Event):
    phase = "cache"
    event = "cleared"
    removed: Removal

    def to_json(self) -> dict[str, object]:
        return asdict(self.removed)


@dataclass(frozen=True, slots=True)
class CacheVerified(Event):
    phase = "cache"
    event = "verified"
    report: VerifyReport

    def to_json(self) -> dict[str, object]:
        return asdict(self.report)


@dataclass(frozen=True, slots=True)
class CacheWarmed(Event):
    phase = "cache"
    event = "warmed"
    result: WarmResult

    def to_json(self) -> dict[str, object]:
        result, cache = self.result, self.result.stats.cache
        return {
            "files": result.files,
            "skipped": result.skipped,
            **result.statuses,
            "tmdb_requests": result.stats.requests_sent,
            "cache_hits": cache.hits,
            "cache_misses": cache.misses,
            "cache_writes": cache.writes,
            "cache_evicted": cache.evicted,
            "hit_rate": cache.hit_rate,
            "error_codes": list(result.error_codes),
        }


@dataclass(frozen=True, slots=True)
class TitlesLookup(Event):
    phase = "titles"
    event = "lookup"
    query: str
    index: str
    """The index file in use and what it was built from."""
    hits: Sequence[TitleHit]

    def to_json(self) -> dict[str, object]:
        return {"query": self.query, "index": self.index, "hits": [asdict(hit) for hit in self.hits]}


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return (
        datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    )
