"""What every command receives from the root group: settings, output mode, consoles, logging."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import click
from rich.console import Console

from anivault.services.keystore import PIN_ENV_VAR, keystore_path, load_key
from anivault.services.settings import LoadedSettings, api_key_from_env, load_settings
from anivault.utils.logging import LoggingSession, configure_logging
from anivault.utils.masking import Masker


@dataclass(frozen=True)
class AppContext:
    loaded: LoadedSettings
    json_output: bool
    out: Console
    err: Console
    logging: LoggingSession

    @cached_property
    def api_key(self) -> str | None:
        """The TMDB key: environment first, else the encrypted store (asks for the PIN once).

        Resolved only by commands that talk to TMDB, so ``scan`` or ``settings path`` never ask
        for a PIN; once known, the key is added to the log masker.
        """
        key = api_key_from_env()
        store = keystore_path(self.loaded.settings.home_dir)
        if key is None and store.exists():
            key = load_key(store, ask_pin())
        if key:
            self.logging.set_masker(masker_for(key))
        return key


def ask_pin(*, confirm: bool = False) -> str:
    """``ANIVAULT_PIN`` if set, else a hidden prompt on stderr (stdout stays NDJSON-clean)."""
    pin = os.environ.get(PIN_ENV_VAR)
    if pin:
        return pin
    return str(
        click.prompt("PIN for the TMDB key store", hide_input=True, confirmation_prompt=confirm, err=True)
    )


def masker_for(api_key: str | None) -> Masker:
    return Masker(secrets=[api_key] if api_key else [], home=str(Path.home()))


def create_app(*, json_output: bool, no_color: bool, log_level: str) -> AppContext:
    """Load settings, start file logging with the key masked. Raises ConfigError on bad settings."""
    loaded = load_settings()
    session = configure_logging(
        loaded.settings.log_dir, level=log_level.upper(), masker=masker_for(api_key_from_env())
    )
    return AppContext(
        loaded=loaded,
        json_output=json_output,
        out=Console(file=sys.stdout, no_color=no_color, highlight=False, soft_wrap=False),
        err=Console(file=sys.stderr, no_color=no_color, highlight=False),
        logging=session,
    )
