"""How ``run`` and ``organize`` carry out an invocation once Click has parsed it.

Apart from the command modules so that those stay light to import: ``anivault run --help`` must
not load the runner, the reporters or the TMDB client that this module needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from anivault.cli import exit_codes
from anivault.cli.app import AppContext
from anivault.cli.deps import build_tmdb_client, lookup_request
from anivault.cli.events import RunErrorEvent, UndoFinished
from anivault.cli.flags import MatchFlags, RunFlags, SourceFilter
from anivault.cli.interactive import ask_all, forced_id_picks, questions, require_terminal
from anivault.cli.progress import progress_reporter
from anivault.cli.render import NdjsonReporter, emit_run_result, first_message_per_code
from anivault.cli.report import NextStep, render_run
from anivault.core.apply.undo import undo
from anivault.core.config import RunConfig
from anivault.core.events import Reporter
from anivault.core.lookup.overrides import Pick
from anivault.core.lookup.stream import LookupRequest, lookup_files
from anivault.core.plan.model import PlanOptions
from anivault.core.plan.naming import Naming
from anivault.core.plan.pathrules import rules_for
from anivault.core.plan.templates import scheme_for
from anivault.core.run import RunRequest, RunResult, apply_plan_file, resume_last, run_library
from anivault.errors import UsageError
from anivault.services.settings_model import Settings
from anivault.services.tmdb.client import TmdbClient


def run_or_resume(app: AppContext, run_flags: RunFlags, *, resume: bool) -> int:
    """The shared body of ``run`` and ``organize --src/--dst`` (and their ``--resume``)."""
    settings = run_flags.settings(app.loaded.settings)
    if resume:
        refuse_with("--resume", run_flags.given())
        return execute(
            app,
            lambda reporter: resume_last(
                settings.state_dir,
                client_factory=lambda: build_tmdb_client(settings, app.api_key),
                reporter=reporter,
                log_dir=settings.log_dir,
                allow_target_symlinks=settings.allow_target_symlinks,
            ),
            applied=True,
            detail=run_flags.output.detail(),
        )
    if run_flags.source is None or run_flags.target is None:
        raise UsageError("--src and --dst are required (unless --resume, --from-plan or --undo)")
    flags, match_flags = run_flags.flags, run_flags.match_flags
    if match_flags.interactive:
        require_terminal(json_output=app.json_output)
    source = run_flags.source.expanduser()
    client = build_tmdb_client(settings, app.api_key)
    lookups = lookup_of(app, settings, client, source, match_flags, run_flags.source_filter)
    picks = lookups.picks
    if match_flags.interactive:
        picks += _ask(app, client, lookups)
    config = RunConfig(
        lookup=replace(lookups, picks=picks),
        target=run_flags.target.expanduser(),
        plan=plan_options(settings, accept_review=flags.accept_review),
        plan_file=flags.plan_file.expanduser() if flags.plan_file else None,
        io_pace_limit=settings.io_pace_limit or None,
        prune_empty=flags.prune_empty,
    )
    request = RunRequest(
        config, apply=run_flags.apply, state_dir=settings.state_dir, log_dir=settings.log_dir
    )
    return execute(
        app,
        lambda reporter: run_library(request, client=client, reporter=reporter),
        applied=run_flags.apply,
        detail=run_flags.output.detail(),
        next_step=NextStep(config.plan_file),
    )


def lookup_of(
    app: AppContext,
    settings: Settings,
    client: TmdbClient,
    source: Path,
    match_flags: MatchFlags,
    source_filter: SourceFilter,
) -> LookupRequest:
    """The lookup ``--src`` and the match options ask for (``run``, ``organize``, ``match``), with
    ``--tmdb-id`` checked against TMDB (and confirmed, under ``--interactive``) as picks."""
    request = lookup_request(
        settings, source, match_flags.match_override(), source_filter.scan_filter(), match_flags.picks(source)
    )
    if match_flags.tmdb_id is None:
        return request
    forced = forced_id_picks(
        app.err,
        client,
        request,
        match_flags.tmdb_id,
        interactive=match_flags.interactive,
        quiet=app.json_output,
    )
    return replace(request, picks=request.picks + forced)


def _ask(app: AppContext, client: TmdbClient, request: LookupRequest) -> tuple[Pick, ...]:
    """``--interactive``: look the files up (nothing is planned yet), then ask about the doubtful
    ones; the run that follows finds its lookups in the cache."""
    with progress_reporter(app.err, quiet=False) as progress:
        matched, _skipped = lookup_files(request, client, progress)
    asked = questions(matched)
    if not asked:
        app.err.print("nothing to ask: every file was matched", markup=False)
    return ask_all(app.err, client, request.source, asked)


def plan_options(settings: Settings, *, accept_review: bool = False) -> PlanOptions:
    """Raises UsageError for a template with unknown fields or unsafe characters."""
    naming = Naming(
        scheme_for(settings.naming_preset, settings.naming_template or None),
        settings.max_path_chars,
        settings.colon_replacement,
        ascii_or_native=settings.ascii_or_native,
    )
    movies = Path(settings.movies_target).expanduser() if settings.movies_target else None
    return PlanOptions(
        naming,
        settings.action,
        settings.on_conflict,
        movies,
        accept_review=accept_review,
        allow_target_symlinks=settings.allow_target_symlinks,
        path_rules=rules_for(settings.path_rules),
    )


def apply_reviewed_plan(
    app: AppContext,
    settings: Settings,
    plan: Path,
    *,
    apply: bool,
    detail: str,
    source: Path | None = None,
    target: Path | None = None,
    accept_review: bool = False,
) -> int:
    """``organize --from-plan``: exactly the planned entries of a plan written by ``--plan`` (with
    ``accept_review``, its entries under review too); ``--src`` and ``--dst``, when given, must be
    the plan's own roots (docs/safety.md)."""
    return execute(
        app,
        lambda reporter: apply_plan_file(
            plan,
            state_dir=settings.state_dir,
            apply=apply,
            io_pace_limit=settings.io_pace_limit or None,
            reporter=reporter,
            log_dir=settings.log_dir,
            allow_target_symlinks=settings.allow_target_symlinks,
            source_root=source.expanduser() if source else None,
            target_root=target.expanduser() if target else None,
            accept_review=accept_review,
        ),
        applied=apply,
        detail=detail,
    )


