"""``anivault scan``: list the videos (with sidecars) a run would consider, and what it skips."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli.options import source_filter_options, source_option
from anivault.cli.output_options import command_output_options

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import SourceFilter
    from anivault.core.lookup.scan import ListedVideo
    from anivault.core.models import Skipped


@click.command("scan")
@source_option
@source_filter_options
@command_output_options
@click.pass_obj
def scan_command(app: AppContext, *, source: Path, source_filter: SourceFilter) -> int:
    """List the video files below --src with their sidecars; touches nothing, needs no TMDB key.

    \b
    Example:
      anivault scan --src ~/Downloads/anime --ext mkv,mp4
      anivault --json scan --src ~/Downloads/anime | jq -r 'select(.event=="file").fields.relative'
    """
    from anivault.cli.events import ScanFile, ScanSummary
    from anivault.cli.render import NdjsonReporter, render_scan
    from anivault.core.events import ScanSkipped
    from anivault.core.lookup.scan import ListedVideo, list_videos
    from anivault.core.lookup.stream import check_source

    source = source.expanduser()
    check_source(source)
    files: list[ListedVideo] = []
    skipped: list[Skipped] = []
    follow = app.loaded.settings.follow_source_symlinks
    for item in list_videos(source, source_filter.scan_filter(), follow_symlinks=follow):
        if isinstance(item, ListedVideo):
            files.append(item)
        else:
            skipped.append(item)
    files.sort(key=lambda f: f.scanned.relative)
    if app.json_output:
        with NdjsonReporter() as reporter:
            for listed in files:
                reporter.emit(ScanFile(listed))
            for item in skipped:
                reporter.emit(ScanSkipped(item))
            reporter.emit(ScanSummary(len(files), len(skipped)))
    else:
        render_scan(app.out, files, skipped)
    return 0
