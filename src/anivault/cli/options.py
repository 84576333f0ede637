"""Options shared by several commands, defined once (each with its environment twin)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _compose(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


output_options = _compose(
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
        type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
        default="INFO",
        envvar="ANIVAULT_LOG_LEVEL",
        show_envvar=True,
        show_default=True,
        help="Level of the file logs.",
    ),
)

source_option = click.option(
    "--src",
    "source",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of downloads to organise (read recursively).",
)
target_option = click.option(
    "--dst",
    "target",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Library folder to organise into.",
)
apply_option = click.option(
    "--apply/--dry-run",
    "apply",
    default=False,
    show_default=True,
    help="Move files (--apply) or only show the plan (--dry-run, the default).",
)
tuning_options = _compose(
    click.option(
        "--max-workers",
        type=click.IntRange(0, 64),
        default=None,
        envvar="ANIVAULT_MAX_WORKERS",
        show_envvar=True,
        help="Lookup threads; 0 runs every stage inline (deterministic).",
    ),
    click.option(
        "--tmdb-concurrency",
        type=click.IntRange(1, 32),
        default=None,
        help="Simultaneous TMDB requests (separate from --max-workers).",
    ),
    click.option("--rate", type=click.FloatRange(0.1, 50), default=None, help="TMDB requests per second."),
    click.option("--lang", default=None, help="TMDB language for titles, e.g. en-US, ja-JP."),
)
