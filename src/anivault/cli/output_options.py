"""The output options (``--json``, ``--no-color``, ``--log-level``): the root group's, and the same
again after a command's name.

Apart from ``options.py`` because ``anivault --help`` shows the root's: this module needs only Click,
not the settings' defaults and option sets the commands' options are built from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def compose(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator that applies ``decorators`` as if stacked in this order above a function."""

    def apply(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


output_options = compose(
    click.option(
        "--json",
        "json_output",
        is_flag=True,
        envvar="ANIVAULT_JSON",
        show_envvar=True,
        help="Print only NDJSON events on stdout.",
    ),
    click.option(
        "--no-color", is_flag=True, envvar="NO_COLOR", show_envvar=True, help="No colours or styles."
    ),
    click.option(
        "--log-level",
        type=click.Choice(LOG_LEVELS, case_sensitive=False),
        default="INFO",
        envvar="ANIVAULT_LOG_LEVEL",
        show_envvar=True,
        show_default=True,
        help="Level of the file logs.",
    ),
)


def _add_to_app(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """Fold an output option given after the command name into the root's AppContext."""
    if value and ctx.obj is not None:
        ctx.obj = ctx.obj.with_output(**{str(param.name): value})


# The root's output options again, for each command: `anivault run --json` == `anivault --json run`.
command_output_options = compose(
    click.option(
        "--json",
        "json_output",
        is_flag=True,
        expose_value=False,
        callback=_add_to_app,
        help="Print only NDJSON events on stdout (also accepted before the command).",
    ),
    click.option(
        "--no-color", is_flag=True, expose_value=False, callback=_add_to_app, help="No colours or styles."
    ),
    click.option(
        "--log-level",
        type=click.Choice(LOG_LEVELS, case_sensitive=False),
        default=None,
        expose_value=False,
        callback=_add_to_app,
        help="Level of the file logs (overrides the one given before the command).",
    ),
)
