"""``anivault run``: scan → parse → match → organize in one go (dry-run unless --apply)."""

from __future__ import annotations

from pathlib import Path

import click

from anivault.cli.app import AppContext
from anivault.cli.commands.organize import OrganizeFlags, run_or_resume
from anivault.cli.deps import Overrides
from anivault.cli.options import (
    apply_option,
    command_output_options,
    match_options,
    optional_source_option,
    optional_target_option,
    organize_options,
    resume_option,
    tuning_options,
)


@click.command("run")
@optional_source_option
@optional_target_option
@apply_option
@organize_options
@resume_option
@tuning_options
@match_options
@command_output_options
@click.pass_obj
def run_command(
    app: AppContext,
    *,
    source: Path | None,
    target: Path | None,
    apply: bool,
    action: str | None,
    on_conflict: str | None,
    plan_file: Path | None,
    preset: str | None,
    template: str | None,
    io_pace_limit: float | None,
    resume: bool,
    overrides: Overrides,
    tmdb_id: int | None,
    tmdb_type: str | None,
    season_offset: int | None,
) -> int:
    """Scan, match against TMDB and plan (or, with --apply, perform) the moves.

    \b
    Example:
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime          # review the plan
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime --apply  # then move
      anivault run --resume                                             # after Ctrl+C or a crash
    """
    flags = OrganizeFlags(
        action, on_conflict, preset, template, io_pace_limit, plan_file, tmdb_id, tmdb_type, season_offset
    )
    settings = flags.apply_to(overrides.apply_to(app.loaded.settings))
    return run_or_resume(app, settings, source=source, target=target, apply=apply, resume=resume, flags=flags)
