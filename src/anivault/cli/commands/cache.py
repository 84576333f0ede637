"""``anivault cache stats|purge|clear|warm|verify``: look after the TMDB cache."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli import exit_codes
from anivault.cli.options import source_option, tuning_options
from anivault.cli.output_options import command_output_options

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import Overrides


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
    from anivault.services.cache import maintenance

    settings = app.loaded.settings
    found = maintenance.report(settings.cache_dir, time.time())
    fields = {
        "path": str(settings.cache_dir),
        **asdict(found),
        "max_bytes": settings.cache_max_bytes,
        "oldest": _iso(found.oldest),
        "newest": _iso(found.newest),
        "hit_rate_last_run": found.last_run_hit_rate,
        "hit_rate_overall": found.hit_rate,
    }
    _show(app, "stats", fields)
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
    from anivault.services.cache import maintenance

    removed = maintenance.purge(app.loaded.settings.cache_dir, maintenance.parse_age(older_than), time.time())
    _show(app, "purged", asdict(removed))
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
    from anivault.services.cache import maintenance

    _show(app, "cleared", asdict(maintenance.clear(app.loaded.settings.cache_dir)))
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
    from anivault.services.cache import maintenance

    _show(app, "verified", asdict(maintenance.verify(app.loaded.settings.cache_dir, time.time())))
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
    cache = result.stats.cache
    fields = {
        "files": result.files,
        "skipped": result.skipped,
        **result.statuses,
        "tmdb_requests": result.stats.requests_sent,
        "cache_hits": cache.hits,
        "cache_misses": cache.misses,
        "cache_writes": cache.writes,
        "cache_evicted": cache.evicted,
        "hit_rate": cache.hit_rate,
        "error_codes": list(result.error_codes),
    }
    _show(app, "warmed", fields)
    return exit_codes.for_run(result.error_codes)


def _show(app: AppContext, event: str, fields: Mapping[str, object]) -> None:
    """One ``cache.<event>`` NDJSON event, or the same fields as a two-column table."""
    from anivault.cli.render import NdjsonReporter
    from anivault.core.events import Event

    if app.json_output:
        NdjsonReporter().emit(Event("cache", event, fields))
        return
    for name, value in fields.items():
        shown = f"{value:.1%}" if name.startswith("hit_rate") and isinstance(value, float) else value
        app.out.print(f"{name.replace('_', ' '):<20} {'-' if shown is None else shown}", markup=False)


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return (
        datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    )
