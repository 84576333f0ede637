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
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from anivault.core import checkpoint as checkpoints
from anivault.core.apply.apply import ApplyOutcome
from anivault.core.apply.lock import hold_library
from anivault.core.apply.session import apply_session, journal_path_for
from anivault.core.checkpoint import Checkpoint
from anivault.core.events import Event, Reporter
from anivault.core.lookup.overrides import MatchOverride, Pick, parse_override
from anivault.core.lookup.scan import ScanFilter
from anivault.core.lookup.stream import LookupRequest, LookupTally, check_source, iter_lookup
from anivault.core.models import MatchedFile, Skipped
from anivault.core.plan.build import build_plan
from anivault.core.plan.episode_titles import episode_titles_for
from anivault.core.plan.library import movies_root_for
from anivault.core.plan.model import Plan, PlanOptions
from anivault.core.plan.naming import Naming
from anivault.core.plan.pathrules import rules_for
from anivault.core.plan.planfile import read_plan, write_plan
from anivault.core.plan.roots import PlanRoots, record_roots, recorded_roots
from anivault.core.plan.templates import scheme_for
from anivault.core.status import StatusRecorder
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
    source: Path
    target: Path
    apply: bool
    workers: int
    min_confidence: float
    state_dir: Path
    plan_options: PlanOptions = field(default_factory=PlanOptions)
    plan_file: Path | None = None
    """Where to write the reviewable plan (``--plan FILE``), if anywhere."""
    io_pace_limit: float | None = None
    """File operations per minute at most (``--io-pace-limit``)."""
    parse_processes: int = 0
    """Worker processes for the CPU-bound parse stage; 0 parses on one thread of this process."""
    log_dir: Path | None = None
    """Where this run's logs go, recorded in the status snapshot."""
    match_override: MatchOverride | None = None
    """``--tmdb-id``/``--season-offset`` for the whole source (override files in folders win)."""
    title_language: str | None = None
    """``--lang``: the language of titles written into the library; None keeps TMDB's title."""
    extras_folder: bool = True
    """Setting ``extras = move`` (the default): NCOP/NCED/PV go to the series' extras folder;
    ``keep`` leaves them where they are."""
    prune_empty: bool = False
    """``--prune-empty``: after applying, remove the source folders the moves left empty."""
    picks: tuple[Pick, ...] = ()
    """``--pick PATH=ID`` and ``--interactive`` answers, per file or folder of the source."""
    select: ScanFilter | None = None
    """``--ext``/``--exclude``: what of the source to leave out (reported as skipped)."""
    follow_source_symlinks: bool = False
    """Setting ``follow_source_symlinks``: admit symlinked files whose real path is inside the source."""


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
    request = replace(request, source=absolute(request.source), target=absolute(request.target))
    _check_paths(request)
    started = time.monotonic()
    run_id = run_id or new_run_id()
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
    recorder = StatusRecorder(
        state_dir=request.state_dir,
        log_dir=request.log_dir,
        run_id=run_id,
        source=request.source,
        target=request.target,
        apply=request.apply,
    )

    def work() -> RunResult:
        with hold_library(request.state_dir, request.target) if request.apply else nullcontext():
            return _run(request, run_id, started, client, reporter)

    return _recorded(recorder, work)


def _run(
    request: RunRequest, run_id: str, started: float, client: TmdbClient, reporter: Reporter
) -> RunResult:
    warnings = network_warnings((request.source, request.target), request.io_pace_limit, reporter)
    movies = movies_root_for(request.target, request.plan_options.movies_root)
    warnings += (movies.warning,) if movies.warning else ()
    plan_options = replace(request.plan_options, movies_root=movies.root)
    checkpoint = Checkpoint(
        run_id, "lookup", str(journal_path_for(request.state_dir, run_id)), request=request_to_dict(request)
    )
    if request.apply:
        checkpoints.save(request.state_dir, checkpoint)
    try:
        tally = LookupTally()
        lookups = iter_lookup(
            LookupRequest(
                request.source,
                request.target,
                request.workers,
                request.min_confidence,
                request.parse_processes,
                request.match_override,
                request.title_language,
                request.extras_folder,
                fingerprint=True,
                picks=request.picks,
                select=request.select,
                follow_source_symlinks=request.follow_source_symlinks,
            ),
            client,
            reporter,
        )
        plan = build_plan(
            tally.matched(lookups),
            request.target,
            plan_options,
            source_root=request.source,
            episode_title=episode_titles_for(plan_options.naming, client),
        )
    except InterruptedRunError:
        raise  # the checkpoint stays at "lookup": --resume starts the lookups again
    except AniVaultError:
        if request.apply:  # e.g. --on-conflict fail: nothing moved, nothing to resume
            checkpoints.save(request.state_dir, checkpoint.advanced(phase="finished"))
        raise
    plan_status = plan.status_counts()
    reporter.emit(
        Event("plan", "built", {"entries": len(plan.entries), "actionable": plan_status["planned"]})
    )
    if request.plan_file is not None:
        write_plan(plan, request.plan_file, tally.unresolved)
        record_roots(
            request.state_dir,
            request.plan_file,
            PlanRoots(request.source, request.target, plan.options.movies_root),
        )
    outcomes: list[ApplyOutcome] = []
    journal_path: Path | None = None
    if request.apply:
        outcomes = _apply(plan, request.state_dir, checkpoint, request.io_pace_limit, reporter)
        warnings += fallback_warnings(outcomes)
        journal_path = Path(checkpoint.journal) if outcomes else None
        deferred = tally.status["deferred"]
        if deferred:  # TMDB was unreachable for some: `--resume` looks them up again later
            checkpoints.save(request.state_dir, checkpoint)
            reporter.emit(Event("run", "deferred", {"files": deferred, "resume": "anivault run --resume"}))
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
    reporter.emit(Event("run", "finished", {"run_id": run_id}))
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
        checkpoint = checkpoints.latest_unfinished(state_dir)
    except UsageError:
        last = checkpoints.newest(state_dir)
        if last is None:
            raise
        # Killed after its last step, or resumed twice: the job is done, which is success.
        reporter.emit(
            Event("run", "resumed", {"run_id": last.run_id, "done": last.done, "nothing_left": True})
        )
        target = Path(str(last.request.get("target", state_dir)))
        return _plan_result(last.run_id, Plan(target, ()), [], None, time.monotonic(), ())
    if checkpoint.phase == "lookup" or checkpoint.plan is None:
        request = replace(request_from_dict(checkpoint.request, state_dir), log_dir=log_dir)
        return run_library(request, client=client_factory(), reporter=reporter, run_id=checkpoint.run_id)
    started = time.monotonic()
    asked = checkpoint.request  # the run's own --src/--dst (empty for a --from-plan run)
    plan = with_target_links(
        read_plan(
            Path(checkpoint.plan),
            source_root=Path(asked["source"]) if asked.get("source") else None,
            target_root=Path(asked["target"]) if asked.get("target") else None,
        ),
        allow_target_symlinks,
    )
    pace = checkpoint.request.get("io_pace_limit")
    reporter.emit(Event("run", "resumed", {"run_id": checkpoint.run_id, "done": checkpoint.done}))
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
        outcomes = _apply(plan, state_dir, checkpoint, pace, reporter)
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


