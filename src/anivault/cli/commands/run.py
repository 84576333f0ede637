"""``anivault run``: scan → parse → match → organize in one go (dry-run unless --apply)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from anivault.cli.options import looked_up_options, organizing_options, resume_option, run_flags

if TYPE_CHECKING:
    from anivault.cli.app import AppContext
    from anivault.cli.flags import RunFlags


@click.command("run")
@organizing_options
@resume_option
@looked_up_options
@run_flags
@click.pass_obj
def run_command(app: AppContext, *, run_flags: RunFlags, resume: bool) -> int:
    """Scan, match against TMDB and plan (or, with --apply, perform) the moves.

    \b
    Example:
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime          # review the plan
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime --apply  # then move
      anivault run --resume                                             # after Ctrl+C or a crash
    """
    from anivault.cli.running import run_or_resume

    return run_or_resume(app, run_flags, resume=resume)
