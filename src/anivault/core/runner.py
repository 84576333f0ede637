"""``run_library``: scan → parse → match through the pipeline, then plan, then (maybe) apply.

This is the one core entry point the ``run`` command calls. It owns the order of phases and the
summary; the stages themselves live in their own modules and know nothing about each other.
Nothing touches the destination unless ``apply`` is set — a dry run does not even create a
folder there.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from anivault.core.events import Event, Reporter
from anivault.core.lookup import LookupRequest, check_source, lookup_files
from anivault.core.models import MatchedFile, Skipped
from anivault.core.organize import ApplyOutcome, Journal, apply_plan
from anivault.core.pipeline import interrupt_between_steps
from anivault.core.plan import Plan, build_plan
from anivault.core.status import StatusRecorder
from anivault.errors import InterruptedRunError, UsageError
from anivault.services.tmdb.client import ClientStats, TmdbClient
from anivault.utils.logging import log_event

logger = logging.getLogger("anivault.core.runner")


@dataclass(frozen=True, slots=True)
class RunRequest:
    source: Path
    target: Path
    apply: bool
    workers: int
    min_confidence: float
    state_dir: Path
    log_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    files_seen: int
    parsed: int
    parse_failed: int
    matched: int
    unmatched: int
    deferred: int
    skipped: int
    planned: int
    conflicts: int
    already_there: int
    moved: int
    move_failed: int
    tmdb_requests: int
    cache_hits: int
    cache_misses: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: str
    summary: RunSummary
    plan: Plan
    unresolved: tuple[MatchedFile, ...]
    skipped: tuple[Skipped, ...]
    outcomes: tuple[ApplyOutcome, ...]
    journal: Path | None
    error_codes: tuple[str, ...]
    """Distinct error codes met (deferred lookups, failed moves…), most severe first by CLI's order."""


def run_library(request: RunRequest, *, client: TmdbClient, reporter: Reporter) -> RunResult:
    """Run the whole job. Raises UsageError/SourceMissingError for bad inputs before any work,
    InterruptedRunError on Ctrl+C (after the current file operation completes). The status
    snapshot (``anivault status``) is written at the start, the end and on interruption."""
    _check_paths(request)
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    with StatusRecorder(
        state_dir=request.state_dir,
        log_dir=request.log_dir,
        run_id=run_id,
        source=request.source,
        target=request.target,
        apply=request.apply,
    ) as status:
        result = _run_phases(request, run_id, client=client, reporter=reporter)
        status.finished(_as_fields(result.summary), result.error_codes)
    return result


def _run_phases(request: RunRequest, run_id: str, *, client: TmdbClient, reporter: Reporter) -> RunResult:
    started = time.monotonic()
    log_event(
        logger,
        logging.INFO,
        "run_started",
        run_id=run_id,
        source=str(request.source),
        target=str(request.target),
        apply=request.apply,
        workers=request.workers,
    )
    reporter.emit(
        Event("run", "started", {"run_id": run_id, "source": str(request.source), "apply": request.apply})
    )
    matched, skipped = lookup_files(
        LookupRequest(request.source, request.target, request.workers, request.min_confidence),
        client,
        reporter,
    )
    plan = build_plan(matched, request.target)
    reporter.emit(
        Event("plan", "built", {"entries": len(plan.entries), "actionable": len(plan.actionable())})
    )
    outcomes: list[ApplyOutcome] = []
    journal_path: Path | None = None
    if request.apply and plan.actionable():
        journal_path = request.state_dir / "journals" / f"{run_id}.jsonl"
        outcomes = _apply(plan, journal_path, reporter)
    stats = client.stats()
    result = RunResult(
        run_id=run_id,
        summary=_summarise(matched, skipped, plan, outcomes, stats, time.monotonic() - started),
        plan=plan,
        unresolved=tuple(m for m in matched if m.status != "matched"),
        skipped=tuple(skipped),
        outcomes=tuple(outcomes),
        journal=journal_path,
        error_codes=_error_codes(matched, plan, outcomes),
    )
    reporter.emit(Event("run", "finished", {"run_id": run_id}))
    log_event(logger, logging.INFO, "run_finished", run_id=run_id, summary=_as_fields(result.summary))
    return result


def _as_fields(summary: RunSummary) -> dict[str, object]:
    return {name: getattr(summary, name) for name in summary.__slots__}


def _log_outcome(outcome: ApplyOutcome) -> None:
    level = logging.INFO if outcome.status == "moved" else logging.WARNING
    log_event(
        logger,
        level,
        "file_" + outcome.status,
        source=str(outcome.entry.source),
        target=str(outcome.entry.target),
        code=outcome.error_code,
        message=outcome.message or None,
    )


def _check_paths(request: RunRequest) -> None:
    check_source(request.source)
    if request.target.exists() and not request.target.is_dir():
        raise UsageError(f"destination {request.target} exists and is not a folder")
    if request.target.resolve() == request.source.resolve():
        raise UsageError("source and destination must be different folders")


def _apply(plan: Plan, journal_path: Path, reporter: Reporter) -> list[ApplyOutcome]:
    journal = Journal(journal_path)
    outcomes: list[ApplyOutcome] = []

    def report(outcome: ApplyOutcome) -> None:
        outcomes.append(outcome)
        _log_outcome(outcome)
        reporter.emit(
            Event(
                "organize",
                "file",
                {
                    "status": outcome.status,
                    "target": outcome.entry.relative_target,
                    "code": outcome.error_code,
                },
            )
        )

    reporter.emit(
        Event("organize", "started", {"entries": len(plan.actionable()), "journal": str(journal_path)})
    )
    try:
        with interrupt_between_steps() as interrupted:
            apply_plan(plan, journal, should_stop=interrupted.is_set, on_outcome=report)
    finally:
        journal.close()
    if interrupted.is_set():
        done = f"{len(outcomes)} of {len(plan.actionable())}"
        raise InterruptedRunError(f"interrupted after {done} file operations; journal at {journal_path}")
    return outcomes


def _summarise(
    matched: list[MatchedFile],
    skipped: list[Skipped],
    plan: Plan,
    outcomes: list[ApplyOutcome],
    stats: ClientStats,
    seconds: float,
) -> RunSummary:
    status = Counter(m.status for m in matched)
    plan_status = Counter(e.status for e in plan.entries)
    moved = Counter(o.status for o in outcomes)
    return RunSummary(
        files_seen=len(matched),
        parsed=len(matched) - status["parse_failed"],
        parse_failed=status["parse_failed"],
        matched=status["matched"],
        unmatched=status["unmatched"],
        deferred=status["deferred"],
        skipped=len(skipped),
        planned=plan_status["planned"],
        conflicts=plan_status["conflict"],
        already_there=plan_status["exists"] + plan_status["duplicate"] + plan_status["in_place"],
        moved=moved["moved"],
        move_failed=moved["failed"],
        tmdb_requests=stats.requests_sent,
        cache_hits=stats.cache.hits,
        cache_misses=stats.cache.misses,
        seconds=round(seconds, 3),
    )


def _error_codes(matched: list[MatchedFile], plan: Plan, outcomes: list[ApplyOutcome]) -> tuple[str, ...]:
    codes = [m.error_code for m in matched if m.error_code]
    codes += [e.error_code for e in plan.entries if e.error_code]
    codes += [o.error_code for o in outcomes if o.error_code]
    return tuple(dict.fromkeys(codes))
