"""``anivault settings``: show (with origins), get, set, path; and the encrypted TMDB key store.

Events, the key store and the TOML writer are imported inside the functions that use them:
``settings … --help`` loads this module and should cost no more than Click.
"""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import click

from anivault.cli.output_options import command_output_options
from anivault.errors import UsageError
from anivault.services.settings_model import Settings

if TYPE_CHECKING:
    from anivault.cli.app import AppContext

if TYPE_CHECKING:
    from anivault.core.events import Event


@click.group("settings")
@command_output_options
def settings_group() -> None:
    """Inspect and change settings (environment, then anivault.toml beside the binary, then
    config.toml in the AniVault home, then defaults).

    \b
    Example:
      anivault settings show
      anivault settings set tmdb_rate 20
    """


@settings_group.command("show")
@command_output_options
@click.pass_obj
def show_command(app: AppContext) -> int:
    """Every setting with its value and where it came from, and whether a TMDB key is set (and
    from where; never the key itself).

    \b
    Example:
      anivault settings show
    """
    from anivault.cli.events import KeyOrigin, SettingValue

    for name in (f.name for f in fields(Settings)):
        value, origin = getattr(app.loaded.settings, name), app.loaded.origins[name]
        _say(app, SettingValue(name, value, origin), f"{name} = {value!r}  # {origin}")
    from anivault.services.keystore import key_origin

    where = key_origin(os.environ, app.loaded.settings.home_dir)
    shown = f"tmdb_key = {'set' if where else 'not set'}  # {where or 'none'}"
    _say(app, KeyOrigin(where), shown)
    return 0


@settings_group.command("get")
@click.argument("name")
@command_output_options
@click.pass_obj
def get_command(app: AppContext, name: str) -> int:
    """Print one setting's value.

    \b
    Example:
      anivault settings get tmdb_rate
    """
    from anivault.cli.events import SettingValue

    if name not in app.loaded.origins:
        raise UsageError(f"unknown setting {name}; see anivault settings show")
    value, origin = getattr(app.loaded.settings, name), app.loaded.origins[name]
    _say(app, SettingValue(name, value, origin), str(value))
    return 0


@settings_group.command("set")
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.option(
    "--tmdb-key",
    "tmdb_key",
    is_flag=True,
    help="Store the TMDB key encrypted under a PIN of at least 6 characters: the key is read from "
    "stdin (hidden prompt on a terminal), the PIN from ANIVAULT_PIN (else a hidden prompt).",
)
@click.option(
    "--tmdb-key-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Store the TMDB key read from this file (as --tmdb-key does from stdin).",
)
@command_output_options
@click.pass_obj
def set_command(
    app: AppContext, name: str | None, value: str | None, tmdb_key: bool, tmdb_key_file: Path | None
) -> int:
    """Write NAME = VALUE into config.toml in the AniVault home (validated, atomic), or store the
    TMDB key.

    \b
    Example:
      anivault settings set language ja-JP
      ANIVAULT_PIN=246813 anivault settings set --tmdb-key < key.txt
    """
    if tmdb_key or tmdb_key_file is not None:
        if name or value:
            raise UsageError("settings set --tmdb-key takes no NAME or VALUE")
        return _store_key(app, tmdb_key_file)
    if name is None or value is None:
        raise UsageError("usage: anivault settings set NAME VALUE  (or --tmdb-key)")
    from anivault.cli.events import SettingSet
    from anivault.services.settings import set_setting, user_config_path

    path = user_config_path()
    stored = set_setting(path, name, value)
    origin = app.loaded.origins.get(name, "default")
    _say(app, SettingSet(name, stored, path), f"{name} = {stored!r} in {path}")
    if origin.startswith("env:") or (origin != "default" and origin != str(path)):
        app.err.print(f"note: {name} is still overridden by {origin}", markup=False)
    return 0


def _store_key(app: AppContext, key_file: Path | None) -> int:
    """The key from ``key_file``, from piped stdin, or from a hidden prompt on a terminal (a hidden
    prompt on a pipe would warn that it cannot hide the input)."""
    if key_file is not None:
        key = key_file.read_text(encoding="utf-8").strip()
    elif sys.stdin.isatty():
        key = str(click.prompt("TMDB API key", hide_input=True, err=True)).strip()
    else:
        key = sys.stdin.read().strip()
    if not key:
        raise UsageError("empty TMDB key")
    from anivault.cli.app import ask_pin
    from anivault.cli.events import KeyStored
    from anivault.services.keystore import keystore_path, store_key

    path = keystore_path(app.loaded.settings.home_dir)
    store_key(path, key, ask_pin(confirm=True))
    _say(app, KeyStored(path), f"TMDB key stored encrypted in {path}")
    return 0


@settings_group.command("path")
@command_output_options
@click.pass_obj
def path_command(app: AppContext) -> int:
    """Where settings, key store, cache, logs and run state live.

    \b
    Example:
      anivault settings path
    """
    from anivault.cli.events import SettingsPath
    from anivault.services.keystore import keystore_path
    from anivault.services.settings import config_files

    settings = app.loaded.settings
    places = {
        **{f"config[{rank}]": path for rank, path in enumerate(config_files(os.environ))},
        "home": settings.home_dir,
        "key_store": keystore_path(settings.home_dir),
        "cache": settings.cache_dir,
        "logs": settings.log_dir,
        "state": settings.state_dir,
    }
    for name, where in places.items():
        _say(app, SettingsPath(name, where), f"{name:<10} {where}")
    return 0


def _say(app: AppContext, event: Event, text: str) -> None:
    """``event`` under ``--json``, else ``text``."""
    if app.json_output:
        from anivault.cli.render import NdjsonReporter

        NdjsonReporter().emit(event)
    else:
        click.echo(text)
