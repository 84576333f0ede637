"""The ``anivault`` root command and the single place errors become messages and exit codes.

Start-up stays light: a command's module is imported only when that command runs or shows its help
(``COMMANDS``), and the command modules import what their work needs when they run, so
``--version`` and every ``--help`` never load rich, requests, the TMDB client, the parser or core.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from typing import NamedTuple, cast

import click

from anivault import version_line
from anivault.cli import exit_codes
from anivault.cli.output_options import output_options
from anivault.cli.streams import prepare_std_streams
from anivault.errors import AniVaultError, InterruptedRunError, UsageError


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version`` after other options (``anivault --json --version``); ``anivault --version``
    alone is answered before Click is loaded (``anivault.__main__``)."""
    if value and not ctx.resilient_parsing:
        click.echo(version_line())
        ctx.exit()


HELP_ONLY = "anivault.help_only"
"""``ctx.meta`` key: the command line is ``COMMAND [SUBCOMMAND] --help``, which needs no settings or
logging."""


class CommandEntry(NamedTuple):
    """A command of ``anivault``: where it is defined, and the summary ``anivault --help`` lists.

    The summary is the first sentence of the command's own help (a test holds them equal): the
    list is printed without importing every command module and the options they build."""

    module: str
    attribute: str
    summary: str


COMMANDS = {
    "cache": CommandEntry(
        "anivault.cli.commands.cache",
        "cache_group",
        "Inspect and maintain the TMDB cache (in the AniVault home; `anivault settings path` shows it).",
    ),
    "match": CommandEntry(
        "anivault.cli.commands.match",
        "match_command",
        "Match every video below --src against TMDB and list the results, without planning moves.",
    ),
    "organize": CommandEntry(
        "anivault.cli.commands.organize",
        "organize_command",
        "Organise a download folder into the library, with a reviewable plan and an undo journal.",
    ),
    "run": CommandEntry(
        "anivault.cli.commands.run",
        "run_command",
        "Scan, match against TMDB and plan (or, with --apply, perform) the moves.",
    ),
    "scan": CommandEntry(
        "anivault.cli.commands.scan",
        "scan_command",
        "List the video files below --src with their sidecars; touches nothing, needs no TMDB key.",
    ),
    "settings": CommandEntry(
        "anivault.cli.commands.settings",
        "settings_group",
        "Inspect and change settings (environment, then anivault.toml beside the binary, then "
        "config.toml in the AniVault home, then defaults).",
    ),
    "status": CommandEntry(
        "anivault.cli.commands.status",
        "status_command",
        "Show the last run's snapshot: when, what, counts, journal and logs, resumable or not.",
    ),
    "titles": CommandEntry(
        "anivault.cli.commands.titles",
        "titles_command",
        "Show every TMDB series, season or movie TITLE is released as, from the title index.",
    ),
}


class RootGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        # the group's callback runs before the command parses its own arguments, so it is told here
        ctx.meta[HELP_ONLY] = _asks_only_for_help(ctx.args)
        return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        return cast(click.Command, getattr(importlib.import_module(entry.module), entry.attribute))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's own list, of stand-ins that carry only the summaries."""
        listed = [click.Command(name, help=entry.summary) for name, entry in COMMANDS.items()]
        click.Group(commands=listed).format_commands(ctx, formatter)


def _asks_only_for_help(args: list[str]) -> bool:
    """What follows the command's name ends in ``--help`` and holds no option before it: an option
    could take ``--help`` as its value (``--src --help``), and then the command would run."""
    *before, last = args or [""]
    return last in ("--help", "-h") and not any(arg.startswith("-") for arg in before)


@click.group(
    cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@output_options
@click.pass_context
def cli(ctx: click.Context, json_output: bool, no_color: bool, log_level: str) -> None:
    """Organise anime downloads into a media-server-ready library, matched against TMDB.

    Dry-run is the default: nothing moves until you add --apply.

    \b
    Example:
      anivault run --src ~/Downloads/anime --dst ~/Media/Anime
    """
    if ctx.meta.get(HELP_ONLY):  # ``anivault COMMAND --help``: no settings, no log files
        return
    from anivault.cli.app import create_app  # noqa: PLC0415 (file logging is loaded by commands that run)

    app = create_app(json_output=json_output, no_color=no_color, log_level=log_level)
    ctx.call_on_close(app.logging.close)
    ctx.obj = app


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run Click, map every outcome to an exit status.

    A reader that closes stdout early (``anivault --json scan ... | head -1``) ends the program
    quietly with status 0, the reader's choice rather than a failure; Click's own handling of a
    closed pipe (status 1) is bypassed by invoking the group directly.
    """
    args = sys.argv[1:] if argv is None else argv
    json_output = "--json" in args
    prepare_std_streams(json_output=json_output)
    threading.excepthook = _quiet_when_stdout_closed
    try:
        status = _invoke(args, json_output)
    except BrokenPipeError:
        status = _stdout_closed()
    sys.exit(status)


def _invoke(args: list[str], json_output: bool) -> int:
    try:
        with cli.make_context("anivault", list(args)) as ctx:
            status = cli.invoke(ctx)
    except click.exceptions.Exit as done:
        status = done.exit_code
    except click.ClickException as exc:
        exc.show()
        status = exit_codes.USAGE
        if json_output:  # a usage error Click caught ends the NDJSON stream like any other failure
            _error_line(UsageError.code, exc.format_message(), status)
    except click.exceptions.Abort:
        status = _fail(InterruptedRunError("aborted"), json_output)
    except (KeyboardInterrupt, EOFError):
        status = _fail(InterruptedRunError("interrupted by Ctrl+C; nothing half-moved"), json_output)
    except AniVaultError as exc:
        status = _fail(exc, json_output)
    return status if isinstance(status, int) else exit_codes.OK


def _fail(error: AniVaultError, json_output: bool) -> int:
    status = exit_codes.for_error(error)
    click.echo(f"error {error.code}: {error.message}", err=True)  # first: stdout may be closed
    if json_output:
        _error_line(error.code, error.message, status)
    return status


def _error_line(code: str, message: str, status: int) -> None:
    """The closing ``run.error`` event, written at once (it is not a per-file event)."""
    from anivault.cli.events import RunErrorEvent  # noqa: PLC0415 (start-up stays light)
    from anivault.cli.render import NdjsonReporter  # noqa: PLC0415

    NdjsonReporter().emit(RunErrorEvent(code, message, status))


def _stdout_closed() -> int:
    """Point stdout at the null device, so the interpreter's last flush of what is still buffered
    does not fail again (and print) on the way out."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return exit_codes.OK


def _quiet_when_stdout_closed(hook_args: threading.ExceptHookArgs) -> None:
    """A thread writing to stdout (the NDJSON ticker) that finds it closed: the rest of the output
    goes nowhere and the main thread ends normally, instead of a traceback on stderr."""
    if hook_args.exc_type is BrokenPipeError:
        _stdout_closed()
        return
    threading.__excepthook__(hook_args)
