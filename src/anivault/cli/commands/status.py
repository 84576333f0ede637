"""``anivault status``: what the last run did, where its journal and logs are, whether to resume."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from anivault.cli.output_options import command_output_options

if TYPE_CHECKING:
    from anivault.cli.app import AppContext


@click.command("status")
@command_output_options
@click.pass_obj
def status_command(app: AppContext) -> int:
    """Show the last run's snapshot: when, what, counts, journal and logs, resumable or not.

    \b
    Example:
      anivault status
      anivault --json status | jq .fields.state
    """
    from anivault.cli.events import StatusSnapshot
    from anivault.cli.render import NdjsonReporter, render_status
    from anivault.core.state import read_snapshot

    snapshot = read_snapshot(app.loaded.settings.state_dir)
    if app.json_output:
        NdjsonReporter().emit(StatusSnapshot(snapshot))
    else:
        render_status(app.out, snapshot)
    return 0
