"""``anivault run``: scan → parse → match → organize in one go (dry-run unless --apply)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli.options import looked_up_options, organizing_options, resume_option

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import MatchFlags, OrganizeFlags, OutputFlags, Overrides, SourceFilter


@click.command("run")
@organizing_options
@resume_option
@looked_up_options
@click.pass_obj
def run_command(
    app: AppContext,
    *,
    source: Path | None,
    target: Path | None,
    source_filter: SourceFilter,
    apply: bool,
    flags: OrganizeFlags,
    resume: bool,
    overrides: Overrides,
    match_flags: MatchFlags,
    output: OutputFlags,
) -> int:
    """Scan, match against TMDB and plan (or, with --apply, perform) the moves.

    \b
    Example:
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime          # review the plan
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime --apply  # then move
      anivault run --resume                                             # after Ctrl+C or a crash
    """
    from anivault.cli.running import run_or_resume

    settings = flags.apply_to(overrides.apply_to(app.loaded.settings))
    return run_or_resume(
        app,
        settings,
        flags,
        match_flags,
        source_filter,
        output,
        source=source,
        target=target,
        apply=apply,
        resume=resume,
    )
