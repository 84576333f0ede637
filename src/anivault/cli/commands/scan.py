"""``anivault scan``: list the videos (with sidecars) a run would consider, and what it skips."""

from __future__ import annotations

from pathlib import Path

import click

from anivault.cli.app import AppContext
from anivault.cli.options import command_output_options, source_option
from anivault.cli.render import NdjsonReporter, render_scan, scanned_fields
from anivault.core.events import Event
from anivault.core.lookup.scan import ListedVideo, list_videos, normalise_extensions
from anivault.core.lookup.stream import check_source
from anivault.core.models import Skipped


@click.command("scan")
@source_option
@click.option(
    "--ext",
    "extensions",
    multiple=True,
    metavar="EXT",
    help="Only these video extensions (repeat or comma-separate: --ext mkv,mp4). Default: all.",
)
@command_output_options
@click.pass_obj
def scan_command(app: AppContext, *, source: Path, extensions: tuple[str, ...]) -> int:
    """List the video files below --src with their sidecars; touches nothing, needs no TMDB key.

    \b
    Example:
      anivault scan --src ~/Downloads/anime --ext mkv,mp4
      anivault --json scan --src ~/Downloads/anime | jq -r 'select(.event=="file").fields.relative'
    """
    source = source.expanduser()
    check_source(source)
    files: list[ListedVideo] = []
    skipped: list[Skipped] = []
    follow = app.loaded.settings.follow_source_symlinks
    for item in list_videos(source, normalise_extensions(extensions), follow_symlinks=follow):
        if isinstance(item, ListedVideo):
            files.append(item)
        else:
            skipped.append(item)
    files.sort(key=lambda f: f.scanned.relative)
    if app.json_output:
        with NdjsonReporter() as reporter:
            for listed in files:
                reporter.emit(Event("scan", "file", scanned_fields(listed)))
            for item in skipped:
                reporter.emit(Event("scan", "skipped", {"path": str(item.path), "reason": item.reason}))
            reporter.emit(Event("scan", "summary", {"files": len(files), "skipped": len(skipped)}))
    else:
        render_scan(app.out, files, skipped)
    return 0
