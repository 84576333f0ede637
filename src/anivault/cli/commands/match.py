"""``anivault match``: look every file up on TMDB and report matches and unmatched; moves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli import exit_codes
from anivault.cli.options import (
    command_output_options,
    match_options,
    source_filter_options,
    source_option,
    tuning_options,
)

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import MatchFlags, Overrides, SourceFilter


@click.command("match")
@source_option
@source_filter_options
@tuning_options
@match_options
@command_output_options
@click.pass_obj
def match_command(
    app: AppContext,
    *,
    source: Path,
    source_filter: SourceFilter,
    overrides: Overrides,
    match_flags: MatchFlags,
) -> int:
    """Match every video below --src against TMDB and list the results, without planning moves.

    \b
    Example:
      anivault match --src ~/Downloads/anime --lang ja-JP
      anivault match --src ~/Downloads/anime/Frieren --tmdb-id 209867
      anivault --json match --src ~/Downloads/anime > matches.ndjson
    """
    from anivault.cli.deps import build_tmdb_client, lookup_request
    from anivault.cli.render import NdjsonReporter, RichReporter, emit_matches, render_matches
    from anivault.core.lookup.stream import check_source, lookup_files

    settings = overrides.apply_to(app.loaded.settings)
    source = source.expanduser()
    check_source(source)
    client = build_tmdb_client(settings, app.api_key)
    request = lookup_request(settings, source, match_flags.match_override(), source_filter.scan_filter())
    if app.json_output:
        with NdjsonReporter() as reporter:
            matched, _skipped = lookup_files(request, client, reporter)
            emit_matches(reporter, matched)
    else:
        with RichReporter(app.err) as progress:
            matched, _skipped = lookup_files(request, client, progress)
        render_matches(app.out, matched)
    codes = tuple(dict.fromkeys(m.error_code for m in matched if m.error_code))
    return exit_codes.for_run(codes)
