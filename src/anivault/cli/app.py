"""What every command receives from the root group: settings, output mode, consoles, logging.

rich, the key store and file logging are imported where they are first used, not here: every
``--help`` loads this module (the ``settings`` command uses ``ask_pin``) and must start instantly.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from anivault.errors import KeyStorePinError
from anivault.services.settings import LoadedSettings, api_key_from_env, load_settings

if TYPE_CHECKING:
    from rich.console import Console

    from anivault.utils.logging import LoggingSession
    from anivault.utils.masking import Masker


@dataclass(frozen=True)
class AppContext:
    loaded: LoadedSettings
    json_output: bool
    no_color: bool
    logging: LoggingSession

    @cached_property
    def out(self) -> Console:
        return _console(sys.stdout, no_color=self.no_color)

    @cached_property
    def err(self) -> Console:
        return _console(sys.stderr, no_color=self.no_color)

    @cached_property
    def api_key(self) -> str | None:
        """The TMDB key: environment first, else the encrypted store (asks for the PIN once).

        Resolved only by commands that talk to TMDB, so ``scan`` or ``settings path`` never ask
        for a PIN; once known, the key is added to the log masker.
        """
        from anivault.services.keystore import keystore_path, load_key  # noqa: PLC0415 (module docstring)

        key = api_key_from_env()
        store = keystore_path(self.loaded.settings.home_dir)
        if key is None and store.exists():
            key = load_key(store, ask_pin())
        if key:
            self.logging.set_masker(masker_for(key))
        return key

    def with_output(
        self, *, json_output: bool = False, no_color: bool = False, log_level: str | None = None
    ) -> AppContext:
        """This context with output options given after the command name (``anivault run --json``);
        each one given there adds to (never undoes) the same option given before it."""
        if log_level is not None:
            self.logging.set_level(log_level.upper())
        return replace(self, json_output=self.json_output or json_output, no_color=self.no_color or no_color)


def ask_pin(*, confirm: bool = False) -> str:
    """``ANIVAULT_PIN`` if set, else a hidden prompt on the terminal (stderr: stdout stays
    NDJSON-clean). Raises KeyStorePinError without either: a hidden prompt on a pipe would read
    the PIN from whatever is piped in, and warn that it cannot hide it."""
    from anivault.services.keystore import PIN_ENV_VAR  # noqa: PLC0415 (module docstring)

    pin = os.environ.get(PIN_ENV_VAR)
    if pin:
        return pin
    if not sys.stdin.isatty():
        raise KeyStorePinError(f"the TMDB key store needs its PIN: no terminal to ask on; set {PIN_ENV_VAR}")
    return str(
        click.prompt("PIN for the TMDB key store", hide_input=True, confirmation_prompt=confirm, err=True)
    )


def masker_for(api_key: str | None) -> Masker:
    from anivault.utils.masking import Masker  # noqa: PLC0415 (module docstring)

    return Masker(secrets=[api_key] if api_key else [], home=str(Path.home()))


def create_app(*, json_output: bool, no_color: bool, log_level: str) -> AppContext:
    """Load settings, start file logging with the key masked. Raises ConfigError on bad settings."""
    from anivault.utils.logging import configure_logging  # noqa: PLC0415 (module docstring)

    loaded = load_settings()
    session = configure_logging(
        loaded.settings.log_dir,
        level=log_level.upper(),
        masker=masker_for(api_key_from_env()),
        keep_days=loaded.settings.log_keep_days,
    )
    return AppContext(loaded=loaded, json_output=json_output, no_color=no_color, logging=session)


def _console(stream: TextIO, *, no_color: bool) -> Console:
    from anivault.cli.console import make_console  # noqa: PLC0415 (module docstring)

    return make_console(stream, no_color=no_color)
