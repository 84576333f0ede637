"""What every command receives from the root group: settings, output mode, consoles, logging."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from anivault.services.settings import LoadedSettings, api_key_from_env, load_settings
from anivault.utils.logging import LoggingSession, configure_logging
from anivault.utils.masking import Masker


@dataclass(frozen=True)
class AppContext:
    loaded: LoadedSettings
    json_output: bool
    out: Console
    err: Console
    api_key: str | None
    logging: LoggingSession


def create_app(*, json_output: bool, no_color: bool, log_level: str) -> AppContext:
    """Load settings, start file logging with the key masked. Raises ConfigError on bad settings."""
    loaded = load_settings()
    api_key = api_key_from_env()
    masker = Masker(secrets=[api_key] if api_key else [], home=str(Path.home()))
    session = configure_logging(loaded.settings.log_dir, level=log_level.upper(), masker=masker)
    return AppContext(
        loaded=loaded,
        json_output=json_output,
        out=Console(file=sys.stdout, no_color=no_color, highlight=False, soft_wrap=False),
        err=Console(file=sys.stderr, no_color=no_color, highlight=False),
        api_key=api_key,
        logging=session,
    )
