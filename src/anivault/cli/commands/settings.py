"""``anivault settings``: show (with origins), get, set, path; and the encrypted TMDB key store."""

from __future__ import annotations

import os
from dataclasses import fields

import click

from anivault.cli.app import AppContext, ask_pin
from anivault.cli.options import command_output_options
from anivault.cli.render import NdjsonReporter
from anivault.core.events import Event
from anivault.errors import UsageError
from anivault.services.keystore import keystore_path, store_key
from anivault.services.settings import Settings, config_files, set_setting, user_config_path


@click.group("settings")
@command_output_options
def settings_group() -> None:
    """Inspect and change settings (env → {exe_dir}/anivault.toml → {home}/config.toml → defaults).

    \b
    Example:
      anivault settings show
      anivault settings set tmdb_rate 20
    """


@settings_group.command("show")
@command_output_options
@click.pass_obj
def show_command(app: AppContext) -> int:
    """Every setting with its value and where it came from (env:NAME, a file, or default).

    \b
    Example:
      anivault settings show
    """
    for name in (f.name for f in fields(Settings)):
        value, origin = getattr(app.loaded.settings, name), app.loaded.origins[name]
        _say(
            app, "value", {"name": name, "value": value, "origin": origin}, f"{name} = {value!r}  # {origin}"
        )
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
    if name not in app.loaded.origins:
        raise UsageError(f"unknown setting {name}; see anivault settings show")
    value, origin = getattr(app.loaded.settings, name), app.loaded.origins[name]
    _say(app, "value", {"name": name, "value": value, "origin": origin}, str(value))
    return 0


@settings_group.command("set")
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.option(
    "--tmdb-key",
    "tmdb_key",
    is_flag=True,
    help="Store the TMDB key encrypted under a PIN (key and PIN are asked for, hidden).",
)
@command_output_options
@click.pass_obj
def set_command(app: AppContext, name: str | None, value: str | None, tmdb_key: bool) -> int:
    """Write NAME = VALUE into {home}/config.toml (validated, atomic), or store the TMDB key.

    \b
    Example:
      anivault settings set language ja-JP
      ANIVAULT_PIN=1234 anivault settings set --tmdb-key < key.txt
    """
    if tmdb_key:
        if name or value:
            raise UsageError("settings set --tmdb-key takes no NAME or VALUE")
        key = str(click.prompt("TMDB API key", hide_input=True, err=True)).strip()
        if not key:
            raise UsageError("empty TMDB key")
        path = keystore_path(app.loaded.settings.home_dir)
        store_key(path, key, ask_pin(confirm=True))
        _say(app, "key_stored", {"path": str(path)}, f"TMDB key stored encrypted in {path}")
        return 0
    if name is None or value is None:
        raise UsageError("usage: anivault settings set NAME VALUE  (or --tmdb-key)")
    path = user_config_path()
    stored = set_setting(path, name, value)
    origin = app.loaded.origins.get(name, "default")
    _say(app, "set", {"name": name, "value": stored, "path": str(path)}, f"{name} = {stored!r} in {path}")
    if origin.startswith("env:") or (origin != "default" and origin != str(path)):
        app.err.print(f"note: {name} is still overridden by {origin}", markup=False)
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
    settings = app.loaded.settings
    places = {
        **{f"config[{rank}]": str(path) for rank, path in enumerate(config_files(os.environ))},
        "home": str(settings.home_dir),
        "key_store": str(keystore_path(settings.home_dir)),
        "cache": str(settings.cache_dir),
        "logs": str(settings.log_dir),
        "state": str(settings.state_dir),
    }
    for name, where in places.items():
        _say(app, "path", {"name": name, "path": where}, f"{name:<10} {where}")
    return 0


def _say(app: AppContext, event: str, fields_: dict[str, object], text: str) -> None:
    if app.json_output:
        NdjsonReporter().emit(Event("settings", event, fields_))
    else:
        click.echo(text)
