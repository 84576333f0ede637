"""``anivault cache stats|purge|clear|warm|verify``: look after the TMDB cache."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli import exit_codes
from anivault.cli.options import source_option, tuning_options
from anivault.cli.output_options import command_output_options

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import Overrides
    from anivault.core.events import Event


@click.group("cache")
@command_output_options
def cache_group() -> None:
    """Inspect and maintain the TMDB cache (in the AniVault home; `anivault settings path` shows it).

    \b
    Example:
      anivault cache stats
      anivault cache warm --src ~/Downloads/anime
      anivault cache purge --older-than 30d
    """


@cache_group.command("stats")
@command_output_options
@click.pass_obj
def stats_command(app: AppContext) -> int:
    """Entries, bytes, hit rate of the last run and overall, oldest and newest entry.

    \b
    Example:
      anivault cache stats
      anivault cache stats --json
    """
    from anivault.cli.events import CacheStatsEvent
    from anivault.services.cache import maintenance

    settings = app.loaded.settings
    found = maintenance.report(settings.cache_dir, time.time())
    _show(app, CacheStatsEvent(settings.cache_dir, found, settings.cache_max_bytes))
    return 0


@cache_group.command("purge")
@command_output_options
@click.option("--older-than", required=True, metavar="AGE", help="e.g. 30d, 12h, 2w (s, m, h, d, w).")
@click.pass_obj
def purge_command(app: AppContext, *, older_than: str) -> int:
    """Remove entries fetched longer ago than AGE.

    \b
    Example:
      anivault cache purge --older-than 30d
    """
    from anivault.cli.events import CachePurged
    from anivault.services.cache import maintenance

    removed = maintenance.purge(app.loaded.settings.cache_dir, maintenance.parse_age(older_than), time.time())
    _show(app, CachePurged(removed))
    return 0


@cache_group.command("clear")
@command_output_options
@click.pass_obj
def clear_command(app: AppContext) -> int:
    """Remove every entry, the index, backups and quarantined files.

    \b
    Example:
      anivault cache clear
    """
    from anivault.cli.events import CacheCleared
    from anivault.services.cache import maintenance

    _show(app, CacheCleared(maintenance.clear(app.loaded.settings.cache_dir)))
    return 0


@cache_group.command("verify")
@command_output_options
@click.pass_obj
def verify_command(app: AppContext) -> int:
    """Read every entry: quarantine corrupt ones, migrate old ones, tidy the index.

    \b
    Example:
      anivault cache verify
    """
    from anivault.cli.events import CacheVerified
    from anivault.services.cache import maintenance

    _show(app, CacheVerified(maintenance.verify(app.loaded.settings.cache_dir, time.time())))
    return 0


@cache_group.command("warm")
@command_output_options
@source_option
@tuning_options
@click.pass_obj
def warm_command(
    app: AppContext,
    *,
    source: Path,
    overrides: Overrides,
) -> int:
    """Look every video below --src up on TMDB to fill the cache; plans and moves nothing.

    \b
    Example:
      anivault cache warm --src ~/Downloads/anime --rate 20
    """
    from anivault.cli.deps import build_tmdb_client, lookup_request
    from anivault.cli.events import CacheWarmed
    from anivault.cli.progress import progress_reporter
    from anivault.cli.render import NdjsonReporter
    from anivault.core.lookup.stream import check_source
    from anivault.core.lookup.warm import warm_cache

    settings = overrides.apply_to(app.loaded.settings)
    source = source.expanduser()
    check_source(source)
    client = build_tmdb_client(settings, app.api_key)
    request = lookup_request(settings, source)
    reporter = NdjsonReporter() if app.json_output else progress_reporter(app.err, quiet=False)
    with reporter:
        result = warm_cache(request, client, reporter)
    _show(app, CacheWarmed(result))
    return exit_codes.for_run(result.error_codes)


def _show(app: AppContext, event: Event) -> None:
    """One ``cache.<event>`` NDJSON event, or the same fields as a two-column table."""
    from anivault.cli.render import NdjsonReporter

    if app.json_output:
        NdjsonReporter().emit(event)
        return
    for name, value in event.to_json().items():
        shown = f"{value:.1%}" if name.startswith("hit_rate") and isinstance(value, float) else value
        app.out.print(f"{name.replace('_', ' '):<20} {'-' if shown is None else shown}", markup=False)
