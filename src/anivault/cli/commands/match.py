"""``anivault match``: look every file up on TMDB and report matches and unmatched; moves nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli import exit_codes
from anivault.cli.options import looked_up_options, source_filter_options, source_option

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import MatchFlags, OutputFlags, Overrides, SourceFilter
    from anivault.core.models import MatchedFile


@click.command("match")
@source_option
@source_filter_options
@looked_up_options
@click.pass_obj
def match_command(
    app: AppContext,
    *,
    source: Path,
    source_filter: SourceFilter,
    overrides: Overrides,
    match_flags: MatchFlags,
    output: OutputFlags,
) -> int:
    """Match every video below --src against TMDB and list the results, without planning moves.

    \b
    Example:
      anivault match --src ~/Downloads/anime --lang ja-JP
      anivault match --src ~/Downloads/anime/Frieren --tmdb-id 209867
      anivault --json match --src ~/Downloads/anime > matches.ndjson
    """
    from anivault.cli.deps import build_tmdb_client
    from anivault.cli.interactive import ask_all, questions, require_terminal
    from anivault.cli.progress import progress_reporter
    from anivault.cli.render import NdjsonReporter, emit_matches
    from anivault.cli.report import render_matches
    from anivault.cli.running import emit_deciding_error, lookup_of
    from anivault.core.lookup.stream import check_source, lookup_files

    settings = overrides.apply_to(app.loaded.settings)
    detail = output.detail()
    if match_flags.interactive:
        require_terminal(json_output=app.json_output)
    source = source.expanduser()
    check_source(source)
    client = build_tmdb_client(settings, app.api_key)
    request = lookup_of(app, settings, client, source, match_flags, source_filter)
    if app.json_output:
        with NdjsonReporter() as reporter:
            matched, _skipped = lookup_files(request, client, reporter)
            emit_matches(reporter, matched)
            status, codes = _status(matched)
            emit_deciding_error(
                reporter,
                codes,
                status,
                lambda code: next((m.note for m in matched if m.error_code == code), ""),
            )
    else:
        with progress_reporter(app.err, quiet=detail == "summary") as progress:
            matched, _skipped = lookup_files(request, client, progress)
        if match_flags.interactive:
            picks = ask_all(app.err, client, source, questions(matched))
            request = replace(request, picks=request.picks + picks)
            with progress_reporter(app.err, quiet=detail == "summary") as progress:
                matched, _skipped = lookup_files(request, client, progress)
        render_matches(app.out, matched, detail=detail)
        status, codes = _status(matched)
    return status


def _status(matched: Iterable[MatchedFile]) -> tuple[int, tuple[str, ...]]:
    codes = tuple(dict.fromkeys(m.error_code for m in matched if m.error_code))
    return exit_codes.for_run(codes, lookups_only=True), codes
