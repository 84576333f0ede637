"""Options shared by several commands, defined once (each with its environment twin)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from anivault.cli.flags import DETAILS, MatchFlags, OrganizeFlags, OutputFlags, Overrides

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

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


def _add_to_app(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """Fold an output option given after the command name into the root's AppContext."""
    if value and ctx.obj is not None:
        ctx.obj = ctx.obj.with_output(**{str(param.name): value})


# The root's output options again, for each command: `anivault run --json` == `anivault --json run`.
command_output_options = _compose(
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
        type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
        default=None,
        expose_value=False,
        callback=_add_to_app,
        help="Level of the file logs (overrides the one given before the command).",
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


def _folded_into(name: str, cls: type[DataclassInstance]) -> Callable[[F], F]:
    """Hand the command one ``name=cls(...)`` instead of a parameter per option of the set, so the
    commands sharing a set do not each repeat its parameter list. ``cls``'s field names are the
    options' Click parameter names: a field without its option fails on the first invocation."""
    option_names = tuple(field.name for field in fields(cls))

    def fold(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {option: kwargs.pop(option) for option in option_names}
            return func(*args, **{name: cls(**values)}, **kwargs)

        return cast(F, command)

    return fold


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
    click.option(
        "--lang",
        default=None,
        help="Language of the titles written into the library, e.g. ja-JP, from TMDB's translations "
        "with the search language's title as fallback [setting: title_language]. "
        "Searching stays in the 'language' setting.",
    ),
    click.option(
        "--cache-max-bytes",
        type=click.IntRange(min=0),
        default=None,
        help="Disk cap of the TMDB cache in bytes; least recently used entries go first "
        "[setting: cache_max_bytes; default 512 MiB; 0 = no cap].",
    ),
    _folded_into("overrides", Overrides),
)


def _folder_option(flag: str, dest: str, help_text: str) -> Callable[[F], F]:
    """A folder option that may be left out (``--resume``, ``--from-plan`` bring their own)."""
    return click.option(
        flag, dest, default=None, type=click.Path(path_type=Path, file_okay=False), help=help_text
    )


optional_source_option = _folder_option(
    "--src", "source", "Folder of downloads to organise (read recursively)."
)
optional_target_option = _folder_option("--dst", "target", "Library folder to organise into.")
resume_option = click.option(
    "--resume",
    is_flag=True,
    help="Continue the last interrupted --apply run with its own sources, target and options.",
)
organize_options = _compose(
    click.option(
        "--action",
        type=click.Choice(["move", "copy", "hardlink", "symlink"]),
        default=None,
        help="What to do with each file [setting: action; default move]. "
        "A hardlink across devices becomes a copy, and the plan says so.",
    ),
    click.option(
        "--on-conflict",
        type=click.Choice(["skip", "index", "fail"]),
        default=None,
        help="A different file already at the target: skip it, add ' (2)', or fail before "
        "anything moves [setting: on_conflict; default skip]. Identical files are duplicates.",
    ),
    click.option(
        "--plan",
        "plan_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Write the reviewable plan (JSON) to FILE; edit it, then organize --from-plan FILE --apply.",
    ),
    click.option(
        "--preset",
        type=click.Choice(["default", "jellyfin", "plex", "kodi"]),
        default=None,
        help="Naming preset [setting: naming_preset]: jellyfin adds [tmdbid-N], plex {tmdb-N}.",
    ),
    click.option(
        "--template",
        default=None,
        help="Series naming template, e.g. '{title} ({year})/Season {season:02d}/{title} "
        "S{season:02d}{episode_token}.{ext}' [setting: naming_template]. "
        "Fields: title, year, season, episode_token, tmdb_id.",
    ),
    click.option(
        "--io-pace-limit",
        type=click.FloatRange(min=1),
        default=None,
        help="At most N file operations per minute (antivirus-heavy or network drives) "
        "[setting: io_pace_limit; 0 = unlimited].",
    ),
    _folded_into("flags", OrganizeFlags),
)


match_options = _compose(
    click.option(
        "--tmdb-id",
        type=click.IntRange(min=1),
        default=None,
        help="Every file of --src is this TMDB title (no search); see docs/matching.md for a "
        "per-folder .anivault-match.json instead.",
    ),
    click.option(
        "--tmdb-type",
        type=click.Choice(["tv", "movie"]),
        default=None,
        help="What --tmdb-id names [default: tv].",
    ),
    click.option(
        "--season-offset",
        type=int,
        default=None,
        help="Add N to the season each name gives (1 when none): a cour TMDB files as a later season.",
    ),
    click.option(
        "--pick",
        multiple=True,
        metavar="PATH=ID",
        help="This file or folder of --src is TMDB title ID (PATH=movie:ID for a movie); "
        "repeatable. Resolves files left for review or unmatched, e.g. --pick 'Shaman King/=40143'.",
    ),
    click.option(
        "--interactive",
        is_flag=True,
        help="Ask, folder by folder, which TMDB title the unmatched or doubtful files are "
        "(a number, an id, or skip); the answers go into the plan. Needs a terminal.",
    ),
    _folded_into("match_flags", MatchFlags),
)

# How much of a run a person reads (run, organize, match): one value, three ways to say it.
detail_options = _compose(
    click.option(
        "--show",
        type=click.Choice(DETAILS),
        default=None,
        help="What to print at the end: the summary only, a line per series (the default), "
        "or a line per file.",
    ),
    click.option("-v", "--verbose", is_flag=True, help="A line per file: the same as --show files."),
    click.option(
        "-q", "--quiet", is_flag=True, help="No progress; only the summary and errors (--show summary)."
    ),
    _folded_into("output", OutputFlags),
)