def execute(
    app: AppContext,
    work: Callable[[Reporter], RunResult],
    *,
    applied: bool,
    detail: str,
    next_step: NextStep | None = None,
) -> int:
    """Run ``work(reporter)`` with the right reporter, render its result, pick the exit status."""
    if app.json_output:
        with NdjsonReporter() as reporter:
            result = work(reporter)
            emit_run_result(reporter, result)
            status = run_status(result, applied=applied)
            messages = dict(first_message_per_code(result))
            emit_deciding_error(reporter, result.error_codes, status, lambda code: messages.get(code, ""))
    else:
        with progress_reporter(app.err, quiet=detail == "summary") as progress:
            result = work(progress)
        render_run(app.out, result, applied=applied, detail=detail, next_step=next_step or NextStep())
        status = run_status(result, applied=applied)
    for warning in result.warnings:
        app.err.print(f"warning: {warning}", markup=False)
    for code, message in first_message_per_code(result):
        app.err.print(f"error {code}: {message}", markup=False)
    if applied and result.summary.deferred:
        app.err.print(
            f"note: {result.summary.deferred} lookups were deferred; "
            "`anivault run --resume` looks them up once TMDB answers again",
            markup=False,
        )
    return status


def emit_deciding_error(
    reporter: Reporter, codes: tuple[str, ...], status: int, message_for: Callable[[str], str]
) -> None:
    """The NDJSON ``error`` event of the code that decided the exit status, when one did (``run``,
    ``organize`` and ``match`` alike), with the code's first message."""
    code = exit_codes.deciding_code(codes, status)
    if code is not None:
        reporter.emit(RunErrorEvent(code, message_for(code), status))


def run_status(result: RunResult, *, applied: bool) -> int:
    """The exit status of a finished run (see ``exit_codes.for_run``)."""
    return exit_codes.for_run(
        result.error_codes,
        lookups_only=not applied,
        moved=result.summary.moved,
        move_codes=tuple(o.error_code for o in result.outcomes if o.error_code),
    )


def undo_run(app: AppContext, journal: Path, state_dir: Path) -> int:
    report = undo(journal, state_dir)
    if app.json_output:
        NdjsonReporter().emit(UndoFinished(report))
    else:
        app.out.print(
            f"restored {report.restored}, already undone {report.already_undone}, "
            f"folders removed {report.folders_removed}",
            markup=False,
        )
    for problem in report.left:
        app.err.print(f"warning: {problem}", markup=False)
    return exit_codes.PARTIAL if report.left else exit_codes.OK


def refuse_with(mode: str, others: dict[str, object]) -> None:
    """``mode`` brings its own sources and options: anything else given alongside is a mistake."""
    given = sorted(
        name for name, value in others.items() if value is not None and value is not False and value != ()
    )
    if given:
        raise UsageError(f"{mode} takes no other organize options (got {', '.join(given)})")
