"""``run_library``: scan → parse → match through the pipeline, then plan, then (maybe) apply.

This is the one core entry point the ``run`` command calls. It owns the order of phases and the
summary; the stages themselves live in their own modules and know nothing about each other.
Nothing touches the destination unless ``apply`` is set — a dry run does not even create a
folder there.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from anivault.core.apply.apply import ApplyOutcome
from anivault.core.apply.session import ApplySession, applying
from anivault.core.config import RunConfig
from anivault.core.events import (
    OrganizeFile,
    OrganizeNetworkFs,
    PlanBuilt,
    Reporter,
    RunDeferred,
    RunFinished,
    RunResumed,
    RunStarted,
)
from anivault.core.lookup.stream import LookupTally, check_source, iter_lookup
from anivault.core.models import MatchedFile, Skipped
from anivault.core.plan.build import build_plan
from anivault.core.plan.episode_titles import episode_titles_for
from anivault.core.plan.library import movies_root_for
from anivault.core.plan.model import ListedEntries, Plan
from anivault.core.plan.planfile import read_plan, write_plan
from anivault.core.plan.roots import PlanRoots, record_roots, recorded_roots
from anivault.core.state import Checkpoint, StatusRecorder, journal_path_for, latest_unfinished, newest
from anivault.errors import (
    AniVaultError,
    InterruptedRunError,
    PlanUntrustedError,
    UsageError,
)
from anivault.services.cache.store import CacheStats
from anivault.services.tmdb.client import ClientStats, TmdbClient
from anivault.utils import fsinfo
from anivault.utils.logging import log_event

logger = logging.getLogger("anivault.core.run")

PROGRESS_EVERY_SECONDS = 0.2


@dataclass(frozen=True, slots=True)
class RunRequest:
    """One invocation of a run: its options, and what belongs to this invocation alone (whether it
    applies, and this home's folders), which a checkpoint does not store."""

    config: RunConfig
    apply: bool
    state_dir: Path
    log_dir: Path | None = None
    """Where this run's logs go, recorded in the status snapshot."""


@dataclass(frozen=True, slots=True)
class RunSummary:
    files_seen: int
    parsed: int
    parse_failed: int
    matched: int
    review: int
    """Files with a best guess under the confidence line: planned, applied only once accepted."""
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
    unresolved: Sequence[MatchedFile]
    """Files not matched (unmatched, deferred, parse failures), by source path."""
    skipped: Sequence[Skipped]
    outcomes: tuple[ApplyOutcome, ...]
    journal: Path | None
    error_codes: tuple[str, ...]
    """Distinct error codes met (deferred lookups, failed moves…), most severe first by CLI's order."""
    warnings: tuple[str, ...] = ()
    """Said once per run: a network file system under the source or library, for instance."""


def run_library(
    request: RunRequest, *, client: TmdbClient, reporter: Reporter, run_id: str | None = None
) -> RunResult:
    """Run the whole job. Raises UsageError/SourceMissingError for bad inputs before any work,
    InterruptedRunError on Ctrl+C (after the current file operation completes), and
    OrganizeConflictError under ``--on-conflict fail`` when the plan has a conflict."""
    # Absolute from here on: plans, journals, checkpoints and the status snapshot name files that
    # --undo, --from-plan, --resume and status must find again from any working folder.
    config = request.config
    config = replace(
        config, lookup=replace(config.lookup, source=absolute(config.source)), target=absolute(config.target)
    )
    _check_paths(config)
    started = time.monotonic()
    run_id = run_id or new_run_id()
    log_event(
        logger,
        logging.INFO,
        "run_started",
        run_id=run_id,
        source=str(config.source),
        target=str(config.target),
        apply=request.apply,
        workers=config.lookup.workers,
    )
    reporter.emit(RunStarted(run_id, config.source, request.apply))
    recorder = StatusRecorder(
        state_dir=request.state_dir,
        log_dir=request.log_dir,
        run_id=run_id,
        source=config.source,
        target=config.target,
        apply=request.apply,
    )

    def work() -> RunResult:
        if not request.apply:
            return _run(config, request.state_dir, None, run_id, started, client, reporter)
        checkpoint = Checkpoint(
            run_id, "lookup", str(journal_path_for(request.state_dir, run_id)), config=config
        )
        with applying(request.state_dir, config.target, checkpoint) as session:
            session.open_lookups()
            return _run(config, request.state_dir, session, run_id, started, client, reporter)

    return _recorded(recorder, work)


def _run(
    config: RunConfig,
    state_dir: Path,
    session: ApplySession | None,
    run_id: str,
    started: float,
    client: TmdbClient,
    reporter: Reporter,
) -> RunResult:
    """The run's phases; ``session`` (under ``--apply``) holds the library and the checkpoint."""
    warnings = network_warnings((config.source, config.target), config.io_pace_limit, reporter)
    movies = movies_root_for(config.target, config.plan.movies_root)
    warnings += (movies.warning,) if movies.warning else ()
    plan_options = replace(config.plan, movies_root=movies.root)
    try:
        tally = LookupTally()
        lookups = iter_lookup(
            replace(config.lookup, exclude=config.target, fingerprint=True), client, reporter
        )
        plan = build_plan(
            tally.matched(lookups),
            config.target,
            plan_options,
            source_root=config.source,
            episode_title=episode_titles_for(plan_options.naming, client),
        )
    except InterruptedRunError:
        raise  # the checkpoint stays at "lookup": --resume starts the lookups again
    except AniVaultError:
        if session is not None:  # e.g. --on-conflict fail: nothing moved, nothing to resume
            session.abandon()
        raise
    plan_status = plan.status_counts()
    reporter.emit(PlanBuilt(len(plan.entries), plan_status["planned"]))
    if config.plan_file is not None:
        write_plan(plan, config.plan_file, tally.unresolved)
        record_roots(
            state_dir,
            config.plan_file,
            PlanRoots(config.source, config.target, plan.options.movies_root),
        )
    outcomes: list[ApplyOutcome] = []
    journal_path: Path | None = None
    if session is not None:
        outcomes = _apply(session, plan, config.io_pace_limit, config.prune_empty, reporter)
        warnings += fallback_warnings(outcomes)
        journal_path = Path(session.checkpoint.journal) if outcomes else None
        deferred = tally.status["deferred"]
        if deferred:  # TMDB was unreachable for some: `--resume` looks them up again later
            session.open_lookups()
            reporter.emit(RunDeferred(deferred))
    stats = client.stats()
    result = RunResult(
        run_id=run_id,
        summary=_summarise(tally, plan_status, outcomes, stats, time.monotonic() - started),
        plan=plan,
        unresolved=tally.unresolved,
        skipped=tally.skipped,
        outcomes=tuple(outcomes),
        journal=journal_path,
        error_codes=_error_codes(tally.error_codes, plan, outcomes),
        warnings=warnings,
    )
    reporter.emit(RunFinished(run_id))
    log_event(logger, logging.INFO, "run_finished", run_id=run_id, summary=_as_fields(result.summary))
    return result


def apply_plan_file(
    plan_path: Path,
    *,
    state_dir: Path,
    apply: bool,
    io_pace_limit: float | None,
    reporter: Reporter,
    log_dir: Path | None = None,
    source_root: Path | None = None,
    target_root: Path | None = None,
    allow_target_symlinks: bool = False,
    accept_review: bool = False,
) -> RunResult:
    """``organize --from-plan FILE``: show (dry run) or execute exactly the planned entries in the
    file, and with ``accept_review`` its entries under review too. ``allow_target_symlinks`` is
    the applying run's setting: a plan file never carries it.

    The plan's roots must equal ``source_root``/``target_root`` (``--src``/``--dst``) when given,
    else the roots recorded when this home wrote the plan (``plan/roots``); applying a plan with
    neither is refused.
    Raises UsageError for an unreadable or invalid plan, PlanUntrustedError for one that breaks a
    trust rule, and OrganizeConflictError when two entries claim one target — all before
    anything moves.
    """
    started = time.monotonic()
    recorded = recorded_roots(state_dir, plan_path)
    if apply and recorded is None and (source_root is None or target_root is None):
        raise PlanUntrustedError(
            f"{plan_path} was not written by this AniVault home (or was moved since), so its roots "
            "cannot be taken on its word; give --src and --dst to apply it"
        )
    target = target_root or (recorded.target_root if recorded else None)
    plan = with_target_links(
        read_plan(
            plan_path,
            source_root=source_root or (recorded.source_root if recorded else None),
            target_root=target,
            movies_root=_trusted_movies_root(recorded, target),
            accept_review=accept_review,
        ),
        allow_target_symlinks,
    )
    run_id = new_run_id()
    warnings = network_warnings(_roots(plan), io_pace_limit, reporter)
    if not apply:
        return _plan_result(run_id, plan, [], None, started, warnings)
    checkpoint = Checkpoint(run_id, "apply", str(journal_path_for(state_dir, run_id)))
    return _apply_recorded(plan, state_dir, checkpoint, io_pace_limit, reporter, log_dir, started, warnings)


def _trusted_movies_root(recorded: PlanRoots | None, target: Path | None) -> Path | None:
    """The movie root a plan may name: the one recorded when this home wrote it for this library,
    else the default beside the library (a plan cannot send movies anywhere it likes)."""
    if recorded is not None and (target is None or os.path.abspath(target) == str(recorded.target_root)):
        return recorded.movies_root or movies_root_for(recorded.target_root, None).root
    return movies_root_for(target, None).root if target is not None else None


def resume_last(
    state_dir: Path,
    *,
    client_factory: Callable[[], TmdbClient],
    reporter: Reporter,
    log_dir: Path | None = None,
    allow_target_symlinks: bool = False,
) -> RunResult:
    """``--resume``: continue the newest unfinished run with its own saved options and plan
    (and the resuming run's ``allow_target_symlinks``, which saved plans do not carry).

    A run stopped during lookup is started again under the same id (lookups come from the cache);
    one stopped while applying settles its journal and applies what is left of its saved plan.
    When every run has finished there is nothing left to do: an empty result, not an error.
    Raises UsageError before the first run. Either way the status snapshot is rewritten, so
    ``anivault status`` never shows a finished resume as still resumable.
    """
    try:
        checkpoint = latest_unfinished(state_dir)
    except UsageError:
        last = newest(state_dir)
        if last is None:
            raise
        # Killed after its last step, or resumed twice: the job is done, which is success.
        reporter.emit(RunResumed(last.run_id, last.done, nothing_left=True))
        target = last.config.target if last.config else state_dir
        return _plan_result(last.run_id, Plan(target, ListedEntries()), [], None, time.monotonic(), ())
    config = checkpoint.config  # the run's own options (None for a --from-plan run)
    if checkpoint.phase == "lookup" or checkpoint.plan is None:
        if config is None:
            raise UsageError("the checkpoint does not describe a run; start it again")
        request = RunRequest(config, apply=True, state_dir=state_dir, log_dir=log_dir)
        return run_library(request, client=client_factory(), reporter=reporter, run_id=checkpoint.run_id)
    started = time.monotonic()
    plan = with_target_links(
        read_plan(
            Path(checkpoint.plan),
            source_root=config.source if config else None,
            target_root=config.target if config else None,
        ),
        allow_target_symlinks,
    )
    pace = config.io_pace_limit if config else None
    reporter.emit(RunResumed(checkpoint.run_id, checkpoint.done))
    warnings = network_warnings(_roots(plan), pace, reporter)
    return _apply_recorded(plan, state_dir, checkpoint, pace, reporter, log_dir, started, warnings)


def _apply_recorded(
    plan: Plan,
    state_dir: Path,
    checkpoint: Checkpoint,
    pace: float | None,
    reporter: Reporter,
    log_dir: Path | None,
    started: float,
    warnings: tuple[str, ...],
) -> RunResult:
    """Apply a saved plan as a run of its own, with the status snapshot ``anivault status`` reads."""
    recorder = StatusRecorder(
        state_dir=state_dir,
        log_dir=log_dir,
        run_id=checkpoint.run_id,
        source=plan.source_root or plan.target_root,
        target=plan.target_root,
        apply=True,
    )

    def work() -> RunResult:
        prune = checkpoint.config.prune_empty if checkpoint.config else False  # the run's own
        with applying(state_dir, plan.target_root, checkpoint) as session:
            outcomes = _apply(session, plan, pace, prune, reporter)
        notes = warnings + fallback_warnings(outcomes)
        return _plan_result(checkpoint.run_id, plan, outcomes, state_dir, started, notes)

    return _recorded(recorder, work)


def _recorded(recorder: StatusRecorder, work: Callable[[], RunResult]) -> RunResult:
    """Run ``work`` under ``recorder``: its snapshot says running, then finished with the summary
    (or interrupted/failed, when ``work`` raises)."""
    with recorder:
        result = work()
        recorder.finished(_as_fields(result.summary), result.error_codes)
        return result


def absolute(path: Path) -> Path:
    """``path`` made absolute against the working folder, ``..`` folded, symlinks left alone."""
    return Path(os.path.abspath(path.expanduser()))


def with_target_links(plan: Plan, allowed: bool) -> Plan:
    """``plan`` applied under the setting ``allow_target_symlinks`` = ``allowed`` (core/boundaries.py)."""
    return replace(plan, options=replace(plan.options, allow_target_symlinks=allowed))


def new_run_id() -> str:
    """Sortable by start time (``--resume`` picks the newest), unique across parallel runs."""
    now = time.time()
    return (
        time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
        + f".{int(now * 1000) % 1000:03d}-"
        + uuid.uuid4().hex[:6]
    )


def network_warnings(paths: tuple[Path, ...], pace: float | None, reporter: Reporter) -> tuple[str, ...]:
    """One warning per network file system met: moves there are slow, and pacing may help."""
    warnings = []
    for path in paths:
        kind = fsinfo.detect(path)
        if kind is None:
            continue
        hint = "" if pace else " Consider --io-pace-limit N if an antivirus or the server chokes."
        message = (
            f"{path} is on a network file system ({kind}): each move is a network round trip, "
            f"expect it to be several times slower than a local disk.{hint}"
        )
        warnings.append(message)
        reporter.emit(OrganizeNetworkFs(path, kind))
        log_event(logger, logging.WARNING, "network_fs", path=str(path), fs_type=kind)
    return tuple(warnings)


def fallback_warnings(outcomes: Iterable[ApplyOutcome]) -> tuple[str, ...]:
    """Each way files were done other than asked (symbolic links copied), said once with a count."""
    notes = Counter(o.message for o in outcomes if o.status == "moved" and o.message)
    return tuple(f"{count} file(s): {note}" for note, count in notes.items())


def _roots(plan: Plan) -> tuple[Path, ...]:
    return (plan.source_root, plan.target_root) if plan.source_root else (plan.target_root,)


def _plan_result(
    run_id: str,
    plan: Plan,
    outcomes: list[ApplyOutcome],
    state_dir: Path | None,
    started: float,
    warnings: tuple[str, ...],
) -> RunResult:
    """A result for runs that start from a saved plan: no lookups, so those counts are zero."""
    stats = ClientStats(requests_sent=0, retries=0, rate_limited=0, cache=CacheStats(0, 0, 0, 0))
    return RunResult(
        run_id=run_id,
        summary=_summarise(LookupTally(), plan.status_counts(), outcomes, stats, time.monotonic() - started),
        plan=plan,
        unresolved=(),
        skipped=(),
        outcomes=tuple(outcomes),
        journal=journal_path_for(state_dir, run_id) if state_dir is not None and outcomes else None,
        error_codes=_error_codes([], plan, outcomes),
        warnings=warnings,
    )


def _as_fields(summary: RunSummary) -> dict[str, object]:
    return {name: getattr(summary, name) for name in summary.__slots__}


def _log_outcome(outcome: ApplyOutcome) -> None:
    level = logging.INFO if outcome.status == "moved" and not outcome.message else logging.WARNING
    log_event(
        logger,
        level,
        "file_" + outcome.status,
        source=str(outcome.entry.source),
        target=str(outcome.entry.target),
        code=outcome.error_code,
        message=outcome.message or None,
    )


def _check_paths(config: RunConfig) -> None:
    check_source(config.source)
    if config.target.exists() and not config.target.is_dir():
        raise UsageError(f"destination {config.target} exists and is not a folder")
    if config.target.resolve() == config.source.resolve():
        raise UsageError("source and destination must be different folders")


def _apply(
    session: ApplySession, plan: Plan, pace: float | None, prune_empty: bool, reporter: Reporter
) -> list[ApplyOutcome]:
    def report(outcome: ApplyOutcome) -> None:
        _log_outcome(outcome)
        reporter.emit(OrganizeFile(outcome))

    return session.apply(
        plan, reporter=reporter, on_outcome=report, io_pace_limit=pace, prune_empty=prune_empty
    )


def _summarise(
    tally: LookupTally,
    plan_status: Counter[str],
    outcomes: list[ApplyOutcome],
    stats: ClientStats,
    seconds: float,
) -> RunSummary:
    status = tally.status
    moved = Counter(o.status for o in outcomes)
    return RunSummary(
        files_seen=status.total(),
        parsed=status.total() - status["parse_failed"],
        parse_failed=status["parse_failed"],
        matched=status["matched"],
        review=status["review"],
        unmatched=status["unmatched"],
        deferred=status["deferred"],
        skipped=len(tally.skipped),
        planned=plan_status["planned"],
        conflicts=plan_status["conflict"] + plan_status["exists"],
        already_there=plan_status["duplicate"] + plan_status["in_place"],
        moved=moved["moved"],
        move_failed=moved["failed"],
        tmdb_requests=stats.requests_sent,
        cache_hits=stats.cache.hits,
        cache_misses=stats.cache.misses,
        seconds=round(seconds, 3),
    )


def _error_codes(lookup_codes: Iterable[str], plan: Plan, outcomes: list[ApplyOutcome]) -> tuple[str, ...]:
    codes = [*lookup_codes, *plan.error_codes()]
    codes += [o.error_code for o in outcomes if o.error_code]
    return tuple(dict.fromkeys(codes))