def request_to_dict(request: RunRequest) -> dict[str, Any]:
    """The options a resumed run needs, JSON-shaped for its checkpoint."""
    options = request.plan_options
    return {
        "source": str(request.source),
        "target": str(request.target),
        "workers": request.workers,
        "min_confidence": request.min_confidence,
        "action": options.action,
        "on_conflict": options.on_conflict,
        "movies_root": str(options.movies_root) if options.movies_root else None,
        "preset": options.naming.scheme.name,
        "template": options.naming.scheme.tv.text,
        "max_path_chars": options.naming.max_path_chars,
        "colon": options.naming.colon,
        "ascii_or_native": options.naming.ascii_or_native,
        "accept_review": options.accept_review,
        "path_rules": options.path_rules.name,
        "plan_file": str(request.plan_file) if request.plan_file else None,
        "io_pace_limit": request.io_pace_limit,
        "parse_processes": request.parse_processes,
        "match_override": asdict(request.match_override) if request.match_override else None,
        "title_language": request.title_language,
        "extras_folder": request.extras_folder,
        "picks": [{"path": str(pick.path), **asdict(pick.override)} for pick in request.picks],
        "extensions": sorted(request.select.extensions or ()) if request.select else [],
        "exclude": list(request.select.exclude) if request.select else [],
        "prune_empty": request.prune_empty,
        "follow_source_symlinks": request.follow_source_symlinks,
        "allow_target_symlinks": options.allow_target_symlinks,
    }


def request_from_dict(raw: Any, state_dir: Path) -> RunRequest:
    try:
        return RunRequest(
            source=Path(raw["source"]),
            target=Path(raw["target"]),
            apply=True,
            workers=int(raw["workers"]),
            min_confidence=float(raw["min_confidence"]),
            state_dir=state_dir,
            plan_options=PlanOptions(
                Naming(
                    scheme_for(raw["preset"], raw["template"]),
                    int(raw["max_path_chars"]),
                    raw["colon"],
                    bool(raw.get("ascii_or_native", False)),
                ),
                raw["action"],
                raw["on_conflict"],
                Path(raw["movies_root"]) if raw.get("movies_root") else None,
                accept_review=bool(raw.get("accept_review", False)),
                allow_target_symlinks=bool(raw.get("allow_target_symlinks", False)),
                path_rules=rules_for(raw.get("path_rules", "auto")),
            ),
            plan_file=Path(raw["plan_file"]) if raw.get("plan_file") else None,
            io_pace_limit=raw.get("io_pace_limit"),
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
            prune_empty=bool(raw.get("prune_empty", False)),
            follow_source_symlinks=bool(raw.get("follow_source_symlinks", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"the checkpoint does not describe a run ({exc!r}); start it again") from exc


def _select_from(extensions: list[str], exclude: list[str]) -> ScanFilter | None:
    """A checkpoint's ``--ext``/``--exclude`` (checkpoints written before they existed have none)."""
    if not extensions and not exclude:
        return None
    return ScanFilter(frozenset(extensions) or None, tuple(exclude))


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
        reporter.emit(Event("organize", "network_fs", {"path": str(path), "fs_type": kind}))
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


def _check_paths(request: RunRequest) -> None:
    check_source(request.source)
    if request.target.exists() and not request.target.is_dir():
        raise UsageError(f"destination {request.target} exists and is not a folder")
    if request.target.resolve() == request.source.resolve():
        raise UsageError("source and destination must be different folders")


def _apply(
    plan: Plan, state_dir: Path, checkpoint: Checkpoint, pace: float | None, reporter: Reporter
) -> list[ApplyOutcome]:
    def report(outcome: ApplyOutcome) -> None:
        _log_outcome(outcome)
        reporter.emit(
            Event(
                "organize",
                "file",
                {
                    "status": outcome.status,
                    "target": outcome.entry.relative_target,
                    "action": outcome.entry.action,
                    "code": outcome.error_code,
                },
            )
        )

    return apply_session(
        plan,
        state_dir=state_dir,
        checkpoint=checkpoint,
        reporter=reporter,
        on_outcome=report,
        io_pace_limit=pace,
        prune_empty=bool(checkpoint.request.get("prune_empty")),  # the run's own --prune-empty
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
