"""``anivault run``: scan → parse → match → organize in one go (dry-run unless --apply)."""

from __future__ import annotations

from pathlib import Path

import click

from anivault.cli import exit_codes
from anivault.cli.app import AppContext
from anivault.cli.deps import Overrides, build_tmdb_client
from anivault.cli.options import apply_option, source_option, target_option, tuning_options
from anivault.cli.render import (
    NdjsonReporter,
    RichReporter,
    emit_run_result,
    first_message_per_code,
    render_run,
)
from anivault.core.runner import RunRequest, run_library


@click.command("run")
@source_option
@target_option
@apply_option
@tuning_options
@click.pass_obj
def run_command(
    app: AppContext,
    *,
    source: Path,
    target: Path,
    apply: bool,
    max_workers: int | None,
    tmdb_concurrency: int | None,
    rate: float | None,
    lang: str | None,
) -> int:
    """Scan, match against TMDB and plan (or, with --apply, perform) the moves.

    \b
    Example:
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime          # review the plan
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime --apply  # then move
    """
    settings = Overrides(max_workers, tmdb_concurrency, rate, lang).apply_to(app.loaded.settings)
    client = build_tmdb_client(settings, app.api_key)
    request = RunRequest(
        source=source.expanduser(),
        target=target.expanduser(),
        apply=apply,
        workers=settings.max_workers,
        min_confidence=settings.min_confidence,
        state_dir=settings.state_dir,
        log_dir=settings.log_dir,
    )
    if app.json_output:
        reporter = NdjsonReporter()
        result = run_library(request, client=client, reporter=reporter)
        emit_run_result(reporter, result)
    else:
        with RichReporter(app.err) as progress:
            result = run_library(request, client=client, reporter=progress)
        render_run(app.out, result, applied=apply)
    for code, message in first_message_per_code(result):
        app.err.print(f"error {code}: {message}", markup=False)
    return exit_codes.for_run(result.error_codes)
