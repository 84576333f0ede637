"""Options shared by several commands, defined once (each with its environment twin).

An option that overrides a setting says so in ``--help`` with the setting's environment variable
and default, both taken from the setting itself (``_setting_option``), so no help text repeats them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from anivault.cli.flags import (
    DETAILS,
    MatchFlags,
    OrganizeFlags,
    OutputFlags,
    Overrides,
    RunFlags,
    SourceFilter,
    setting_of,
)
from anivault.cli.output_options import F, command_output_options, compose
from anivault.services.settings_model import CHOICES, ENV_PREFIX, Settings
from anivault.services.tmdb.media_types import MEDIA_TYPES

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def _folder_option(flag: str, dest: str, help_text: str, *, required: bool = False) -> Callable[[F], F]:
    """A folder option; one that is not required may be left out (``--resume`` and
    ``--from-plan`` bring their own folders)."""
    return click.option(
        flag, dest, required=required, type=click.Path(path_type=Path, file_okay=False), help=help_text
    )


_SOURCE_HELP = "Folder of downloads to organise (read recursively)."
source_option = _folder_option("--src", "source", _SOURCE_HELP, required=True)
optional_source_option = _folder_option("--src", "source", _SOURCE_HELP)
optional_target_option = _folder_option("--dst", "target", "Library folder to organise into.")
apply_option = click.option(
    "--apply/--dry-run",
    "apply",
    default=False,
    show_default=True,
    help="Move files (--apply) or only show the plan (--dry-run, the default).",
)


def _setting_help(setting: str, default_text: str | None) -> str:
    """``[setting: NAME; env var: ANIVAULT_NAME; default: VALUE]``, the default read from Settings."""
    if default_text is None:
        default = getattr(Settings(), setting)
        whole = isinstance(default, float) and default.is_integer()
        default_text = str(int(default)) if whole else str(default)
    return f"[setting: {setting}; env var: {ENV_PREFIX}{setting.upper()}; default: {default_text}]"


def _setting_option(
    flags: type[DataclassInstance],
    flag: str,
    help_text: str,
    *,
    default_text: str | None = None,
    **kwargs: Any,
) -> Callable[[F], F]:
    """An option of the set ``flags`` that overrides a setting; None (not given) keeps the setting.

    Its environment twin is the setting's own variable, read by the settings (with its origin
    recorded), so Click is not told of it; the help text says it. A setting with a list of values
    offers the same list here."""
    name = flag.removeprefix("--").replace("-", "_")
    setting = setting_of(flags, name)
    if setting in CHOICES:
        kwargs["type"] = click.Choice(CHOICES[setting])
    full_help = f"{help_text}  {_setting_help(setting, default_text)}"
    return click.option(flag, name, default=None, help=full_help, **kwargs)


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


tuning_options = compose(
    _setting_option(
        Overrides,
        "--max-workers",
        "Lookup threads; 0 runs every stage inline (deterministic).",
        type=click.IntRange(0, 64),
    ),
    _setting_option(
        Overrides,
        "--tmdb-concurrency",
        "Simultaneous TMDB requests (separate from --max-workers).",
        type=click.IntRange(1, 32),
    ),
    _setting_option(Overrides, "--rate", "TMDB requests per second.", type=click.FloatRange(0.1, 50)),
    _setting_option(
        Overrides,
        "--lang",
        "Language of the titles written into the library, e.g. ja-JP, from TMDB's translations "
        "with the search language's title as fallback. Searching stays in the 'language' setting.",
        default_text="the search language's title",
    ),
    _setting_option(
        Overrides,
        "--cache-max-bytes",
        "Disk cap of the TMDB cache in bytes; least recently used entries go first; 0 = no cap.",
        default_text=f"{Settings().cache_max_bytes} (512 MiB)",
        type=click.IntRange(min=0),
    ),
    _folded_into("overrides", Overrides),
)


resume_option = click.option(
    "--resume",
    is_flag=True,
    help="Continue the last interrupted --apply run with its own sources, target and options.",
)
organize_options = compose(
    _setting_option(
        OrganizeFlags,
        "--action",
        "What to do with each file. A hardlink across volumes is refused per file (E-FS-CROSS-DEVICE).",
    ),
    _setting_option(
        OrganizeFlags,
        "--on-conflict",
        "A different file already at the target: skip it, add ' (2)', or fail before anything "
        "moves. Identical files are duplicates.",
    ),
    click.option(
        "--plan",
        "plan_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Write the reviewable plan (JSON) to FILE; edit it, then organize --from-plan FILE --apply.",
    ),
    _setting_option(
        OrganizeFlags,
        "--preset",
        "Naming preset: jellyfin adds [tmdbid-N], plex {tmdb-N}.",
    ),
    _setting_option(
        OrganizeFlags,
        "--template",
        "Series naming template, e.g. '{title} ({year})/Season {season:02d}/{title} "
        "S{season:02d}{episode_token}.{ext}'. "
        "Fields: title, year, season, episode_token, episode_title, tmdb_id.",
        default_text="the preset's",
    ),
    _setting_option(
        OrganizeFlags,
        "--io-pace-limit",
        "At most N file operations per minute (antivirus-heavy or network drives); 0 = unlimited.",
        type=click.FloatRange(min=1),
    ),
    _setting_option(
        OrganizeFlags,
        "--movies-dst",
        "Movie library root, never inside --dst.",
        default_text="the folder Movies beside --dst",
        type=click.Path(file_okay=False),
    ),
    _setting_option(
        OrganizeFlags,
        "--extras",
        "NCOP/NCED/PV: into the series' extras/ folder (Plex: Other/), or kept in place.",
    ),
    click.option(
        "--prune-empty",
        is_flag=True,
        help="With --apply: remove the source folders the moves left empty "
        "(journalled; --undo brings them back).",
    ),
    click.option(
        "--accept-review",
        is_flag=True,
        default=False,
        help="Also apply the best guesses of files under review (listed with their candidates "
        "and TMDB ids); without it they are only planned. In a plan file, accept one by changing "
        'its "status" from "review" to "planned".',
    ),
    _folded_into("flags", OrganizeFlags),
)


match_options = compose(
    click.option(
        "--tmdb-id",
        type=click.IntRange(min=1),
        default=None,
        help="Every file of --src is this TMDB title (no search); see docs/matching.md for a "
        "per-folder .anivault-match.json instead.",
    ),
    click.option(
        "--tmdb-type",
        type=click.Choice(MEDIA_TYPES),
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
detail_options = compose(
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


source_filter_options = compose(
    click.option(
        "--ext",
        "extensions",
        multiple=True,
        metavar="EXT",
        help="Only these video extensions (repeat or comma-separate: --ext mkv,mp4). Default: all.",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Leave out files and folders matching GLOB (repeatable), by name at any depth "
        "('*.part', 'Specials') or by path below --src ('Show/Season 2*'). Default: none.",
    ),
    _folded_into("source_filter", SourceFilter),
)


looked_up_options = compose(tuning_options, match_options, detail_options, command_output_options)
"""The options of every command that looks files up (``run``, ``organize``, ``match``), last in
``--help``."""
organizing_options = compose(
    optional_source_option, optional_target_option, source_filter_options, apply_option, organize_options
)
"""The options ``run`` and ``organize`` share, first in ``--help``."""
run_flags = _folded_into("run_flags", RunFlags)
"""Below ``organizing_options`` and ``looked_up_options`` (so inside their folds): the folders,
``--apply`` and the folded sets of ``run`` and ``organize`` as one ``run_flags=RunFlags(...)``."""
