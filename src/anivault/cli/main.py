"""The ``anivault`` root command and the single place errors become messages and exit codes."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

from anivault import __version__
from anivault.cli import exit_codes
from anivault.cli.app import create_app
from anivault.cli.commands.cache import cache_group
from anivault.cli.commands.match import match_command
from anivault.cli.commands.organize import organize_command
from anivault.cli.commands.run import run_command
from anivault.cli.commands.scan import scan_command
from anivault.cli.commands.settings import settings_group
from anivault.cli.commands.status import status_command
from anivault.cli.commands.titles import titles_command
from anivault.cli.options import output_options
from anivault.cli.render import ndjson_line
from anivault.errors import AniVaultError, InterruptedRunError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="anivault")
@output_options
@click.pass_context
def cli(ctx: click.Context, json_output: bool, no_color: bool, log_level: str) -> None:
    """Organise anime downloads into a media-server-ready library, matched against TMDB.

    Dry-run is the default: nothing moves until you add --apply.

    \b
    Example:
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime
    """
    app = create_app(json_output=json_output, no_color=no_color, log_level=log_level)
    ctx.call_on_close(app.logging.close)
    ctx.obj = app


cli.add_command(run_command)
cli.add_command(organize_command)
cli.add_command(scan_command)
cli.add_command(match_command)
cli.add_command(settings_group)
cli.add_command(status_command)
cli.add_command(cache_group)
cli.add_command(titles_command)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run Click, map every outcome to an exit status."""
    json_output = "--json" in (argv if argv is not None else sys.argv[1:])
    try:
        status = cli.main(args=argv, prog_name="anivault", standalone_mode=False)
    except click.exceptions.Exit as done:
        status = done.exit_code
    except click.ClickException as exc:
        exc.show()
        status = exit_codes.USAGE
    except click.exceptions.Abort:
        status = _fail(InterruptedRunError("aborted"), json_output)
    except KeyboardInterrupt:
        status = _fail(InterruptedRunError("interrupted by Ctrl+C; nothing half-moved"), json_output)
    except AniVaultError as exc:
        status = _fail(exc, json_output)
    sys.exit(status if isinstance(status, int) else exit_codes.OK)


def _fail(error: AniVaultError, json_output: bool) -> int:
    status = exit_codes.for_error(error)
    if json_output:
        event = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "phase": "run",
            "event": "error",
            "fields": {"code": error.code, "message": error.message, "exit_status": status},
        }
        sys.stdout.write(ndjson_line(event) + "\n")
    click.echo(f"error {error.code}: {error.message}", err=True)
    return status
